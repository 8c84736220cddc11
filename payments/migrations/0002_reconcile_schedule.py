"""Schedule the reconciliation task in django-celery-beat (editable in admin)."""

from django.db import migrations

from config.beat import schedule_operation

TASK_NAME = "Reconcile pending payments with Stripe"
SCHEDULE = schedule_operation(
    name=TASK_NAME,
    task="payments.tasks.reconcile_pending_payments",
    every_minutes=10,
    description="Asks Stripe about payments pending longer than "
    "PAYMENTS_RECONCILE_AFTER_MINUTES and settles them.",
)
# The function the migration runs, for tests that call it directly.
create_schedule = SCHEDULE.code


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
