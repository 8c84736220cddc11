"""Schedule the review SLA sweep with django-celery-beat (editable in admin)."""

from django.db import migrations

from config.beat import schedule_operation

TASK_NAME = "Review SLA sweep"
# Hourly: each reminder and escalation is sent once however often it runs,
# and an hourly run sends them early in the day their date arrives.
SCHEDULE = schedule_operation(
    name=TASK_NAME,
    task="assessments.tasks.sla_sweep",
    crontab={
        "minute": "15",
        "hour": "*",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
    },
    description="Reminds assessors of reviews coming due and escalates overdue "
    "reviews to staff. Safe to run at any time.",
)
# The function the migration runs, for tests that call it directly.
create_schedule = SCHEDULE.code


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_reviews_assignments_awards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
