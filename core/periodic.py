"""Periodic tasks inside the web server's process, for the embedded default.

Production runs Celery beat as a service of its own (docker-compose.yml). The
embedded default (``make run``: SQLite, no Redis, tasks run in-process) has
no broker for a separate worker, so ``manage.py serve`` runs Celery's own
beat, on the same django-celery-beat schedule staff edit in admin, as a
daemon thread of the server process; the tasks it sends run at once in that
thread (CELERY_TASK_ALWAYS_EAGER). Every run is logged ("Sending due task").

Why a thread and not a worker and beat started beside the server:

- Nothing outlives the server. The thread dies with its process: Ctrl-C, a
  crash or a reload after a code change leaves no process behind.
- One scheduler at a time. runserver's autoreloader keeps a watching parent
  process and serves from a child it restarts on every change; the
  scheduler starts in the serving child only (``serve``'s ``inner_run``).
  An exclusive lock on a file beside the database also keeps a second
  server on the same machine (another ``make run``) from running the tasks
  twice. The kernel drops the lock with its process, so no stale lock is
  ever left to clean up.
- The scheduled tasks are safe to repeat in any case (the SLA sweep claims
  each step once), so even a clock that jumps never sends twice.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import IO, Any

from celery import beat
from django.conf import settings

logger = logging.getLogger(__name__)

# After an unexpected error (say the database was briefly locked), beat starts again after this.
RESTART_AFTER_SECONDS = 30


class Scheduler(threading.Thread):
    """Celery beat in a daemon thread, restarted after an unexpected error."""

    def __init__(self, *, lock: IO[str], max_interval: float | None = None) -> None:
        super().__init__(name="periodic-tasks", daemon=True)
        self.lock = lock
        self.max_interval = max_interval
        self.service: beat.Service | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        from config.celery import app

        app.set_current()
        # Register every app's tasks (a worker does this at start), so beat runs them
        # here rather than sending them to a broker nobody reads.
        app.loader.import_default_modules()
        # The scheduler by its dotted name, as `celery beat --scheduler` takes it (the
        # stubs know only classes); no remote control, as in Celery's embedded beat.
        options: dict[str, Any] = {
            "max_interval": self.max_interval,
            "scheduler_cls": settings.CELERY_BEAT_SCHEDULER,
            "remote_control": False,
        }
        while not self.stopping.is_set():
            self.service = beat.Service(app, **options)
            try:
                self.service.start()
            except Exception:
                logger.exception(
                    "Periodic tasks stopped on an error; starting again in %s s",
                    RESTART_AFTER_SECONDS,
                )
                self.stopping.wait(RESTART_AFTER_SECONDS)
            else:
                break

    def stop(self, timeout: float = 10) -> None:
        """Stop beat and release the lock (tests; a server simply exits)."""
        self.stopping.set()
        if self.service is not None:
            self.service.stop()
        self.join(timeout)
        self.lock.close()


def lock_path() -> Path:
    """The lock file: beside the SQLite database, else under var/."""
    name = str(settings.DATABASES["default"].get("NAME") or "")
    if (
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        and name
        and "memory" not in name
    ):
        return Path(f"{name}.periodic-tasks.lock")
    return Path(settings.BASE_DIR) / "var" / "periodic-tasks.lock"


def start(*, path: Path | None = None, max_interval: float | None = None) -> Scheduler | None:
    """Start the periodic tasks in this process unless another process on this
    machine already runs them; return the running scheduler, or None.

    ``max_interval``: the longest beat sleeps between looks at its schedule
    (Celery's default when None; tests use a fraction of a second).
    """
    path = path or lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # pragma: no cover  (not a POSIX system: no lock, still one per server)
        pass
    except OSError:
        handle.close()
        logger.info(
            "Periodic tasks already run in another process on this machine (lock %s); "
            "this server leaves them to it.",
            path,
        )
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    scheduler = Scheduler(lock=handle, max_interval=max_interval)
    scheduler.start()
    logger.info(
        "Periodic tasks run in this process (pid %d): %s",
        os.getpid(),
        "; ".join(_schedule()) or "none scheduled",
    )
    return scheduler


def _schedule() -> list[str]:
    from django_celery_beat.models import PeriodicTask

    tasks = PeriodicTask.objects.filter(enabled=True).select_related(
        "interval", "crontab", "solar", "clocked"
    )
    return [f"{task.name} ({task.scheduler})" for task in tasks.order_by("name")]
