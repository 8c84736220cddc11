"""Calibration sets, anchors and attempts as pages read them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import AnyUser, User
from assessments.models import AssessorCertification, AssessorScope, CriterionScore, Review
from submissions.models import Submission

from ..models import (
    Anchor,
    AnchorScore,
    AttemptAnswer,
    AttemptState,
    CalibrationAttempt,
    CalibrationSet,
)
from ..redaction import redact


def can_manage(user: AnyUser) -> bool:
    """Staff granted calibration management (through a group): sets and anchors."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("calibration.manage_calibration")
    )


def sees_every_assessor(user: AnyUser) -> bool:
    """Staff granted the quality dashboard see every assessor's figures."""
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm("calibration.view_quality_dashboard")
    )


@dataclass
class AssessorCalibration:
    """One set as an assessor sees it on their calibration page."""

    calibration_set: CalibrationSet
    anchors: int
    open_attempt: CalibrationAttempt | None
    last_attempt: CalibrationAttempt | None
    certified_until: object | None  # a datetime, when certified and not expired

    @property
    def is_certified(self) -> bool:
        return self.certified_until is not None


def sets_for_assessor(*, user: User) -> list[AssessorCalibration]:
    """Active sets with anchors that cover a credential or organization the user
    assesses, with the user's attempts and certification; three queries."""
    scopes = AssessorScope.objects.filter(user=user, is_active=True)
    sets = list(
        CalibrationSet.objects.filter(is_active=True)
        .filter(
            Q(credential_id__in=scopes.values("credential_id"))
            | Q(credential__organization_id__in=scopes.values("organization_id"))
            | Q(organization_id__in=scopes.values("organization_id"))
            | Q(organization_id__in=scopes.values("credential__organization_id"))
        )
        .select_related("credential", "organization")
        .annotate(anchor_count=Count("anchors"))
        .filter(anchor_count__gt=0)
        .order_by("title")
    )
    attempts: dict[int, list[CalibrationAttempt]] = {}
    for attempt in CalibrationAttempt.objects.filter(
        assessor=user, calibration_set__in=[s.pk for s in sets]
    ).order_by("-started_at", "-id"):
        attempts.setdefault(attempt.calibration_set_id, []).append(attempt)
    certified = {
        (c.credential_id, c.organization_id): c.valid_until
        for c in AssessorCertification.objects.filter(user=user, valid_until__gt=timezone.now())
    }
    result = []
    for calibration_set in sets:
        mine = attempts.get(calibration_set.pk, [])
        key = (calibration_set.credential_id, calibration_set.organization_id)
        result.append(
            AssessorCalibration(
                calibration_set=calibration_set,
                anchors=calibration_set.anchor_count,
                open_attempt=next((a for a in mine if a.is_open), None),
                last_attempt=next((a for a in mine if not a.is_open), None),
                certified_until=certified.get(key),
            )
        )
    return result


def set_list() -> QuerySet[CalibrationSet]:
    """Every set for staff, with counts of anchors, passed and open attempts."""
    return (
        CalibrationSet.objects.select_related("credential", "organization")
        .annotate(
            anchor_count=Count("anchors", distinct=True),
            passed=Count("attempts", filter=Q(attempts__state=AttemptState.PASSED), distinct=True),
            in_progress=Count(
                "attempts", filter=Q(attempts__state=AttemptState.IN_PROGRESS), distinct=True
            ),
        )
        .order_by("title")
    )


def set_get(*, uuid: str) -> CalibrationSet:
    return CalibrationSet.objects.select_related("credential", "organization").get(uuid=uuid)


def set_anchors(*, calibration_set: CalibrationSet) -> list[Anchor]:
    """A set's anchors with their true scores (staff pages), two queries."""
    return list(
        calibration_set.anchors.select_related("submission").prefetch_related("true_scores")
    )


def attempt_get_for_user(*, uuid: str, user: AnyUser) -> CalibrationAttempt:
    """The user's own attempt (DoesNotExist for anyone else's: a 404)."""
    return CalibrationAttempt.objects.select_related(
        "calibration_set", "calibration_set__credential", "calibration_set__organization"
    ).get(uuid=uuid, assessor_id=getattr(user, "pk", None))


@dataclass
class AnchorView:
    """An anchor as the calibrating assessor meets it, with their answer."""

    anchor: Anchor
    number: int
    answer: AttemptAnswer | None
    marks: dict[int, bool | None]

    @property
    def is_complete(self) -> bool:
        return bool(
            self.answer
            and self.answer.outcome
            and all(self.marks.get(s.criterion_id) is not None for s in self.criteria)
        )

    @property
    def criteria(self) -> list[AnchorScore]:
        return list(self.anchor.true_scores.all())

    @property
    def results(self) -> list[tuple[AnchorScore, bool | None]]:
        """Each criterion's true score beside the assessor's mark (results page)."""
        return [(score, self.marks.get(score.criterion_id)) for score in self.criteria]


def attempt_anchors(*, attempt: CalibrationAttempt) -> list[AnchorView]:
    """Every anchor of the attempt's set with the assessor's answer; three queries.

    The anchor rows carry no learner: the blind copy of the text, neutral
    evidence labels, the criteria; the true marks are read only once the
    attempt is submitted (templates check ``attempt.is_open``).
    """
    anchors = list(
        Anchor.objects.filter(calibration_set_id=attempt.calibration_set_id)
        .only(
            "id",
            "uuid",
            "calibration_set_id",
            "position",
            "content",
            "evidence",
            "true_outcome",
            "rationale",
        )
        .prefetch_related(
            Prefetch("true_scores", queryset=AnchorScore.objects.order_by("position"))
        )
    )
    answers = {
        a.anchor_id: a
        for a in AttemptAnswer.objects.filter(attempt=attempt).prefetch_related("marks")
    }
    views = []
    for number, anchor in enumerate(anchors, start=1):
        answer = answers.get(anchor.pk)
        marks = {m.criterion_id: m.met for m in answer.marks.all()} if answer else {}
        views.append(AnchorView(anchor=anchor, number=number, answer=answer, marks=marks))
    return views


def anchor_draft(*, submission: Submission) -> tuple[list[dict], list[dict], dict[str, str]]:
    """What staff start from when making an application an anchor: its written
    parts with the learner's name and email already replaced, the criteria of
    its rubric, and the decision's marks as initial true marks (three queries)."""
    names = [submission.learner.name or "", submission.learner.email]
    parts = [
        {
            "part": str(response.part),
            "prompt": response.prompt_text,
            "text": redact(response.text, names=names),
        }
        for response in submission.responses.order_by("part", "position", "id")
    ]
    initial: dict[str, str] = {}
    review = Review.objects.filter(submission=submission).first()
    if review is not None:
        initial["true_outcome"] = review.outcome
        for score in CriterionScore.objects.filter(review=review, met__isnull=False):
            initial[f"met_{score.criterion_id}"] = "met" if score.met else "not_met"
    return parts, list(submission.rubric_snapshot), initial


def decided_submission(*, reference: str) -> Submission | None:
    """A decided application by its reference (staff look it up to make an anchor)."""
    return (
        Submission.objects.select_related("learner", "credential", "credential__organization")
        .filter(reference=reference.strip().upper(), status__in=("awarded", "denied"))
        .first()
    )
