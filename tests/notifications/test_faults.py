"""Reliability under faults, with real servers: a Redis outage and a killed worker.

Each test starts a Redis server of its own (``spare_redis``), so stopping it
never disturbs anything else, and Celery publishes to a private queue on it.
"""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app
from notifications import services, tasks
from notifications.models import EmailStatus, OutboundEmail
from submissions import services as submission_services
from submissions.models import Status, Submission
from tests.credentials.factories import CredentialFactory
from tests.notifications.conftest import celery_on, wait_for
from tests.submissions.factories import ALL_ATTESTATIONS, pdf_upload


def _idle(server, queue: str) -> bool:
    """Nothing waiting in the queue and nothing taken but unacknowledged."""
    client = server.client()
    return client.llen(queue) == 0 and client.hlen("unacked") == 0


def _form(draft, **extra):
    data = {"version": draft.version, "action": "save"}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = "a few words here"
    data.update(extra)
    return data


@pytest.mark.django_db(transaction=True)
def test_a_learner_submits_while_redis_is_down_and_the_email_goes_out_once_it_is_back(
    spare_redis, learner, learner_client
):
    draft, _ = submission_services.submission_apply(learner=learner, credential=CredentialFactory())
    requirement = draft.credential.evidence_requirements.get()

    with celery_on(app, spare_redis.url) as queue:
        spare_redis.stop()

        saved = learner_client.post(
            draft.get_absolute_url(),
            _form(draft, files=[pdf_upload()], file_requirement=requirement.pk),
        )
        assert saved.status_code == 302
        draft.refresh_from_db()
        submitted = learner_client.post(
            draft.get_absolute_url(),
            _form(
                draft,
                action="submit",
                **{f"attest_{kind}": "on" for kind in ALL_ATTESTATIONS},
            ),
        )

        assert submitted.status_code == 302
        submission = Submission.objects.get(pk=draft.pk)
        assert submission.status == Status.IN_REVIEW
        email = OutboundEmail.objects.get(key=f"submission-received:{submission.pk}")
        assert email.status == EmailStatus.PENDING
        assert mail.outbox == []

        spare_redis.start()
        # A minute later the periodic sweep finds the email still pending.
        OutboundEmail.objects.filter(status=EmailStatus.PENDING).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        pending = OutboundEmail.objects.filter(status=EmailStatus.PENDING).count()
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            tasks.deliver_pending.delay()
            assert wait_for(
                lambda: not OutboundEmail.objects.filter(status=EmailStatus.PENDING).exists()
            ), "the sweep's tasks were not delivered"
            # A task delivered again, and the next sweep, send nothing more.
            tasks.deliver_email.delay(email.pk)
            tasks.deliver_pending.delay()
            assert wait_for(lambda: _idle(spare_redis, queue))

    received = [m for m in mail.outbox if submission.reference in m.subject]
    assert len(received) == 1
    assert received[0].to == [learner.email]
    assert len(mail.outbox) == pending
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1


WORKER_APP = "tests.notifications.worker_app"


def _worker(spare_redis, queue: str, workdir: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": spare_redis.url,
        "TEST_WORKDIR": str(workdir),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            WORKER_APP,
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "worker.log", "ab"),  # noqa: SIM115 - closed with the process
    )


def _runs(workdir: Path) -> list[tuple[str, int]]:
    """(task id, worker pid) for each deliver_email task a worker finished."""
    log = workdir / "runs.log"
    if not log.exists():
        return []
    return [
        (task_id, int(pid))
        for task_id, pid in (line.split() for line in log.read_text().splitlines())
    ]


def _sent_files(workdir: Path) -> list[Path]:
    return sorted((workdir / "mail").glob("*.log"))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker processes must reach the test database",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_acknowledging_loses_no_task_and_sends_once(
    spare_redis, learner, tmp_path
):
    """The first worker sends and commits, then is killed (SIGKILL) before it
    acknowledges the message; with acks_late the message is delivered again to
    a second worker, which finds ``sent_at`` set and sends nothing."""
    (tmp_path / "mail").mkdir()
    hold = tmp_path / "hold"
    hold.touch()  # the first worker stops after the task, before the ack
    with celery_on(app, spare_redis.url) as queue:
        first = _worker(spare_redis, queue, tmp_path)
        second = None
        try:
            email = OutboundEmail.objects.create(
                to=[learner.email], template="test", subject="Hello", body_text="Plain"
            )
            assert services.email_publish(email_ids=[email.pk]) == 1
            assert wait_for(lambda: _runs(tmp_path), seconds=30), (
                tmp_path / "worker.log"
            ).read_text()
            [(task_id, pid)] = _runs(tmp_path)
            assert pid == first.pid
            email.refresh_from_db()
            assert email.status == EmailStatus.SENT
            assert len(_sent_files(tmp_path)) == 1
            assert spare_redis.client().hlen("unacked") == 1  # taken, not acknowledged

            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            hold.unlink()
            second = _worker(spare_redis, queue, tmp_path)

            assert wait_for(lambda: len(_runs(tmp_path)) == 2, seconds=30), (
                tmp_path / "worker.log"
            ).read_text()
            assert _runs(tmp_path)[1] == (task_id, second.pid)  # the same task, redelivered
            assert wait_for(lambda: _idle(spare_redis, queue))
        finally:
            for worker in (first, second):
                if worker is not None and worker.poll() is None:
                    worker.terminate()
                    worker.wait(timeout=20)

    assert len(_sent_files(tmp_path)) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1
