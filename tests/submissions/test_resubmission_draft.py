"""The resubmission draft shows the earlier attempt's feedback and links to it."""

import re

import pytest

from assessments import services as assessment_services
from assessments.models import Outcome
from submissions import services
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import ONE_QUERY_READS

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    return CredentialFactory(with_content=True)


@pytest.fixture
def denied(learner, credential):
    submission = submit_for_review(learner=learner, credential=credential)
    assessor = make_assessor(credential=credential)
    review = submission.review
    review.assessor = assessor
    review.save(update_fields=["assessor"])
    scores = all_met(review, feedback="Clear picture of the class.")
    context_id = int(review.submission.rubric_snapshot[0]["id"])
    scores[context_id] = assessment_services.ScoreInput(
        met=False, feedback="Name the grade and subject you teach."
    )
    assessment_services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=scores,
        comment="A promising start: say more about your students.",
    )
    submission.refresh_from_db()
    return submission


def test_resubmission_draft_shows_the_earlier_feedback_overall_and_per_criterion(
    learner, learner_client, denied
):
    draft = services.submission_resubmit(submission=denied, actor=learner)

    page = learner_client.get(draft.get_absolute_url()).content.decode()

    panel = page[page.index('id="earlier-feedback"') : page.index('id="application-form"')]
    assert "A promising start: say more about your students." in panel
    assert re.search(r"<strong>Context</strong>:\s*<span[^>]*>Not yet met</span>", panel)
    assert "Name the grade and subject you teach." in panel
    assert re.search(r"<strong>Reflection</strong>:\s*<span[^>]*>Met</span>", panel)
    assert 'href="#earlier-feedback"' in page  # "Review the feedback" leads to it


def test_resubmission_draft_links_the_earlier_submission_id(learner, learner_client, denied):
    draft = services.submission_resubmit(submission=denied, actor=learner)

    page = learner_client.get(draft.get_absolute_url()).content.decode()

    notice = re.search(r'<p class="alert alert-info">This is a new attempt.*?</p>', page, re.S)
    assert f'<a href="{denied.get_absolute_url()}">{denied.reference}</a>' in notice.group(0)


def test_a_first_attempt_shows_no_feedback_panel(learner, learner_client, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)

    page = learner_client.get(draft.get_absolute_url()).content.decode()

    assert 'id="earlier-feedback"' not in page


@ONE_QUERY_READS
def test_the_earlier_feedback_is_read_once_and_kept_the_same(
    learner, learner_client, denied, django_assert_max_num_queries
):
    draft = services.submission_resubmit(submission=denied, actor=learner)
    first = learner_client.get(draft.get_absolute_url()).content.decode()

    with django_assert_max_num_queries(8):  # as few as a first attempt's page
        again = learner_client.get(draft.get_absolute_url()).content.decode()

    def panel(page):
        return page[page.index('id="earlier-feedback"') : page.index('id="application-form"')]

    assert panel(again) == panel(first)
    assert "Name the grade and subject you teach." in panel(again)


def test_the_kept_earlier_feedback_is_rendered_again_once_the_attempt_moves(
    learner, learner_client, denied
):
    """The page is kept while nothing on it changes; the earlier attempt's
    decided feedback rewritten (an appeal, in the admin) shows at once."""
    from assessments.models import Review

    draft = services.submission_resubmit(submission=denied, actor=learner)
    kept = learner_client.get(draft.get_absolute_url()).content.decode()
    review = Review.objects.get(submission=denied)
    review.comment = "Rewritten after an appeal."
    review.save(update_fields=["comment"])
    moved = learner_client.get(draft.get_absolute_url()).content.decode()

    assert "A promising start" in kept
    assert "Rewritten after an appeal." in moved
    assert "A promising start" not in moved


def test_the_kept_earlier_feedback_is_kept_per_language(learner, learner_client, denied):
    from django.conf import settings
    from django.utils.translation import gettext, override

    draft = services.submission_resubmit(submission=denied, actor=learner)
    learner_client.get(draft.get_absolute_url())

    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = learner_client.get(draft.get_absolute_url()).content.decode()

    with override("es"):
        by_criterion = gettext("By criterion")
    panel = spanish[spanish.index('id="earlier-feedback"') : spanish.index('id="application-form"')]
    assert by_criterion != "By criterion"
    assert f"<h3>{by_criterion}</h3>" in panel
