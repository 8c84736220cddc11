"""Shared set-up for scoring tests: a credential on a scoring policy, three
assessors, and the scorings of a submission in review."""

from assessments import scoring
from assessments.models import Scoring, ScoringModel, ScoringPolicy
from assessments.services import ScoreInput
from tests.assessments.factories import make_assessor


def use_policy(credential, model=ScoringModel.DOUBLE_ADJUDICATED, **fields):
    """Put ``credential`` on a scoring policy (through the service)."""
    policy = ScoringPolicy(
        organization=credential.organization, credential=credential, scoring_model=model, **fields
    )
    return scoring.scoring_policy_save(policy=policy, actor=None)


def three_assessors(credential):
    return [
        make_assessor(credential=credential, email=f"assessor{n}@example.org", name=f"Assessor {n}")
        for n in (1, 2, 3)
    ]


def scorings_of(review):
    """The review's scorings by kind."""
    return {s.kind: s for s in Scoring.objects.filter(review=review).select_related("assessor")}


def marks(review, *, not_met=(), feedback="Looks solid."):
    """Every criterion met except the positions in ``not_met`` (with feedback)."""
    result = {}
    for position, criterion in enumerate(review.submission.rubric_snapshot):
        met = position not in not_met
        result[int(criterion["id"])] = ScoreInput(
            met=met, feedback="" if met else f"{feedback} (criterion {position + 1})"
        )
    return result


def submit(scoring_row, outcome, scores, comment=None):
    return scoring.scoring_submit(
        scoring_id=scoring_row.pk,
        actor=scoring_row.assessor,
        outcome=outcome,
        scores=scores,
        comment=comment,
    )
