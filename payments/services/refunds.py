"""Refunds staff make from the admin, through the payment's provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import Actor, record
from core.transitions import transition

from ..exceptions import (
    ProviderError,
    RefundError,
)
from ..models import (
    REFUND_TRANSITIONS,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
)
from ..providers import provider_for
from .moves import lock_payment, record_refunded

if TYPE_CHECKING:
    from accounts.models import User

# --- refunds -----------------------------------------------------------------


def payment_refund(*, payment_id: int, actor: User, reason: str = "") -> Refund:
    """Refund what is left of a paid attempt through its provider and record it.

    Requires a paid attempt with money taken and no refund in flight. The
    Refund row is committed first so its uuid is the idempotency key of the
    provider call; the request, the provider's answer and the payment's move
    to refunded are each recorded in the audit trail with the staff member as
    actor. The submission is not moved: a decision already under way stays,
    and staff decide separately. Raises RefundError (for staff).
    """
    with transaction.atomic():
        payment = lock_payment(payment_id)
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
        record(
            actor=actor,
            verb="payment.refund_requested",
            target=payment,
            data={
                "receipt": payment.receipt_number,
                "refund": str(refund.uuid),
                "amount_cents": remaining,
                "reason": refund.reason,
            },
        )
    try:
        result = provider_for(payment).refund(
            payment=payment, amount_cents=remaining, idempotency_key=str(refund.uuid)
        )
    except ProviderError as exc:
        with transaction.atomic():
            lock_payment(payment_id)
            _move_refund(
                refund, RefundStatus.FAILED, actor=actor, changes={"failure_message": str(exc)}
            )
        raise RefundError(f"{payment.receipt_number}: Stripe refused the refund ({exc}).") from exc
    status = (
        RefundStatus.FAILED
        if result.status in ("failed", "canceled")
        else RefundStatus.SUCCEEDED
        if result.status == "succeeded"
        else RefundStatus.PENDING
    )
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if status == RefundStatus.PENDING:
            refund.stripe_refund_id = result.refund_id
            refund.save(update_fields=["stripe_refund_id"])
        else:
            _move_refund(
                refund, status, actor=actor, changes={"stripe_refund_id": result.refund_id}
            )
        if refund.status != RefundStatus.FAILED:
            record_refunded(payment, payment.refunded_cents + remaining, actor=actor)
    return refund


def _move_refund(refund: Refund, to: RefundStatus, *, actor: Actor, changes: dict) -> None:
    """Move a refund whose payment row the caller has locked."""
    if "failure_message" in changes:
        changes["failure_message"] = changes["failure_message"][:500]
    transition(
        refund,
        to=to,
        allowed=REFUND_TRANSITIONS,
        actor=actor,
        verb=f"refund.{to}",
        changes=changes,
        data={"receipt": refund.payment.receipt_number, "amount_cents": refund.amount_cents},
    )
