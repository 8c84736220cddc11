"""The email outbox: queue an email with the change it reports, deliver it once.

``email_enqueue`` renders an email and stores it in the caller's transaction,
then hands it to a Celery worker once that transaction commits.
``email_enqueue_deferred`` stores instead what is needed to build an email
later (a digest over many rows, too large to render inside a set-wise sweep);
the worker renders it when it sends it. If the broker is unreachable after
the commit the email simply waits: ``email_publish_due`` (run every minute by
django-celery-beat) hands pending emails to the workers again.
``email_deliver`` sends under a row lock and records ``sent_at`` in the same
transaction, so however often a task is delivered, the email goes out once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis.exceptions
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from accounts.emails import render_templated_email
from audit.services import Actor
from core.transitions import transition

from .models import EMAIL_TRANSITIONS, EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)

# A fresh email is left to the task queued at commit for this long before the
# periodic sweep hands it to a worker itself.
SWEEP_AFTER = timedelta(minutes=1)
# After the sweep hands an email over, it waits this long before doing it again,
# so a worker with a backlog is not sent the same email every minute.
REQUEUE_AFTER = timedelta(minutes=5)
# Mail-server errors are retried with exponential backoff (seconds), up to this
# many attempts in all; the email is then marked failed for staff to look at.
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 3600
MAX_ATTEMPTS = 12
SWEEP_BATCH = 500

# What publishing a task raises when the broker is down or unreachable.
BROKER_ERRORS = (
    OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# One quick retry on a stale pooled connection; a broker that is down fails
# fast, and the sweep sends the email later.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}


EmailBuilder = Callable[[dict], tuple[Sequence[str], dict] | None]


def email_builder(func: EmailBuilder) -> EmailBuilder:
    """Mark a function that builds a deferred email from its params: it returns
    (recipients, template context), or None when there is nothing to tell any more."""
    setattr(func, "builds_email", True)  # noqa: B010  (functions take attributes; mypy has no field)
    return func


@dataclass(frozen=True)
class DeferredEmail:
    """An email to render when it is sent: ``builder`` is the dotted path of an
    ``@email_builder`` function, called with ``params`` (JSON) by the worker."""

    template: str
    builder: str
    params: dict
    key: str | None = None


def email_enqueue(
    *, to: Sequence[str], template: str, context: dict, key: str | None = None
) -> OutboundEmail:
    """Render an email now and queue it for delivery after the current commit.

    Call it inside the transaction that makes the change the email reports:
    the email is stored if and only if that change commits. ``key`` names the
    event (``f"submission-received:{submission.pk}"``); queueing a key that is
    already queued returns the stored email and queues nothing, so the caller
    is safe to repeat. Handing the email to a worker after the commit never
    raises: with the broker down it stays pending and the sweep sends it.
    """
    now = timezone.now()
    email = OutboundEmail(
        key=key or None, template=template, created_at=now, next_attempt_at=now + SWEEP_AFTER
    )
    _render(email, to, context)
    return _store([email])[0]


def email_enqueue_deferred(*, emails: Sequence[DeferredEmail]) -> list[OutboundEmail]:
    """Queue emails to be built and rendered by the worker that sends them.

    For digests over many rows, created set-wise (one INSERT, nothing rendered
    in the caller's transaction). The builder runs when the email is sent and
    sees what is true then; if it returns None the email is canceled. Same
    keys, commit and broker rules as ``email_enqueue``.
    """
    if not emails:
        return []
    now = timezone.now()
    for email in emails:
        if not getattr(import_string(email.builder), "builds_email", False):
            raise ValueError(f"{email.builder} is not an @email_builder function.")
    return _store(
        [
            OutboundEmail(
                key=email.key or None,
                template=email.template,
                builder=email.builder,
                params=email.params,
                created_at=now,
                next_attempt_at=now + SWEEP_AFTER,
            )
            for email in emails
        ]
    )


def _store(rows: list[OutboundEmail]) -> list[OutboundEmail]:
    keyed = [row.key for row in rows if row.key]
    if len(set(keyed)) != len(keyed):
        raise ValueError("The same key appears twice in one batch.")
    try:
        with transaction.atomic():
            OutboundEmail.objects.bulk_create(rows)
        stored, fresh = rows, [row.pk for row in rows]
    except IntegrityError:
        # A key was queued before (or concurrently): keep the stored email.
        stored, fresh = [], []
        for row in rows:
            email, created = _create_or_existing(row)
            stored.append(email)
            if created:
                fresh.append(email.pk)
    if fresh:
        _publish_on_commit(fresh)
    return stored


def _publish_on_commit(email_ids: list[int]) -> None:
    def publish() -> None:
        email_publish(email_ids=email_ids)

    # ``robust``: nothing that goes wrong here may fail the committed change.
    # Django logs a failed robust callback by its __qualname__.
    publish.__qualname__ = "notifications.services.email_publish"
    transaction.on_commit(publish, robust=True)


def _render(email: OutboundEmail, to: Sequence[str], context: dict) -> None:
    rendered = render_templated_email(template=email.template, context=context)
    email.to = list(to)
    email.subject = rendered.subject[:998]
    email.body_text = rendered.text
    email.body_html = rendered.html


def _create_or_existing(row: OutboundEmail) -> tuple[OutboundEmail, bool]:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row, True
    except IntegrityError:
        if not row.key:
            raise
        return OutboundEmail.objects.get(key=row.key), False


def email_publish(*, email_ids: Iterable[int]) -> int:
    """Hand emails to the workers; returns how many were handed over.

    Never raises for an unreachable broker: it logs, and the emails stay
    pending for the sweep. Safe to repeat (delivery is once-only).
    """
    from .tasks import deliver_email

    ids = list(email_ids)
    app = deliver_email.app
    if app.conf.task_always_eager:
        # No broker: deliver in-process. Retries run at once; a failure stays
        # recorded on the row instead of failing the caller.
        for email_id in ids:
            deliver_email.apply((email_id,), throw=False)
        return len(ids)
    published = 0
    with app.producer_or_acquire() as producer:
        for index, email_id in enumerate(ids):
            try:
                deliver_email.apply_async(
                    (email_id,), producer=producer, retry_policy=PUBLISH_RETRY_POLICY
                )
            except BROKER_ERRORS as exc:
                logger.warning(
                    "Broker unavailable, %d email(s) left pending for the sweep: %s",
                    len(ids) - index,
                    exc,
                )
                break
            published += 1
    return published


def email_publish_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Hand every pending email whose time has come to the workers (the sweep).

    Due means pending and past ``next_attempt_at``: queued more than a minute
    ago and still unsent (its task was lost, for instance while the broker was
    down), or past its retry time after a mail-server error. One locked read
    and one UPDATE claim up to ``limit`` emails, oldest first, pushing their
    next time back so concurrent or overlapping runs hand each over once.
    Returns how many were handed over. Safe to repeat.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + REQUEUE_AFTER)
    return email_publish(email_ids=ids) if ids else 0


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email unless it was already sent; returns whether it went now.

    Locks the row (skipping it if another worker holds it), renders a deferred
    email first, sends, and records ``sent_at`` in the same transaction, so a
    task run twice sends once. A deferred email whose builder finds nothing to
    tell is canceled. A send (or build) error is recorded (attempts,
    last_error, next retry time) and raised for the task to retry with
    backoff; after MAX_ATTEMPTS the email is marked failed instead, and
    nothing is raised.
    """
    error: Exception | None = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.PENDING)
            .first()
        )
        if email is None:
            return False
        now = timezone.now()
        email.attempts += 1
        email.last_attempt_at = now
        fields = ["attempts", "last_attempt_at", "last_error", "next_attempt_at"]
        fields += ["to", "subject", "body_text", "body_html"]
        try:
            built = not email.needs_rendering or _build(email)
            if built:
                _message(email).send()
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                _move(email, EmailStatus.FAILED, update_fields=fields)
            else:
                email.next_attempt_at = now + retry_delay(email.attempts) + SWEEP_AFTER
                error = exc
                email.save(update_fields=fields)
        else:
            # Not built: a deferred email whose builder finds nothing to tell any more.
            _move(
                email,
                EmailStatus.SENT if built else EmailStatus.CANCELED,
                changes={"sent_at": now if built else None},
                update_fields=fields,
            )
            return built
    if error is not None:
        raise error
    logger.error(
        "Email %s failed after %d attempts: %s", email.pk, email.attempts, email.last_error
    )
    return False


def _build(email: OutboundEmail) -> bool:
    """Render a deferred email from what its builder finds now; False if nothing."""
    builder = import_string(email.builder)
    if not getattr(builder, "builds_email", False):
        raise ValueError(f"{email.builder} is not an @email_builder function.")
    built = builder(email.params)
    if built is None:
        return False
    to, context = built
    if not to:
        return False
    _render(email, to, context)
    return True


def retry_delay(attempts: int) -> timedelta:
    """The longest wait before retry number ``attempts`` (as Celery's retry_backoff)."""
    return timedelta(seconds=min(RETRY_BACKOFF_MAX, RETRY_BACKOFF * 2 ** max(attempts - 1, 0)))


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=email.to)
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _move(
    email: OutboundEmail,
    to: EmailStatus,
    *,
    actor: Actor = None,
    verb: str = "",
    changes: dict | None = None,
    update_fields: Sequence[str] = (),
) -> None:
    """Move a locked email along EMAIL_TRANSITIONS, with its audit event."""
    transition(
        email,
        to=to,
        allowed=EMAIL_TRANSITIONS,
        actor=actor,
        verb=verb or f"email.{to}",
        changes=changes,
        update_fields=update_fields,
        data={"template": email.template, "key": email.key or "", "attempts": email.attempts},
    )


def email_cancel(*, key_prefix: str, actor: Actor = None) -> int:
    """Withdraw unsent emails whose key starts with ``key_prefix``.

    For an event that no longer holds before its email went out (a review
    reassigned before the assessor was told). An email being sent right now
    is waited for (its row lock) and left alone, since it is no longer
    pending. Each cancellation is audited. Returns how many were canceled;
    safe to repeat.
    """
    if not key_prefix:
        raise ValueError("A key prefix is required.")
    with transaction.atomic():
        emails = list(
            OutboundEmail.objects.select_for_update(no_key=True)
            .filter(status=EmailStatus.PENDING, key__startswith=key_prefix)
            .order_by("pk")
        )
        for email in emails:
            _move(email, EmailStatus.CANCELED, actor=actor)
    return len(emails)


def email_retry(*, email_ids: Iterable[int], actor: Actor = None) -> int:
    """Send failed emails again (staff, from admin), from a fresh attempt count.

    Each failed email moves back to pending under its row lock, audited with
    the staff member as actor. Pending emails among them are handed to a
    worker at once. Returns how many were queued; safe to repeat (delivery
    is once-only).
    """
    ids = list(email_ids)
    now = timezone.now()
    with transaction.atomic():
        failed = (
            OutboundEmail.objects.select_for_update(no_key=True)
            .filter(pk__in=ids, status=EmailStatus.FAILED)
            .order_by("pk")
        )
        for email in failed:
            _move(
                email,
                EmailStatus.PENDING,
                actor=actor,
                verb="email.sent_again",
                changes={"attempts": 0, "next_attempt_at": now + SWEEP_AFTER},
            )
        pending = list(
            OutboundEmail.objects.filter(pk__in=ids, status=EmailStatus.PENDING).values_list(
                "pk", flat=True
            )
        )
        if pending:
            _publish_on_commit(pending)
    return len(pending)
