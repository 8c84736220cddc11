"""The assessor queue: the reviews a user works on, its filters and sorts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from credentials.models import MicroCredential

from ..models import AssessorScope, Outcome, Review, ReviewState, Scoring, ScoringState
from .scopes import sees_every_review

QUEUE_STATUSES = {
    "open": Q(state=ReviewState.OPEN),
    "returned": Q(state=ReviewState.RETURNED),
    "awarded": Q(outcome=Outcome.AWARDED),
    "denied": Q(outcome=Outcome.DENIED),
    "all": Q(),
}

QUEUE_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "submitted": ("submission__submitted_at", "id"),
    "-submitted": ("-submission__submitted_at", "-id"),
    "credential": ("submission__credential__title", "due_on", "id"),
    "-credential": ("-submission__credential__title", "due_on", "id"),
}


def review_queue(
    *,
    user: User,
    credential_id: int | None = None,
    status: str = "open",
    sort: str = "due",
    assessor: str = "",
) -> QuerySet[Review]:
    """The reviews a user works on: their own and those where they hold an open
    scoring (second, sampled, adjudicating; the row links to the review page,
    which sends them to their scoring), or every review for staff who oversee
    reviews (``sees_every_review``).

    ``assessor`` (those staff only) narrows to one assessor's id, or "none" for
    reviews waiting for an assessor.
    """
    reviews = Review.objects.select_related(
        "submission", "submission__credential", "submission__credential__organization", "assessor"
    )
    if sees_every_review(user):
        if assessor == "none":
            reviews = reviews.filter(assessor__isnull=True)
        elif assessor.isdigit():
            reviews = reviews.filter(assessor_id=int(assessor))
        reviews = reviews.filter(QUEUE_STATUSES.get(status, QUEUE_STATUSES["open"]))
    else:
        mine = Q(assessor=user) & QUEUE_STATUSES.get(status, QUEUE_STATUSES["open"])
        if status in ("", "open", "all") or status not in QUEUE_STATUSES:
            # Reviews where the user holds an open second, sampled or adjudicating
            # scoring, whatever the review's state: never under a decided filter,
            # which would tell a sampled scorer the live decision.
            mine |= Q(
                pk__in=Scoring.objects.filter(assessor=user, state=ScoringState.OPEN).values(
                    "review_id"
                )
            )
        reviews = reviews.filter(mine)
    if credential_id:
        reviews = reviews.filter(submission__credential_id=credential_id)
    return reviews.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["due"]))


def queue_credentials(*, user: User) -> QuerySet[MicroCredential]:
    """Credentials to filter the queue by: those the user has reviews for."""
    reviews = (
        Review.objects.all()
        if sees_every_review(user)
        else Review.objects.filter(Q(assessor=user) | Q(scorings__assessor=user))
    )
    return MicroCredential.objects.filter(
        pk__in=reviews.values("submission__credential_id")
    ).order_by("title")


def queue_assessors() -> QuerySet[User]:
    """Everyone holding an active assessor scope (the staff filter)."""
    return User.objects.filter(
        pk__in=AssessorScope.objects.filter(is_active=True).values("user_id")
    ).order_by("email")
