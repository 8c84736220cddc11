import datetime

import pytest
from django.template import Context, Template

from assessments import services
from assessments.models import Outcome
from submissions.models import Status
from tests.assessments.factories import (
    all_met,
    first_not_met,
    resubmit_for_review,
    submit_for_review,
)

pytestmark = pytest.mark.django_db


def related(submission, viewer):
    template = Template("{% load assessment_tags %}{% related_submissions submission viewer %}")
    return template.render(Context({"submission": submission, "viewer": viewer}))


def status(submission):
    template = Template("{% load assessment_tags %}{% review_status submission %}")
    return template.render(Context({"submission": submission}))


def deny(submission, assessor, feedback):
    review = submission.review
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback=feedback),
    )
    submission.refresh_from_db()
    return submission


def test_a_single_attempt_in_review_has_no_related_table(frozen, learner, credential, assessor):
    submission = submit_for_review(learner=learner, credential=credential)
    assert "Related submissions" not in related(submission, learner)


def test_resubmission_chain_shows_every_attempt_with_feedback_and_counts(
    frozen, learner, credential, assessor
):
    first = deny(submit_for_review(learner=learner, credential=credential), assessor, "One.")
    second = deny(resubmit_for_review(denied=first, learner=learner), assessor, "Two.")
    third = resubmit_for_review(denied=second, learner=learner)

    assert third.previous == second and second.previous == first
    # The resubmission copied the evidence rather than moving it.
    assert third.attachments.count() == 1 and first.attachments.count() == 1
    assert third.attachments.get().file.name != first.attachments.get().file.name
    assert third.links.get().url == first.links.get().url

    for attempt in (first, second, third):
        html = related(attempt, learner)
        assert "Related submissions" in html
        for other in (first, second, third):
            assert other.reference in html
        assert "One." in html and "Two." in html
        assert "Denied ×2" in html
        assert "Attempt 1" in html and "Attempt 3" in html
    # The learner can open the other attempts from the table.
    assert f'href="{first.get_absolute_url()}"' in related(third, learner)
    # Feedback never names the assessor.
    assert assessor.name not in related(third, learner)
    assert assessor.email not in related(third, learner)


def test_attempt_numbers_disappear_once_an_attempt_is_awarded(
    frozen, learner, credential, assessor
):
    first = deny(submit_for_review(learner=learner, credential=credential), assessor, "One.")
    second = resubmit_for_review(denied=first, learner=learner)
    services.review_decide(
        review_id=second.review.pk,
        actor=assessor,
        outcome=Outcome.AWARDED,
        scores=all_met(second.review),
    )
    second.refresh_from_db()
    assert second.status == Status.AWARDED

    for attempt in (first, second):
        html = related(attempt, learner)
        assert "Related submissions" in html
        assert first.reference in html and second.reference in html
        assert "Awarded" in html
        assert "Denied ×" not in html
        assert "Attempt" not in html
        assert "One." in html  # the feedback itself stays


def test_an_open_review_never_shows_saved_progress_to_the_learner(
    frozen, learner, credential, assessor
):
    first = deny(submit_for_review(learner=learner, credential=credential), assessor, "One.")
    second = resubmit_for_review(denied=first, learner=learner)
    services.review_save_progress(
        review_id=second.review.pk,
        actor=assessor,
        scores=first_not_met(second.review, feedback="Draft thought."),
        comment="Not sure yet.",
    )
    html = related(second, learner)
    assert "Draft thought." not in html
    assert "Not sure yet." not in html


def test_review_status_shows_the_expected_decision_date(frozen, learner, credential, assessor):
    submission = submit_for_review(learner=learner, credential=credential)
    assert "Decision expected by December 11, 2026" in status(submission)
    frozen.move_to(datetime.datetime(2026, 12, 11, 22, tzinfo=datetime.UTC))
    assert "Decision expected by December 11, 2026" in status(submission)


def test_review_status_after_the_due_date_says_how_to_reach_the_helpdesk(
    frozen, learner, credential, assessor, settings
):
    submission = submit_for_review(learner=learner, credential=credential)
    frozen.move_to(datetime.datetime(2026, 12, 12, 15, tzinfo=datetime.UTC))
    html = status(submission)
    assert "Decision expected by" not in html
    assert "taking longer than expected" in html
    assert f"mailto:{settings.HELPDESK_EMAIL}" in html
    assert submission.reference in html


def test_review_status_is_silent_once_decided(frozen, learner, credential, assessor):
    submission = deny(submit_for_review(learner=learner, credential=credential), assessor, "x")
    frozen.move_to(datetime.datetime(2027, 1, 20, 15, tzinfo=datetime.UTC))
    assert status(submission).strip() == ""


def test_review_queue_link_shows_for_assessors_and_staff_only(learner, assessor, staff_user):
    template = Template("{% load assessment_tags %}{% assessor_nav_link user %}")
    for user, shown in ((assessor, True), (staff_user, True), (learner, False)):
        html = template.render(Context({"user": user}))
        assert ('href="/assess/"' in html) is shown
