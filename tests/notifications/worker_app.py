"""The Celery app for worker processes the fault tests start.

After each ``deliver_email`` task (its transaction committed, its message not
yet acknowledged) the worker writes "<task id> <pid>" to runs.log and, while
the file ``hold`` exists, waits there, so a test can kill it at that moment.
"""

import os
import time
from pathlib import Path

from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.notifications.worker_settings")

from config.celery import app  # noqa: E402

__all__ = ["app"]


@task_postrun.connect
def _record_and_hold(sender=None, task_id=None, **kwargs):
    if sender is None or sender.name != "notifications.tasks.deliver_email":
        return
    workdir = Path(os.environ["TEST_WORKDIR"])
    with open(workdir / "runs.log", "a") as log:
        log.write(f"{task_id} {os.getpid()}\n")
    while (workdir / "hold").exists():
        time.sleep(0.05)
