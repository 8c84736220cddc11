"""Periodic tasks created by data migrations, editable afterwards in the admin.

Each app that needs a schedule adds one migration operation from here, so
every schedule is created the same way and a running beat notices it.
"""

from django.db import migrations
from django.utils import timezone


def schedule_operation(
    *, name: str, task: str, description: str, every_minutes: int | None = None, crontab=None
) -> migrations.RunPython:
    """A RunPython that creates (or refreshes) one periodic task, and removes it on reverse.

    Give either ``every_minutes`` or ``crontab`` (a dict of CrontabSchedule fields).
    """

    def create(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
        if crontab is not None:
            from django.conf import settings

            CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
            when, _ = CrontabSchedule.objects.get_or_create(
                **crontab,
                timezone=getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE,
            )
            schedule = {"crontab": when}
        else:
            IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
            every, _ = IntervalSchedule.objects.get_or_create(every=every_minutes, period="minutes")
            schedule = {"interval": every}
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "enabled": True, "description": description, **schedule},
        )
        # Tell a running beat that its schedule changed.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
