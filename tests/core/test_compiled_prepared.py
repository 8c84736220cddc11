"""A query compiled once (``core.compiled``) is also prepared on the PostgreSQL
server, once per connection, and still reads the rows as they are now; a
rollback or the setting turned off leaves it working as a plain query."""

import pytest
from django.db import connection, transaction

from core.compiled import CompiledQuery
from credentials.models import MicroCredential
from tests.credentials.factories import CredentialFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]

QUERY = CompiledQuery(
    lambda uuid: MicroCredential.objects.select_related("organization").filter(uuid=uuid)[:1],
    uuid=MicroCredential._meta.get_field("uuid"),
)


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_compiled_query_is_prepared_once_and_reads_current_rows():
    credential = CredentialFactory(title="First title")
    assert QUERY.rows(uuid=credential.uuid)[0].title == "First title"
    assert len(_prepared()) == 1 and "credentials_microcredential" in _prepared()[0]
    credential.title = "Renamed"
    credential.save()
    found = QUERY.rows(uuid=credential.uuid)
    assert found[0].title == "Renamed"
    assert found[0].organization.name == credential.organization.name
    assert len(_prepared()) == 1  # run again, not prepared again


def test_a_rollback_leaves_the_query_working():
    credential = CredentialFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        QUERY.rows(uuid=credential.uuid)
        raise RuntimeError("undone")
    assert [row.pk for row in QUERY.rows(uuid=credential.uuid)] == [credential.pk]


def test_with_prepared_statements_off_nothing_is_prepared(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"prepare_threshold": None})
    credential = CredentialFactory()
    assert [row.pk for row in QUERY.rows(uuid=credential.uuid)] == [credential.pk]
    assert _prepared() == []
