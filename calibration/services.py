"""Every change to calibration sets, anchors and attempts happens here.

Each function runs in a transaction and takes keyword arguments. A set that
is active and has anchors makes calibration required for its credential (or
organization) on the assessments side, through
``assessments.services.calibration_requirement_set``; a passed attempt
certifies its assessor through ``assessments.services.certification_grant``,
so assignment there never needs to import this app.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import AssessorScope
from audit.services import record
from core.transitions import transition
from credentials.models import MicroCredential
from submissions.models import Status, Submission
from submissions.privacy import link_identity_reasons

from .exceptions import AttemptClosed, AttemptIncomplete, CalibrationError, NotYours
from .models import (
    ATTEMPT_TRANSITIONS,
    Anchor,
    AnchorScore,
    AnchorSource,
    AttemptAnswer,
    AttemptMark,
    AttemptState,
    CalibrationAttempt,
    CalibrationSet,
)
from .redaction import redact

OUTCOMES = ("awarded", "denied")
SET_FIELDS = (
    "credential_id",
    "organization_id",
    "title",
    "threshold_percent",
    "require_same_outcome",
    "valid_months",
    "is_active",
)


# --- sets ---------------------------------------------------------------------------------


def _sync_requirement(calibration_set: CalibrationSet, actor: User | None) -> None:
    """Calibration gates live work while the set is active and has anchors."""
    required = calibration_set.is_active and calibration_set.anchors.exists()
    assessment_services.calibration_requirement_set(
        credential=calibration_set.credential,
        organization=calibration_set.organization if not calibration_set.credential else None,
        required=required,
        actor=actor,
    )


def calibration_set_save(*, calibration_set: CalibrationSet, actor: User | None) -> CalibrationSet:
    """Create or change a calibration set; audited with the actor.

    From the moment an active set has anchors, only assessors certified for
    its credential (or organization) are assigned live reviews there; making
    it inactive lifts that. Safe to repeat.
    """
    with transaction.atomic():
        before = (
            CalibrationSet.objects.filter(pk=calibration_set.pk).values(*SET_FIELDS).first()
            if calibration_set.pk
            else None
        )
        calibration_set.full_clean()
        calibration_set.save()
        after = {name: getattr(calibration_set, name) for name in SET_FIELDS}
        if before != after:
            record(
                actor=actor,
                verb="calibration_set.changed" if before else "calibration_set.created",
                target=calibration_set,
                before=before or {},
                after=after,
            )
        _sync_requirement(calibration_set, actor)
    return calibration_set


# --- anchors ------------------------------------------------------------------------------


def learner_names(submission: Submission) -> list[str]:
    learner = submission.learner
    return [getattr(learner, "name", "") or "", learner.email]


@dataclass(frozen=True)
class TrueScore:
    """The agreed mark of one criterion and why."""

    met: bool
    rationale: str = ""


def _covers(calibration_set: CalibrationSet, credential: MicroCredential) -> bool:
    """Whether the set applies to ``credential`` (any version of its credential)."""
    if calibration_set.credential is not None:
        return calibration_set.credential.lineage == credential.lineage
    return calibration_set.organization_id == credential.organization_id


def _check_truth(
    criteria: list[dict], outcome: str, scores: dict[int, TrueScore], rationale: str
) -> None:
    if outcome not in OUTCOMES:
        raise CalibrationError(gettext("Choose the true outcome: award or deny."))
    if not rationale.strip():
        raise CalibrationError(gettext("Explain the true outcome: assessors read it afterwards."))
    missing = [c for c in criteria if int(c["id"]) not in scores]
    if missing:
        raise CalibrationError(gettext("Give the true mark of every criterion."))
    if outcome == "awarded" and not all(scores[int(c["id"])].met for c in criteria):
        raise CalibrationError(gettext("An award needs every criterion met."))


def _create_anchor(
    *,
    calibration_set: CalibrationSet,
    criteria: list[dict],
    scores: dict[int, TrueScore],
    actor: User | None,
    **fields: object,
) -> Anchor:
    position = calibration_set.anchors.count() + 1
    anchor = Anchor.objects.create(calibration_set=calibration_set, position=position, **fields)
    AnchorScore.objects.bulk_create(
        [
            AnchorScore(
                anchor=anchor,
                criterion_id=int(criterion["id"]),
                position=index,
                title=criterion.get("title", ""),
                description=criterion.get("description", ""),
                met=scores[int(criterion["id"])].met,
                rationale=scores[int(criterion["id"])].rationale.strip(),
            )
            for index, criterion in enumerate(criteria)
        ]
    )
    record(
        actor=actor,
        verb="anchor.created",
        target=anchor,
        after={"source": anchor.source, "true_outcome": anchor.true_outcome},
        data={"submission": anchor.submission.reference if anchor.submission else None},
    )
    _sync_requirement(calibration_set, actor)
    return anchor


def anchor_create_from_submission(
    *,
    calibration_set: CalibrationSet,
    submission: Submission,
    consent_note: str,
    content: list[dict],
    true_outcome: str,
    rationale: str,
    scores: dict[int, TrueScore],
    actor: User | None,
) -> Anchor:
    """Make a decided application an anchor, with the learner's consent recorded.

    ``content`` is the written parts as staff checked them (a list of
    ``{"part", "prompt", "text"}``); the learner's name and email are
    replaced again here, whatever staff left. Files are referred to by id and
    served under neutral names; links keep their address, except those whose
    address may name the learner, which are left out. Requires a decided
    application of a credential the set covers, a consent note and the true
    mark of every criterion of its rubric. Not repeatable: a submission is an
    anchor of a set once.
    """
    if submission.status not in (Status.AWARDED, Status.DENIED):
        raise CalibrationError(gettext("Only a decided application can become an anchor."))
    if not _covers(calibration_set, submission.credential):
        raise CalibrationError(
            gettext("This application is for a credential the set does not cover.")
        )
    if not consent_note.strip():
        raise CalibrationError(gettext("Record how the learner gave consent."))
    criteria = list(submission.rubric_snapshot)
    _check_truth(criteria, true_outcome, scores, rationale)
    names = learner_names(submission)
    blind = [
        {
            "part": str(part.get("part", "")),
            "prompt": str(part.get("prompt", "")),
            "text": redact(str(part.get("text", "")), names=names),
        }
        for part in content
    ]
    evidence: list[dict] = [
        {"label": gettext("Evidence file %(n)s") % {"n": n}, "attachment_id": a.pk, "url": ""}
        for n, a in enumerate(submission.attachments.order_by("uploaded_at", "id"), start=1)
    ]
    # A link whose address may name the learner (a profile, a personal folder, an
    # email) is left out: calibrating assessors must not learn who wrote it.
    evidence += [
        {"label": redact(link.title, names=names), "attachment_id": None, "url": link.url}
        for link in submission.links.order_by("added_at", "id")
        if not link_identity_reasons(link.url, learner=submission.learner)
    ]
    with transaction.atomic():
        if Anchor.objects.filter(calibration_set=calibration_set, submission=submission).exists():
            raise CalibrationError(gettext("This application is already an anchor of this set."))
        return _create_anchor(
            calibration_set=calibration_set,
            criteria=criteria,
            scores=scores,
            actor=actor,
            source=AnchorSource.CONSENTED,
            submission=submission,
            consent_note=consent_note.strip(),
            consent_recorded_at=timezone.now(),
            consent_recorded_by=actor,
            content=blind,
            evidence=evidence,
            true_outcome=true_outcome,
            rationale=rationale.strip(),
        )


def anchor_create_synthetic(
    *,
    calibration_set: CalibrationSet,
    credential: MicroCredential,
    content: list[dict],
    true_outcome: str,
    rationale: str,
    scores: dict[int, TrueScore],
    actor: User | None,
) -> Anchor:
    """An anchor staff wrote, scored against ``credential``'s current rubric."""
    if not _covers(calibration_set, credential):
        raise CalibrationError(gettext("The set does not cover this credential."))
    criteria = [
        {"id": c.pk, "title": c.title, "description": c.description}
        for c in credential.rubric_criteria.all()
    ]
    if not any(str(part.get("text", "")).strip() for part in content):
        raise CalibrationError(gettext("Write the example's text."))
    _check_truth(criteria, true_outcome, scores, rationale)
    with transaction.atomic():
        return _create_anchor(
            calibration_set=calibration_set,
            criteria=criteria,
            scores=scores,
            actor=actor,
            source=AnchorSource.SYNTHETIC,
            content=[
                {
                    "part": str(p.get("part", "")),
                    "prompt": str(p.get("prompt", "")),
                    "text": str(p.get("text", "")),
                }
                for p in content
            ],
            evidence=[],
            true_outcome=true_outcome,
            rationale=rationale.strip(),
        )


# --- attempts ---


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` later (the month's last day when shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- attempts -----------------------------------------------------------------------------


def may_calibrate(*, user: User, calibration_set: CalibrationSet) -> bool:
    """Whether the user holds an active assessor scope the set covers."""
    scopes = AssessorScope.objects.filter(user=user, is_active=True)
    credential = calibration_set.credential
    if credential is not None:
        scopes = scopes.filter(
            Q(credential_id=credential.pk) | Q(organization_id=credential.organization_id)
        )
    else:
        scopes = scopes.filter(
            Q(organization_id=calibration_set.organization_id)
            | Q(credential__organization_id=calibration_set.organization_id)
        )
    return user.is_active and scopes.exists()


def attempt_start(*, calibration_set: CalibrationSet, actor: User) -> CalibrationAttempt:
    """Start (or continue) the actor's calibration on a set.

    Requires an assessor scope the set covers and an active set with anchors.
    Safe to repeat and to race: the open attempt is returned.
    """
    if not calibration_set.is_active or not calibration_set.anchors.exists():
        raise CalibrationError(gettext("This calibration set is not open."))
    if not may_calibrate(user=actor, calibration_set=calibration_set):
        raise CalibrationError(gettext("You are not an assessor for this calibration set."))
    with transaction.atomic():
        attempt, created = CalibrationAttempt.objects.get_or_create(
            calibration_set=calibration_set, assessor=actor, state=AttemptState.IN_PROGRESS
        )
        if created:
            record(actor=actor, verb="calibration.started", target=attempt)
    return attempt


def _lock(attempt_id: int) -> CalibrationAttempt:
    return (
        CalibrationAttempt.objects.select_for_update(no_key=True, of=("self",))
        .select_related("calibration_set")
        .get(pk=attempt_id)
    )


def attempt_answer_save(
    *,
    attempt_id: int,
    anchor: Anchor,
    outcome: str,
    marks: Mapping[int, bool | None],
    actor: User,
) -> AttemptAnswer:
    """Save the actor's blind scoring of one anchor (marks may be incomplete).

    Requires the attempt's own assessor and an open attempt (AttemptClosed
    once submitted). Criteria not on the anchor are ignored. Safe to repeat.
    """
    with transaction.atomic():
        attempt = _lock(attempt_id)
        if attempt.assessor_id != actor.pk:
            raise NotYours()
        if not attempt.is_open:
            raise AttemptClosed()
        if anchor.calibration_set_id != attempt.calibration_set_id:
            raise CalibrationError(gettext("This anchor is not part of your calibration."))
        answer, _ = AttemptAnswer.objects.get_or_create(attempt=attempt, anchor=anchor)
        answer.outcome = outcome if outcome in OUTCOMES else ""
        answer.save(update_fields=["outcome", "saved_at"])
        criteria = set(anchor.true_scores.values_list("criterion_id", flat=True))
        AttemptMark.objects.bulk_create(
            [
                AttemptMark(answer=answer, criterion_id=cid, met=met)
                for cid, met in marks.items()
                if cid in criteria
            ],
            update_conflicts=True,
            unique_fields=["answer", "criterion_id"],
            update_fields=["met"],
        )
    return answer


def attempt_submit(*, attempt_id: int, actor: User) -> CalibrationAttempt:
    """Submit a calibration: compare with the true scores, pass or not, certify.

    Requires every anchor's outcome and every criterion marked
    (AttemptIncomplete names the anchors left). Passing needs the set's
    threshold of agreeing criterion decisions and, when the set asks, the
    true outcome on every anchor; it certifies the assessor for the set's
    credential or organization for ``valid_months`` (renewing an earlier
    certification). Final: a second submit changes nothing.
    """
    with transaction.atomic():
        attempt = _lock(attempt_id)
        if attempt.assessor_id != actor.pk:
            raise NotYours()
        if not attempt.is_open:
            return attempt
        calibration_set = attempt.calibration_set
        anchors = list(calibration_set.anchors.annotate(criteria=Count("true_scores")))
        answers = {
            a.anchor_id: a
            for a in attempt.answers.annotate(
                marked=Count("marks", filter=Q(marks__met__isnull=False))
            )
        }
        missing = [
            anchor.position
            for anchor in anchors
            if anchor.pk not in answers
            or not answers[anchor.pk].outcome
            or answers[anchor.pk].marked < anchor.criteria
        ]
        if missing:
            raise AttemptIncomplete(missing)
        # Copy the truth beside each answer and mark (a calibration holds a few
        # anchors: a few dozen rows), then count agreement in the database.
        truth = {
            (score.anchor_id, score.criterion_id): score.met
            for score in AnchorScore.objects.filter(anchor__calibration_set=calibration_set)
        }
        outcomes = {anchor.pk: anchor.true_outcome for anchor in anchors}
        answer_rows = list(attempt.answers.all())
        for answer in answer_rows:
            answer.true_outcome = outcomes[answer.anchor_id]
        AttemptAnswer.objects.bulk_update(answer_rows, ["true_outcome"])
        mark_rows = list(
            AttemptMark.objects.filter(answer__attempt=attempt).select_related("answer")
        )
        for mark in mark_rows:
            mark.true_met = truth.get((mark.answer.anchor_id, mark.criterion_id))
        AttemptMark.objects.bulk_update(mark_rows, ["true_met"])
        figures = AttemptMark.objects.filter(answer__attempt=attempt).aggregate(
            total=Count("id"), agreed=Count("id", filter=Q(met=F("true_met")))
        )
        outcomes_agreed = attempt.answers.filter(outcome=F("true_outcome")).count()
        passed = 100 * figures["agreed"] >= calibration_set.threshold_percent * figures[
            "total"
        ] and (not calibration_set.require_same_outcome or outcomes_agreed == len(anchors))
        now = timezone.now()
        valid_until = add_months(now, calibration_set.valid_months)
        transition(
            attempt,
            field="state",
            to=AttemptState.PASSED if passed else AttemptState.FAILED,
            allowed=ATTEMPT_TRANSITIONS,
            actor=actor,
            verb="calibration.passed" if passed else "calibration.failed",
            changes={
                "finished_at": now,
                "criteria_total": figures["total"],
                "criteria_agreed": figures["agreed"],
                "anchors_total": len(anchors),
                "outcomes_agreed": outcomes_agreed,
                "certified_until": valid_until if passed else None,
            },
        )
        if passed:
            assessment_services.certification_grant(
                user=actor,
                credential=calibration_set.credential,
                organization=calibration_set.organization
                if not calibration_set.credential
                else None,
                valid_until=valid_until,
                actor=actor,
            )
    return attempt
