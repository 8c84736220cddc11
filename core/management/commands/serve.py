"""``manage.py serve``: the development server with the periodic tasks (``make run``).

runserver, plus, when EMBEDDED_SCHEDULER is on (the embedded default), the
django-celery-beat schedule run inside the serving process
(``core.periodic``): the SLA sweep, email delivery and payment
reconciliation run on their schedule without Redis or a separate worker.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from core import periodic


class Command(RunserverCommand):
    help = (
        "Start the development server and, in the embedded default, run the "
        "periodic tasks (the review SLA sweep, email delivery) in the same process."
    )

    def inner_run(self, *args: Any, **options: Any) -> None:
        # The autoreloader calls this in the child process that serves (again
        # after each reload, in a new child), never in the parent that watches
        # the files, so the periodic tasks start once per serving process.
        if settings.EMBEDDED_SCHEDULER:
            periodic.start()
        super().inner_run(*args, **options)
