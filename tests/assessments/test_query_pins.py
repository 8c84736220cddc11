"""Exact query count of the decision, the review's main write, so a change
that adds a query per criterion (or drops the lock) shows up here first."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from assessments import services
from assessments.models import Outcome
from tests.assessments.factories import all_met, submit_for_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_types_cached(db):
    """The audit trail caches content types per process: only a cold one pays."""
    ContentType.objects.get_for_models(*apps.get_models())


def test_award_decision(learner, other_learner, credential, assessor, django_assert_num_queries):
    # The organization's first badge also creates its signing key and status
    # list: award once before measuring the steady state.
    first = submit_for_review(learner=other_learner, credential=credential).review
    services.review_decide(
        review_id=first.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(first)
    )
    review = submit_for_review(learner=learner, credential=credential).review
    scores = all_met(review)
    assert len(scores) == 2
    # The review locked, scored, moved and audited; the submission locked,
    # moved and audited; the award (created outright), whose badge is issued (with the
    # credential's alignments) and recorded; the learner's email rendered into
    # the outbox; the partners whose consenting cohorts hear of the decision and
    # of the award by webhook (one look-up each).
    with django_assert_num_queries(36):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=scores
        )
