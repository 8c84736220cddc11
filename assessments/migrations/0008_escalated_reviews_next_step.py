"""Reviews escalated before escalations repeated get their next step.

Without it, a review escalated by an earlier sweep would never be escalated
again (its next date is empty). Each gets a count of one and a next step a
week (about five business days) after its escalation, or today when that has
passed, so the next sweep takes over. Reversing leaves the rows as they are.
"""

import datetime

from django.db import migrations
from django.utils import timezone


def schedule_next_step(apps, schema_editor):
    Review = apps.get_model("assessments", "Review")
    legacy = Review.objects.filter(
        state="open", escalated_at__isnull=False, next_escalation_on__isnull=True
    )
    today = timezone.localdate()
    # One UPDATE per escalation day (a sweep stamps many reviews with one time).
    days = {timezone.localdate(at) for at in legacy.values_list("escalated_at", flat=True)}
    for day in sorted(days):
        start = datetime.datetime.combine(
            day, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        legacy.filter(
            escalated_at__gte=start, escalated_at__lt=start + datetime.timedelta(days=1)
        ).update(
            escalation_count=1,
            next_escalation_on=max(today, day + datetime.timedelta(days=7)),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_review_returned_state"),
    ]

    operations = [migrations.RunPython(schedule_next_step, migrations.RunPython.noop)]
