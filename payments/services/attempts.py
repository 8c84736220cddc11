"""Payment attempts: start, complete once, fail, cancel, test mode and reconciliation."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import Actor, actor_user, record
from core.transitions import transition
from notifications.services import PUBLISH_RETRY_POLICY
from submissions.models import Status, Submission
from submissions.services import submission_lock, submission_mark_paid

from .. import pricing
from ..exceptions import (
    AlreadyPaid,
    CheckoutUnavailable,
    CouponExhausted,
    NothingToPay,
    PaymentError,
    PaymentInProgress,
    ProviderError,
)
from ..models import (
    PAID_STATUSES,
    REDEMPTION_TRANSITIONS,
    Coupon,
    CouponRedemption,
    Payment,
    PaymentStatus,
    Provider,
    RedemptionStatus,
    normalize_code,
)
from ..providers import (
    PaymentProvider,
    SessionState,
    TestModeProvider,
    get_provider,
    provider_for,
)
from .moves import lock_payment, move_payment

logger = logging.getLogger(__name__)

# An attempt that never got a checkout page is reused only this long (a double
# click racing the first request); after that it is replaced.
UNSTARTED_ATTEMPT_REUSE = timedelta(minutes=5)


class AmountMismatch(ProviderError):
    """Stripe reports a different amount or currency than the attempt asked for."""


# --- status moves ------------------------------------------------------------


def _release_hold(payment: Payment, *, actor: Actor) -> None:
    """Give a held coupon use back (the attempt will never be paid).

    The payment row is locked by the caller; the redemption belongs to it.
    """
    redemption = CouponRedemption.objects.filter(
        payment=payment, status=RedemptionStatus.HELD
    ).first()
    if redemption is None:
        return
    _move_redemption(redemption, RedemptionStatus.RELEASED, actor=actor, at="released_at")
    if payment.coupon_id:
        Coupon.objects.filter(pk=payment.coupon_id, redemption_count__gt=0).update(
            redemption_count=F("redemption_count") - 1
        )


def _confirm_redemption(payment: Payment, *, actor: Actor) -> None:
    """Count the coupon use for good; a released hold is taken back (the money was taken)."""
    redemption = CouponRedemption.objects.filter(payment=payment).first()
    if redemption is None or redemption.status == RedemptionStatus.REDEEMED:
        return
    if redemption.status == RedemptionStatus.RELEASED:
        Coupon.objects.filter(pk=redemption.coupon_id).update(
            redemption_count=F("redemption_count") + 1
        )
    _move_redemption(redemption, RedemptionStatus.REDEEMED, actor=actor, at="redeemed_at")


def _move_redemption(
    redemption: CouponRedemption, to: RedemptionStatus, *, actor: Actor, at: str
) -> None:
    transition(
        redemption,
        to=to,
        allowed=REDEMPTION_TRANSITIONS,
        actor=actor,
        verb=f"coupon_use.{to}",
        changes={at: timezone.now()},
        data={"coupon": redemption.coupon_id, "payment": redemption.payment_id},
    )


def _queue_receipt(payment: Payment) -> None:
    """Queue the receipt task after the commit. A broker outage is logged and
    never fails the payment; the periodic reconciliation queues the receipt."""
    from ..tasks import send_payment_receipt

    payment_id = payment.pk

    def send() -> None:
        send_payment_receipt.apply_async((payment_id,), retry_policy=PUBLISH_RETRY_POLICY)

    # A named function: Django logs a failed robust callback by its __qualname__.
    send.__qualname__ = "queue payments.tasks.send_payment_receipt"
    transaction.on_commit(send, robust=True)


def payment_succeed(
    *,
    payment_id: int,
    actor: Actor = None,
    state: SessionState | None = None,
    note: str = "Paid",
) -> Payment:
    """Record that an attempt is paid and send its submission into review.

    ``state`` is what the provider reports (Stripe webhook, reconciliation or
    the test-mode page); its amount and currency must match the attempt, else
    AmountMismatch is raised and nothing changes. Moves pending, failed or
    canceled to succeeded, confirms the coupon use and queues the receipt.
    Safe to repeat: an attempt already paid is returned unchanged (only card
    details missing so far are filled in).
    """
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if state is not None and state.amount_total is not None:
            if state.amount_total != payment.amount_cents or (
                state.currency and state.currency != payment.currency
            ):
                raise AmountMismatch(
                    f"{payment.receipt_number}: provider reports {state.amount_total} "
                    f"{state.currency}, expected {payment.amount_cents} {payment.currency}."
                )
        fields = _take_details(payment, state)
        if payment.is_paid:
            if fields:
                payment.save(update_fields=[*fields, "updated_at"])
            return payment
        was = payment.status
        move_payment(
            payment,
            PaymentStatus.SUCCEEDED,
            actor=actor,
            changes={"completed_at": timezone.now(), "failure_message": ""},
            update_fields=fields,
            data={"note": note},
        )
        _confirm_redemption(payment, actor=actor)
        submission = submission_mark_paid(
            submission_id=payment.submission_id,
            actor=actor_user(actor),
            note=f"{note} ({payment.receipt_number})",
        )
        if (
            was != PaymentStatus.PENDING
            or Payment.objects.filter(submission_id=payment.submission_id, status__in=PAID_STATUSES)
            .exclude(pk=payment.pk)
            .exists()
        ):
            logger.warning(
                "Payment %s succeeded after being %s; submission %s may have been paid twice.",
                payment.receipt_number,
                was,
                submission.reference,
            )
        _queue_receipt(payment)
    return payment


def _take_details(payment: Payment, state: SessionState | None) -> list[str]:
    """Copy ids and card details the provider reports and the attempt lacks."""
    if state is None:
        return []
    fields = []
    for attr, value in (
        ("stripe_payment_intent_id", state.payment_intent_id),
        ("card_brand", state.card_brand),
        ("card_last4", state.card_last4),
    ):
        if value and not getattr(payment, attr):
            setattr(payment, attr, value)
            fields.append(attr)
    return fields


def payment_fail(*, payment_id: int, message: str = "", actor: Actor = None) -> Payment:
    """Mark a pending attempt failed and release its coupon use.

    ``actor`` is None when the provider reports it (a webhook). Safe to
    repeat; an attempt that is paid (or already closed) is returned
    unchanged, so a failure reported after a success never moves it back.
    """
    return _close(payment_id, PaymentStatus.FAILED, message=message, actor=actor)


def payment_cancel(*, payment_id: int, reason: str = "", actor: Actor = None) -> Payment:
    """Close a pending attempt that will not be paid (expired, replaced, abandoned).

    ``actor`` is the learner whose new attempt replaces this one, or None for
    the system. Releases its coupon use. Safe to repeat; a paid attempt is
    never touched.
    """
    return _close(payment_id, PaymentStatus.CANCELED, message=reason, actor=actor)


def _close(payment_id: int, to: PaymentStatus, *, message: str, actor: Actor) -> Payment:
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        move_payment(payment, to, actor=actor, changes={"failure_message": message[:500]})
        _release_hold(payment, actor=actor)
    return payment


def payment_settle(*, payment: Payment, state: SessionState, actor: Actor = None) -> Payment:
    """Bring an attempt in line with what the provider reports about its session."""
    if state.paid:
        return payment_succeed(payment_id=payment.pk, actor=actor, state=state)
    if state.expired:
        return payment_cancel(
            payment_id=payment.pk, reason="The checkout expired unpaid.", actor=actor
        )
    return payment


# --- starting a payment ------------------------------------------------------


def payment_start(*, submission: Submission, actor: User, coupon_code: str = "") -> Payment:
    """Start (or resume) paying a submission's fee; the amount comes only from here.

    Requires the learner's own submission awaiting payment. With a coupon, the
    code is checked again under a lock on the coupon and one use is held, so
    two learners racing for the last use cannot both get it. A free result is
    paid at once with no card. Otherwise the attempt is committed, then the
    provider's checkout is opened with the attempt's uuid as idempotency key,
    and the returned payment has a ``checkout_url`` to send the learner to.

    Safe to repeat: while an attempt for the same price is open, the same
    attempt (and checkout page) is returned, so a double click never opens two
    charges. A different price (coupon added or removed) replaces the open
    attempt after closing its checkout. Raises CouponError, AlreadyPaid,
    NothingToPay, PaymentInProgress or CheckoutUnavailable, all safe to show.
    """
    if submission.learner_id != actor.pk:
        raise NothingToPay()
    if submission.status in (Status.IN_REVIEW, Status.AWARDED, Status.DENIED):
        raise AlreadyPaid()
    provider = get_provider()
    coupon = pricing.coupon_find(coupon_code) if normalize_code(coupon_code) else None

    pending = Payment.objects.filter(submission=submission, status=PaymentStatus.PENDING).first()
    if pending is not None:
        if _reusable(pending, provider, coupon, submission):
            return _open_checkout(pending, provider)
        _abandon(pending, actor=actor)

    try:
        with transaction.atomic():
            # Serializes starting an attempt with completing one for this submission.
            locked = submission_lock(submission_id=submission.pk)
            if locked.status in (Status.IN_REVIEW, Status.AWARDED, Status.DENIED):
                raise AlreadyPaid()
            if locked.status != Status.AWAITING_PAYMENT:
                raise NothingToPay()
            existing = Payment.objects.filter(
                submission=locked, status=PaymentStatus.PENDING
            ).first()
            if existing is not None:
                # Another request started an attempt while we were closing the old one.
                payment = existing
            else:
                payment = _create_attempt(locked, actor, coupon, provider)
    except IntegrityError:
        raced = Payment.objects.filter(submission=submission, status=PaymentStatus.PENDING).first()
        if raced is None:
            raise
        payment = raced
    if payment.is_paid:
        return payment
    return _open_checkout(payment, provider)


def _reusable(
    pending: Payment, provider: PaymentProvider, coupon: Coupon | None, submission: Submission
) -> bool:
    if pending.provider != provider.name or pending.coupon_id != (coupon.pk if coupon else None):
        return False
    if pending.fee_cents != submission.fee_cents or not pending.is_open:
        return False
    if pending.checkout_url:
        return True
    return timezone.now() - pending.created_at < UNSTARTED_ATTEMPT_REUSE


def _abandon(payment: Payment, *, actor: Actor) -> None:
    """Close an open attempt before another replaces it; settle it if it was paid."""
    if payment.stripe_checkout_session_id:
        try:
            state = provider_for(payment).expire(payment.stripe_checkout_session_id)
        except ProviderError as exc:
            logger.warning("Could not close checkout for %s: %s", payment.receipt_number, exc)
            raise CheckoutUnavailable() from exc
        if state.paid:
            payment_succeed(payment_id=payment.pk, actor=actor, state=state)
            raise AlreadyPaid()
        if state.status == "open":
            raise PaymentInProgress()
    payment_cancel(payment_id=payment.pk, reason="Replaced by a new payment attempt.", actor=actor)


def _create_attempt(
    submission: Submission, actor: User, coupon: Coupon | None, provider: PaymentProvider
) -> Payment:
    if coupon is not None:
        coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
        pricing.coupon_check(coupon, submission=submission, learner=actor)
    quote = pricing.quote_for(submission, coupon)
    now = timezone.now()
    payment = Payment.objects.create(
        submission=submission,
        learner=actor,
        provider=_provider_name(quote, provider),
        # Stored as the learner read it: the receipt and Stripe show this text.
        description=gettext("%(fee)s for “%(title)s” (%(reference)s)")
        % {
            "fee": quote.label,
            "title": submission.credential.title,
            "reference": submission.reference,
        },
        fee_cents=quote.fee_cents,
        discount_cents=quote.discount_cents,
        amount_cents=quote.amount_cents,
        currency=quote.currency,
        coupon=coupon,
        expires_at=now + timedelta(minutes=settings.PAYMENTS_CHECKOUT_EXPIRES_MINUTES),
    )
    if coupon is not None:
        # The lock above already serializes uses; the condition keeps the
        # counter honest even if a caller ever skipped it.
        counted = (
            Coupon.objects.filter(pk=coupon.pk)
            .filter(Q(max_redemptions__isnull=True) | Q(redemption_count__lt=F("max_redemptions")))
            .update(redemption_count=F("redemption_count") + 1)
        )
        if not counted:
            raise CouponExhausted()
        CouponRedemption.objects.create(
            coupon=coupon,
            learner=actor,
            submission=submission,
            payment=payment,
            discount_cents=quote.discount_cents,
        )
    record(
        actor=actor,
        verb="payment.started",
        target=payment,
        after={"status": payment.status, "amount_cents": payment.amount_cents},
        data={"receipt": payment.receipt_number, "coupon": coupon.code if coupon else ""},
    )
    if quote.is_free:
        note = f"Paid with coupon {coupon.code}" if coupon else "No fee due"
        payment_succeed(payment_id=payment.pk, actor=actor, note=note)
        payment.refresh_from_db()
    return payment


def _provider_name(quote: pricing.Quote, provider: PaymentProvider) -> str:
    if not quote.is_free:
        return provider.name
    return Provider.COUPON if quote.coupon else Provider.WAIVED


def _open_checkout(payment: Payment, provider: PaymentProvider) -> Payment:
    if payment.checkout_url:
        return payment
    try:
        checkout = provider.create_checkout(payment)
    except ProviderError as exc:
        logger.error("Checkout for %s could not be opened: %s", payment.receipt_number, exc)
        raise CheckoutUnavailable() from exc
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).filter(
        Q(stripe_checkout_session_id__isnull=True)
        | Q(stripe_checkout_session_id=checkout.session_id)
    ).update(
        stripe_checkout_session_id=checkout.session_id,
        checkout_url=checkout.url,
        updated_at=timezone.now(),
    )
    payment.refresh_from_db()
    if payment.checkout_url != checkout.url:
        raise PaymentInProgress()
    return payment


def payment_test_checkout_complete(*, payment: Payment, actor: User, card_number: str) -> Payment:
    """Complete a test-mode attempt from the labelled test page; nothing is charged.

    Requires the learner's own pending test-mode attempt. Declines the decline
    test card (CardDeclined, the attempt stays open). Otherwise goes through
    payment_succeed exactly as a Stripe webhook would, so it is safe to repeat.
    """
    if payment.learner_id != actor.pk or payment.provider != Provider.TEST:
        raise NothingToPay()
    if payment.is_paid:
        return payment
    if not payment.is_open:
        raise PaymentError(gettext("This test checkout has expired. Start the payment again."))
    provider = provider_for(payment)
    assert isinstance(provider, TestModeProvider)  # noqa: S101 - guarded by the provider check
    state = provider.charge(payment=payment, card_number=card_number)
    return payment_succeed(
        payment_id=payment.pk, actor=actor, state=state, note="Paid by card (test mode)"
    )


# --- reconciliation ----------------------------------------------------------


def payment_reconcile_pending(*, older_than_minutes: int | None = None, limit: int = 500) -> dict:
    """Ask the provider about attempts left pending and settle them.

    Paid sessions are completed, expired ones canceled (releasing coupon
    holds), and attempts that never got a checkout page are canceled. Open
    sessions are left alone. Safe to repeat and to run alongside webhooks:
    every outcome goes through the same once-only moves.
    """
    if older_than_minutes is None:
        older_than_minutes = settings.PAYMENTS_RECONCILE_AFTER_MINUTES
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    counts = {"succeeded": 0, "canceled": 0, "unchanged": 0, "errors": 0}
    stale = Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lt=cutoff).order_by(
        "created_at"
    )[:limit]
    for payment in stale:
        try:
            if not payment.stripe_checkout_session_id:
                payment_cancel(payment_id=payment.pk, reason="No checkout page was opened.")
                counts["canceled"] += 1
                continue
            state = provider_for(payment).retrieve(payment.stripe_checkout_session_id)
            settled = payment_settle(payment=payment, state=state)
        except (ProviderError, PaymentError) as exc:
            logger.warning("Reconciling %s failed: %s", payment.receipt_number, exc)
            counts["errors"] += 1
            continue
        if settled.status == PaymentStatus.SUCCEEDED:
            counts["succeeded"] += 1
        elif settled.status == PaymentStatus.CANCELED:
            counts["canceled"] += 1
        else:
            counts["unchanged"] += 1
    return counts
