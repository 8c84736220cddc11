"""Two SLA sweeps running at the same moment claim each due step of a review once
(real concurrent PostgreSQL connections): the later one waits for the rows the
other claimed and finds them stamped."""

import datetime

import pytest

from assessments import services
from assessments.models import Review
from notifications.models import OutboundEmail
from tests.assessments.factories import review_rows
from tests.concurrency import postgres_only, race

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]

NY = datetime.timezone(datetime.timedelta(hours=-5))  # New York in winter
TODAY = datetime.date(2026, 12, 9)  # a Wednesday


def test_two_sweeps_at_once_remind_and_escalate_each_review_once(
    frozen, credential, assessor, settings, monkeypatch
):
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 5
    # The emails are stored by the sweeps; sending them after the commit is not raced here.
    monkeypatch.setattr("notifications.services.email_publish", lambda **kwargs: None)
    coming_due = review_rows(
        credential=credential, count=3, assessor=assessor, due_on=datetime.date(2026, 12, 11)
    )
    overdue = review_rows(
        credential=credential, count=3, assessor=assessor, due_on=datetime.date(2026, 12, 1)
    )
    escalated_before = review_rows(
        credential=credential, count=3, assessor=assessor, due_on=datetime.date(2026, 11, 20)
    )
    Review.objects.filter(pk__in=[r.pk for r in escalated_before]).update(
        reminder_sent_at=datetime.datetime(2026, 11, 23, 9, tzinfo=NY),
        escalated_at=datetime.datetime(2026, 11, 23, 9, tzinfo=NY),
        escalation_count=1,
        next_escalation_on=datetime.date(2026, 12, 8),
    )
    now = datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=NY)
    frozen.move_to(now)

    # Two workers, a second apart: each run stamps what it claims with its own time.
    results = race(
        [
            lambda: services.sla_sweep(now=now),
            lambda: services.sla_sweep(now=now + datetime.timedelta(seconds=1)),
        ]
    )

    assert all(isinstance(r, services.SweepResult) for r in results), results
    assert sum(r.reminded for r in results) == 3
    assert sum(r.escalated for r in results) == 3
    assert sum(r.escalated_again for r in results) == 3
    counts = dict(Review.objects.values_list("pk", "escalation_count"))
    assert [counts[r.pk] for r in coming_due] == [0, 0, 0]
    assert [counts[r.pk] for r in overdue] == [1, 1, 1]
    assert [counts[r.pk] for r in escalated_before] == [2, 2, 2]
    # Each email is queued by the run that claimed its reviews, once.
    stamps = {r.stamp.isoformat() for r in results if r.reminded or r.escalated_again}
    reminders = OutboundEmail.objects.filter(template="review_reminder")
    assert sorted(e.params["stamp"] for e in reminders) == sorted(stamps)
    escalating = {r.stamp.isoformat() for r in results if r.escalated or r.escalated_again}
    escalations = OutboundEmail.objects.filter(template="review_escalation")
    assert sorted(e.params["stamp"] for e in escalations) == sorted(escalating)


def test_open_reviews_are_not_entered_in_the_decided_review_indexes():
    """A claim rewrites an open review's row; indexes meant for decided reviews, and
    one duplicating the start of another, would each take an entry for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Review._meta.db_table],
        )
        indexes = dict(cursor.fetchall())
    assert "WHERE (decided_at IS NOT NULL)" in indexes["review_decided"]
    assert "WHERE (decided_by_id IS NOT NULL)" in indexes["review_decided_by"]
    assessor_first = [d for d in indexes.values() if "btree (assessor_id" in d]
    assert len(assessor_first) == 1, assessor_first  # review_queue only
