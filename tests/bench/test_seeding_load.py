"""The seed loads its bulky tables without their indexes and constraints and
puts every one of them back: pages are measured on the schema the migrations
built, and a seed that fails leaves the schema (and no rows) behind.

PostgreSQL only, like the seeder.
"""

import pytest
from django.db import connection

from bench.seeding import Seeder
from bench.seeding.load import read_schema
from bench.seeding.seeder import BULKY_MODELS, Chunk
from submissions.models import Submission

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the seeder reserves ids from PostgreSQL sequences (set DATABASE_URL)",
    ),
]

TABLES = [m._meta.db_table for m in BULKY_MODELS]


def test_a_seed_puts_back_every_index_and_constraint_it_loaded_without():
    before = read_schema(TABLES)
    assert before.indexes and before.keys and before.foreign_keys

    Seeder(scale=0.0001, log=lambda line: None).run()

    assert read_schema(TABLES) == before
    assert Submission.objects.exists()


def test_a_failed_seed_leaves_the_schema_and_no_rows(monkeypatch):
    before = read_schema(TABLES)

    def broken(chunk):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Chunk, "write", broken)
    with pytest.raises(RuntimeError):
        Seeder(scale=0.0001, log=lambda line: None).run()

    assert read_schema(TABLES) == before
    assert not Submission.objects.exists()
