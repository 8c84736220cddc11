"""The embedded default runs the periodic tasks itself: `make run` (`manage.py
serve`) runs Celery beat inside the serving process, once, and leaves nothing
behind when it stops."""

import datetime
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from assessments.models import Review
from core import periodic
from tests.assessments.factories import make_assessor, review_rows
from tests.credentials.factories import CredentialFactory

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def escalated(review_id: int) -> bool:
    try:
        return Review.objects.get(pk=review_id).escalated_at is not None
    except OperationalError:  # the test database's shared cache is busy with the sweep
        return False


@pytest.mark.django_db(transaction=True)
def test_embedded_scheduler_runs_the_sla_sweep_once_per_machine(tmp_path, monkeypatch):
    # The test database is an in-memory SQLite shared between threads, which
    # refuses a busy table at once instead of waiting: beat starts again quickly.
    monkeypatch.setattr(periodic, "RESTART_AFTER_SECONDS", 0.5)
    credential = CredentialFactory()
    overdue = review_rows(
        credential=credential,
        count=1,
        assessor=make_assessor(credential=credential),
        due_on=timezone.localdate() - datetime.timedelta(days=10),
    )[0]
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    # The migration's schedule row, every second (a transactional test may find
    # the tables flushed by an earlier one: create it then).
    PeriodicTask.objects.update_or_create(
        name="Review SLA sweep",
        defaults={
            "task": "assessments.tasks.sla_sweep",
            "interval": every_second,
            "crontab": None,
            "enabled": True,
        },
    )

    scheduler = periodic.start(path=tmp_path / "periodic.lock", max_interval=0.2)
    assert scheduler is not None
    try:
        # A second server on the same machine leaves the tasks to the first.
        assert periodic.start(path=tmp_path / "periodic.lock") is None
        assert wait_for(lambda: escalated(overdue.pk))
    finally:
        scheduler.stop()
    assert not scheduler.is_alive()
    # Once stopped, its lock is free again.
    again = periodic.start(path=tmp_path / "periodic.lock", max_interval=0.2)
    assert again is not None
    again.stop()


def interruptible() -> None:
    """Ctrl-C as in a terminal, even when the tests run where SIGINT is ignored
    (a background job inherits SIGINT ignored, and so would the server)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (the leader, our child, is
    reaped first: a zombie would still count)."""
    try:
        os.waitpid(pgid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_sweeps_on_schedule_once_across_reloads_and_leaves_nothing_on_ctrl_c(
    tmp_path,
):
    database = tmp_path / "db.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    subprocess.run(  # noqa: S603  (this interpreter, fixed arguments)
        [python, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    # The sweep every 2 seconds instead of hourly, so the test sees it run on schedule.
    with sqlite3.connect(database) as db:
        interval = db.execute(
            "INSERT INTO django_celery_beat_intervalschedule (every, period) VALUES (2, 'seconds')"
        ).lastrowid
        db.execute(
            "UPDATE django_celery_beat_periodictask SET interval_id = ?, crontab_id = NULL "
            "WHERE task = 'assessments.tasks.sla_sweep'",
            (interval,),
        )

    logs = tmp_path / "serve.log"
    second_logs = tmp_path / "second.log"
    servers = []
    try:
        with logs.open("w") as out:
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [python, "manage.py", "serve", f"127.0.0.1:{_free_port()}"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, as a terminal gives it
                    preexec_fn=interruptible,
                )
            )

        def started() -> list[int]:
            return [
                int(pid)
                for pid in re.findall(
                    r"Periodic tasks run in this process \(pid (\d+)\)", logs.read_text()
                )
            ]

        assert wait_for(lambda: len(started()) >= 1, 60), logs.read_text()
        first_pid = started()[0]
        # The reloader's watching parent never runs them: only the serving child does.
        assert first_pid != servers[0].pid
        # Generous: a loaded machine (the whole suite on two cores) slows everything.
        assert wait_for(lambda: logs.read_text().count("SLA sweep:") >= 2, 90), logs.read_text()

        # A second `make run` on the same database leaves the tasks to the first.
        with second_logs.open("w") as out:
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [python, "manage.py", "serve", "--noreload", f"127.0.0.1:{_free_port()}"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=interruptible,
                )
            )
        assert wait_for(lambda: "already run in another process" in second_logs.read_text(), 60)
        assert "Periodic tasks run in this process" not in second_logs.read_text()

        # A code change reloads: the old serving process (and its scheduler) is gone
        # before the new one starts its own.
        os.utime(ROOT / "core" / "periodic.py")
        assert wait_for(lambda: len(set(started())) >= 2, 60), logs.read_text()
        assert not _alive(first_pid)
        sweeps_before = logs.read_text().count("SLA sweep:")
        assert wait_for(lambda: logs.read_text().count("SLA sweep:") >= sweeps_before + 2, 90)
    finally:
        # Ctrl-C in a terminal interrupts the whole foreground process group.
        for server in servers:
            if _group_alive(server.pid):
                os.killpg(server.pid, signal.SIGINT)
        stopped = wait_for(lambda: not any(_group_alive(s.pid) for s in servers), 20)
        for server in servers:
            if _group_alive(server.pid):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    assert stopped, "a process outlived Ctrl-C"
    text = logs.read_text()
    # On schedule: beat sent the sweep each time it was due.
    assert "Sending due task Review SLA sweep (assessments.tasks.sla_sweep)" in text
