"""Scoring policies, paired scorings and adjudication: every write to
ScoringPolicy, Scoring and ScoringMark happens here.

How a review is scored is fixed when it opens (``review_scoring_open``, from
``services.review_open``):

- single: nothing here, unless the policy samples it; a sampled review gets
  a hidden ``sample`` scoring by a second assessor, and when the live review
  is decided its scoring is copied into a ``first`` Scoring
  (``review_scoring_copy_live``) so the pair reads like any other;
- double and double with adjudication: a ``first`` scoring by the review's
  assessor and a ``second`` one by a different assessor. Each is submitted
  blind (``scoring_submit``). When both are in, the review is decided:
  with identical marks and outcome, as they scored; otherwise, under
  double, awarded only when both awarded (else denied with the feedback of
  a scoring that denied); under double with adjudication a third person
  gets an ``adjudication`` scoring, sees both and decides.

Every submit locks the review row first, so the second scoring and the
adjudication decide the review exactly once however they race. Each
assignment, submission and the request for adjudication is audited with
its actor (None: the system), and each reminder and escalation with the
SLA sweep's name.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, QuerySet, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from core.transitions import transition
from notifications.services import (
    DeferredEmail,
    email_builder,
    email_cancel,
    email_enqueue,
    email_enqueue_deferred,
)
from submissions.models import Submission
from submissions.selectors import submission_chain

from . import emails, selectors, services
from .exceptions import (
    AlreadyDecided,
    AssessmentError,
    DecisionInvalid,
    IneligibleAssessor,
    NotAssigned,
)
from .models import (
    SCORING_TRANSITIONS,
    Outcome,
    PriorAssessor,
    Review,
    Scoring,
    ScoringKind,
    ScoringMark,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)

if TYPE_CHECKING:
    from .services import ScoreInput

logger = logging.getLogger(__name__)

POLICY_FIELDS = ("organization_id", "credential_id", "scoring_model", "sample_percent")
POLICY_AUDIT_FIELDS = (*POLICY_FIELDS, "prior_assessor")


# --- policies -------------------------------------------------------------------------------


def scoring_policy_problem(policy: ScoringPolicy) -> str:
    """Why a policy cannot be saved, in words for staff; empty when it can."""
    credential = policy.credential if policy.credential_id else None
    if credential is not None and credential.organization_id != policy.organization_id:
        return gettext("The credential belongs to another organization.")
    if not 0 <= policy.sample_percent <= 100:
        return gettext("Choose a percentage between 0 and 100.")
    if policy.sample_percent and policy.scoring_model != ScoringModel.SINGLE:
        return gettext("A sampled second scoring applies to single scoring only.")
    return ""


def scoring_policy_save(*, policy: ScoringPolicy, actor: User | None) -> ScoringPolicy:
    """Create or change a scoring policy (staff, in admin).

    A credential's policy must belong to the credential's organization, and a
    sampled second scoring applies to single scoring only (AssessmentError
    otherwise; nothing is written). Reviews already open keep the scoring
    model they opened with. Audited; safe to repeat.
    """
    problem = scoring_policy_problem(policy)
    if problem:
        raise AssessmentError(problem)
    with transaction.atomic():
        before = (
            ScoringPolicy.objects.filter(pk=policy.pk).values(*POLICY_AUDIT_FIELDS).first()
            if policy.pk
            else None
        )
        policy.save()
        after = {name: getattr(policy, name) for name in POLICY_AUDIT_FIELDS}
        if before != after:
            record(
                actor=actor,
                verb="scoring_policy.changed" if before else "scoring_policy.created",
                target=policy,
                before=before or {},
                after=after,
            )
    return policy


# --- choosing assessors ----------------------------------------------------------------------


def _prior_assessor_ids(submission: Submission) -> set[int]:
    """Everyone who scored an earlier attempt of the submission's chain."""
    earlier = [s.pk for s in submission_chain(submission) if s.pk != submission.pk]
    if not earlier:
        return set()
    reviews = Review.objects.filter(submission_id__in=earlier)
    ids = set(reviews.exclude(assessor=None).values_list("assessor_id", flat=True))
    ids |= set(
        Scoring.objects.filter(review__in=reviews)
        .exclude(assessor=None)
        .values_list("assessor_id", flat=True)
    )
    return ids


def assessor_candidates(
    *, submission: Submission, policy: ScoringPolicy, exclude: Iterable[int] = ()
) -> QuerySet[User]:
    """Eligible assessors for a submission (never the learner, by scope, least
    loaded first), without ``exclude``, ordered by the policy's preference for
    whoever scored an earlier attempt of the chain. Without a preference, or for
    a first attempt, the order is exactly ``eligible_assessors``."""
    candidates = selectors.eligible_assessors(submission=submission)
    excluded = [pk for pk in exclude if pk]
    if excluded:
        candidates = candidates.exclude(pk__in=excluded)
    if policy.prior_assessor == PriorAssessor.ANY or not submission.previous_id:
        return candidates
    prior = _prior_assessor_ids(submission)
    if not prior:
        return candidates
    first, last = (0, 1) if policy.prior_assessor == PriorAssessor.PREFER else (1, 0)
    rank = Case(When(pk__in=prior, then=Value(first)), default=Value(last))
    return candidates.annotate(prior_rank=rank).order_by("prior_rank", *candidates.query.order_by)


def _partner_ids(review: Review, scoring: Scoring | None = None) -> list[int]:
    """Assessors of the review's other scorings (and its live assessor), who
    may not take ``scoring``: paired and adjudicating people are all different."""
    others = Scoring.objects.filter(review=review).exclude(assessor=None)
    if scoring is not None and scoring.pk:
        others = others.exclude(pk=scoring.pk)
    ids = set(others.values_list("assessor_id", flat=True))
    if review.assessor_id and (scoring is None or scoring.kind != ScoringKind.FIRST):
        ids.add(review.assessor_id)
    return sorted(ids)


def exclude_partners(review: Review, candidates: QuerySet[User]) -> QuerySet[User]:
    """``candidates`` without the assessors of a paired review's other scorings,
    for assigning its ``first`` scoring through the review (no query added)."""
    if review.scoring_model == ScoringModel.SINGLE:
        return candidates
    partners = Scoring.objects.filter(review_id=review.pk, assessor_id=OuterRef("pk")).exclude(
        kind=ScoringKind.FIRST
    )
    return candidates.exclude(Exists(partners))


# --- opening and assigning scorings ---------------------------------------------------------


def scoring_path(scoring: Scoring) -> str:
    return reverse("assessments:scoring", kwargs={"uuid": scoring.uuid})


def _email_prefix(scoring: Scoring) -> str:
    return f"scoring-assigned:{scoring.pk}:"


def _give(scoring: Scoring, assessor: User | None, *, actor: User | None, reason: str) -> None:
    """Give a locked (or just created) scoring to ``assessor``; audit it and,
    for someone, queue their email (withdrawing the previous holder's if unsent)."""
    previous = scoring.assessor_id
    now = timezone.now()
    scoring.assessor = assessor
    scoring.assigned_at = now if assessor else None
    scoring.reminder_sent_at = None
    scoring.save(update_fields=["assessor", "assigned_at", "reminder_sent_at"])
    record(
        actor=actor,
        verb="scoring.assigned",
        target=scoring,
        before={"assessor": previous},
        after={"assessor": assessor.pk if assessor else None},
        data={"reason": reason, "kind": scoring.kind, "review": scoring.review_id},
    )
    if previous:
        email_cancel(key_prefix=_email_prefix(scoring))
    if assessor is None:
        return
    submission = scoring.review.submission
    email_enqueue(
        to=[assessor.email],
        template="assessment_assigned",
        context={
            "assessor": assessor,
            "review": scoring.review,
            "submission": submission,
            "blind": submission.credential.organization.blind_review,
            "review_path": scoring_path(scoring),
        },
        key=f"{_email_prefix(scoring)}{assessor.pk}",
    )


def _scoring_create(
    review: Review, kind: str, assessor: User | None, *, actor: User | None, reason: str
) -> Scoring:
    scoring = Scoring.objects.create(
        review=review, kind=kind, due_on=review.due_on, remind_on=review.remind_on
    )
    _give(scoring, assessor, actor=actor, reason=reason)
    return scoring


def review_scoring_open(*, review: Review, policy: ScoringPolicy) -> None:
    """Create the scorings a just-opened review needs under ``policy``.

    Runs in ``review_open``'s transaction after the review got its assessor
    (or none). Double scoring: a ``first`` scoring for the review's assessor
    and a ``second`` for the least-loaded other eligible assessor (waiting
    unassigned when there is none). Single scoring with a sample: reviews
    whose id modulo 100 is below ``sample_percent`` get a ``sample`` scoring
    by another assessor (none available: not sampled). Plain single: nothing.
    """
    submission = review.submission
    if review.scoring_model == ScoringModel.SINGLE:
        if review.pk % 100 >= policy.sample_percent or review.assessor_id is None:
            return
        other = assessor_candidates(
            submission=submission, policy=policy, exclude=[review.assessor_id]
        ).first()
        if other is None:
            return
        review.sampled = True
        review.save(update_fields=["sampled"])
        _scoring_create(review, ScoringKind.SAMPLE, other, actor=None, reason="Automatic: sampled")
        return
    _scoring_create(
        review,
        ScoringKind.FIRST,
        review.assessor,
        actor=None,
        reason="Automatic: least loaded",
    )
    second = None
    if review.assessor_id is not None:
        second = assessor_candidates(
            submission=submission, policy=policy, exclude=[review.assessor_id]
        ).first()
    _scoring_create(
        review, ScoringKind.SECOND, second, actor=None, reason="Automatic: least loaded"
    )


def review_assessor_changed(*, review: Review, assessor: User, actor: User | None) -> None:
    """Keep a paired review's open ``first`` scoring with the review's assessor.

    Called by ``services._assign`` on a locked review that is not single
    scored. Raises IneligibleAssessor when ``assessor`` holds another scoring
    of the review. Once the first scoring is submitted it stays with its
    author (a reassignment then only moves who is reminded of the review);
    its pending scorings are reassigned one by one. A waiting second scoring
    is assigned at the same time.
    """
    first = Scoring.objects.filter(review=review, kind=ScoringKind.FIRST).first()
    if first is None or not first.is_open:
        return
    if assessor.pk in _partner_ids(review, first):
        raise IneligibleAssessor(
            gettext("%(assessor)s already holds another scoring of this review.")
            % {"assessor": assessor}
        )
    if first.assessor_id != assessor.pk:
        _give(first, assessor, actor=actor, reason="Follows the review's assessor")
    second = Scoring.objects.filter(
        review=review, kind=ScoringKind.SECOND, assessor=None, state=ScoringState.OPEN
    ).first()
    if second is not None:
        policy = selectors.scoring_policy_for(credential=review.submission.credential)
        other = assessor_candidates(
            submission=review.submission, policy=policy, exclude=[assessor.pk]
        ).first()
        if other is not None:
            _give(second, other, actor=None, reason="Automatic: least loaded")


def _lock_review(review_id: int) -> Review:
    return (
        Review.objects.select_for_update(no_key=True, of=("self",))
        .select_related(
            "submission", "submission__credential", "submission__credential__organization"
        )
        .get(pk=review_id)
    )


def _lock_scoring(scoring_id: int) -> tuple[Review, Scoring]:
    """Lock the review first, then its scoring: every scoring write of a review
    queues on the same row, so the last of a pair sees the other submitted."""
    review_id = Scoring.objects.values_list("review_id", flat=True).get(pk=scoring_id)
    review = _lock_review(review_id)
    scoring = Scoring.objects.select_for_update(no_key=True).get(pk=scoring_id)
    scoring.review = review
    return review, scoring


def scoring_reassign(
    *, scoring_id: int, assessor: User | None = None, actor: User | None, reason: str = ""
) -> Scoring:
    """Give an open scoring to ``assessor`` (staff, from admin), or to the
    least-loaded eligible assessor who holds no other scoring of the review.

    A first scoring moves with its review (``services.review_reassign``).
    Raises IneligibleAssessor for someone not eligible or already in the
    review, AssessmentError for a submitted scoring. Safe to repeat.
    """
    with transaction.atomic():
        review, scoring = _lock_scoring(scoring_id)
        if not scoring.is_open or not review.is_open:
            raise AssessmentError(gettext("A submitted scoring cannot be reassigned."))
        if scoring.kind == ScoringKind.FIRST:
            raise AssessmentError(
                gettext("The first scoring follows the review: reassign the review.")
            )
        partners = _partner_ids(review, scoring)
        if assessor is None:
            policy = selectors.scoring_policy_for(credential=review.submission.credential)
            assessor = assessor_candidates(
                submission=review.submission,
                policy=policy,
                exclude=[*partners, scoring.assessor_id or 0],
            ).first()
            if assessor is None:
                raise IneligibleAssessor(
                    gettext("No other eligible assessor for %(reference)s.")
                    % {"reference": review.submission.reference}
                )
        elif assessor.pk == scoring.assessor_id:
            return scoring
        elif assessor.pk in partners or not selectors.assessor_is_eligible(
            user=assessor, submission=review.submission
        ):
            raise IneligibleAssessor(
                gettext(
                    "%(assessor)s may not take this scoring: not an active assessor for the "
                    "credential, the learner, or already scoring this review."
                )
                % {"assessor": assessor}
            )
        _give(scoring, assessor, actor=actor, reason=reason or "Reassigned by staff")
    return scoring


def waiting_scorings(
    *, credential_id: int | None = None, organization_id: int | None = None
) -> QuerySet[Scoring]:
    """Open second and adjudicating scorings with nobody to do them, in one
    credential or organization, most urgent first."""
    waiting = Scoring.objects.filter(
        state=ScoringState.OPEN, assessor__isnull=True, review__state="open"
    ).exclude(kind=ScoringKind.FIRST)
    if credential_id is not None:
        waiting = waiting.filter(review__submission__credential_id=credential_id)
    if organization_id is not None:
        waiting = waiting.filter(review__submission__credential__organization_id=organization_id)
    return waiting.order_by("due_on", "id")


def scorings_assign_waiting(
    *, credential_id: int | None = None, organization_id: int | None = None
) -> int:
    """Give each open scoring that waits for an assessor (second or
    adjudication) to the least-loaded eligible assessor outside its review;
    return how many were assigned. Each in its own transaction; safe to race."""
    waiting = waiting_scorings(credential_id=credential_id, organization_id=organization_id)
    assigned = 0
    for scoring_id in list(waiting.values_list("pk", flat=True)):
        try:
            scoring_reassign(scoring_id=scoring_id, actor=None, reason="Automatic: assessor added")
        except AssessmentError:
            continue
        assigned += 1
    return assigned


# --- scoring and submitting -------------------------------------------------------------------


def _check_scorer(scoring: Scoring, actor: User | None) -> None:
    if (
        actor is None
        or scoring.assessor_id != actor.pk
        or scoring.review.submission.learner_id == actor.pk
    ):
        raise NotAssigned()


def _merged_marks(scoring: Scoring, scores: dict[int, ScoreInput] | None) -> list[ScoringMark]:
    """The scoring's marks for every criterion of the rubric snapshot, with
    ``scores`` applied (unsaved)."""
    existing = {mark.criterion_id: mark for mark in scoring.marks.all()}
    merged = []
    for position, criterion in enumerate(scoring.review.submission.rubric_snapshot):
        cid = int(criterion["id"])
        mark = existing.get(cid) or ScoringMark(
            scoring=scoring, criterion_id=cid, position=position, title=criterion.get("title", "")
        )
        if scores and cid in scores:
            mark.met = scores[cid].met
            mark.feedback = (
                (scores[cid].feedback or "")
                .replace("\r\n", "\n")
                .strip()[: services.MAX_FEEDBACK_CHARS]
            )
        merged.append(mark)
    return merged


def _store_marks(scoring: Scoring, merged: list[ScoringMark], comment: str | None) -> None:
    ScoringMark.objects.bulk_create([m for m in merged if m.pk is None])
    old = [m for m in merged if m.pk is not None]
    if old:
        ScoringMark.objects.bulk_update(old, ["met", "feedback"])
    if comment is not None:
        scoring.comment = comment.replace("\r\n", "\n").strip()[: services.MAX_FEEDBACK_CHARS]


def scoring_save_progress(
    *,
    scoring_id: int,
    actor: User | None,
    scores: dict[int, ScoreInput],
    comment: str | None = None,
) -> Scoring:
    """Save a scorer's marks and feedback without submitting.

    Requires the scoring's assessor and an open scoring (AlreadyDecided once
    submitted). Safe to repeat.
    """
    with transaction.atomic():
        _review, scoring = _lock_scoring(scoring_id)
        _check_scorer(scoring, actor)
        if not scoring.is_open:
            raise AlreadyDecided(scoring.get_outcome_display())
        _store_marks(scoring, _merged_marks(scoring, scores), comment)
        scoring.progress_saved_at = timezone.now()
        scoring.save(update_fields=["comment", "progress_saved_at"])
    return scoring


def scorings_agree(first: Scoring, second: Scoring) -> bool:
    """Same outcome and the same mark on every criterion (marks prefetched)."""
    if first.outcome != second.outcome:
        return False
    marks = {m.criterion_id: m.met for m in first.marks.all()}
    return marks == {m.criterion_id: m.met for m in second.marks.all()}


def scoring_submit(
    *,
    scoring_id: int,
    actor: User | None,
    outcome: str,
    scores: dict[int, ScoreInput] | None = None,
    comment: str | None = None,
) -> Scoring:
    """Submit a scoring: its marks and outcome become final.

    Requires the scoring's assessor and marks that support the outcome (the
    same rules as a decision, ``services.decision_problems``; DecisionInvalid
    lists what is missing and nothing is written). Then, under the review's
    lock: the last of a pair decides the review when the two agree (or under
    plain double scoring), or asks for adjudication when they differ; an
    adjudication decides the review; a sample changes nothing the learner
    sees. Safe to repeat with the same outcome; a different one raises
    AlreadyDecided.
    """
    if outcome not in Outcome.values:
        raise AssessmentError(gettext("Choose award or deny."))
    with transaction.atomic():
        review, scoring = _lock_scoring(scoring_id)
        _check_scorer(scoring, actor)
        if not scoring.is_open:
            if scoring.outcome == outcome:
                return scoring
            raise AlreadyDecided(scoring.get_outcome_display())
        if not review.is_open and scoring.kind != ScoringKind.SAMPLE:
            raise AlreadyDecided(review.get_outcome_display())
        merged = _merged_marks(scoring, scores)
        final_comment = scoring.comment if comment is None else comment.strip()
        problems = services.decision_problems(merged, outcome, final_comment)  # type: ignore[arg-type]
        if problems:
            raise DecisionInvalid(problems)
        _store_marks(scoring, merged, comment)
        transition(
            scoring,
            field="state",
            to=ScoringState.SUBMITTED,
            allowed=SCORING_TRANSITIONS,
            actor=actor,
            verb=f"scoring.{scoring.kind}.submitted",
            changes={"outcome": outcome, "submitted_at": timezone.now()},
            update_fields=("comment",),
            data={"reference": review.submission.reference, "review": review.pk},
        )
        if scoring.kind == ScoringKind.FIRST and review.reminder_sent_at is None:
            # The review-level reminder goes to the first scorer: nothing left for them.
            review.reminder_sent_at = timezone.now()
            review.save(update_fields=["reminder_sent_at"])
        if scoring.kind == ScoringKind.ADJUDICATION:
            _decide_from(review, scoring, actor=actor)
        elif scoring.kind in (ScoringKind.FIRST, ScoringKind.SECOND):
            _after_pair_scoring(review, actor=actor)
    return scoring


def _after_pair_scoring(review: Review, *, actor: User | None) -> None:
    """Once both of a pair are submitted: decide, or ask for adjudication."""
    pair = {
        s.kind: s
        for s in Scoring.objects.filter(
            review=review, kind__in=(ScoringKind.FIRST, ScoringKind.SECOND)
        ).prefetch_related("marks")
    }
    first, second = pair.get(ScoringKind.FIRST), pair.get(ScoringKind.SECOND)
    if first is None or second is None or first.is_open or second.is_open:
        return
    if scorings_agree(first, second):
        _decide_from(review, first, actor=actor)
    elif review.scoring_model == ScoringModel.DOUBLE:
        # No adjudicator: an award needs both assessors to award.
        source = first if first.outcome == Outcome.DENIED else second
        _decide_from(review, source, actor=actor)
    else:
        _request_adjudication(review, first, second, actor=actor)


def _request_adjudication(
    review: Review, first: Scoring, second: Scoring, *, actor: User | None
) -> Scoring:
    differing = sorted(
        m.criterion_id
        for m in first.marks.all()
        if m.met != {x.criterion_id: x.met for x in second.marks.all()}.get(m.criterion_id)
    )
    record(
        actor=actor,
        verb="review.adjudication_requested",
        target=review,
        data={
            "reference": review.submission.reference,
            "outcomes": [first.outcome, second.outcome],
            "criteria_differing": differing,
        },
    )
    # Whoever scored an earlier attempt has no say here: least loaded, outside the pair.
    adjudicator = assessor_candidates(
        submission=review.submission,
        policy=ScoringPolicy(prior_assessor=PriorAssessor.ANY),
        exclude=[first.assessor_id or 0, second.assessor_id or 0, review.assessor_id or 0],
    ).first()
    if adjudicator is None:
        logger.warning("No adjudicator for %s", review.submission.reference)
    return _scoring_create(
        review,
        ScoringKind.ADJUDICATION,
        adjudicator,
        actor=None,
        reason="Automatic: the two scorings differ",
    )


def _decide_from(review: Review, source: Scoring, *, actor: User | None) -> None:
    """Decide the locked review with ``source``'s marks, feedback and outcome:
    what the learner reads."""
    services.review_record_final(
        review=review,
        outcome=source.outcome,
        actor=actor,
        scores={m.criterion_id: services.ScoreInput(m.met, m.feedback) for m in source.marks.all()},
        comment=source.comment,
        source=source.kind,
    )


def review_scoring_copy_live(*, review: Review) -> Scoring | None:
    """Copy a sampled review's live decision into its ``first`` Scoring, so it
    pairs with the ``sample`` one. Called by ``services.review_decide`` on the
    locked, just-decided review; safe to repeat."""
    if not review.sampled:
        return None
    existing = Scoring.objects.filter(review=review, kind=ScoringKind.FIRST).first()
    if existing is not None:
        return existing
    scoring = Scoring.objects.create(
        review=review,
        kind=ScoringKind.FIRST,
        assessor_id=review.decided_by_id,
        assigned_at=review.assigned_at,
        state=ScoringState.SUBMITTED,
        outcome=review.outcome,
        comment=review.comment,
        submitted_at=review.decided_at,
        due_on=review.due_on,
        remind_on=review.remind_on,
    )
    ScoringMark.objects.bulk_create(
        ScoringMark(
            scoring=scoring,
            criterion_id=score.criterion_id,
            position=score.position,
            title=score.title,
            met=score.met,
            feedback=score.feedback,
        )
        for score in review.scores.all()
    )
    record(
        actor=review.decided_by,
        verb="scoring.first.recorded",
        target=scoring,
        data={"review": review.pk, "reason": "Live decision of a sampled review"},
    )
    return scoring


# --- the SLA of pending scorings ------------------------------------------------------------


def scorings_sla_sweep(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind the holders of pending second, sampled and adjudicating scorings
    as the review's due date nears, and escalate those still pending after it;
    return (reminded, escalated). A first scoring is its review's: the review
    sweep reminds and escalates it.

    Set-wise, like the review sweep: one UPDATE claims each step and stamps
    the scorings with ``now``; each scoring reminded or escalated gets its
    audit event, and one reminder per assessor and one escalation are stored
    in the outbox, in the same transaction (emails rendered by the worker).
    Queries do not grow with the number of scorings. Safe to repeat and to
    race: a stamped scoring is never claimed again, so never recorded again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = Scoring.objects.filter(state=ScoringState.OPEN).exclude(kind=ScoringKind.FIRST)
    with transaction.atomic():
        reminded = pending.filter(
            reminder_sent_at__isnull=True,
            assessor__isnull=False,
            remind_on__lte=today,
            due_on__gte=today,
        ).update(reminder_sent_at=now)
        escalated = pending.filter(escalated_at__isnull=True, due_on__lt=today).update(
            escalated_at=now
        )
        _record_scorings_sweep(now, reminded=reminded, escalated=escalated)
        requests = []
        if reminded:
            assessor_ids = (
                Scoring.objects.filter(reminder_sent_at=now, assessor__isnull=False)
                .order_by("assessor_id")
                .values_list("assessor_id", flat=True)
                .distinct()
            )
            requests += [
                DeferredEmail(
                    template="review_reminder",
                    builder=f"{__name__}.build_scoring_reminder",
                    params={"assessor_id": assessor_id, "stamp": now.isoformat()},
                    key=f"scoring-reminder:{assessor_id}:{now.isoformat()}",
                )
                for assessor_id in assessor_ids
            ]
        if escalated:
            requests.append(
                DeferredEmail(
                    template="review_escalation",
                    builder=f"{__name__}.build_scoring_escalation",
                    params={"stamp": now.isoformat()},
                    key=f"scoring-escalation:{now.isoformat()}",
                )
            )
        email_enqueue_deferred(emails=requests)
    return reminded, escalated


def _record_scorings_sweep(now: datetime.datetime, *, reminded: int, escalated: int) -> None:
    """One audit event per scoring the sweep reminded or escalated in this run
    (those stamped ``now``), one INSERT per kind of step. A scoring's
    escalation never reminds its assessor, so each step is one event; it
    shows whether the holder had been reminded before.

    Named like the review sweep's events ("Review of <reference>"): by its
    kind and the submission's reference, never by the learner, whose name a
    blind review hides from assessors.
    """
    kind = Case(
        *(When(kind=value, then=Value(str(name))) for value, name in ScoringKind.choices),
        default=F("kind"),
        output_field=CharField(),
    )
    label = Concat(
        kind, Value(" of "), F("review__submission__reference"), output_field=CharField()
    )
    if reminded:
        services.sweep_record_step(
            "scoring.reminder_sent",
            Scoring.objects.filter(reminder_sent_at=now),
            label=label,
            stamped=("reminder_sent_at",),
            now=now,
        )
    if escalated:
        services.sweep_record_step(
            "scoring.escalated",
            Scoring.objects.filter(escalated_at=now),
            label=label,
            stamped=("escalated_at", "reminder_sent_at"),
            now=now,
        )


_SCORING_RELATED = (
    "review",
    "review__submission",
    "review__submission__credential",
    "review__submission__credential__organization",
    "assessor",
)


@email_builder
def build_scoring_reminder(params: dict) -> tuple[list[str], dict] | None:
    """One assessor's scorings a sweep stamped as coming due, still open."""
    scorings = list(
        Scoring.objects.select_related(*_SCORING_RELATED)
        .filter(
            assessor_id=params["assessor_id"],
            state=ScoringState.OPEN,
            reminder_sent_at=datetime.datetime.fromisoformat(params["stamp"]),
        )
        .order_by("due_on", "id")
    )
    if not scorings or scorings[0].assessor is None:
        return None
    rows = [(s.review, scoring_path(s)) for s in scorings]
    return [scorings[0].assessor.email], {
        "assessor": scorings[0].assessor,
        "reviews": rows,
        "coming_due": rows,
        "overdue_reviews": [],
        "queue_path": reverse("assessments:queue"),
    }


@email_builder
def build_scoring_escalation(params: dict) -> tuple[list[str], dict] | None:
    """Staff hear which scorings a sweep found pending past the due date."""
    escalated = Scoring.objects.filter(
        state=ScoringState.OPEN, escalated_at=datetime.datetime.fromisoformat(params["stamp"])
    )
    count = escalated.count()
    staff = emails._escalation_recipients()
    if not count or not staff:
        return None
    scorings = list(
        escalated.select_related(*_SCORING_RELATED).order_by("due_on", "id")[
            : emails.ESCALATION_LIST_LIMIT
        ]
    )
    return staff, {
        "count": count,
        "reviews": scorings,
        "more": count - len(scorings),
        "overview_path": reverse("admin:assessments_scoring_changelist") + "?state__exact=open",
    }
