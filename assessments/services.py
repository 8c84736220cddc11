"""Every change to reviews, assignments, scores and awards happens here.

Each function runs in a transaction and takes keyword arguments. Decisions
lock the review row and use a conditional UPDATE, so a double click or two
tabs decide once. Follow-up email is stored in the outbox in the same
transaction (``assessments.emails``) and sent after the commit, so it exists
exactly when the change does and can never undo what was recorded.

A review's state moves along ``REVIEW_TRANSITIONS`` through
``core.transitions.transition``; opening, each (re)assignment, the decision
and every change to an assessor scope are written to the audit trail with
the actor who asked (None: the system), in the same transaction.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Expression, F, Q, QuerySet, Value
from django.db.models.functions import Concat, JSONObject
from django.utils import timezone
from django.utils.translation import gettext
from holidays import HolidayBase

from accounts.models import User
from audit.services import record, record_set
from core.transitions import transition
from credentials.models import MicroCredential, Organization
from submissions.models import Submission
from submissions.services import (
    submission_record_decision,
    submission_return_incomplete,
    submission_set_decision_due,
)

from . import emails, scoring, selectors
from .business_days import (
    add_business_days,
    business_days_overdue,
    calendar_for,
    overdue_cutoff,
)
from .exceptions import (
    AlreadyDecided,
    AssessmentError,
    DecisionInvalid,
    DecisionProblem,
    IneligibleAssessor,
    NotAssigned,
)
from .models import (
    REVIEW_TRANSITIONS,
    AssessorCertification,
    AssessorScope,
    Assignment,
    Award,
    CalibrationRequirement,
    CriterionScore,
    OrganizationReviewSettings,
    Outcome,
    Review,
    ReviewState,
    ScoringModel,
)
from .selectors.sla import sweep_calendars

logger = logging.getLogger(__name__)

MAX_FEEDBACK_CHARS = 10_000
# What an assessor scope grants, as its audit events record it.
SCOPE_FIELDS = ("user_id", "organization_id", "credential_id", "is_active")


def _lock(review_id: int) -> Review:
    return (
        Review.objects.select_for_update(no_key=True, of=("self",))
        .select_related("submission", "submission__credential")
        .get(pk=review_id)
    )


# --- opening and assigning --------------------------------------------------------------


def sla_dates(*, submission: Submission) -> tuple[datetime.date, datetime.date]:
    """The decision due date and the reminder date for a submission entering review.

    The clock starts on the (local) day review started; the due date is the
    organization's SLA (OrganizationReviewSettings, else SLA_BUSINESS_DAYS)
    business days later in its calendar, and the reminder
    SLA_REMINDER_BUSINESS_DAYS business days before it (at most half the SLA).
    """
    organization = submission.credential.organization
    calendar = calendar_for(organization)
    started = timezone.localdate(submission.review_started_at or timezone.now())
    days = selectors.sla_business_days(organization_id=organization.pk)
    due_on = add_business_days(started, days, calendar=calendar)
    # A short SLA (3 or 5 days) still reminds within its second half, not on day one.
    remind = min(settings.SLA_REMINDER_BUSINESS_DAYS, max(days // 2, 1))
    remind_on = add_business_days(due_on, -remind, calendar=calendar)
    return due_on, remind_on


def review_open(*, submission: Submission, actor: User | None = None) -> Review:
    """Start the review of a submission that has just entered review.

    Runs inside the transaction that moved the submission into review: stores
    the decision due date on the submission, creates the review and assigns
    the least-loaded eligible assessor (never the learner). With no eligible
    assessor the review waits unassigned for staff. Safe to repeat: returns
    the review already opened.
    """
    with transaction.atomic():
        existing = Review.objects.filter(submission_id=submission.pk).first()
        if existing is not None:
            return existing
        due_on, remind_on = sla_dates(submission=submission)
        submission_set_decision_due(submission=submission, due_on=due_on)
        # How it is scored is fixed now (assessments.scoring); single keeps the flow below.
        policy = selectors.scoring_policy_for(credential=submission.credential)
        review = Review.objects.create(
            submission=submission,
            due_on=due_on,
            remind_on=remind_on,
            scoring_model=policy.scoring_model,
        )
        # Whoever moved the submission into review (the learner submitting, the
        # payer) opened it; None when the system did (a webhook).
        record(
            actor=actor,
            verb="review.opened",
            target=review,
            after={"state": review.state, "due_on": due_on},
            data={"reference": submission.reference},
        )
        assessor = scoring.assessor_candidates(submission=submission, policy=policy).first()
        if assessor is None:
            # Staff see it on the admin home and the SLA overview; adding an
            # assessor scope assigns it (assessor_scope_save).
            logger.warning("No eligible assessor for %s", submission.reference)
        else:
            _assign(review, assessor, assigned_by=None, reason="Automatic: least loaded")
        scoring.review_scoring_open(review=review, policy=policy)
    return review


def _assign(review: Review, assessor: User, *, assigned_by: User | None, reason: str) -> Assignment:
    """Give a locked (or just created) review to ``assessor``: end the current
    assignment, start a new one, audit it and queue the assessor's email."""
    now = timezone.now()
    replaced = Assignment.objects.filter(review=review, ended_at__isnull=True).update(ended_at=now)
    record(
        actor=assigned_by,
        verb="review.assigned",
        target=review,
        before={"assessor": review.assessor_id},
        after={"assessor": assessor.pk},
        data={"reason": reason},
    )
    if review.scoring_model != ScoringModel.SINGLE:
        # A paired review's first scoring goes with it (never to the other scorer).
        scoring.review_assessor_changed(review=review, assessor=assessor, actor=assigned_by)
    review.assessor = assessor
    review.assigned_at = now
    # A new assessor gets their own reminder when the due date nears.
    review.reminder_sent_at = None
    review.save(update_fields=["assessor", "assigned_at", "reminder_sent_at"])
    assignment = Assignment.objects.create(
        review=review, assessor=assessor, assigned_by=assigned_by, reason=reason, assigned_at=now
    )
    emails.queue_assignment_email(assignment=assignment, replaced=bool(replaced))
    return assignment


def review_reassign(
    *, review_id: int, assessor: User, actor: User | None, reason: str = ""
) -> Review:
    """Give an open review to another eligible assessor (staff, from admin).

    Raises IneligibleAssessor for someone without a scope for the credential,
    an inactive user or the learner, and AssessmentError for a decided review.
    Safe to repeat: reassigning to the current assessor changes nothing.
    """
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open:
            raise AssessmentError(gettext("A decided review cannot be reassigned."))
        if review.assessor_id == assessor.pk:
            return review
        if not selectors.assessor_is_eligible(user=assessor, submission=review.submission):
            raise IneligibleAssessor(
                f"{assessor} is not an active assessor for this credential "
                "(or is the learner who submitted it)."
            )
        _assign(review, assessor, assigned_by=actor, reason=reason or "Reassigned by staff")
    return review


def review_assign_least_loaded(*, review_id: int, actor: User | None) -> Review:
    """Give an open review to the least-loaded eligible assessor other than its
    current one (for unassigned or stalled reviews).

    Raises IneligibleAssessor when nobody else is eligible. Decided reviews are
    returned unchanged.
    """
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open:
            return review
        candidates = scoring.exclude_partners(
            review, selectors.eligible_assessors(submission=review.submission)
        )
        if review.assessor_id:
            candidates = candidates.exclude(pk=review.assessor_id)
        assessor = candidates.first()
        if assessor is None:
            raise IneligibleAssessor(
                f"No other eligible assessor for {review.submission.reference}."
            )
        _assign(review, assessor, assigned_by=actor, reason="Reassigned: least loaded")
    return review


def reviews_assign_waiting(
    *, credential_id: int | None = None, organization_id: int | None = None
) -> int:
    """Assign open reviews that wait for an assessor, for one credential or one
    organization, each to the least-loaded eligible assessor; return how many.

    Each review is locked and assigned in its own transaction, most urgent
    first, so load spreads as it grows. Reviews still without an eligible
    assessor keep waiting. Safe to repeat and to race: a review assigned
    meanwhile is left alone.
    """
    assigned = 0
    waiting = selectors.waiting_reviews(
        credential_id=credential_id, organization_id=organization_id
    )
    for review_id in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            review = _lock(review_id)
            if not review.is_open or review.assessor_id is not None:
                continue
            assessor = scoring.exclude_partners(
                review, selectors.eligible_assessors(submission=review.submission)
            ).first()
            if assessor is None:
                continue
            _assign(review, assessor, assigned_by=None, reason="Automatic: assessor added")
            assigned += 1
    return assigned


def assessor_scope_save(*, scope: AssessorScope, actor: User | None = None) -> int:
    """Create or change an assessor scope; once it commits, the reviews waiting
    for an assessor that it covers are assigned (``reviews_assign_waiting``, by
    a task).

    Returns how many reviews are waiting in its reach, for staff to hear.
    Saving an inactive scope assigns nothing. The audit trail records who
    granted, changed or deactivated it. Safe to repeat.
    """
    with transaction.atomic():
        before = (
            AssessorScope.objects.filter(pk=scope.pk).values(*SCOPE_FIELDS).first()
            if scope.pk
            else None
        )
        scope.save()
        after = {name: getattr(scope, name) for name in SCOPE_FIELDS}
        if before != after:
            record(
                actor=actor,
                verb="assessor_scope.changed" if before else "assessor_scope.granted",
                target=scope,
                before=before or {},
                after=after,
            )
        if not scope.is_active:
            return 0
        # A scope naming an organization covers all of its credentials.
        reach: dict[str, int | None]
        if scope.organization_id:
            reach = {"organization_id": scope.organization_id}
        else:
            reach = {"credential_id": scope.credential_id}
        waiting = selectors.waiting_reviews(**reach).count()
        if waiting or scoring.waiting_scorings(**reach).exists():
            _assign_waiting_on_commit(reach)
    return waiting


def assessor_scope_grant(
    *, user: User, organization: Organization, actor: User | None = None
) -> tuple[AssessorScope, bool]:
    """Make ``user`` an assessor for every credential of ``organization``;
    return the scope and whether it is new.

    A new scope goes through ``assessor_scope_save``, so reviews waiting in
    its reach are assigned. Safe to repeat: an existing organization-wide
    scope is returned unchanged, even one staff deactivated.
    """
    existing = AssessorScope.objects.filter(
        user=user, organization=organization, credential__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    scope = AssessorScope(user=user, organization=organization)
    assessor_scope_save(scope=scope, actor=actor)
    return scope, True


def _assign_waiting_on_commit(reach: dict[str, int | None]) -> None:
    from .tasks import assign_waiting_reviews

    def queue() -> None:
        assign_waiting_reviews.delay(**reach)

    # After the commit, so the worker sees the new scope; ``robust``: a broker
    # outage never fails the staff's save (the reviews stay on the SLA overview).
    queue.__qualname__ = "assessments.tasks.assign_waiting_reviews"
    transaction.on_commit(queue, robust=True)


# --- scoring and deciding ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    """One criterion as marked on the review page: met True/False, or None (not marked)."""

    met: bool | None
    feedback: str = ""


def _check_assessor(review: Review, actor: User | None) -> None:
    if (
        actor is None
        or review.assessor_id != actor.pk
        or review.submission.learner_id == actor.pk
        # Paired reviews are scored through their scorings (assessments.scoring).
        or review.scoring_model != ScoringModel.SINGLE
    ):
        raise NotAssigned()


def _merged_scores(review: Review, scores: dict[int, ScoreInput] | None) -> list[CriterionScore]:
    """The review's scores for every criterion of the rubric snapshot, with
    ``scores`` applied (unsaved)."""
    existing = {s.criterion_id: s for s in review.scores.all()}
    merged = []
    for position, criterion in enumerate(review.submission.rubric_snapshot):
        cid = int(criterion["id"])
        score = existing.get(cid) or CriterionScore(
            review=review,
            criterion_id=cid,
            position=position,
            title=criterion.get("title", ""),
            description=criterion.get("description", ""),
        )
        if scores and cid in scores:
            score.met = scores[cid].met
            score.feedback = (
                (scores[cid].feedback or "").replace("\r\n", "\n").strip()[:MAX_FEEDBACK_CHARS]
            )
        merged.append(score)
    return merged


def _store(review: Review, merged: list[CriterionScore], comment: str | None) -> None:
    new = [s for s in merged if s.pk is None]
    old = [s for s in merged if s.pk is not None]
    CriterionScore.objects.bulk_create(new)
    if old:
        now = timezone.now()
        for score in old:
            score.updated_at = now
        CriterionScore.objects.bulk_update(old, ["met", "feedback", "updated_at"])
    if comment is not None:
        review.comment = comment.replace("\r\n", "\n").strip()[:MAX_FEEDBACK_CHARS]


def decision_problems(
    merged: list[CriterionScore], outcome: str, comment: str
) -> list[DecisionProblem]:
    """What stops a decision: one DecisionProblem per field to fix.

    Every criterion must be marked. An award needs every criterion met. A
    denial needs feedback: on each criterion not yet met, or an overall
    comment when no criterion is marked not yet met.
    """
    problems: list[DecisionProblem] = []
    for score in merged:
        if score.met is None:
            problems.append(
                DecisionProblem(
                    score.criterion_id, "met", gettext("Mark this criterion met or not yet met.")
                )
            )
        elif outcome == Outcome.AWARDED and not score.met:
            problems.append(
                DecisionProblem(
                    score.criterion_id, "met", gettext("To award, every criterion must be met.")
                )
            )
        elif outcome == Outcome.DENIED and not score.met and not score.feedback:
            problems.append(
                DecisionProblem(
                    score.criterion_id,
                    "feedback",
                    gettext("Write feedback for a criterion not yet met: the learner reads it."),
                )
            )
    if (
        outcome == Outcome.DENIED
        and not any(s.met is False for s in merged)
        and not comment.strip()
    ):
        problems.append(
            DecisionProblem(
                None, "comment", gettext("A denial needs feedback: explain what is missing.")
            )
        )
    return problems


def review_save_progress(
    *,
    review_id: int,
    actor: User | None,
    scores: dict[int, ScoreInput],
    comment: str | None = None,
) -> Review:
    """Save the assessor's marks and feedback without deciding.

    Requires the assigned assessor and an open review (AlreadyDecided once
    decided). Criteria not in the submission's rubric snapshot are ignored.
    Safe to repeat.
    """
    with transaction.atomic():
        review = _lock(review_id)
        _check_assessor(review, actor)
        if not review.is_open:
            raise AlreadyDecided(review.get_outcome_display())
        _store(review, _merged_scores(review, scores), comment)
        review.progress_saved_at = timezone.now()
        review.save(update_fields=["comment", "progress_saved_at"])
    return review


def review_decide(
    *,
    review_id: int,
    actor: User | None,
    outcome: str,
    scores: dict[int, ScoreInput] | None = None,
    comment: str | None = None,
) -> Review:
    """Record the final decision, award or deny, for a review.

    Requires the assigned assessor (never the learner) and marks that support
    the outcome (see decision_problems; DecisionInvalid lists what is missing
    and nothing is written). Moves the submission to awarded or denied,
    records who decided and when, creates the award, and queues the learner's
    email after the commit. Decisions are final: repeating the same decision
    returns the review unchanged; a different one raises AlreadyDecided.
    """
    if outcome not in Outcome.values:
        raise AssessmentError(gettext("Choose award or deny."))
    with transaction.atomic():
        review = _lock(review_id)
        _check_assessor(review, actor)
        if not review.is_open:
            if review.outcome == outcome:
                return review
            raise AlreadyDecided(review.get_outcome_display())
        merged = _merged_scores(review, scores)
        final_comment = review.comment if comment is None else comment.strip()
        problems = decision_problems(merged, outcome, final_comment)
        if problems:
            raise DecisionInvalid(problems)
        _store(review, merged, comment)
        now = timezone.now()
        # The row is locked (``_lock``), so a second decision waits here and
        # then finds the review decided above.
        transition(
            review,
            field="state",
            to=ReviewState.DECIDED,
            allowed=REVIEW_TRANSITIONS,
            actor=actor,
            verb=f"review.{outcome}",
            changes={"outcome": outcome, "decided_by": actor, "decided_at": now},
            update_fields=("comment",),
            data={"reference": review.submission.reference},
        )
        submission = submission_record_decision(
            submission_id=review.submission_id,
            awarded=outcome == Outcome.AWARDED,
            actor=actor,
        )
        if outcome == Outcome.AWARDED:
            # The review was open under the lock, so this is the submission's one
            # award (unique per submission): created outright, without the look-up
            # and savepoint of a get-or-create around the badge it issues.
            Award.objects.create(
                submission_id=submission.pk,
                learner_id=submission.learner_id,
                credential_id=submission.credential_id,
                awarded_at=now,
            )
        if review.sampled:
            scoring.review_scoring_copy_live(review=review)
        emails.queue_decision_email(review_id=review.pk)
    return review


def review_record_final(
    *,
    review: Review,
    outcome: str,
    actor: User | None,
    scores: dict[int, ScoreInput],
    comment: str,
    source: str,
) -> Review:
    """Decide a paired review from the scoring that settles it (``source``: its
    kind), for ``assessments.scoring``: the marks and feedback become the
    review's, the one set the learner reads, then the submission moves, the
    award is made and the learner's email queued, as ``review_decide`` does.

    The caller holds the review's lock in its transaction and has checked the
    scoring; ``actor`` is whoever submitted it. Returns the review unchanged
    when already decided.
    """
    if not review.is_open:
        return review
    _store(review, _merged_scores(review, scores), comment)
    now = timezone.now()
    transition(
        review,
        field="state",
        to=ReviewState.DECIDED,
        allowed=REVIEW_TRANSITIONS,
        actor=actor,
        verb=f"review.{outcome}",
        changes={"outcome": outcome, "decided_by": actor, "decided_at": now},
        update_fields=("comment",),
        data={"reference": review.submission.reference, "decided_from": source},
    )
    submission = submission_record_decision(
        submission_id=review.submission_id, awarded=outcome == Outcome.AWARDED, actor=actor
    )
    if outcome == Outcome.AWARDED:
        Award.objects.get_or_create(
            submission_id=submission.pk,
            defaults={
                "learner_id": submission.learner_id,
                "credential_id": submission.credential_id,
                "awarded_at": now,
            },
        )
    emails.queue_decision_email(review_id=review.pk)
    return review


# --- returning an application as Incomplete ------------------------------------------------


def review_return_incomplete(*, review_id: int, actor: User | None, note: str) -> Review:
    """Return the application under review to its learner as Incomplete.

    For evidence the assessor cannot open or a part that is missing: not a
    denial. Requires the assigned assessor and an open review, and a note
    saying what to fix (the learner reads it in an email and on their
    application). The review waits (state returned: no reminders or
    escalations) until the learner resubmits the same attempt, with no fee
    and no attempt counted; then ``review_resume`` reopens it for the same
    assessor. Audited. Safe to repeat: a review already returned is returned
    unchanged.
    """
    note = (note or "").replace("\r\n", "\n").strip()[:MAX_FEEDBACK_CHARS]
    with transaction.atomic():
        review = _lock(review_id)
        _check_assessor(review, actor)
        if review.state == ReviewState.RETURNED:
            return review
        if not review.is_open:
            raise AlreadyDecided(review.get_outcome_display())
        if not note:
            raise AssessmentError(
                gettext("Write what the learner needs to fix: they read it in an email.")
            )
        transition(
            review,
            field="state",
            to=ReviewState.RETURNED,
            allowed=REVIEW_TRANSITIONS,
            actor=actor,
            verb="review.returned_incomplete",
            data={"reference": review.submission.reference, "note": note},
        )
        submission_return_incomplete(submission_id=review.submission_id, actor=actor, note=note)
    return review


def review_resume(*, submission: Submission, actor: User | None) -> Review | None:
    """Reopen the review of an application resubmitted after Incomplete.

    Runs inside the transaction that moved the application back into review:
    the same assessor keeps it, and the decision clock starts again from the
    resubmission (a new due date on the review and the submission; the
    reminder and escalation stamps are cleared). Audited with the learner as
    actor. Safe to repeat: a review that is not waiting is left alone.
    """
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(no_key=True, of=("self",))
            .select_related("submission", "submission__credential")
            .filter(submission_id=submission.pk)
            .first()
        )
        if review is None or review.state != ReviewState.RETURNED:
            return review
        due_on, remind_on = sla_dates(submission=submission)
        transition(
            review,
            field="state",
            to=ReviewState.OPEN,
            allowed=REVIEW_TRANSITIONS,
            actor=actor,
            verb="review.resumed",
            changes={
                "due_on": due_on,
                "remind_on": remind_on,
                "reminder_sent_at": None,
                "escalated_at": None,
                "escalation_count": 0,
                "next_escalation_on": None,
                "overdue_reassigned_at": None,
            },
            data={"reference": submission.reference},
        )
        submission_set_decision_due(submission=submission, due_on=due_on)
    return review


# --- the review SLA ----------------------------------------------------------------------


# Who the audit trail says reminded and escalated.
SWEEP_ACTOR = "SLA sweep"


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    escalated: int
    stamp: datetime.datetime
    escalated_again: int = 0
    reassigning: int = 0


def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Remind assessors of reviews coming due, escalate overdue ones to staff, escalate
    them again at a cadence and, optionally, give long-overdue ones to another assessor.

    A reminder goes out from a review's reminder date while it is not yet
    overdue; an escalation once its due date has passed, and again every
    SLA_REESCALATE_EVERY_BUSINESS_DAYS business days until it is decided (each
    later escalation also reminds its assessor, whoever holds it then). With
    SLA_REASSIGN_AFTER_BUSINESS_DAYS, a review that many business days overdue
    is claimed, once, for reassignment (``reviews_reassign_overdue``, queued
    after the commit).

    Works set-wise: each step is one UPDATE per holiday calendar in use that
    claims its reviews and stamps them with this run's time (the next
    escalation date moves on in the same UPDATE); the reminders (one per
    assessor) and the escalation are stored in the outbox in the same
    transaction, to be rendered by the worker that sends them. Queries do not
    grow with the number of reviews. Safe to repeat and to run concurrently:
    a claimed step is never claimed again, so each reminder, escalation and
    reassignment happens once per due step.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    every = settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS
    reassign_after = settings.SLA_REASSIGN_AFTER_BUSINESS_DAYS
    calendars = sweep_calendars() if every or reassign_after else []
    with transaction.atomic():
        _without_jit()
        open_reviews = Review.objects.filter(state=ReviewState.OPEN)
        reminded = open_reviews.filter(
            reminder_sent_at__isnull=True,
            assessor__isnull=False,
            remind_on__lte=today,
            due_on__gte=today,
        ).update(reminder_sent_at=now)
        escalated_again = 0
        # Still overdue: a review whose due date moved on (resumed) waits for it again.
        due_again = open_reviews.filter(next_escalation_on__lte=today, due_on__lt=today)
        for reviews, calendar in _per_calendar(due_again, calendars) if every else []:
            escalated_again += reviews.update(
                escalated_at=now,
                reminder_sent_at=now,
                escalation_count=F("escalation_count") + 1,
                next_escalation_on=add_business_days(today, every, calendar=calendar),
            )
        first = open_reviews.filter(escalated_at__isnull=True, due_on__lt=today)
        if every:
            escalated = sum(
                reviews.update(
                    escalated_at=now,
                    escalation_count=1,
                    next_escalation_on=add_business_days(today, every, calendar=calendar),
                )
                for reviews, calendar in _per_calendar(first, calendars)
            )
        else:
            escalated = first.update(escalated_at=now, escalation_count=1)
        reassigning = 0
        if reassign_after:
            # Singly scored only: a paired review waits on whichever scoring is late,
            # which the scorings' own sweep and staff follow.
            claim = open_reviews.filter(
                overdue_reassigned_at__isnull=True,
                assessor__isnull=False,
                scoring_model=ScoringModel.SINGLE,
            )
            for reviews, calendar in _per_calendar(claim, calendars):
                cutoff = overdue_cutoff(today, reassign_after, calendar=calendar)
                reassigning += reviews.filter(due_on__lte=cutoff).update(overdue_reassigned_at=now)
        _record_sweep(now, reminded=reminded, escalated=escalated + escalated_again)
        emails.queue_sweep_emails(
            stamp=now, reminded=reminded + escalated_again, escalated=escalated + escalated_again
        )
        if reassigning:
            _reassign_overdue_on_commit(now)
    # Pending second, sampled and adjudicating scorings: their own reminders and escalation.
    scoring.scorings_sla_sweep(now=now)
    logger.info(
        "SLA sweep: %d reminded, %d escalated, %d escalated again, %d to reassign",
        reminded,
        escalated,
        escalated_again,
        reassigning,
    )
    return SweepResult(
        reminded=reminded,
        escalated=escalated,
        stamp=now,
        escalated_again=escalated_again,
        reassigning=reassigning,
    )


def _record_sweep(now: datetime.datetime, *, reminded: int, escalated: int) -> None:
    """One audit event per review the sweep reminded or escalated in this run
    (those stamped ``now``), written set-wise in its transaction: one INSERT
    per kind of step, whatever the number of reviews. An escalation that also
    reminded the assessor (a later one) is one event that says both, not two.
    Reassignments are recorded as each one is made (``reviews_reassign_overdue``)."""
    label = Concat(Value("Review of "), F("submission__reference"), output_field=CharField())
    if reminded:
        sweep_record_step(
            "review.reminder_sent",
            Review.objects.filter(reminder_sent_at=now).exclude(escalated_at=now),
            label=label,
            stamped=("reminder_sent_at",),
            now=now,
        )
    if escalated:
        sweep_record_step(
            "review.escalated",
            Review.objects.filter(escalated_at=now),
            label=label,
            stamped=("escalated_at", "escalation_count", "next_escalation_on", "reminder_sent_at"),
            now=now,
        )


def sweep_record_step(
    verb: str,
    targets: QuerySet[Any],
    *,
    label: Expression,
    stamped: tuple[str, ...],
    now: datetime.datetime,
) -> int:
    """One audit event by the SLA sweep about each of ``targets`` (the rows one
    step of this run stamped), in one INSERT ... SELECT; return how many.

    Reviews and scorings are reminded and escalated alike, so their events
    read alike: the sweep as the actor, and what the step stamped beside the
    due date it was measured against (``stamped``, field names of the rows).
    """
    return record_set(
        verb=verb,
        targets=targets,
        label=label,
        after=JSONObject(due_on=F("due_on"), **{name: F(name) for name in stamped}),
        actor_label=SWEEP_ACTOR,
        now=now,
    )


def _without_jit() -> None:
    """Turn PostgreSQL's JIT compilation off for the rest of the sweep's transaction.

    The planner prices a claim's per-row calendar lookup for every row of the
    partial index range it may read, so over many open reviews it compiles the
    UPDATEs (with inlining and optimization), which costs more than the few
    expressions it speeds up: over 1,000,000 open reviews the first run of a
    day took about a fifth less without it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _per_calendar(
    reviews: QuerySet[Review], calendars: list[tuple[Q | None, HolidayBase]]
) -> list[tuple[QuerySet[Review], HolidayBase]]:
    """``reviews`` split by the holiday calendar of their organization, so each
    part gets dates computed once in its calendar (no filter with one calendar)."""
    return [(reviews if where is None else reviews.filter(where), cal) for where, cal in calendars]


def _reassign_overdue_on_commit(stamp: datetime.datetime) -> None:
    from .tasks import reassign_overdue_reviews

    def queue() -> None:
        reassign_overdue_reviews.delay(stamp=stamp.isoformat())

    # After the commit, so the worker sees the claim; ``robust``: a broker outage
    # never undoes the sweep (staff still hear of the reviews through escalations).
    queue.__qualname__ = "assessments.tasks.reassign_overdue_reviews"
    transaction.on_commit(queue, robust=True)


def reviews_reassign_overdue(*, stamp: datetime.datetime) -> int:
    """Give each review the sweep claimed at ``stamp`` to the least-loaded other
    eligible assessor (the assignment rules of ``selectors.eligible_assessors``);
    return how many moved.

    Each review is locked and reassigned in its own transaction; the new
    assessor's email says the review is already overdue, and the previous
    assessor is told it is no longer theirs. A review decided, unassigned or
    reassigned since the claim is left alone, as is one with nobody else
    eligible (it stays escalated to staff). Safe to repeat: a review moved at
    or after ``stamp`` is not moved again.
    """
    reassigned = 0
    claimed = Review.objects.filter(overdue_reassigned_at=stamp, state=ReviewState.OPEN)
    for review_id in list(claimed.order_by("due_on", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            review = _lock(review_id)
            if (
                not review.is_open
                or review.assessor_id is None
                or (review.assigned_at is not None and review.assigned_at >= stamp)
            ):
                continue
            assessor = (
                selectors.eligible_assessors(submission=review.submission)
                .exclude(pk=review.assessor_id)
                .first()
            )
            if assessor is None:
                logger.warning(
                    "No other eligible assessor for overdue %s", review.submission.reference
                )
                continue
            previous = User.objects.get(pk=review.assessor_id)
            calendar = calendar_for(review.submission.credential.organization)
            days = business_days_overdue(timezone.localdate(), review.due_on, calendar=calendar)
            _assign(
                review,
                assessor,
                assigned_by=None,
                reason=f"Automatic: overdue by {days} business days",
            )
            emails.queue_reassigned_away_email(review=review, previous=previous)
            reassigned += 1
    return reassigned


# --- calibration: certification and the organization's SLA --------------------------------


def calibration_requirement_set(
    *,
    credential: MicroCredential | None = None,
    organization: Organization | None = None,
    required: bool,
    actor: User | None,
) -> bool:
    """Say whether live reviews of a credential (or of every credential of an
    organization) go only to certified assessors; return whether anything changed.

    Called by the calibration app when a calibration set starts or stops
    applying. Reviews already assigned keep their assessor. Safe to repeat.
    """
    if (credential is None) == (organization is None):
        raise ValueError("Name a credential or an organization.")
    target: dict[str, Any] = (
        {"credential": credential} if credential else {"organization": organization}
    )
    with transaction.atomic():
        existing = CalibrationRequirement.objects.filter(**target).first()
        if required and existing is None:
            requirement = CalibrationRequirement.objects.create(**target)
            record(actor=actor, verb="calibration.required", target=requirement)
            return True
        if not required and existing is not None:
            record(actor=actor, verb="calibration.not_required", target=existing)
            existing.delete()
            return True
    return False


def certification_grant(
    *,
    user: User,
    credential: MicroCredential | None = None,
    organization: Organization | None = None,
    valid_until: datetime.datetime,
    actor: User | None,
) -> AssessorCertification:
    """Certify ``user`` for a credential (or an organization's credentials) until
    ``valid_until``; renewal moves the date on the same row.

    Once it commits, reviews waiting for an assessor in its reach are assigned
    (as when a scope is added). Audited with the actor (None: the system, after
    a passed calibration). Safe to repeat.
    """
    if (credential is None) == (organization is None):
        raise ValueError("Name a credential or an organization.")
    target: dict[str, Any] = (
        {"credential": credential} if credential else {"organization": organization}
    )
    now = timezone.now()
    with transaction.atomic():
        certification, created = AssessorCertification.objects.select_for_update().get_or_create(
            user=user, **target, defaults={"certified_at": now, "valid_until": valid_until}
        )
        before = None if created else {"valid_until": certification.valid_until}
        if not created:
            certification.certified_at = now
            certification.valid_until = valid_until
            certification.save(update_fields=["certified_at", "valid_until"])
        record(
            actor=actor,
            verb="certification.granted" if created else "certification.renewed",
            target=certification,
            before=before or {},
            after={"valid_until": valid_until, "user": user.pk},
        )
        reach: dict[str, int | None] = (
            {"credential_id": credential.pk}
            if credential is not None
            else {"organization_id": getattr(organization, "pk", None)}
        )
        if selectors.waiting_reviews(**reach).exists():
            _assign_waiting_on_commit(reach)
    return certification


def review_settings_save(
    *, organization: Organization, sla_business_days: int | None, actor: User | None
) -> OrganizationReviewSettings:
    """Set an organization's decision SLA in business days (None: the site default).

    Applies to submissions entering review from now on; due dates already set
    stay. Audited; safe to repeat.
    """
    if sla_business_days is not None and not 1 <= sla_business_days <= 60:
        raise AssessmentError(gettext("Choose between 1 and 60 business days."))
    with transaction.atomic():
        review_settings, _ = OrganizationReviewSettings.objects.select_for_update().get_or_create(
            organization=organization
        )
        before = review_settings.sla_business_days
        if before != sla_business_days:
            review_settings.sla_business_days = sla_business_days
            review_settings.save(update_fields=["sla_business_days", "updated_at"])
            record(
                actor=actor,
                verb="review_settings.changed",
                target=review_settings,
                before={"sla_business_days": before},
                after={"sla_business_days": sla_business_days},
            )
    return review_settings
