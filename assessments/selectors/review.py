"""The review page: the review itself, its scores, and every attempt in the chain."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.http import Http404

from accounts.models import AnyUser
from submissions.models import Status, Submission
from submissions.selectors import chain_is_awarded, submission_chain

from ..models import CriterionScore, Review, ReviewState
from .scopes import sees_every_review


def review_get_for_user(*, submission_uuid: uuid.UUID, user: AnyUser) -> Review:
    """The review of a submission for its assigned assessor or staff who oversee
    reviews; 404 for anyone else, and always for the learner themself.

    Pages link with the submission's UUID; the review's own UUID is accepted too.
    """
    reviews = Review.objects.select_related(
        "submission",
        "submission__learner",
        "submission__credential",
        "submission__credential__organization",
        "assessor",
        "decided_by",
    )
    # Two indexed look-ups rather than one OR across the join.
    review = (
        reviews.filter(submission__uuid=submission_uuid).first()
        or reviews.filter(uuid=submission_uuid).first()
    )
    if (
        review is None
        or review.submission.learner_id == user.pk
        or not (review.assessor_id == user.pk or sees_every_review(user))
    ):
        raise Http404("No such review.")
    return review


def review_scores(review: Review) -> dict[int, CriterionScore]:
    """The review's criterion scores keyed by criterion id."""
    return {score.criterion_id: score for score in review.scores.all()}


# --- related submissions (learner and assessor pages) --------------------------------


@dataclass
class Attempt:
    submission: Submission
    number: int
    is_current: bool
    outcome: str = ""
    comment: str = ""
    scores: list[CriterionScore] = field(default_factory=list)

    @property
    def date(self) -> datetime.datetime:
        return self.submission.submitted_at or self.submission.created_at

    @property
    def has_feedback(self) -> bool:
        """A decided attempt with marks or comments to show."""
        return bool(self.outcome and (self.comment or self.scores))


@dataclass
class RelatedSubmissions:
    attempts: list[Attempt]
    awarded: bool
    denied_count: int

    @property
    def show_numbers(self) -> bool:
        """Attempt numbers and denial counts disappear once any attempt is awarded."""
        return not self.awarded

    @property
    def is_empty(self) -> bool:
        """Nothing worth a table: a single attempt with no decision yet."""
        return len(self.attempts) == 1 and not self.attempts[0].outcome


def related_submissions(*, submission: Submission) -> RelatedSubmissions:
    """Every attempt in the submission's chain, oldest first, with the feedback
    of decided attempts. Feedback never carries the assessor's identity, and an
    open review's saved progress is never included."""
    chain = submission_chain(submission)
    decided = {
        review.submission_id: review
        for review in Review.objects.filter(
            submission_id__in=[s.pk for s in chain], state=ReviewState.DECIDED
        ).prefetch_related("scores")
    }
    attempts = []
    for number, attempt in enumerate(chain, start=1):
        review = decided.get(attempt.pk)
        attempts.append(
            Attempt(
                submission=attempt,
                number=number,
                is_current=attempt.pk == submission.pk,
                outcome=review.outcome if review else "",
                comment=review.comment if review else "",
                scores=list(review.scores.all()) if review else [],
            )
        )
    return RelatedSubmissions(
        attempts=attempts,
        awarded=chain_is_awarded(chain),
        denied_count=sum(1 for s in chain if s.status == Status.DENIED),
    )
