"""What every bulk builder shares: reserved primary keys, batched writes, the
seeded random source and the clock, and stored times on auto_now fields.

The bulky tables are written from plain rows (``Table.row``: a tuple in the
table's column order) rather than model instances: building an instance and
preparing each of its fields through Django cost more than everything else the
seed does. The few hundred catalog rows, whose instances the builders read
back, still go through ``Bulk.write``."""

from __future__ import annotations

import collections
import contextlib
import datetime
import hashlib
import json
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import DateTimeField, JSONField
from django.utils import timezone

BATCH_SIZE = 2000
SEED = 2026
DOMAIN = "bench.example.org"

WORDS = (
    "students lesson feedback formative evidence classroom learning reading writing "
    "discussion questions strategy practice goals rubric peer reflection data growth "
    "assessment math science literacy vocabulary groups inquiry model explain revise "
    "check understanding small group whole class exit ticket conference portfolio "
    "family community culture routine norms engagement choice voice support scaffold "
    "differentiate objective criteria success teacher plan unit week period grade "
    "project presentation observe notes adjust next steps impact outcomes improved"
).split()
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

K = TypeVar("K")


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve ``count`` consecutive primary keys from the table's sequence; return the first."""
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [model._meta.db_table, model._meta.pk.column],
        )
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        last = cursor.fetchone()[0]
    return last - count + 1


class Ids:
    """Hands out primary keys for one model from blocks reserved in the database,
    so children can point at their parents before anything is written."""

    def __init__(self, model: type[models.Model], block: int = 50_000) -> None:
        self.model, self.block = model, block
        self.next = self.end = 0

    def take(self) -> int:
        if self.next >= self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        value = self.next
        self.next += 1
        return value


def copy_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """COPY ``rows`` (primary keys already set) into the model's table.

    Each value is prepared as ``bulk_create`` would (``pre_save`` then
    ``get_db_prep_save``), so defaults, auto_now fields and JSON come out the same.
    """
    # The wrapper itself, not the ``connection`` proxy: the proxy's lookup per
    # value was a third of the Python time.
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields]
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with db.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([f.get_db_prep_save(f.pre_save(row, True), db) for f in fields])
    for row in rows:
        row._state.adding = False
        row._state.db = db.alias


class Encoded(str):
    """A JSON value already written as JSON text (the same for many rows, encoded once)."""


class Table:
    """A model's table as COPY sees it: its columns, in order, and what a row
    leaves out gets the field's default, as a new instance would."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        # A row is a named tuple by attname (``learner_id``, not ``learner``): its
        # generated constructor checks the names and fills in constant defaults.
        # Defaults that are made per row (a new list, a new uuid) are made after.
        per_row = [f.has_default() and callable(f.default) for f in fields]
        self._per_row = [(i, f.get_default) for i, f in enumerate(fields) if per_row[i]]
        defaults = [_LATER if per_row[i] else f.get_default() for i, f in enumerate(fields)]
        self._tuple = collections.namedtuple(  # type: ignore[misc]  # noqa: PYI024
            f"{model.__name__}Row", [f.attname for f in fields], defaults=defaults
        )
        # JSON goes in as text, written with the field's encoder.
        self._json = [(i, f.encoder) for i, f in enumerate(fields) if isinstance(f, JSONField)]
        self._fix = bool(self._per_row or self._json)

    def row(self, **values: Any) -> tuple:
        """One row from field values by attname (``learner_id``, not ``learner``)."""
        row = self._tuple(**values)
        if not self._fix:
            return row
        out = list(row)
        for i, default in self._per_row:
            if out[i] is _LATER:
                out[i] = default()
        for i, encoder in self._json:
            if type(out[i]) is not Encoded:
                out[i] = json.dumps(out[i], cls=encoder)
        return tuple(out)


# Marks a default made for each row (``Table``).
_LATER = object()


def copy_tuples(table: Table, rows: Iterable[tuple]) -> None:
    """COPY plain rows (``Table.row``) into the table."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    sql = f"COPY {quote(table.model._meta.db_table)} ({columns}) FROM STDIN"
    with db.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)


@contextlib.contextmanager
def explicit_timestamps(fields: Iterable[tuple[type[models.Model], str]]) -> Iterator[None]:
    """Let bulk_create keep the times the seed sets on auto_now(_add) fields."""
    saved = []
    for model, name in fields:
        f = cast(DateTimeField, model._meta.get_field(name))
        saved.append((f, f.auto_now, f.auto_now_add))
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


class Bulk:
    """The seeded random source, the clock, reserved ids and the batched writer.

    A fixed seed makes two runs at the same scale identical.
    """

    def __init__(self, *, seed: int = SEED) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (reproducible data, not secrets)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.counts = Counts()
        self.texts = [self.paragraph() for _ in range(400)]
        self.hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(1000)]
        self._ids: dict[type[models.Model], Ids] = {}
        self._tables: dict[type[models.Model], Table] = {}
        self._counters: dict[str, int] = {}

    def id(self, model: type[models.Model]) -> int:
        """A primary key reserved for a row of ``model``."""
        if model not in self._ids:
            self._ids[model] = Ids(model)
        return self._ids[model].take()

    def write(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        """Write ``rows`` with PostgreSQL's COPY (several times faster than INSERT
        for this volume); rows still waiting for a primary key go through
        ``bulk_create``, which reads the keys back."""
        if not rows:
            return
        if connection.vendor == "postgresql" and all(row.pk is not None for row in rows):
            copy_rows(model, rows)
        else:
            model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts.add(model._meta.label, len(rows))

    def table(self, model: type[models.Model]) -> Table:
        """The plain-row writer of ``model``'s table."""
        if model not in self._tables:
            self._tables[model] = Table(model)
        return self._tables[model]

    def copy(self, model: type[models.Model], rows: Sequence[tuple]) -> None:
        """Write plain rows (``Table.row``, primary keys set) with COPY."""
        if not rows:
            return
        copy_tuples(self.table(model), rows)
        self.counts.add(model._meta.label, len(rows))

    def paragraph(self) -> str:
        n = self.rng.randint(40, 220)
        words = [self.rng.choice(WORDS) for _ in range(n)]
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def text(self) -> str:
        return self.rng.choice(self.texts)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def code(self, prefix: str, length: int) -> str:
        """``prefix`` and the next number of its series, in the codes' alphabet."""
        counter = self._counters[prefix] = self._counters.get(prefix, 0) + 1
        chars = []
        for _ in range(length):
            counter, rest = divmod(counter, len(CODE_ALPHABET))
            chars.append(CODE_ALPHABET[rest])
        return prefix + "".join(reversed(chars))

    def pick(self, weights: dict[K, float]) -> K:
        """A key drawn with the given probabilities."""
        r = self.rng.random()
        total = 0.0
        for key, weight in weights.items():
            total += weight
            if r < total:
                return key
        return key

    def ago(
        self, low_days: float, high_days: float, before: datetime.datetime | None = None
    ) -> datetime.datetime:
        base = before or self.now
        return base - datetime.timedelta(days=self.rng.uniform(low_days, high_days))

    @staticmethod
    def weekday(day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    @staticmethod
    def at(day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
