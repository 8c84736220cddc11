"""The review page's kept panels (``assessments.panels``): related submissions,
pre-check and duplicate-evidence flags follow every change of what they show,
stay as blind as the review, and an open review's saved progress retires none."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Outcome
from checks.models import DuplicateFlag, Precheck, PrecheckTrigger
from checks.services import precheck as precheck_services
from core import fragment_cache
from submissions import services as submission_services
from submissions.kept import learner_attempts
from tests.accounts.factories import UserFactory
from tests.assessments.factories import first_not_met, resubmit_for_review, submit_for_review

pytestmark = pytest.mark.django_db


def review_page(client, submission) -> str:
    response = client.get(reverse("assessments:review", kwargs={"uuid": submission.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def denied(learner, credential, assessor, feedback="Describe your class in more detail."):
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback=feedback),
        comment="OVERALL-FIRST",
    )
    submission.refresh_from_db()
    return submission


# --- related submissions ---------------------------------------------------------------


def test_related_submissions_show_an_attempt_started_after_the_panel_was_kept(
    frozen, learner, credential, assessor, assessor_client
):
    first = denied(learner, credential, assessor)
    assert "Related submissions" in review_page(assessor_client, first)
    draft = submission_services.submission_resubmit(submission=first, actor=learner)
    page = review_page(assessor_client, first)
    assert draft.reference in page and "Attempt 2" in page


def test_related_submissions_show_a_decided_reviews_comment_saved_later(
    frozen, learner, credential, assessor, assessor_client
):
    first = denied(learner, credential, assessor)
    assert "OVERALL-FIRST" in review_page(assessor_client, first)
    review = first.review
    review.refresh_from_db()
    review.comment = "OVERALL-CORRECTED"
    review.save(update_fields=["comment"])
    page = review_page(assessor_client, first)
    assert "OVERALL-CORRECTED" in page and "OVERALL-FIRST" not in page


def test_related_submissions_show_a_criterion_score_saved_later(
    frozen, learner, credential, assessor, assessor_client
):
    first = denied(learner, credential, assessor, feedback="FEEDBACK-FIRST")
    assert "FEEDBACK-FIRST" in review_page(assessor_client, first)
    score = first.review.scores.get(feedback="FEEDBACK-FIRST")
    score.feedback = "FEEDBACK-CORRECTED"
    score.save()
    page = review_page(assessor_client, first)
    assert "FEEDBACK-CORRECTED" in page and "FEEDBACK-FIRST" not in page


def test_progress_saved_on_an_open_review_keeps_the_panels(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential)
    review_page(assessor_client, submission)
    name = learner_attempts(learner.pk)
    before = fragment_cache.versions(name)
    services.review_save_progress(
        review_id=submission.review.pk,
        actor=assessor,
        scores=first_not_met(submission.review, feedback="PROGRESS-ONLY"),
        comment="PROGRESS-COMMENT",
    )
    assert fragment_cache.versions(name) == before
    # The form shows the saved progress; the related submissions never do.
    page = review_page(assessor_client, submission)
    related = page.split("Related submissions")[1] if "Related submissions" in page else ""
    assert "PROGRESS-ONLY" not in related


def test_the_decision_shows_in_the_related_submissions_of_the_next_attempt(
    frozen, learner, credential, assessor, assessor_client
):
    first = denied(learner, credential, assessor)
    second = submission_services.submission_resubmit(submission=first, actor=learner)
    page = review_page(assessor_client, first)
    assert second.reference in page and "OVERALL-FIRST" in page


# --- pre-check --------------------------------------------------------------------------


def test_pre_check_shows_a_run_finished_after_the_panel_was_kept(
    frozen, learner, credential, assessor, assessor_client, monkeypatch
):
    submission = submit_for_review(learner=learner, credential=credential)
    pending = Precheck.objects.get(submission=submission)
    page = review_page(assessor_client, submission)
    assert "is still running" in page and "Files and links checked" not in page
    monkeypatch.setattr(precheck_services, "gather_findings", lambda submission: [])
    precheck_services.precheck_run(precheck_id=pending.pk)
    page = review_page(assessor_client, submission)
    assert "Files and links checked" in page and "is still running" not in page


def test_pre_check_shows_a_check_asked_for_after_the_panel_was_kept(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential)
    Precheck.objects.filter(submission=submission).delete()
    assert "Not checked yet." in review_page(assessor_client, submission)
    precheck_services.precheck_store(
        submission=submission, trigger=PrecheckTrigger.RECHECK, actor=assessor, findings=[]
    )
    page = review_page(assessor_client, submission)
    assert "Not checked yet." not in page and "Files and links checked" in page


def test_pre_check_file_names_follow_blind_review_on_every_visit(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential)
    attachment = submission.attachments.get()
    precheck_services.precheck_store(
        submission=submission,
        trigger=PrecheckTrigger.RECHECK,
        actor=assessor,
        findings=[{"kind": "file", "ref": str(attachment.uuid), "code": "ok"}],
    )
    organization = credential.organization
    assert organization.blind_review
    precheck = review_page(assessor_client, submission).split("Completeness pre-check")[1]
    assert attachment.original_name not in precheck
    organization.blind_review = False
    organization.save()
    precheck = review_page(assessor_client, submission).split("Completeness pre-check")[1]
    assert attachment.original_name in precheck
    organization.blind_review = True
    organization.save()
    precheck = review_page(assessor_client, submission).split("Completeness pre-check")[1]
    assert attachment.original_name not in precheck


# --- duplicate flags --------------------------------------------------------------------

MATCH = {
    "kind": "answer",
    "part": 1,
    "label": "Your class",
    "other_part": 1,
    "other_label": "Your class",
    "similarity": 0.9,
}


def test_a_flag_opened_or_removed_after_the_panel_was_kept_shows(
    frozen, learner, other_learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential)
    other = submit_for_review(learner=other_learner, credential=credential)
    assert "Shared evidence" not in review_page(assessor_client, submission)
    flag = DuplicateFlag.objects.create(submission=other, other=submission, matches=[MATCH])
    page = review_page(assessor_client, submission)
    assert "Shared evidence" in page and other_learner.name not in page
    flag.delete()
    assert "Shared evidence" not in review_page(assessor_client, submission)


def test_a_flag_naming_another_learner_shows_her_name_as_it_is_now(
    frozen, learner, credential, assessor, assessor_client
):
    organization = credential.organization
    organization.blind_review = False
    organization.save()
    other_learner = UserFactory(name="Orla Original")
    submission = submit_for_review(learner=learner, credential=credential)
    other = submit_for_review(learner=other_learner, credential=credential)
    DuplicateFlag.objects.create(submission=other, other=submission, matches=[MATCH])
    assert "Orla Original" in review_page(assessor_client, submission)
    other_learner.name = "Orla Renamed"
    other_learner.save()
    page = review_page(assessor_client, submission)
    assert "Orla Renamed" in page and "Orla Original" not in page


# --- cost ---------------------------------------------------------------------------------


def test_a_kept_review_page_reads_only_the_session_user_review_and_scores(
    frozen, learner, credential, assessor, django_assert_max_num_queries
):
    first = denied(learner, credential, assessor)
    second = resubmit_for_review(denied=first, learner=learner)
    client = Client()
    client.force_login(assessor)
    review_page(client, second)
    with django_assert_max_num_queries(4):
        page = review_page(client, second)
    assert "Related submissions" in page and "OVERALL-FIRST" in page
    assert "Completeness pre-check" in page
