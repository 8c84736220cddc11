import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from assessments import services, tasks
from assessments.models import Outcome, Review
from notifications.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.assessments.factories import (
    first_not_met,
    make_assessor,
    review_rows,
    submit_for_review,
)

pytestmark = pytest.mark.django_db

NY = datetime.timezone(datetime.timedelta(hours=-5))  # New York in winter


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=NY)


def sweep(capture):
    with capture(execute=True):
        return services.sla_sweep()


@pytest.fixture
def in_review(frozen, learner, credential, assessor):
    """One submission in review, due Friday 2026-12-11, reminder from Tuesday 2026-12-08."""
    return submit_for_review(learner=learner, credential=credential)


def test_assessor_is_reminded_once_three_business_days_before_the_due_date(
    in_review, frozen, assessor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    frozen.move_to(at(datetime.date(2026, 12, 7), 23))
    assert sweep(django_capture_on_commit_callbacks).reminded == 0
    assert mail.outbox == []

    frozen.move_to(at(datetime.date(2026, 12, 8)))
    assert sweep(django_capture_on_commit_callbacks).reminded == 1
    for later in (
        datetime.date(2026, 12, 8),
        datetime.date(2026, 12, 9),
        datetime.date(2026, 12, 11),
    ):
        frozen.move_to(at(later, 17))
        assert sweep(django_capture_on_commit_callbacks).reminded == 0

    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert reminder.to == [assessor.email]
    assert "due soon" in reminder.subject
    assert in_review.reference in reminder.body
    assert "Friday, December 11, 2026" in reminder.body


def test_overdue_review_is_escalated_to_staff_once_without_a_cadence(
    in_review, frozen, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 0
    frozen.move_to(at(datetime.date(2026, 12, 11), 23))  # the due date itself is not late
    assert sweep(django_capture_on_commit_callbacks).escalated == 0

    mail.outbox.clear()
    frozen.move_to(at(datetime.date(2026, 12, 12)))
    assert sweep(django_capture_on_commit_callbacks).escalated == 1
    for later in (
        datetime.date(2026, 12, 12),
        datetime.date(2026, 12, 14),
        datetime.date(2027, 1, 5),
    ):
        frozen.move_to(at(later, 18))
        assert sweep(django_capture_on_commit_callbacks).escalated == 0

    escalations = [m for m in mail.outbox if "overdue" in m.subject]
    assert len(escalations) == 1
    assert escalations[0].to == [staff_user.email]
    assert in_review.reference in escalations[0].body
    assert "/admin/assessments/review/sla/" in escalations[0].body


def test_a_review_first_seen_after_its_due_date_is_escalated_not_reminded(
    in_review, frozen, staff_user, django_capture_on_commit_callbacks
):
    frozen.move_to(at(datetime.date(2026, 12, 15)))
    result = sweep(django_capture_on_commit_callbacks)
    assert (result.reminded, result.escalated) == (0, 1)


def test_decided_reviews_are_neither_reminded_nor_escalated(
    in_review, frozen, assessor, staff_user, django_capture_on_commit_callbacks
):
    review = in_review.review
    services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.DENIED, scores=first_not_met(review)
    )
    mail.outbox.clear()
    for day in (datetime.date(2026, 12, 8), datetime.date(2026, 12, 14)):
        frozen.move_to(at(day))
        result = sweep(django_capture_on_commit_callbacks)
        assert (result.reminded, result.escalated) == (0, 0)
    assert mail.outbox == []


def test_a_new_assessor_gets_their_own_reminder(
    in_review, frozen, credential, assessor, staff_user, django_capture_on_commit_callbacks
):
    frozen.move_to(at(datetime.date(2026, 12, 8)))
    sweep(django_capture_on_commit_callbacks)
    other = make_assessor(credential=credential)
    services.review_reassign(review_id=in_review.review.pk, assessor=other, actor=staff_user)
    mail.outbox.clear()

    frozen.move_to(at(datetime.date(2026, 12, 9)))
    assert sweep(django_capture_on_commit_callbacks).reminded == 1
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_each_assessor_gets_one_reminder_listing_all_their_reviews(
    frozen, credential, django_capture_on_commit_callbacks
):
    due = datetime.date(2026, 12, 11)
    first, second = make_assessor(credential=credential), make_assessor(credential=credential)
    mine = review_rows(credential=credential, count=3, assessor=first, due_on=due)
    review_rows(credential=credential, count=2, assessor=second, due_on=due)
    review_rows(credential=credential, count=2, assessor=None, due_on=due)  # nobody to remind

    frozen.move_to(at(datetime.date(2026, 12, 8)))
    assert sweep(django_capture_on_commit_callbacks).reminded == 5

    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    body = next(m.body for m in mail.outbox if m.to == [first.email])
    assert all(review.submission.reference in body for review in mine)
    assert "3 reviews due soon" in next(m.subject for m in mail.outbox if m.to == [first.email])


def _sweep_queries(rows: int, frozen, credential) -> int:
    assessors = [make_assessor(credential=credential) for _ in range(3)]
    learner = UserFactory()
    for index in range(rows):
        # Half coming due (reminders), half overdue (escalations), spread over assessors.
        due = datetime.date(2026, 12, 11) if index % 2 else datetime.date(2026, 12, 1)
        review_rows(
            credential=credential,
            count=1,
            assessor=assessors[index % 3],
            due_on=due,
            learner=learner,
        )
    frozen.move_to(at(datetime.date(2026, 12, 9)))
    ContentType.objects.clear_cache()  # each run reads the content type of reviews
    with CaptureQueriesContext(connection) as queries:
        result = services.sla_sweep()
    assert result.reminded + result.escalated == rows
    return len(queries)


def test_sweep_query_count_does_not_grow_with_open_reviews(frozen, credential):
    small = _sweep_queries(6, frozen, credential)
    Review.objects.all().delete()
    # Both runs share the frozen time stamp, which names the emails they queue.
    OutboundEmail.objects.all().delete()
    large = _sweep_queries(120, frozen, credential)
    assert small == large
    # One read of the holiday calendars in use, three claiming UPDATEs (reminders,
    # later and first escalations), the content type of reviews and one INSERT of
    # audit events per kind of step, one read of the assessors to remind and one
    # INSERT queueing every email, with their savepoints; then the scorings' sweep.
    assert large <= 19


def test_sweep_runs_from_the_celery_beat_schedule(frozen, in_review, staff_user):
    scheduled = PeriodicTask.objects.get(task="assessments.tasks.sla_sweep")
    assert scheduled.enabled
    assert scheduled.crontab is not None

    frozen.move_to(at(datetime.date(2026, 12, 14)))
    assert tasks.sla_sweep.delay().get() == {
        "reminded": 0,
        "escalated": 1,
        "escalated_again": 0,
        "reassigning": 0,
    }


def test_escalations_go_to_the_configured_addresses(
    in_review, frozen, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.SLA_ESCALATION_EMAILS = ["sla@example.org"]
    mail.outbox.clear()
    frozen.move_to(at(datetime.date(2026, 12, 14)))
    sweep(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["sla@example.org"]]


def test_each_reminder_and_escalation_is_in_the_audit_trail_once(
    in_review, frozen, settings, django_capture_on_commit_callbacks
):
    from audit.models import AuditEvent

    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 0
    review = Review.objects.get(submission=in_review)
    frozen.move_to(at(datetime.date(2026, 12, 8)))
    sweep(django_capture_on_commit_callbacks)
    sweep(django_capture_on_commit_callbacks)  # nothing new: nothing recorded again
    frozen.move_to(at(datetime.date(2026, 12, 14)))
    sweep(django_capture_on_commit_callbacks)
    events = list(
        AuditEvent.objects.filter(verb__in=["review.reminder_sent", "review.escalated"])
        .order_by("id")
        .values("verb", "actor", "actor_label", "target_id", "target_label", "after")
    )
    assert [e["verb"] for e in events] == ["review.reminder_sent", "review.escalated"]
    reminded, escalated = events
    for event in events:
        assert event["actor"] is None and event["actor_label"] == "SLA sweep"
        assert event["target_id"] == str(review.pk)
        assert event["target_label"] == f"Review of {in_review.reference}"
    assert reminded["after"]["due_on"] == "2026-12-11"
    assert reminded["after"]["reminder_sent_at"].startswith("2026-12-08")
    assert escalated["after"]["escalation_count"] == 1
    assert escalated["after"]["escalated_at"].startswith("2026-12-14")
