"""Blind review rounds: open, assign, score, settle, close.

Statuses move only through ``core.transitions.transition`` on a locked row,
so a double click or two tabs move a round or a review once; every step is
in the audit trail with its actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from core.transitions import transition
from credentials.models import MemberRole, MicroCredential
from credentials.selectors import organization_members
from notifications.services import email_enqueue

from .. import selectors
from ..exceptions import (
    AlreadySubmitted,
    NotAllowed,
    NotEditable,
    NotEnoughReviewers,
    ReviewConflict,
    ReviewerNotEligible,
    ReviewIncomplete,
    RoundAlreadyOpen,
    SelfAssessmentIncomplete,
)
from ..models import (
    ASSIGNMENT_TRANSITIONS,
    ROUND_TRANSITIONS,
    AssignmentStatus,
    ComponentResult,
    Mark,
    ReviewAssignment,
    ReviewRound,
    ReviewScore,
    RoundStatus,
    SelfAssessment,
    SettledBy,
)

RUNNING = (RoundStatus.OPEN, RoundStatus.SETTLING)


def round_open(*, credential: MicroCredential, actor: User) -> ReviewRound:
    """Submit a version for review: open its next round (1, 2, ...).

    Needs a designer of the organization and a self-assessment with every
    component marked (SelfAssessmentIncomplete otherwise). A second request
    while a round runs raises RoundAlreadyOpen (a notice: it has happened).
    The self-assessment row is locked, so two submits number one round.
    """
    if not selectors.can_design(user=actor, credential=credential):
        raise NotAllowed()
    with transaction.atomic():
        assessment = (
            SelfAssessment.objects.select_for_update()
            .select_related("framework")
            .filter(credential=credential)
            .first()
        )
        if assessment is None:
            raise SelfAssessmentIncomplete(missing=-1)
        if ReviewRound.objects.filter(credential=credential, status__in=RUNNING).exists():
            raise RoundAlreadyOpen()
        _, rows = selectors.self_assessment_rows(
            credential=credential, framework=assessment.framework
        )
        missing = selectors.progress(rows)["open"]
        if missing:
            raise SelfAssessmentIncomplete(missing=missing)
        number = (
            ReviewRound.objects.filter(credential=credential).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        try:
            with transaction.atomic():
                review_round = ReviewRound.objects.create(
                    credential=credential,
                    framework=assessment.framework,
                    number=number,
                    opened_by=actor,
                )
        except IntegrityError:
            raise RoundAlreadyOpen() from None
        record(
            actor=actor,
            verb="quality.round_opened",
            target=review_round,
            data={"credential": str(credential.uuid), "number": number},
        )
        for member in organization_members(
            organization=credential.organization, role=MemberRole.ADMIN
        ):
            email_enqueue(
                to=[member.user.email],
                template="quality_round_opened",
                context={
                    "name": member.user.display_name,
                    "title": credential.title,
                    "number": number,
                    "path": reverse("quality:version", kwargs={"uuid": credential.uuid}),
                },
                key=f"quality-round-opened:{review_round.pk}:{member.user_id}",
            )
    return review_round


def round_assign(
    *,
    review_round: ReviewRound,
    reviewers: Sequence[User],
    actor: User,
    settles: bool = False,
) -> list[ReviewAssignment]:
    """Assign reviewers to a running round (the organization admin or staff).

    Reviewers must be eligible (``selectors.eligible_reviewers``: never the
    designer, optionally never the designer's team). A round's first
    reviewers number at least the organization's ``reviewers_per_round``
    (two by default). ``settles`` assigns a third reviewer to a round whose
    reviewers disagreed; their marks settle the disputed components. Already
    assigned reviewers are skipped, so the request is safe to repeat.
    """
    if not selectors.can_run_rounds(user=actor, organization=review_round.credential.organization):
        raise NotAllowed()
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        wanted_status = RoundStatus.SETTLING if settles else RoundStatus.OPEN
        if locked.status != wanted_status:
            raise NotEditable(
                gettext("A third reviewer is called in only to settle a disagreement.")
                if settles
                else gettext("Reviewers can be assigned only while the round is in review.")
            )
        eligible = {u.pk for u in selectors.eligible_reviewers(round=locked)}
        assigned = set(locked.assignments.values_list("reviewer_id", flat=True))
        new = [u for u in dict.fromkeys(reviewers) if u.pk not in assigned]
        for user in new:
            if user.pk not in eligible:
                raise ReviewerNotEligible(
                    gettext("%(email)s cannot review this round.") % {"email": user.email}
                )
        if not settles:
            needed = selectors.setting_for(
                organization=review_round.credential.organization
            ).reviewers_per_round
            regular = locked.assignments.filter(settles=False).count()
            if regular + len(new) < needed:
                raise NotEnoughReviewers(
                    gettext("Choose at least %(needed)s reviewers for this round.")
                    % {"needed": needed}
                )
        created = [
            ReviewAssignment.objects.create(round=locked, reviewer=user, settles=settles)
            for user in new
        ]
        for assignment in created:
            record(
                actor=actor,
                verb="quality.reviewer_assigned",
                target=locked,
                data={"reviewer": assignment.reviewer_id, "settles": settles},
            )
            # Only the credential and the organization: never the designer.
            email_enqueue(
                to=[assignment.reviewer.email],
                template="quality_review_assigned",
                context={
                    "name": assignment.reviewer.display_name,
                    "title": review_round.credential.title,
                    "organization": review_round.credential.organization.name,
                    "number": locked.number,
                    "path": reverse("quality:review", kwargs={"uuid": assignment.uuid}),
                },
                key=f"quality-review-assigned:{assignment.pk}",
            )
    return created


@dataclass(frozen=True)
class ScoreInput:
    """A reviewer's mark and feedback on one component; None keeps what is stored."""

    mark: str | None
    feedback: str | None = None


@dataclass(frozen=True)
class Ratings:
    scope: int | None = None
    clarity: int | None = None
    ease_of_use: int | None = None
    comments: str = ""


def review_save(
    *,
    assignment: ReviewAssignment,
    actor: User,
    revision: int,
    scores: Mapping[int, ScoreInput],
    ratings: Ratings,
) -> ReviewAssignment:
    """Save a reviewer's draft (component id -> mark and feedback, and the ratings).

    Only the assigned reviewer; refused once submitted (AlreadySubmitted) or
    when another tab saved since ``revision`` (ReviewConflict). Safe to
    repeat with the new revision.
    """
    if assignment.reviewer_id != actor.pk:
        raise NotAllowed()
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status == AssignmentStatus.SUBMITTED:
            raise AlreadySubmitted()
        if locked.revision != revision:
            raise ReviewConflict()
        valid = {c.pk for c in selectors.framework_components(framework=assignment.round.framework)}
        existing = {s.component_id: s for s in locked.scores.all()}
        new, changed = [], []
        for component_id, given in scores.items():
            if component_id not in valid:
                continue
            score = existing.get(component_id)
            if score is None:
                new.append(
                    ReviewScore(
                        assignment=locked,
                        component_id=component_id,
                        mark=given.mark or "",
                        feedback=given.feedback or "",
                    )
                )
                continue
            wanted = (
                score.mark if given.mark is None else given.mark,
                score.feedback if given.feedback is None else given.feedback,
            )
            if (score.mark, score.feedback) != wanted:
                score.mark, score.feedback = wanted
                changed.append(score)
        ReviewScore.objects.bulk_create(new)
        ReviewScore.objects.bulk_update(changed, ["mark", "feedback"])
        locked.scope, locked.clarity, locked.ease_of_use = (
            ratings.scope,
            ratings.clarity,
            ratings.ease_of_use,
        )
        locked.comments = ratings.comments
        locked.revision += 1
        locked.save(update_fields=["scope", "clarity", "ease_of_use", "comments", "revision"])
    return locked


def review_submit(*, assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    """Submit a saved review: every component marked and the three ratings given.

    Moves the review once (AlreadySubmitted on a repeat); when it completes
    the round's reviews, the round finds its result in the same transaction.
    """
    if assignment.reviewer_id != actor.pk:
        raise NotAllowed()
    with transaction.atomic():
        review_round = ReviewRound.objects.select_for_update().get(pk=assignment.round_id)
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status == AssignmentStatus.SUBMITTED:
            raise AlreadySubmitted()
        if review_round.status not in RUNNING:
            raise NotEditable(gettext("This round has already ended."))
        components = list(selectors.framework_components(framework=review_round.framework))
        scores = list(locked.scores.all())
        marked = {s.component_id for s in scores if s.mark in (Mark.MET, Mark.NOT_MET)}
        missing = sum(1 for c in components if c.pk not in marked)
        # The designer revises from the feedback: a "not yet met" says what is missing.
        unexplained = sum(1 for s in scores if s.mark == Mark.NOT_MET and not s.feedback.strip())
        if unexplained and not missing:
            raise ReviewIncomplete(
                gettext(
                    "Give feedback on each component marked not yet met (%(count)s without), "
                    "so the designer knows what to revise."
                )
                % {"count": unexplained}
            )
        if missing or None in (locked.scope, locked.clarity, locked.ease_of_use):
            raise ReviewIncomplete(
                gettext(
                    "Mark every component and give the three ratings before submitting "
                    "(%(missing)s components still open)."
                )
                % {"missing": missing}
            )
        transition(
            locked,
            to=AssignmentStatus.SUBMITTED,
            allowed=ASSIGNMENT_TRANSITIONS,
            actor=actor,
            verb="quality.review_submitted",
            changes={"submitted_at": timezone.now()},
        )
        _round_progress(review_round, actor=actor)
    return locked


def _round_progress(review_round: ReviewRound, *, actor: User | None) -> None:
    """Find the round's results once its reviews are in (round row locked by the caller)."""
    assignments = list(review_round.assignments.all())
    regular = [a for a in assignments if not a.settles]
    if review_round.status == RoundStatus.OPEN:
        needed = selectors.setting_for(
            organization=review_round.credential.organization
        ).reviewers_per_round
        if len(regular) < needed or any(a.status != AssignmentStatus.SUBMITTED for a in regular):
            return
        marks: dict[int, set[str]] = {}
        for component_id, mark in ReviewScore.objects.filter(
            assignment__in=[a.pk for a in regular]
        ).values_list("component_id", "mark"):
            marks.setdefault(component_id, set()).add(mark)
        results = []
        for component in selectors.framework_components(framework=review_round.framework):
            given = marks.get(component.pk, set())
            agreed = len(given) == 1
            results.append(
                ComponentResult(
                    round=review_round,
                    component=component,
                    mark=next(iter(given)) if agreed else "",
                    disagreement=not agreed,
                    settled_by=SettledBy.AGREEMENT if agreed else "",
                )
            )
        ComponentResult.objects.bulk_create(results)
        if any(r.disagreement for r in results):
            transition(
                review_round,
                to=RoundStatus.SETTLING,
                allowed=ROUND_TRANSITIONS,
                actor=actor,
                verb="quality.round_disagreement",
                data={"components": sum(1 for r in results if r.disagreement)},
            )
            return
        _round_close(review_round, actor=actor)
        return
    if review_round.status == RoundStatus.SETTLING:
        third = [a for a in assignments if a.settles and a.status == AssignmentStatus.SUBMITTED]
        if not third:
            return
        marks_by_component = dict(
            ReviewScore.objects.filter(assignment=third[0]).values_list("component_id", "mark")
        )
        pending = list(review_round.results.filter(disagreement=True, mark=""))
        for result in pending:
            result.mark = marks_by_component.get(result.component_id, "")
            result.settled_by = SettledBy.THIRD_REVIEWER
        ComponentResult.objects.bulk_update(pending, ["mark", "settled_by"])
        _round_close(review_round, actor=actor)


def _round_close(review_round: ReviewRound, *, actor: User | None) -> None:
    """End the round: passed when every required component is met, else revise."""
    failing = review_round.results.filter(component__required=True).exclude(mark=Mark.MET).count()
    outcome = RoundStatus.REVISE if failing else RoundStatus.PASSED
    transition(
        review_round,
        to=outcome,
        allowed=ROUND_TRANSITIONS,
        actor=actor,
        verb=f"quality.round_{outcome}",
        changes={"closed_at": timezone.now()},
        data={"required_not_met": failing},
    )
    designer = review_round.opened_by
    if designer is not None:
        email_enqueue(
            to=[designer.email],
            template="quality_round_closed",
            context={
                "name": designer.display_name,
                "title": review_round.credential.title,
                "number": review_round.number,
                "passed": outcome == RoundStatus.PASSED,
                "path": reverse("quality:version", kwargs={"uuid": review_round.credential.uuid}),
            },
            key=f"quality-round-closed:{review_round.pk}",
        )
    if outcome == RoundStatus.PASSED:
        from .gate import mark_if_published

        mark_if_published(review_round, actor=actor)


def round_settle(
    *,
    review_round: ReviewRound,
    component_id: int,
    mark: str,
    note: str,
    actor: User,
) -> ComponentResult:
    """The organization admin settles one disputed component; the round ends when none
    is left. Settling an already settled component raises NotEditable."""
    if not selectors.can_run_rounds(user=actor, organization=review_round.credential.organization):
        raise NotAllowed()
    if mark not in (Mark.MET, Mark.NOT_MET):
        raise NotEditable(gettext("Choose met or not yet met."))
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.status != RoundStatus.SETTLING:
            raise NotEditable(gettext("This round has no disagreement left to settle."))
        result = locked.results.filter(component_id=component_id, disagreement=True).first()
        if result is None or result.mark:
            raise NotEditable(gettext("This component is already settled."))
        result.mark, result.note, result.settled_by = mark, note, SettledBy.ADMIN
        result.save(update_fields=["mark", "note", "settled_by"])
        record(
            actor=actor,
            verb="quality.component_settled",
            target=locked,
            data={"component": component_id, "mark": mark},
        )
        if not locked.results.filter(disagreement=True, mark="").exists():
            _round_close(locked, actor=actor)
    return result
