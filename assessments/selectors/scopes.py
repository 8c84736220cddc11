"""Who may assess what: scopes, eligibility and the reviews that wait for an assessor."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AnyUser, User
from credentials.models import MicroCredential
from submissions.models import Submission
from submissions.selectors import can_view_every_submission

from ..models import (
    AssessorCertification,
    AssessorScope,
    Assignment,
    CalibrationRequirement,
    Review,
    ReviewState,
    Scoring,
    ScoringKind,
    ScoringState,
)


def _scopes_for(credential: MicroCredential) -> QuerySet[AssessorScope]:
    """Active scopes covering the credential whose user may take live reviews:
    where calibration is required, only certified users (one query, set-wise).
    A scope named on one version of a credential covers all its versions (they
    share a lineage), so publishing version 2 never leaves its applications
    without an assessor."""
    return (
        AssessorScope.objects.filter(is_active=True)
        .filter(
            Q(credential__lineage=credential.lineage)
            | Q(organization_id=credential.organization_id)
        )
        .filter(certified_or_not_required(credential=credential, user=OuterRef("user_id")))
    )


def certified_or_not_required(*, credential: MicroCredential, user: Any) -> Q:
    """A condition true when ``user`` (an outer reference or an id) may take live
    reviews of the credential as far as calibration goes: no calibration set
    applies to it (no CalibrationRequirement for it or its organization), or
    the user holds an unexpired certification for it or its organization.
    A credential's versions share its calibration: they share its lineage."""
    covers = Q(credential__lineage=credential.lineage) | Q(
        organization_id=credential.organization_id
    )
    required = Exists(CalibrationRequirement.objects.filter(covers))
    certified = Exists(
        AssessorCertification.objects.filter(covers, user_id=user, valid_until__gt=timezone.now())
    )
    return ~Q(required) | Q(certified)


def eligible_assessors(*, submission: Submission) -> QuerySet[User]:
    """Users who may assess this submission, least loaded first.

    Eligible: an active user with an active scope for the credential or its
    organization, who is not the learner and, where a calibration set applies
    to the credential, holds a current certification. Load is the number of open reviews
    assigned to them, plus their open second, sampled and adjudicating scorings
    (a first scoring is its review's); ties go to whoever was assigned least recently.
    """
    open_reviews = (
        Review.objects.filter(assessor=OuterRef("pk"), state=ReviewState.OPEN)
        .order_by()
        .values("assessor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_scorings = (
        Scoring.objects.filter(assessor=OuterRef("pk"), state=ScoringState.OPEN)
        .exclude(kind=ScoringKind.FIRST)
        .order_by()
        .values("assessor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    other_scorings = Scoring.objects.filter(
        review__submission_id=submission.pk, assessor=OuterRef("pk")
    ).exclude(kind=ScoringKind.FIRST)
    last_assigned = (
        Assignment.objects.filter(assessor=OuterRef("pk"))
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )
    return (
        User.objects.filter(
            is_active=True, pk__in=_scopes_for(submission.credential).values("user_id")
        )
        .exclude(pk=submission.learner_id)
        # Whoever holds a second, sampled or adjudicating scoring of this
        # submission never takes its review (and so its first scoring) too.
        .exclude(Exists(other_scorings))
        .annotate(
            open_reviews=Coalesce(Subquery(open_reviews), 0) + Coalesce(Subquery(open_scorings), 0),
            last_assigned_at=Subquery(last_assigned),
        )
        .order_by("open_reviews", F("last_assigned_at").asc(nulls_first=True), "pk")
    )


def credential_has_assessor(*, credential: MicroCredential) -> bool:
    """Whether any active user may assess this credential's applications."""
    return _scopes_for(credential).filter(user__is_active=True).exists()


def waiting_reviews(
    *, credential_id: int | None = None, organization_id: int | None = None
) -> QuerySet[Review]:
    """Open reviews with no assessor, for one credential or one organization's
    credentials, most urgent first."""
    reviews = Review.objects.filter(state=ReviewState.OPEN, assessor__isnull=True)
    if credential_id is not None:
        # Every version of the credential: a scope on one version covers them all.
        reviews = reviews.filter(
            submission__credential__lineage__in=MicroCredential.objects.filter(
                pk=credential_id
            ).values("lineage")
        )
    if organization_id is not None:
        reviews = reviews.filter(submission__credential__organization_id=organization_id)
    return reviews.order_by("due_on", "id")


def assessor_is_eligible(*, user: User | None, submission: Submission) -> bool:
    return (
        user is not None
        and user.is_active
        and user.pk != submission.learner_id
        and _scopes_for(submission.credential).filter(user_id=user.pk).exists()
    )


def sees_every_review(user: AnyUser) -> bool:
    """Staff granted ``submissions.view_submission`` (through a group) oversee
    every review: the whole queue and each review page. ``is_staff`` alone
    does not, since a review shows the application and its evidence."""
    return can_view_every_submission(user)


def is_assessor(user: AnyUser) -> bool:
    """Whether the user has a review queue: an assessor, or staff who oversee reviews."""
    if not user.is_authenticated:
        return False
    if sees_every_review(user):
        return True
    # Asked by the navigation and by views within one request: remember the
    # answer on the request's user object. One query: an active scope, or reviews.
    cached = getattr(user, "_is_assessor", None)
    if cached is None:
        scopes = AssessorScope.objects.filter(user=user, is_active=True).values("pk")
        reviews = Review.objects.filter(assessor=user).values("pk")
        cached = scopes.union(reviews).exists()
        setattr(user, "_is_assessor", cached)  # noqa: B010  (not a declared field)
    return cached
