"""Schedule the cohort nudges (daily) and the coaches' digest (weekly)."""

from django.db import migrations

from config.beat import schedule_operation

NUDGES = schedule_operation(
    name="Cohort overdue nudges",
    task="programs.cohort_tasks.nudge_overdue",
    crontab={
        "minute": "0",
        "hour": "14",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
    },
    description="Reminds teachers of cohorts past their due date, once a day at most.",
)
DIGEST = schedule_operation(
    name="Cohort coach digest",
    task="programs.cohort_tasks.coach_digest",
    crontab={
        "minute": "0",
        "hour": "13",
        "day_of_week": "1",
        "day_of_month": "*",
        "month_of_year": "*",
    },
    description="Emails coaches and partner admins their cohorts' weekly progress.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_partners_cohorts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [NUDGES, DIGEST]
