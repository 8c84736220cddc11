"""Schedule the outbox sweep with django-celery-beat (editable in admin)."""

from django.db import migrations

from config.beat import schedule_operation

TASK_NAME = "Deliver pending email"
SCHEDULE = schedule_operation(
    name=TASK_NAME,
    task="notifications.tasks.deliver_pending",
    every_minutes=1,
    description="Hands emails still pending a minute after they were queued (the "
    "broker was down, or a retry is due) to the workers. Safe to run at any time.",
)
# The function the migration runs, for tests that call it directly.
create_schedule = SCHEDULE.code


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
