"""The backup procedure in docs/backups.md: a pg_dump restores into a fresh
database with pg_restore, and the data is there."""

import os
import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from notifications.models import OutboundEmail
from submissions.models import Submission
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="backups are pg_dump/pg_restore (PostgreSQL)"
    ),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "createdb", "dropdb")),
        reason="needs the PostgreSQL client tools (pg_dump, pg_restore, createdb, dropdb)",
    ),
    # pg_dump runs in another session: the data must be committed, not in a test transaction.
    pytest.mark.django_db(transaction=True),
]


def _server_args(db: dict) -> list[str]:
    return [
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"] or "postgres",
    ]


def _run(*args: str, env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stderr}"


def test_a_dump_restores_into_a_fresh_database_with_the_data(learner, tmp_path):
    import psycopg

    submission = submitted_application(learner, CredentialFactory(title="Restorable Teaching"))
    counts = {
        Submission._meta.db_table: Submission.objects.count(),
        OutboundEmail._meta.db_table: OutboundEmail.objects.count(),
    }
    assert all(counts.values())

    db = connection.settings_dict
    server = _server_args(db)
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    dump = tmp_path / "backup.dump"
    fresh = f"restore_check_{uuid.uuid4().hex[:12]}"

    _run("pg_dump", *server, "--format=custom", "--no-owner", f"--file={dump}", db["NAME"], env=env)
    _run("createdb", *server, fresh, env=env)
    try:
        _run(
            "pg_restore",
            *server,
            "--no-owner",
            "--exit-on-error",
            "-d",
            fresh,
            str(dump),
            env=env,
        )
        with psycopg.connect(
            host=server[1], port=server[3], user=server[5], password=db["PASSWORD"], dbname=fresh
        ) as restored:
            for table, count in counts.items():
                assert restored.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,)  # noqa: S608
            row = restored.execute(
                "SELECT s.reference, s.status, c.title, u.email"
                " FROM submissions_submission s"
                " JOIN credentials_microcredential c ON c.id = s.credential_id"
                " JOIN accounts_user u ON u.id = s.learner_id"
                " WHERE s.uuid = %s",
                [submission.uuid],
            ).fetchone()
            assert row == (
                submission.reference,
                submission.status,
                "Restorable Teaching",
                learner.email,
            )
            email = OutboundEmail.objects.get(key=f"submission-received:{submission.pk}")
            assert restored.execute(
                "SELECT status, subject FROM notifications_outboundemail WHERE key = %s",
                [email.key],
            ).fetchone() == (email.status, email.subject)
    finally:
        _run("dropdb", *server, "--if-exists", fresh, env=env)
