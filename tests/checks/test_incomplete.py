"""Returned as Incomplete: not a denial, no fee, no attempt; the same review takes it back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.exceptions import AssessmentError, NotAssigned
from assessments.models import Review, ReviewState
from audit.selectors import audit_events_for
from notifications.models import OutboundEmail
from payments.models import Payment
from submissions import services
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import ALL_ATTESTATIONS, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db
NOTE = "The lesson video link asks for a Google sign-in. Share it with anyone who has the link."


@pytest.fixture
def in_review(learner):
    credential = CredentialFactory(resubmission_fee_cents=2500)
    assessor = make_assessor(credential=credential, email="assessor@example.org")
    submission = submit_for_review(learner=learner, credential=credential)
    assert submission.status == Status.IN_REVIEW
    return submission, Review.objects.get(submission=submission), assessor


def return_it(review, assessor, note=NOTE):
    return assessment_services.review_return_incomplete(
        review_id=review.pk, actor=assessor, note=note
    )


def fix_and_resubmit(submission, learner):
    submission.refresh_from_db()
    link = submission.links.get()
    services.draft_save(
        submission=submission,
        actor=learner,
        version=submission.version,
        changes=services.DraftChanges(
            remove_links=[link.pk],
            new_link={"title": "Lesson video", "url": "https://video.example.org/public"},
        ),
    )
    submission.refresh_from_db()
    return services.submission_submit(
        submission=submission, actor=learner, attestations=ALL_ATTESTATIONS
    )


def test_returning_moves_the_application_to_incomplete_and_emails_the_learner(in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    submission.refresh_from_db()
    review.refresh_from_db()
    assert submission.status == Status.INCOMPLETE
    assert submission.returned_note == NOTE
    assert review.state == ReviewState.RETURNED
    assert review.outcome == ""
    email = OutboundEmail.objects.get(template="submission_incomplete")
    assert email.to == [submission.learner.email]
    assert NOTE in email.body_text
    assert "not a decision" in email.body_text
    assert audit_events_for(submission).filter(verb="submission.incomplete").count() == 1
    assert audit_events_for(review).filter(verb="review.returned_incomplete").count() == 1


def test_returning_twice_changes_nothing_more(in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    return_it(review, assessor, note="Another note")
    submission.refresh_from_db()
    assert submission.returned_note == NOTE
    assert OutboundEmail.objects.filter(template="submission_incomplete").count() == 1


def test_only_the_assigned_assessor_returns_and_only_with_a_note(in_review):
    submission, review, assessor = in_review
    other = make_assessor(credential=submission.credential)
    with pytest.raises(NotAssigned):
        return_it(review, other)
    with pytest.raises(NotAssigned):
        return_it(review, submission.learner)
    with pytest.raises(AssessmentError):
        return_it(review, assessor, note="   ")
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_resubmitting_goes_back_to_the_same_review_without_a_fee_or_an_attempt(in_review, learner):
    submission, review, assessor = in_review
    return_it(review, assessor)
    attempts_before = Submission.objects.filter(learner=learner).count()
    resubmitted = fix_and_resubmit(Submission.objects.get(pk=submission.pk), learner)
    review.refresh_from_db()
    assert resubmitted.pk == submission.pk
    assert resubmitted.status == Status.IN_REVIEW  # not awaiting payment, though a fee exists
    assert Submission.objects.filter(learner=learner).count() == attempts_before == 1
    assert resubmitted.previous_id is None
    assert Payment.objects.filter(submission=submission).count() == 0
    assert review.state == ReviewState.OPEN
    assert review.assessor_id == assessor.pk
    assert review.assignments.count() == 1
    assert audit_events_for(submission).filter(verb="submission.in_review").count() == 2
    assert audit_events_for(review).filter(verb="review.resumed").count() == 1
    # The evidence the learner fixed is what the assessor now reads.
    assert resubmitted.links.get().url == "https://video.example.org/public"


def test_the_decision_clock_starts_again_at_resubmission(in_review, learner):
    submission, review, assessor = in_review
    return_it(review, assessor)
    later = timezone.now() + datetime.timedelta(days=30)
    import time_machine

    with time_machine.travel(later, tick=False):
        fix_and_resubmit(Submission.objects.get(pk=submission.pk), learner)
    review.refresh_from_db()
    submission.refresh_from_db()
    assert review.due_on > timezone.localdate(later)
    assert submission.decision_due_on == review.due_on
    assert review.escalated_at is None


def test_a_returned_review_is_not_escalated_while_it_waits(in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    result = assessment_services.sla_sweep(now=timezone.now() + datetime.timedelta(days=60))
    review.refresh_from_db()
    assert result.escalated == 0
    assert review.escalated_at is None


def test_a_returned_application_cannot_be_decided_until_it_comes_back(in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    with pytest.raises(Exception):  # noqa: B017  (AlreadyDecided or NotAssigned family)
        assessment_services.review_decide(review_id=review.pk, actor=assessor, outcome="awarded")
    submission.refresh_from_db()
    assert submission.status == Status.INCOMPLETE


# --- pages -----------------------------------------------------------------------------------


def test_assessor_returns_from_a_page_with_the_note_beside_its_field(client, in_review):
    submission, review, assessor = in_review
    client.force_login(assessor)
    url = reverse("assessments:review_return", kwargs={"uuid": submission.uuid})
    page = client.get(url)
    assert page.status_code == 200
    assert "What the learner needs to fix" in page.content.decode()
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 200
    assert "Write what the learner needs to fix." in empty.content.decode()
    done = client.post(url, {"note": NOTE})
    assert done.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.INCOMPLETE


@pytest.mark.parametrize("who", ["other_assessor", "learner", "anonymous"])
def test_nobody_else_can_return_an_application(client, in_review, who):
    submission, review, assessor = in_review
    if who == "other_assessor":
        client.force_login(make_assessor(credential=submission.credential))
    elif who == "learner":
        client.force_login(submission.learner)
    url = reverse("assessments:review_return", kwargs={"uuid": submission.uuid})
    response = client.post(url, {"note": NOTE})
    assert response.status_code in (404, 302)
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_learner_sees_incomplete_and_what_to_fix_on_dashboard_and_application(
    learner_client, in_review
):
    submission, review, assessor = in_review
    return_it(review, assessor)
    dashboard = learner_client.get(reverse("dashboard:home") + "?tab=submitted").content.decode()
    assert "Incomplete" in dashboard
    assert "Fix and resubmit" in dashboard
    assert "asks for a Google sign-in" in dashboard
    page = learner_client.get(submission.get_absolute_url()).content.decode()
    assert "Returned as incomplete: what to fix" in page
    assert NOTE in page
    assert "Resubmit for review" in page
    assert 'name="response_' in page  # editable again


def test_review_page_shows_the_returned_note_while_waiting(client, in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    client.force_login(assessor)
    page = client.get(reverse("assessments:review", kwargs={"uuid": submission.uuid}))
    assert "Returned to the learner as incomplete" in page.content.decode()


def test_someone_elses_incomplete_application_stays_hidden(client, in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    client.force_login(UserFactory())
    assert client.get(submission.get_absolute_url()).status_code == 404


def test_the_assessor_finds_returned_applications_in_the_queue(client, in_review):
    submission, review, assessor = in_review
    return_it(review, assessor)
    client.force_login(assessor)
    queue = reverse("assessments:queue")
    assert submission.reference not in client.get(queue).content.decode()
    page = client.get(queue + "?status=returned").content.decode()
    assert submission.reference in page
    assert "Incomplete" in page
