"""Refunds staff make from the admin, through the payment's provider."""

from __future__ import annotations

from django.db import transaction

from ..exceptions import (
    ProviderError,
    RefundError,
)
from ..models import (
    Payment,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
)
from ..providers import provider_for
from .attempts import _lock_payment, _move

# --- refunds -----------------------------------------------------------------


def payment_refund(*, payment_id: int, actor, reason: str = "") -> Refund:
    """Refund what is left of a paid attempt through its provider and record it.

    Requires a paid attempt with money taken and no refund in flight. The
    Refund row is committed first so its uuid is the idempotency key of the
    provider call. The submission is not moved: a decision already under way
    stays, and staff decide separately. Raises RefundError (for staff).
    """
    with transaction.atomic():
        payment = _lock_payment(payment_id)
        if payment.status != PaymentStatus.SUCCEEDED:
            raise RefundError(
                f"{payment.receipt_number} is {payment.get_status_display().lower()}; "
                "only paid payments can be refunded."
            )
        remaining = payment.amount_cents - payment.refunded_cents
        if remaining <= 0 or payment.provider == Provider.COUPON:
            raise RefundError(f"{payment.receipt_number}: no card payment to refund.")
        if payment.provider == Provider.STRIPE and not payment.stripe_payment_intent_id:
            raise RefundError(f"{payment.receipt_number}: Stripe has not reported the charge yet.")
        if payment.refunds.filter(
            status=RefundStatus.PENDING, stripe_refund_id__isnull=True
        ).exists():
            raise RefundError(f"{payment.receipt_number}: a refund is already being made.")
        refund = Refund.objects.create(
            payment=payment, amount_cents=remaining, actor=actor, reason=reason[:300]
        )
    try:
        result = provider_for(payment).refund(
            payment=payment, amount_cents=remaining, idempotency_key=str(refund.uuid)
        )
    except ProviderError as exc:
        Refund.objects.filter(pk=refund.pk).update(
            status=RefundStatus.FAILED, failure_message=str(exc)[:500]
        )
        raise RefundError(f"{payment.receipt_number}: Stripe refused the refund ({exc}).") from exc
    with transaction.atomic():
        payment = _lock_payment(payment_id)
        refund.stripe_refund_id = result.refund_id
        refund.status = (
            RefundStatus.FAILED
            if result.status in ("failed", "canceled")
            else RefundStatus.SUCCEEDED
            if result.status == "succeeded"
            else RefundStatus.PENDING
        )
        refund.save(update_fields=["stripe_refund_id", "status"])
        if refund.status != RefundStatus.FAILED:
            _record_refunded(payment, payment.refunded_cents + remaining)
    return refund


def _record_refunded(payment: Payment, refunded_cents: int) -> None:
    payment.refunded_cents = min(payment.amount_cents, max(payment.refunded_cents, refunded_cents))
    fields = ["refunded_cents", "updated_at"]
    if payment.refunded_cents >= payment.amount_cents and payment.status == PaymentStatus.SUCCEEDED:
        _move(payment, PaymentStatus.REFUNDED)
        fields.append("status")
    payment.save(update_fields=fields)
