"""Model queries built and compiled to SQL once per process.

A page that asks the same question on every visit (the reviewer's assignment
with its round, version, organization and framework; the designer's version
with her roles) spent longer building the queryset and compiling it to SQL
than the database spent answering: a few joins and annotations cost a
millisecond to turn into SQL, on every request, for SQL that never changes
but for the visit's values (a uuid, a user).

``CompiledQuery`` builds the queryset once, with stand-in values for what
changes, compiles it, and then only runs the SQL with each visit's values put
where the stand-ins were. Rows become model instances the way a queryset
makes them (``ModelIterable``): joined rows cached on their relations,
annotations set as attributes, field converters applied. The SQL goes through
the connection's cursor like any query, so it is counted, logged and wrapped
the same way.

The compiled form is kept per database alias; the converters of the columns
are asked of the connection that runs the query, as a queryset asks them.

On PostgreSQL the SQL is also prepared on the server, once per connection,
where the database settings allow it (``prepare_threshold`` in the
connection's options, ``DATABASE_PREPARED_STATEMENTS``): such a query's joins
and subqueries cost the planner about a millisecond on every run, several
times what running it costs. Only these queries are prepared: every other
query keeps Django's client-side binding. psycopg forgets and deallocates its
prepared statements after a rollback and a schema change.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet, UUIDField
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import Query

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Each parameter: the name of the visit's value it stands for, or None (a constant).
    slots: tuple[str | None, ...]
    constants: tuple[Any, ...]
    query: Query
    columns: list[Any]
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    related: list[Any]
    annotations: dict[str, int]


def _stand_in(field: Field) -> Any:
    """A value of the field's kind that no real row or parameter holds."""
    if isinstance(field, UUIDField):
        return uuid.uuid4()
    return -(2**62) - secrets.randbelow(2**60)


class CompiledQuery(Generic[M]):
    """``build(**values)`` compiled once; ``rows(**values)`` runs it with the visit's values.

    ``fields`` names each value ``build`` takes and the model field it is compared
    with (how a value is prepared for the database). ``build`` must use each value
    only as a query parameter (a filter or a ``RawSQL`` parameter), never to choose
    the query's shape; a value it does not pass on fails at the first compile.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **fields: Field) -> None:
        self._build = build
        self._fields = fields
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, connection: BaseDatabaseWrapper, using: str) -> _Compiled:
        stand_ins = {name: _stand_in(field) for name, field in self._fields.items()}
        queryset = self._build(**stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        known = {
            name: {value, self._fields[name].get_db_prep_value(value, connection)}
            for name, value in stand_ins.items()
        }
        slots = tuple(
            next((name for name, values in known.items() if _is_in(param, values)), None)
            for param in params
        )
        missing = set(stand_ins) - set(slots)
        if missing:
            raise ValueError(f"The query does not use {sorted(missing)} as parameters.")
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None or compiler.has_composite_fields([c[0] for c in select]):
            raise ValueError("Only queries of model instances with simple keys are compiled.")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=tuple(params),
            query=compiler.query,
            columns=[column[0] for column in select],
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            related=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def rows(self, using: str = "default", **values: Any) -> list[M]:
        """The model instances the query finds with these values, in one query."""
        connection = connections[using]
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(connection, using)
        prepared = {
            name: field.get_db_prep_value(field.to_python(values[name]), connection)
            for name, field in self._fields.items()
        }
        params = [
            constant if slot is None else prepared[slot]
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        ]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        compiler = compiled.query.get_compiler(using=using)  # no SQL built: for converters
        converters = compiler.get_converters(compiled.columns)
        rows = compiler.apply_converters(fetched, converters) if converters else fetched
        found: list[M] = []
        for row in rows:
            instance = cast("type[M]", compiled.model).from_db(
                using, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.related:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def _is_in(param: Any, values: set[Any]) -> bool:
    try:
        return param in values
    except TypeError:  # an unhashable parameter (a list): never a stand-in
        return False


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor of ``connection`` (wrapped as Django wraps its own: counted,
    logged, timed) that prepares what it runs where the connection allows it:
    a server-side binding cursor on PostgreSQL with ``prepare_threshold`` set,
    the connection's usual cursor anywhere else."""
    if connection.vendor != "postgresql" or (
        connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None
    ):
        return connection.cursor()
    from psycopg.pq import Format

    connection.ensure_connection()
    raw = connection.connection
    timestamps = raw.adapters.get_loader(raw.adapters.types["timestamptz"].oid, Format.TEXT)
    if getattr(timestamps, "timezone", None) != connection.timezone:
        # Django's cursors then read times in another zone (create_cursor): as they do.
        return connection.cursor()
    return connection._prepare_cursor(_PreparingCursor(raw))  # type: ignore[attr-defined]


try:
    import psycopg
except ImportError:  # PostgreSQL's driver is not installed: nothing is prepared
    pass
else:

    class _PreparingCursor(psycopg.Cursor[Any]):
        """psycopg's server-side binding cursor, whose last query Django's query
        log can read as it reads its own cursors' (``last_executed_query``): the
        SQL with its $n placeholders."""

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            result = super().execute(query, params, **options)
            self._query = self._convert_query(query, params)
            return result
