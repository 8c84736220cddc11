"""Scorings as pages and dashboards read them: the policy in force, pairs for
agreement, and what each person may see of a review's scorings.

Pairs, set-wise: a review's submitted ``first`` Scoring against its submitted
``second`` or ``sample`` one (``PAIRED_KINDS``). ``scoring_pairs`` gives one
row per pair (outcomes), ``criterion_pairs`` one row per criterion both
marked; both are ``values()`` querysets with no rows loaded, to be filtered
(credential, assessor, dates) and grouped in the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When
from django.http import Http404

from accounts.models import AnyUser
from credentials.models import MicroCredential

from ..models import (
    PAIRED_KINDS,
    PriorAssessor,
    Review,
    Scoring,
    ScoringKind,
    ScoringMark,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)
from .scopes import sees_every_review


def scoring_policy_for(*, credential: MicroCredential) -> ScoringPolicy:
    """The policy in force for a credential: its own (set on this version, else on
    the latest other version of the same credential, so a new version keeps its
    scoring model), else its organization's default, else an unsaved
    single-scoring policy. One query."""
    policies = ScoringPolicy.objects.filter(
        Q(credential__lineage=credential.lineage)
        | Q(organization_id=credential.organization_id, credential__isnull=True)
    ).order_by(
        Case(When(credential_id=credential.pk, then=0), default=1),
        F("credential__version").desc(nulls_last=True),
    )
    return policies.first() or ScoringPolicy(
        organization_id=credential.organization_id,
        scoring_model=ScoringModel.SINGLE,
        sample_percent=0,
        prior_assessor=PriorAssessor.ANY,
    )


def _second_of_pair() -> QuerySet[Scoring]:
    return Scoring.objects.filter(
        review_id=OuterRef("review_id"), kind__in=PAIRED_KINDS, state=ScoringState.SUBMITTED
    )


def scoring_pairs() -> QuerySet[Scoring, dict[str, Any]]:
    """One row per complete pair: ``review_id``, ``credential_id``,
    ``organization_id``, ``kind`` of the second (second or sample),
    ``first_assessor_id``, ``second_assessor_id``, ``first_outcome``,
    ``second_outcome``, ``first_submitted_at``, ``second_submitted_at``.

    Rows are the submitted first scorings that have a submitted partner; a
    review has at most one pair.
    """
    second = _second_of_pair()
    return (
        Scoring.objects.filter(kind=ScoringKind.FIRST, state=ScoringState.SUBMITTED)
        .annotate(
            second_kind=Subquery(second.values("kind")[:1]),
            second_assessor_id=Subquery(second.values("assessor_id")[:1]),
            second_outcome=Subquery(second.values("outcome")[:1]),
            second_submitted_at=Subquery(second.values("submitted_at")[:1]),
        )
        .filter(second_outcome__isnull=False)
        .values(
            "review_id",
            "second_kind",
            "second_assessor_id",
            "second_outcome",
            "second_submitted_at",
            credential_id=F("review__submission__credential_id"),
            organization_id=F("review__submission__credential__organization_id"),
            first_assessor_id=F("assessor_id"),
            first_outcome=F("outcome"),
            first_submitted_at=F("submitted_at"),
        )
        .order_by()
    )


def criterion_pairs() -> QuerySet[ScoringMark, dict[str, Any]]:
    """One row per criterion of a complete pair: ``review_id``, ``criterion_id``,
    ``credential_id``, ``organization_id``, ``first_assessor_id``,
    ``second_assessor_id``, ``first_met``, ``second_met`` (booleans),
    ``first_submitted_at``.

    Group by (``first_met``, ``second_met``) for a 2x2 contingency table
    (``core.agreement``), by ``criterion_id`` per criterion, by either
    assessor id per assessor.
    """
    second_mark = ScoringMark.objects.filter(
        scoring__review_id=OuterRef("scoring__review_id"),
        scoring__kind__in=PAIRED_KINDS,
        scoring__state=ScoringState.SUBMITTED,
        criterion_id=OuterRef("criterion_id"),
    )
    return (
        ScoringMark.objects.filter(
            scoring__kind=ScoringKind.FIRST,
            scoring__state=ScoringState.SUBMITTED,
            met__isnull=False,
        )
        .annotate(
            second_met=Subquery(second_mark.values("met")[:1]),
            second_assessor_id=Subquery(second_mark.values("scoring__assessor_id")[:1]),
        )
        .filter(second_met__isnull=False)
        .values(
            "criterion_id",
            "second_met",
            "second_assessor_id",
            review_id=F("scoring__review_id"),
            credential_id=F("scoring__review__submission__credential_id"),
            organization_id=F("scoring__review__submission__credential__organization_id"),
            first_assessor_id=F("scoring__assessor_id"),
            first_met=F("met"),
            first_submitted_at=F("scoring__submitted_at"),
        )
        .order_by()
    )


# --- what each person sees ------------------------------------------------------------------


def scoring_get_for_user(*, scoring_uuid: uuid.UUID, user: AnyUser) -> Scoring:
    """A scoring for its assessor or staff who oversee reviews; 404 for anyone
    else, and always for the learner (their page shows only the final decision)."""
    scoring = (
        Scoring.objects.select_related(
            "review",
            "review__submission",
            "review__submission__learner",
            "review__submission__credential",
            "review__submission__credential__organization",
            "assessor",
        )
        .prefetch_related("marks")
        .filter(uuid=scoring_uuid)
        .first()
    )
    if (
        scoring is None
        or scoring.review.submission.learner_id == user.pk
        or not (scoring.assessor_id == user.pk or sees_every_review(user))
    ):
        raise Http404("No such scoring.")
    return scoring


def scoring_for_submission(*, submission_uuid: uuid.UUID, user: AnyUser) -> Scoring | None:
    """The user's scoring of a submission's review (the review page sends them to it)."""
    if not user.is_authenticated:
        return None
    return (
        Scoring.objects.filter(review__submission__uuid=submission_uuid, assessor_id=user.pk)
        .select_related("review")
        .order_by("id")
        .first()
    )


def scoring_for_user(*, review: Review, user: AnyUser) -> Scoring | None:
    """The user's own scoring of a review (any kind), or None."""
    if not user.is_authenticated:
        return None
    return (
        Scoring.objects.filter(review=review, assessor_id=user.pk).prefetch_related("marks").first()
    )


def visible_scorings(*, review: Review, user: AnyUser, own: Scoring | None) -> list[Scoring]:
    """The other scorings of a review that ``user`` may read beside their own.

    Blindness: a first or second (or sample) scorer sees nothing of the other
    scorings until their own is submitted and the partner's too; an
    adjudicator sees both scorings of the pair (they are submitted by then).
    Staff who oversee reviews read this through ``review_scorings``.
    """
    if own is None:
        return []
    others = Scoring.objects.filter(review=review, state=ScoringState.SUBMITTED).exclude(pk=own.pk)
    if own.kind == ScoringKind.ADJUDICATION:
        others = others.filter(kind__in=(ScoringKind.FIRST, ScoringKind.SECOND))
    elif own.is_open:
        return []
    else:
        others = others.exclude(kind=ScoringKind.ADJUDICATION)
    return list(others.select_related("assessor").prefetch_related("marks").order_by("id"))


def review_scorings(*, review: Review) -> list[Scoring]:
    """Every scoring of a review with its marks and assessor (staff pages)."""
    return list(
        Scoring.objects.filter(review=review)
        .select_related("assessor")
        .prefetch_related("marks")
        .order_by("id")
    )
