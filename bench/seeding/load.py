"""Loading the bulky tables the fast way: without their indexes and constraints
while the rows go in, and each index built once, in one sort, afterwards.

Maintaining a dozen B-trees row by row and checking each foreign key on commit
cost more than writing the rows themselves. The definitions are read from the
catalog (``pg_get_constraintdef``, ``pg_get_indexdef``) and put back exactly,
under their own names, so the schema after a seed is the one the migrations
built; putting a foreign key back checks every row against its parent. Runs
inside the caller's transaction: if anything fails, nothing was dropped.
"""

from __future__ import annotations

import collections
import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Memory for each index build: enough to sort the largest table in memory.
BUILD_MEMORY = "256MB"


@dataclass(frozen=True)
class Definition:
    table: str
    name: str
    sql: str  # the constraint's definition, or the whole CREATE INDEX statement


@dataclass(frozen=True)
class Schema:
    """What comes off the tables for the load, in the order it goes back."""

    keys: list[Definition]  # primary keys and unique constraints
    indexes: list[Definition]  # every other index
    foreign_keys: list[Definition]  # from and to the tables

    @property
    def size(self) -> int:
        return len(self.keys) + len(self.indexes) + len(self.foreign_keys)


def read_schema(tables: list[str]) -> Schema:
    """The keys, indexes and foreign keys of ``tables`` (and the foreign keys into them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.contype IN ('p', 'u', 'f')
              AND (c.conrelid = ANY(%(oids)s::regclass[])
                   OR (c.contype = 'f' AND c.confrelid = ANY(%(oids)s::regclass[])))
            ORDER BY c.conrelid::regclass::text, c.conname
            """,
            {"oids": tables},
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indrelid::regclass::text, ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE i.indrelid = ANY(%(oids)s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                              AND c.contype IN ('p', 'u', 'x'))
            ORDER BY 1, 2
            """,
            {"oids": tables},
        )
        indexes = cursor.fetchall()
    return Schema(
        keys=[Definition(t, n, d) for t, n, d, kind in constraints if kind in "pu"],
        indexes=[Definition(t, n, d) for t, n, d in indexes],
        foreign_keys=[Definition(t, n, d) for t, n, d, kind in constraints if kind == "f"],
    )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextlib.contextmanager
def bare_tables(
    models_: Iterable[type[models.Model]],
    *,
    log: Callable[[str], object] = print,
) -> Iterator[Schema]:
    """Inside: the models' tables have no indexes, keys or foreign keys (nor
    foreign keys pointing at them). Afterwards: every one of them back (the
    caller then refreshes the planner's statistics). Must run inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("The tables are stripped and rebuilt inside one transaction.")
    tables = [m._meta.db_table for m in models_]
    schema = read_schema(tables)
    with connection.cursor() as cursor:
        for d in schema.foreign_keys:
            cursor.execute(f"ALTER TABLE {_quote(d.table)} DROP CONSTRAINT {_quote(d.name)}")
        for d in schema.indexes:
            cursor.execute(f"DROP INDEX {_quote(d.name)}")
        for d in schema.keys:
            cursor.execute(f"ALTER TABLE {_quote(d.table)} DROP CONSTRAINT {_quote(d.name)}")
    yield schema
    started = time.monotonic()
    stages = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        # The check of each foreign key is one large join: compiling it with JIT
        # cost more than running it.
        cursor.execute("SET LOCAL jit = off")
        stage = time.monotonic()
        for d in schema.keys:
            cursor.execute(f"ALTER TABLE {_quote(d.table)} ADD CONSTRAINT {_quote(d.name)} {d.sql}")
        stages.append(f"keys {time.monotonic() - stage:.1f} s")
        stage = time.monotonic()
        for d in schema.indexes:
            cursor.execute(d.sql)
        stages.append(f"indexes {time.monotonic() - stage:.1f} s")
        stage = time.monotonic()
        for d in schema.foreign_keys:
            cursor.execute(f"ALTER TABLE {_quote(d.table)} ADD CONSTRAINT {_quote(d.name)} {d.sql}")
        stages.append(f"foreign keys {time.monotonic() - stage:.1f} s")
    elapsed = time.monotonic() - started
    log(
        f"  {schema.size} keys, indexes and foreign keys rebuilt: {elapsed:.1f} s "
        f"({', '.join(stages)})"
    )


def vacuum_analyze(*, workers: int = 2) -> None:
    """``VACUUM ANALYZE`` every table of the database, the largest first, on
    ``workers`` connections at once (one VACUUM works on one table in one process;
    two tables can be vacuumed side by side). Outside any transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT format('%I.%I', n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm')
              AND n.nspname NOT IN ('information_schema', 'pg_toast')
              AND n.nspname NOT LIKE 'pg_temp%'
            ORDER BY pg_total_relation_size(c.oid) DESC, 1
            """
        )
        tables = collections.deque(name for (name,) in cursor.fetchall())

    def work() -> None:
        # Each thread has a connection of its own (Django's are per thread).
        db = connections[DEFAULT_DB_ALIAS]
        try:
            with db.cursor() as cursor:
                while tables:
                    try:
                        table = tables.popleft()
                    except IndexError:
                        return
                    cursor.execute(f"VACUUM ANALYZE {table}")
        finally:
            db.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()
