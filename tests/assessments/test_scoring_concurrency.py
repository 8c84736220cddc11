"""The second scoring and the adjudication decide a review once, however they
race (real concurrent PostgreSQL connections)."""

import pytest

from assessments.models import Outcome, Review, Scoring, ScoringKind, ScoringState
from audit.models import AuditEvent
from notifications.models import OutboundEmail
from submissions.models import Status
from tests.assessments.factories import submit_for_review
from tests.assessments.scoring_helpers import (
    marks,
    scorings_of,
    submit,
    three_assessors,
    use_policy,
)
from tests.concurrency import postgres_only, race
from tests.submissions.factories import moves_to

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]

AWARD, DENY = Outcome.AWARDED, Outcome.DENIED


@pytest.fixture
def paired(credential, learner):
    three_assessors(credential)
    use_policy(credential)
    return submit_for_review(learner=learner, credential=credential).review


def _decisions(review):
    return AuditEvent.objects.filter(verb__in=["review.awarded", "review.denied"]).count()


def test_both_scorings_submitted_at_once_decide_the_review_once(paired):
    scorings = scorings_of(paired)
    scores = marks(paired)
    results = race(
        [
            lambda s=s: submit(s, AWARD, scores)
            for s in (scorings[ScoringKind.FIRST], scorings[ScoringKind.SECOND])
        ]
    )
    assert all(isinstance(r, Scoring) for r in results), results
    review = Review.objects.get(pk=paired.pk)
    assert review.outcome == AWARD
    assert _decisions(review) == 1
    assert moves_to(review.submission, Status.AWARDED) == 1
    assert OutboundEmail.objects.filter(key=f"review-decided:{review.pk}").count() == 1


def test_differing_scorings_submitted_at_once_ask_for_one_adjudication(paired):
    scorings = scorings_of(paired)
    results = race(
        [
            lambda: submit(scorings[ScoringKind.FIRST], AWARD, marks(paired)),
            lambda: submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0])),
        ]
    )
    assert all(isinstance(r, Scoring) for r in results), results
    assert Scoring.objects.filter(review=paired, kind=ScoringKind.ADJUDICATION).count() == 1
    assert AuditEvent.objects.filter(verb="review.adjudication_requested").count() == 1
    assert Review.objects.get(pk=paired.pk).state == "open"


def test_a_double_submitted_adjudication_decides_once(paired):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired))
    submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0]))
    adjudication = scorings_of(paired)[ScoringKind.ADJUDICATION]
    scores = marks(paired, not_met=[1])
    results = race([lambda: submit(adjudication, DENY, scores, "Final.") for _ in range(3)])
    assert all(isinstance(r, Scoring) for r in results), results
    review = Review.objects.get(pk=paired.pk)
    assert review.outcome == DENY and review.comment == "Final."
    assert _decisions(review) == 1
    assert moves_to(review.submission, Status.DENIED) == 1
    assert AuditEvent.objects.filter(verb="scoring.adjudication.submitted").count() == 1


def test_a_double_submitted_second_scoring_is_recorded_once(paired):
    second = scorings_of(paired)[ScoringKind.SECOND]
    scores = marks(paired)
    results = race([lambda: submit(second, AWARD, scores) for _ in range(2)])
    assert all(isinstance(r, Scoring) for r in results), results
    assert Scoring.objects.get(pk=second.pk).state == ScoringState.SUBMITTED
    assert AuditEvent.objects.filter(verb="scoring.second.submitted").count() == 1
