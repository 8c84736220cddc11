"""The review page's submission content is kept once the submission can no
longer change: what it shows follows every change, blind review stays blind,
and its queries do not grow with the size of the application or its history."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from assessments import services
from assessments.models import Outcome
from submissions import services as submission_services
from tests.assessments.factories import (
    ALL_ATTESTATIONS,
    first_not_met,
    resubmit_for_review,
    submit_for_review,
)
from tests.submissions import evidence_files as files

pytestmark = pytest.mark.django_db

PDF_NAME = "Lena_Alvarez_task_plan.pdf"


def review_page(client, submission) -> str:
    response = client.get(reverse("assessments:review", kwargs={"uuid": submission.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def test_blind_review_follows_the_organization_on_every_visit(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(
        learner=learner, credential=credential, files=[(PDF_NAME, files.pdf_with_author())]
    )
    organization = credential.organization
    neutral = f"{submission.reference}-evidence-1.pdf"
    assert organization.blind_review
    first = review_page(assessor_client, submission)
    assert neutral in first and PDF_NAME not in first

    organization.blind_review = False
    organization.save()
    named = review_page(assessor_client, submission)
    assert PDF_NAME in named and neutral not in named

    organization.blind_review = True
    organization.save()
    again = review_page(assessor_client, submission)
    assert neutral in again and PDF_NAME not in again


def test_an_answer_edited_after_a_return_shows_once_resubmitted(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential, answer="FIRST-ANSWER")
    assert "FIRST-ANSWER" in review_page(assessor_client, submission)

    services.review_return_incomplete(
        review_id=submission.review.pk, actor=assessor, note="Add your school's name."
    )
    submission.refresh_from_db()
    submission_services.draft_save(
        submission=submission,
        actor=learner,
        version=submission.version,
        changes=submission_services.DraftChanges(
            answers={r.pk: "SECOND-ANSWER" for r in submission.responses.all()}
        ),
    )
    # While it is with the learner, the review page reads what is saved now.
    assert "SECOND-ANSWER" in review_page(assessor_client, submission)
    submission.refresh_from_db()
    submission_services.submission_submit(
        submission=submission, actor=learner, attestations=ALL_ATTESTATIONS
    )
    page = review_page(assessor_client, submission)
    assert "SECOND-ANSWER" in page and "FIRST-ANSWER" not in page


def test_attestations_confirmed_again_on_resubmission_show_their_new_date(
    frozen, learner, credential, assessor, assessor_client
):
    submission = submit_for_review(learner=learner, credential=credential)
    assert "Confirmed Nov. 20, 2026" in review_page(assessor_client, submission)
    services.review_return_incomplete(
        review_id=submission.review.pk, actor=assessor, note="The video does not play."
    )
    frozen.move_to(datetime.datetime(2026, 11, 24, 15, tzinfo=datetime.UTC))
    submission.refresh_from_db()
    submission_services.submission_submit(
        submission=submission, actor=learner, attestations=ALL_ATTESTATIONS
    )
    page = review_page(assessor_client, submission)
    assert "Confirmed Nov. 24, 2026" in page and "Confirmed Nov. 20, 2026" not in page


def _history(learner, credential, assessor, attempts):
    """A submission in review after ``attempts - 1`` denied attempts."""
    submission = submit_for_review(
        learner=learner,
        credential=credential,
        files=[(f"plan-{n}.pdf", files.pdf_with_author()) for n in range(3)],
    )
    for _ in range(attempts - 1):
        review = submission.review
        services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=first_not_met(review),
        )
        submission.refresh_from_db()
        submission = resubmit_for_review(denied=submission, learner=learner)
    return submission


@pytest.mark.parametrize("attempts", [1, 4])
def test_review_page_query_count_is_flat(
    attempts, frozen, learner, credential, assessor, assessor_client, django_assert_max_num_queries
):
    submission = _history(learner, credential, assessor, attempts)
    review_page(assessor_client, submission)  # the content is kept from the first visit
    with django_assert_max_num_queries(8):
        page = review_page(assessor_client, submission)
    assert submission.reference in page


# A visit once the panels are kept, by whether the scores come with the review.
REVIEW_VISIT_QUERIES = {True: 3, False: 4}


def test_saved_progress_is_read_with_the_review_on_every_visit(
    frozen, learner, credential, assessor, assessor_client, django_assert_max_num_queries
):
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    review_page(assessor_client, submission)  # the panels are kept from the first visit
    criterion = int(submission.rubric_snapshot[0]["id"])
    services.review_save_progress(
        review_id=review.pk,
        actor=assessor,
        scores={criterion: services.ScoreInput(met=False, feedback="Name the grade you teach.")},
        comment="Nearly there.",
    )
    # The session, the user and the review with its scores: nothing read apart
    # (other databases than PostgreSQL read the scores in a query of their own).
    with django_assert_max_num_queries(REVIEW_VISIT_QUERIES[connection.vendor == "postgresql"]):
        page = review_page(assessor_client, submission)
    assert "Name the grade you teach." in page
    assert f'value="not_met" id="id_met_{criterion}_1" checked' in page
    assert "Nearly there." in page


def test_the_learner_is_read_only_where_the_page_shows_her(
    frozen, learner, credential, assessor, assessor_client, django_assert_max_num_queries
):
    submission = submit_for_review(learner=learner, credential=credential)
    review_page(assessor_client, submission)  # the panels are kept from the first visit
    with django_assert_max_num_queries(REVIEW_VISIT_QUERIES[connection.vendor == "postgresql"]):
        assert learner.email not in review_page(assessor_client, submission)
    organization = credential.organization
    organization.blind_review = False
    organization.save(update_fields=["blind_review"])
    review_page(assessor_client, submission)
    # Not blind: one query more, for the learner the page names.
    with django_assert_max_num_queries(REVIEW_VISIT_QUERIES[connection.vendor == "postgresql"] + 1):
        page = review_page(assessor_client, submission)
    assert learner.email in page


def test_the_page_query_is_compiled_once_whoever_opens_it(
    frozen, learner, credential, assessor, assessor_client, client, django_user_model
):
    from django.db.models.sql.compiler import SQLCompiler

    from assessments.models import Review
    from assessments.selectors import review as review_selectors

    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    by_review = reverse("assessments:review", kwargs={"uuid": review.uuid})
    # The panels are kept from the first visits, and both queries compiled.
    review_page(assessor_client, submission)
    assert assessor_client.get(by_review).status_code == 200
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if self.query.model is Review:
            compiled.append(self.query)
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = counting
    try:
        # By the submission's UUID and by the review's: the same page, its query not compiled.
        assert submission.reference in review_page(assessor_client, submission)
        assert assessor_client.get(by_review).status_code == 200
        assert not compiled
        # Another user is given her own answer, not the assessor's: nothing of hers.
        other = django_user_model.objects.create_user(email="other@example.com", password="x")
        client.force_login(other)
        response = client.get(reverse("assessments:review", kwargs={"uuid": submission.uuid}))
        assert response.status_code == 404
    finally:
        SQLCompiler.as_sql = original
    assert review_selectors._BY_SUBMISSION._compiled and review_selectors._BY_REVIEW._compiled
