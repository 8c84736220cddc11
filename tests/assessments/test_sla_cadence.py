"""Overdue reviews are escalated again at a cadence and, when configured, given to
another eligible assessor: each due step once, set-wise."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.business_days import add_business_days
from assessments.models import Assignment, Review
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, review_rows, submit_for_review
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

NY = datetime.timezone(datetime.timedelta(hours=-5))  # New York in winter
DUE_ON = datetime.date(2026, 12, 11)  # a Friday


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=NY)


@pytest.fixture
def sweep(frozen, django_capture_on_commit_callbacks):
    """Run the sweep at a day (and hour), with what it queues after its commit."""

    def run(day: datetime.date, hour: int = 9):
        frozen.move_to(at(day, hour))
        with django_capture_on_commit_callbacks(execute=True):
            return services.sla_sweep()

    return run


@pytest.fixture
def in_review(frozen, learner, credential, assessor):
    """One submission in review, assigned to ``assessor``, due Friday 2026-12-11."""
    submission = submit_for_review(learner=learner, credential=credential)
    assert submission.review.due_on == DUE_ON
    return submission


def subjects_to(user) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [user.email]]


def test_overdue_review_is_escalated_again_once_per_step_until_decided(
    in_review, sweep, settings, staff_user, assessor
):
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 5
    mail.outbox.clear()

    first = sweep(datetime.date(2026, 12, 14))  # Monday: first business day late
    assert (first.escalated, first.escalated_again) == (1, 0)
    # Twice on the same day, and on every day before the next step: nothing more.
    for day, hour in ((datetime.date(2026, 12, 14), 17), (datetime.date(2026, 12, 18), 9)):
        again = sweep(day, hour)
        assert (again.escalated, again.escalated_again) == (0, 0)

    second_step = add_business_days(datetime.date(2026, 12, 14), 5)
    assert second_step == datetime.date(2026, 12, 21)
    assert sweep(second_step).escalated_again == 1
    assert sweep(second_step, 18).escalated_again == 0

    # Christmas is not a business day: the third step is Tuesday the 29th.
    third_step = add_business_days(second_step, 5)
    assert third_step == datetime.date(2026, 12, 29)
    assert sweep(third_step - datetime.timedelta(days=1)).escalated_again == 0
    assert sweep(third_step).escalated_again == 1

    review = Review.objects.get(pk=in_review.review.pk)
    assert review.escalation_count == 3
    assert review.next_escalation_on == add_business_days(third_step, 5)

    staff_mail = [m for m in mail.outbox if m.to == [staff_user.email]]
    assert [m.subject for m in staff_mail] == ["1 review overdue"] * 3
    assert "escalated 3 times" in staff_mail[-1].body
    # The assessor hears of it again at each later step, plainly as overdue.
    reminders = [m for m in mail.outbox if m.to == [assessor.email]]
    assert [m.subject for m in reminders] == ["1 overdue review awaits your decision"] * 2
    assert "This review is overdue and still waits for your decision" in reminders[0].body
    assert "decision was due Friday, December 11, 2026, 6 business days ago" in reminders[0].body
    assert in_review.reference in reminders[0].body


def test_each_later_escalation_is_one_audit_event_that_says_it_reminded(in_review, sweep, settings):
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 5
    sweep(datetime.date(2026, 12, 8))  # reminded
    sweep(datetime.date(2026, 12, 14))  # escalated
    sweep(datetime.date(2026, 12, 21))  # escalated again, and reminded
    sweep(datetime.date(2026, 12, 21), 18)  # nothing new
    events = AuditEvent.objects.filter(
        target_id=str(in_review.review.pk), verb__startswith="review."
    )
    steps = [
        (e.verb, e.after.get("escalation_count"), bool(e.after.get("reminder_sent_at")))
        for e in events.exclude(verb__in=["review.opened", "review.assigned"]).order_by("id")
    ]
    assert steps == [
        ("review.reminder_sent", None, True),
        ("review.escalated", 1, True),
        ("review.escalated", 2, True),
    ]
    again = events.filter(verb="review.escalated").order_by("id").last()
    assert again.after["reminder_sent_at"].startswith("2026-12-21")
    assert again.after["next_escalation_on"] == "2026-12-29"
    assert again.actor is None and again.actor_label == services.SWEEP_ACTOR


@pytest.mark.parametrize("reassign_after", [0, 30])
def test_without_a_cadence_an_overdue_review_is_escalated_once(
    in_review, sweep, settings, staff_user, reassign_after
):
    settings.SLA_REASSIGN_AFTER_BUSINESS_DAYS = reassign_after
    assert sweep(datetime.date(2026, 12, 14)).escalated == 1
    # The cadence turned off after a step was scheduled: no later steps.
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 0
    for day in (datetime.date(2026, 12, 21), datetime.date(2027, 2, 1)):
        result = sweep(day)
        assert (result.escalated, result.escalated_again) == (0, 0)


@pytest.fixture
def reassign_after_three(settings):
    settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS = 5
    settings.SLA_REASSIGN_AFTER_BUSINESS_DAYS = 3


def test_overdue_review_goes_once_to_the_least_loaded_other_eligible_assessor(
    in_review, sweep, reassign_after_three, credential, learner, assessor
):
    busy = make_assessor(credential=credential, email="busy@example.org")
    review_rows(credential=credential, count=2, assessor=busy, due_on=datetime.date(2027, 1, 8))
    free = make_assessor(credential=credential, email="free@example.org", name="Fran Free")
    # As little loaded, but assigned later than Fran on ties (nobody was assigned yet: by id).
    make_assessor(credential=credential, email="spare@example.org")
    # The learner holds a scope for the credential too: never their own review.
    from assessments.models import AssessorScope

    AssessorScope.objects.create(user=learner, credential=credential)
    mail.outbox.clear()

    assert sweep(datetime.date(2026, 12, 15)).reassigning == 0  # 2 business days late
    result = sweep(datetime.date(2026, 12, 16))  # 3 business days late
    assert result.reassigning == 1
    review = Review.objects.get(pk=in_review.review.pk)
    assert review.assessor_id == free.pk
    new = review.assessor
    # Each due step once: again the same day, then later days, nothing moves.
    for day, hour in ((datetime.date(2026, 12, 16), 18), (datetime.date(2026, 12, 17), 9)):
        assert sweep(day, hour).reassigning == 0
    assert Review.objects.get(pk=review.pk).assessor_id == new.pk
    assert Assignment.objects.filter(review=review).count() == 2
    assignment = Assignment.objects.get(review=review, ended_at__isnull=True)
    assert assignment.reason == "Automatic: overdue by 3 business days"
    assert assignment.assigned_by is None
    assert AuditEvent.objects.filter(verb="review.assigned", actor=None).count() >= 2

    (to_new,) = [m for m in mail.outbox if m.to == [new.email]]
    assert to_new.subject.startswith(f"Overdue review assigned: {in_review.reference}")
    assert (
        "This review is already overdue: its decision was due on Friday, December 11, 2026, "
        "3 business days ago. Please decide it as soon as you can."
    ) in " ".join(to_new.body.split())
    (to_old,) = [m for m in mail.outbox if m.subject.startswith(f"Review {in_review.reference}")]
    assert to_old.to == [assessor.email]
    assert to_old.subject == f"Review {in_review.reference} is no longer assigned to you"
    assert "is 3 business days overdue, so the review has been given to another assessor" in (
        " ".join(to_old.body.split())
    )
    assert new.email not in to_old.body and "Fran" not in to_old.body


def test_a_reassigned_review_reminds_its_new_assessor(
    in_review, sweep, reassign_after_three, credential, assessor
):
    other = make_assessor(credential=credential, email="other@example.org")
    sweep(datetime.date(2026, 12, 14))  # escalated; the next step is Monday the 21st
    sweep(datetime.date(2026, 12, 16))  # reassigned to ``other``
    assert Review.objects.get(pk=in_review.review.pk).assessor_id == other.pk
    mail.outbox.clear()

    assert sweep(datetime.date(2026, 12, 21)).escalated_again == 1

    assert subjects_to(other) == ["1 overdue review awaits your decision"]
    assert subjects_to(assessor) == []


def test_with_nobody_else_eligible_the_review_stays_with_its_assessor(
    in_review, sweep, reassign_after_three, assessor
):
    mail.outbox.clear()
    assert sweep(datetime.date(2026, 12, 16)).reassigning == 1
    assert Review.objects.get(pk=in_review.review.pk).assessor_id == assessor.pk
    assert not [m for m in mail.outbox if "no longer assigned" in m.subject]
    # Claimed once: a later run does not try again, staff keep hearing of it.
    assert sweep(datetime.date(2026, 12, 17)).reassigning == 0


def test_an_assessor_given_a_review_before_its_due_date_is_not_told_it_is_overdue(
    in_review, assessor, credential, staff_user, django_capture_on_commit_callbacks
):
    other = make_assessor(credential=credential, email="later@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reassign(review_id=in_review.review.pk, assessor=other, actor=staff_user)
    (message,) = [m for m in mail.outbox if m.to == [other.email]]
    assert message.subject.startswith("New review assigned")
    assert "overdue" not in message.body


# --- set-wise: queries do not grow with the reviews --------------------------------------


def _open_reviews(rows: int) -> None:
    """``rows`` open reviews in every state the sweep claims, over two organizations
    with different holiday calendars, and their assessors."""
    credentials = [
        CredentialFactory(organization__holiday_country="US"),
        CredentialFactory(organization__holiday_country="CA"),
    ]
    learner = UserFactory()
    kinds = (
        datetime.date(2026, 12, 11),  # coming due: a reminder
        datetime.date(2026, 12, 1),  # overdue, first escalation and reassignment
        datetime.date(2026, 11, 20),  # overdue, escalated before: a later step
        datetime.date(2027, 1, 20),  # not due yet: left alone
    )
    for credential in credentials:
        assessors = [make_assessor(credential=credential) for _ in range(3)]
        for index in range(rows // 2):
            review_rows(
                credential=credential,
                count=1,
                assessor=assessors[index % 3],
                due_on=kinds[index % 4],
                learner=learner,
            )
    Review.objects.filter(due_on=kinds[2]).update(
        escalated_at=at(datetime.date(2026, 12, 1)),
        escalation_count=1,
        next_escalation_on=datetime.date(2026, 12, 8),
    )


def test_sweep_queries_do_not_grow_with_open_reviews(
    frozen, reassign_after_three, django_assert_max_num_queries
):
    _open_reviews(50)
    frozen.move_to(at(datetime.date(2026, 12, 9)))
    with CaptureQueriesContext(connection) as queries:
        result = services.sla_sweep()
    small = len(queries)
    assert result.reminded and result.escalated and result.escalated_again
    assert result.reassigning

    Review.objects.all().delete()
    _open_reviews(500)
    frozen.move_to(at(datetime.date(2026, 12, 9), 10))  # a new stamp for the emails
    with django_assert_max_num_queries(small):
        result = services.sla_sweep()
    assert result.reminded == Review.objects.filter(due_on=datetime.date(2026, 12, 11)).count()
    assert result.escalated == Review.objects.filter(due_on=datetime.date(2026, 12, 1)).count()
    assert result.escalated_again == Review.objects.filter(escalation_count=2).count() > 100
    assert (
        result.reassigning == Review.objects.filter(due_on__lte=datetime.date(2026, 12, 1)).count()
    )


def test_sweep_updates_start_from_the_reviews_they_claim_in_each_calendar(
    frozen, reassign_after_three
):
    """Each UPDATE stays on the reviews table (a review's calendar is looked up
    by its own submission), so the database starts from the partial index of
    the step instead of joining every submission of a calendar's organizations."""
    _open_reviews(40)
    frozen.move_to(at(datetime.date(2026, 12, 9)))
    with CaptureQueriesContext(connection) as queries:
        result = services.sla_sweep()
    assert result.escalated and result.escalated_again and result.reassigning
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "assessments_review"')]
    per_calendar = [sql for sql in updates if "submissions_submission" in sql]
    assert len(per_calendar) >= 6  # three steps in two calendars
    for sql in updates:
        assert " JOIN " not in sql and "credentials_organization" not in sql, sql


def test_a_paired_review_is_left_to_its_scorings(in_review, sweep, reassign_after_three):
    from assessments.models import ScoringModel

    Review.objects.filter(pk=in_review.review.pk).update(scoring_model=ScoringModel.DOUBLE)
    result = sweep(datetime.date(2026, 12, 16))
    assert result.escalated == 1  # staff still hear of it
    assert result.reassigning == 0
