import datetime
import threading
from smtplib import SMTPException
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection

from assessments import services
from assessments.exceptions import (
    AlreadyDecided,
    DecisionInvalid,
    IneligibleAssessor,
    NotAssigned,
)
from assessments.models import AssessorScope, Assignment, Award, Outcome, Review, ReviewState
from audit.selectors import audit_events_for
from submissions.models import Status
from tests.accounts.factories import UserFactory
from tests.assessments.conftest import DUE_ON, SUBMITTED_AT
from tests.assessments.factories import (
    all_met,
    first_not_met,
    make_assessor,
    review_rows,
    submit_for_review,
)
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.submissions.factories import moves_to

pytestmark = pytest.mark.django_db


# --- entering review ------------------------------------------------------------------


def test_entering_review_sets_the_decision_due_date_14_business_days_later(
    frozen, learner, credential, assessor
):
    submission = submit_for_review(learner=learner, credential=credential)

    assert submission.status == Status.IN_REVIEW
    assert submission.decision_due_on == DUE_ON
    review = submission.review
    assert review.due_on == DUE_ON
    assert review.remind_on == datetime.date(2026, 12, 8)


def test_due_date_counts_from_the_local_day_review_started(learner, credential, assessor):
    # 22:30 on Friday in New York is already Saturday in UTC.
    with time_machine.travel(
        datetime.datetime(2026, 11, 21, 3, 30, tzinfo=datetime.UTC), tick=False
    ):
        submission = submit_for_review(learner=learner, credential=credential)
    assert submission.decision_due_on == DUE_ON


def test_due_date_uses_the_issuing_organizations_holidays(frozen, learner, assessor):
    uk = OrganizationFactory(name="UK issuer", holiday_country="GB")
    credential = CredentialFactory(organization=uk, with_content=True)
    make_assessor(organization=uk)
    submission = submit_for_review(learner=learner, credential=credential)
    # Thanksgiving is a working day in the UK.
    assert submission.decision_due_on == datetime.date(2026, 12, 10)


def test_submission_goes_to_the_assessor_with_fewest_open_reviews(
    frozen, learner, credential, assessor
):
    busy = make_assessor(credential=credential)
    review_rows(credential=credential, count=2, assessor=busy, due_on=DUE_ON)
    review_rows(credential=credential, count=1, assessor=assessor, due_on=DUE_ON)

    submission = submit_for_review(learner=learner, credential=credential)

    assert submission.review.assessor == assessor


def test_assignment_spreads_reviews_evenly(frozen, credential):
    assessors = [make_assessor(credential=credential) for _ in range(3)]
    for _ in range(6):
        submit_for_review(learner=UserFactory(), credential=credential)

    counts = sorted(Review.objects.filter(assessor=a).count() for a in assessors)
    assert counts == [2, 2, 2]


def test_decided_reviews_do_not_count_as_load(frozen, learner, credential, assessor):
    other = make_assessor(credential=credential)
    review_rows(credential=credential, count=1, assessor=other, due_on=DUE_ON)
    decided = review_rows(credential=credential, count=3, assessor=assessor, due_on=DUE_ON)
    Review.objects.filter(pk__in=[r.pk for r in decided]).update(
        state=ReviewState.DECIDED, outcome=Outcome.DENIED, decided_at=SUBMITTED_AT
    )

    submission = submit_for_review(learner=learner, credential=credential)

    assert submission.review.assessor == assessor


def test_ties_go_to_whoever_was_assigned_least_recently(frozen, credential, assessor):
    other = make_assessor(credential=credential)
    first = submit_for_review(learner=UserFactory(), credential=credential).review
    frozen.shift(60)
    second = submit_for_review(learner=UserFactory(), credential=credential).review
    # Both have one open review now; the next goes to whoever got theirs first.
    frozen.shift(60)
    third = submit_for_review(learner=UserFactory(), credential=credential).review
    assert {first.assessor, second.assessor} == {assessor, other}
    assert third.assessor == first.assessor


def test_organization_scope_makes_an_assessor_eligible(frozen, learner, credential):
    org_assessor = make_assessor(organization=credential.organization)
    make_assessor(credential=CredentialFactory())  # another credential's assessor

    submission = submit_for_review(learner=learner, credential=credential)

    assert submission.review.assessor == org_assessor


def test_inactive_scopes_and_users_are_never_assigned(frozen, learner, credential):
    retired = make_assessor(credential=credential)
    AssessorScope.objects.filter(user=retired).update(is_active=False)
    make_assessor(credential=credential, is_active=False)

    submission = submit_for_review(learner=learner, credential=credential)

    assert submission.review.assessor is None


def test_learner_who_is_an_assessor_never_reviews_their_own(frozen, credential):
    learner_assessor = make_assessor(credential=credential)
    busy = make_assessor(credential=credential)
    review_rows(credential=credential, count=5, assessor=busy, due_on=DUE_ON)

    submission = submit_for_review(learner=learner_assessor, credential=credential)

    assert submission.review.assessor == busy


def test_review_waits_unassigned_when_nobody_is_eligible(frozen, credential):
    only_assessor = make_assessor(credential=credential)

    submission = submit_for_review(learner=only_assessor, credential=credential)

    assert submission.review.assessor is None
    assert submission.decision_due_on == DUE_ON


def test_assignment_is_recorded_with_its_time_and_emails_the_assessor(
    frozen, learner, credential, assessor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_for_review(learner=learner, credential=credential)

    assignment = Assignment.objects.get(review__submission=submission)
    assert assignment.assessor == assessor
    assert assignment.assigned_by is None
    assert assignment.assigned_at == SUBMITTED_AT
    assigned = [m for m in mail.outbox if assessor.email in m.to]
    assert len(assigned) == 1
    assert submission.reference in assigned[0].subject
    assert "December 11, 2026" in assigned[0].body
    # Blind review: the assessor's email does not name the learner.
    assert learner.name not in assigned[0].body
    assert learner.email not in assigned[0].body
    assert learner.name not in assigned[0].alternatives[0][0]


# --- reassignment -------------------------------------------------------------------


def test_staff_reassign_to_another_eligible_assessor(
    frozen, learner, credential, assessor, staff_user
):
    other = make_assessor(credential=credential)
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    Review.objects.filter(pk=review.pk).update(reminder_sent_at=review.created_at)

    services.review_reassign(review_id=review.pk, assessor=other, actor=staff_user, reason="Leave")

    review.refresh_from_db()
    assert review.assessor == other
    assert review.reminder_sent_at is None  # the new assessor will be reminded too
    history = list(review.assignments.order_by("assigned_at", "id"))
    assert [a.assessor for a in history] == [assessor, other]
    assert history[0].ended_at is not None
    assert history[1].assigned_by == staff_user
    assert history[1].reason == "Leave"


@pytest.mark.parametrize("who", ["learner", "outsider"])
def test_reassign_refuses_the_learner_and_users_without_a_scope(
    frozen, learner, credential, assessor, staff_user, who
):
    submission = submit_for_review(learner=learner, credential=credential)
    target = learner if who == "learner" else UserFactory()
    if who == "learner":
        AssessorScope.objects.create(user=learner, credential=credential)

    with pytest.raises(IneligibleAssessor):
        services.review_reassign(review_id=submission.review.pk, assessor=target, actor=staff_user)

    assert Review.objects.get(pk=submission.review.pk).assessor == assessor


def test_decided_review_cannot_be_reassigned(frozen, learner, credential, assessor, staff_user):
    other = make_assessor(credential=credential)
    review = submit_for_review(learner=learner, credential=credential).review
    services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )
    with pytest.raises(Exception, match="decided review cannot be reassigned"):
        services.review_reassign(review_id=review.pk, assessor=other, actor=staff_user)


def test_assign_least_loaded_picks_someone_else(frozen, learner, credential, assessor, staff_user):
    other = make_assessor(credential=credential)
    review = submit_for_review(learner=learner, credential=credential).review

    services.review_assign_least_loaded(review_id=review.pk, actor=staff_user)
    assert Review.objects.get(pk=review.pk).assessor == other

    AssessorScope.objects.filter(user=assessor).update(is_active=False)
    with pytest.raises(IneligibleAssessor):
        services.review_assign_least_loaded(review_id=review.pk, actor=staff_user)


# --- scoring and deciding -----------------------------------------------------------------


@pytest.fixture
def review(frozen, learner, credential, assessor):
    return submit_for_review(learner=learner, credential=credential).review


def test_save_progress_keeps_marks_and_feedback(review, assessor):
    scores = first_not_met(review, feedback="More detail please.")
    services.review_save_progress(
        review_id=review.pk, actor=assessor, scores=scores, comment="Half way."
    )

    review.refresh_from_db()
    saved = {s.criterion_id: s for s in review.scores.all()}
    first, second = (int(c["id"]) for c in review.submission.rubric_snapshot)
    assert saved[first].met is False and saved[first].feedback == "More detail please."
    assert saved[first].title == "Context"
    assert saved[second].met is True
    assert review.comment == "Half way."
    assert review.is_open
    assert review.submission.status == Status.IN_REVIEW


def test_save_progress_ignores_criteria_outside_the_rubric(review, assessor):
    scores = {**all_met(review), 999_999: services.ScoreInput(met=False, feedback="x")}
    services.review_save_progress(review_id=review.pk, actor=assessor, scores=scores)
    assert review.scores.count() == 2


def test_only_the_assigned_assessor_can_score(review, credential, learner):
    other = make_assessor(credential=credential)
    for actor in (other, learner):
        with pytest.raises(NotAssigned):
            services.review_save_progress(review_id=review.pk, actor=actor, scores=all_met(review))
        with pytest.raises(NotAssigned):
            services.review_decide(
                review_id=review.pk, actor=actor, outcome=Outcome.AWARDED, scores=all_met(review)
            )
    assert Review.objects.get(pk=review.pk).is_open


def test_award_moves_the_submission_and_creates_the_award(
    review, assessor, learner, credential, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
        )

    review.refresh_from_db()
    submission = review.submission
    assert submission.status == Status.AWARDED
    assert review.outcome == Outcome.AWARDED
    assert review.decided_by == assessor
    assert review.decided_at is not None
    award = Award.objects.get(submission=submission)
    assert (award.learner, award.credential) == (learner, credential)
    change = audit_events_for(submission).get(verb="submission.awarded")
    assert change.actor == assessor
    assert [m.to for m in mail.outbox if "Congratulations" in m.subject] == [[learner.email]]


def test_award_needs_every_criterion_met(review, assessor):
    with pytest.raises(DecisionInvalid) as info:
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.AWARDED,
            scores=first_not_met(review),
        )
    assert "every criterion must be met" in str(info.value.errors)
    assert not Award.objects.exists()
    assert Review.objects.get(pk=review.pk).is_open


def test_a_decision_needs_every_criterion_marked(review, assessor):
    first = int(review.submission.rubric_snapshot[0]["id"])
    with pytest.raises(DecisionInvalid) as info:
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores={first: services.ScoreInput(met=False, feedback="Not yet.")},
        )
    assert any("Mark this criterion" in message for _, _, message in info.value.errors)


def test_deny_needs_feedback_on_criteria_not_yet_met(review, assessor):
    with pytest.raises(DecisionInvalid) as info:
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=first_not_met(review, feedback="   "),
        )
    first = int(review.submission.rubric_snapshot[0]["id"])
    assert info.value.errors == [
        (first, "feedback", "Write feedback for a criterion not yet met: the learner reads it.")
    ]
    # Nothing was written: the review is open and has no saved marks.
    assert Review.objects.get(pk=review.pk).is_open
    assert not review.scores.exists()


def test_each_decision_problem_names_its_criterion_and_the_field_to_fix(review, assessor):
    first, second = (int(c["id"]) for c in review.submission.rubric_snapshot[:2])
    scores = {first: services.ScoreInput(met=False, feedback="Not yet.")}

    with pytest.raises(DecisionInvalid) as info:
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=scores
        )

    by_criterion = {problem.criterion_id: problem for problem in info.value.errors}
    assert by_criterion[first].field == "met"
    assert by_criterion[first].message == "To award, every criterion must be met."
    assert by_criterion[second].field == "met"
    assert by_criterion[second].message == "Mark this criterion met or not yet met."


def test_deny_with_every_criterion_met_needs_an_overall_comment(review, assessor):
    with pytest.raises(DecisionInvalid):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.DENIED, scores=all_met(review)
        )
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=all_met(review),
        comment="The evidence does not show your own classroom.",
    )
    assert Review.objects.get(pk=review.pk).outcome == Outcome.DENIED


def test_deny_records_the_decision(review, assessor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=first_not_met(review),
        )
    review.refresh_from_db()
    assert review.submission.status == Status.DENIED
    assert review.submission.decided_at == review.decided_at
    assert not Award.objects.exists()
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_decisions_are_made_once(review, assessor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
        )
        again = services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
        )
    assert again.decided_at == first.decided_at
    assert Award.objects.count() == 1
    assert moves_to(review.submission, Status.AWARDED) == 1
    assert sum("Congratulations" in m.subject for m in mail.outbox) == 1

    with pytest.raises(AlreadyDecided):
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=first_not_met(review),
        )
    with pytest.raises(AlreadyDecided):
        services.review_save_progress(review_id=review.pk, actor=assessor, scores=all_met(review))
    assert Review.objects.get(pk=review.pk).outcome == Outcome.AWARDED


def test_a_failed_email_never_undoes_a_decision(
    review, assessor, django_capture_on_commit_callbacks
):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=SMTPException("mail server down"),
        ) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=first_not_met(review),
        )
    assert send.called
    review.refresh_from_db()
    assert review.outcome == Outcome.DENIED
    assert review.submission.status == Status.DENIED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_record_one(learner, credential, assessor):
    review = submit_for_review(learner=learner, credential=credential).review
    scores = first_not_met(review)
    barrier = threading.Barrier(2)
    errors = []

    def decide():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.review_decide(
                review_id=review.pk, actor=assessor, outcome=Outcome.DENIED, scores=scores
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert moves_to(review.submission, Status.DENIED) == 1
    assert Review.objects.get(pk=review.pk).outcome == Outcome.DENIED
