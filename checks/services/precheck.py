"""The completeness pre-check: asked for, run in the background, stored per run.

``precheck_request`` records that a check was asked for (by the learner while
drafting, by the submit itself, or by the assessor) and queues the run after
the commit; ``precheck_run`` does the slow part (reading files, fetching
links, ``checks.precheck``) outside any transaction and then stores the
findings once. Who may ask is decided by the caller's view (the learner's own
application, the assigned assessor); these functions trust it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import record
from submissions.models import Submission
from submissions.services import submission_lock

from ..models import Precheck, PrecheckTrigger
from ..precheck import gather_findings, is_problem

# A request while another for the same application is still running joins it,
# unless that one has been waiting this long (its worker was lost).
PENDING_REUSE = datetime.timedelta(minutes=2)


def precheck_request(*, submission: Submission, trigger: str, actor: User | None) -> Precheck:
    """Ask for a pre-check of ``submission``; the run is queued once this commits.

    Safe to repeat: while a check of the same application is waiting or
    running (requested in the last two minutes), that one is returned and
    nothing new is queued, so a double click fetches each link once.
    Recorded in the audit trail with who asked.
    """
    if trigger not in PrecheckTrigger.values:
        raise ValueError(f"Unknown pre-check trigger {trigger!r}")
    now = timezone.now()
    with transaction.atomic():
        # Serializes requests for one application (two tabs, a double click); a
        # submit already holds this lock and is audited as the submit itself.
        explicit = trigger != PrecheckTrigger.SUBMIT
        if explicit:
            submission_lock(submission_id=submission.pk)
        pending = (
            Precheck.objects.filter(
                submission_id=submission.pk,
                finished_at__isnull=True,
                requested_at__gte=now - PENDING_REUSE,
            )
            .order_by("-requested_at")
            .first()
        )
        if pending is not None:
            return pending
        precheck = Precheck.objects.create(
            submission=submission, trigger=trigger, requested_by=actor, requested_at=now
        )
        if explicit:
            record(
                actor=actor,
                verb="precheck.requested",
                target=submission,
                data={"trigger": trigger, "precheck": str(precheck.uuid)},
            )
        precheck_id = precheck.pk

        def queue() -> None:
            from ..tasks import run_precheck

            run_precheck.delay(precheck_id)

        transaction.on_commit(queue, robust=True)
    return precheck


def precheck_run(*, precheck_id: int) -> Precheck:
    """Run a requested pre-check and store what it found, once.

    Reads the application's files and fetches its links as they are now,
    outside any transaction (a fetch may take seconds), then stores the
    findings under a lock. Safe to repeat: a finished check is returned as it is.
    """
    precheck = Precheck.objects.select_related("submission").get(pk=precheck_id)
    if precheck.is_finished:
        return precheck
    findings = gather_findings(precheck.submission)
    with transaction.atomic():
        locked = Precheck.objects.select_for_update(no_key=True).get(pk=precheck_id)
        if locked.is_finished:
            return locked
        locked.submission = precheck.submission  # read above: no query again
        locked.findings = findings
        locked.problems = sum(1 for finding in findings if is_problem(finding))
        locked.finished_at = timezone.now()
        locked.save(update_fields=["findings", "problems", "finished_at"])
        record(
            actor=None,
            actor_label="Pre-check",
            verb="precheck.finished",
            target=locked.submission,
            data={"precheck": str(locked.uuid), "problems": locked.problems},
        )
    return locked


def precheck_store(
    *, submission: Submission, trigger: str, actor: User | None, findings: list[dict]
) -> Precheck:
    """Store a pre-check whose findings were worked out already (demo data built
    from saved pages, so it needs no network). Audited; not idempotent: each
    call is one more finished check."""
    now = timezone.now()
    with transaction.atomic():
        precheck = Precheck.objects.create(
            submission=submission,
            trigger=trigger,
            requested_by=actor,
            requested_at=now,
            finished_at=now,
            findings=findings,
            problems=sum(1 for finding in findings if is_problem(finding)),
        )
        record(
            actor=actor,
            verb="precheck.finished",
            target=submission,
            data={"precheck": str(precheck.uuid), "problems": precheck.problems},
        )
    return precheck
