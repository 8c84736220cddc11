"""Award and Deny are final, so the review page asks for confirmation first.

Without JavaScript the server asks on the page (these tests); with JavaScript a
dialog asks before the form is sent (tests/e2e/test_decision_confirmation_journey.py).
"""

import pytest
from django.urls import reverse

from assessments.models import Award, Review, ReviewState
from submissions.models import Status
from tests.assessments.factories import submit_for_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(learner, credential, assessor):
    submission = submit_for_review(learner=learner, credential=credential)
    Review.objects.filter(submission=submission).update(assessor=assessor)
    return submission


def review_url(submission):
    return reverse("assessments:review", kwargs={"uuid": submission.uuid})


def marks(submission, action, *, met=True, feedback="", **extra):
    data = {"action": action, "comment": "", **extra}
    for criterion in submission.rubric_snapshot:
        data[f"met_{criterion['id']}"] = "met" if met else "not_met"
        data[f"feedback_{criterion['id']}"] = feedback
    return data


def test_award_without_confirmation_asks_first_and_keeps_the_marks(submission, assessor_client):
    response = assessor_client.post(review_url(submission), marks(submission, "awarded"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Award {submission.reference}?" in page
    assert "This decision is final" in page
    assert '<input type="hidden" name="confirm_decision" value="awarded">' in page
    assert f"Yes, award {submission.reference}" in page
    assert 'href="#confirm-decision"' in page  # the notice at the top leads to the question
    review = Review.objects.get(submission=submission)
    assert review.state == ReviewState.OPEN
    assert all(score.met for score in review.scores.all())  # marks are saved meanwhile
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert not Award.objects.exists()


def test_confirmed_award_is_recorded(submission, assessor_client):
    data = marks(submission, "awarded", confirm_decision="awarded")

    response = assessor_client.post(review_url(submission), data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.AWARDED
    assert Award.objects.filter(submission=submission).count() == 1


def test_deny_without_confirmation_asks_first(submission, assessor_client):
    data = marks(submission, "denied", met=False, feedback="Name the grade you teach.")

    page = assessor_client.post(review_url(submission), data).content.decode()

    assert f"Deny {submission.reference}?" in page
    assert "invitation to resubmit" in page
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_confirming_one_decision_does_not_confirm_the_other(submission, assessor_client):
    data = marks(submission, "denied", met=False, feedback="Why.", confirm_decision="awarded")

    page = assessor_client.post(review_url(submission), data).content.decode()

    assert f"Deny {submission.reference}?" in page
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_an_unsupported_decision_is_explained_before_any_confirmation(submission, assessor_client):
    data = marks(submission, "denied", met=False, feedback="")

    page = assessor_client.post(review_url(submission), data).content.decode()

    assert "Write feedback for a criterion not yet met" in page
    assert 'name="confirm_decision"' not in page


def test_keep_reviewing_from_the_question_saves_and_decides_nothing(submission, assessor_client):
    data = marks(submission, "save", confirm_decision="awarded")

    response = assessor_client.post(review_url(submission), data, follow=True)

    assert "Progress saved." in response.content.decode()
    assert Review.objects.get(submission=submission).state == ReviewState.OPEN


def test_review_page_loads_the_confirmation_dialog(submission, assessor_client):
    page = assessor_client.get(review_url(submission)).content.decode()

    assert '<dialog id="decision-dialog"' in page
    assert "assessments/decision.js" in page
    assert f'data-confirm="Award {submission.reference}?' in page
