"""Payment status moves shared by the modules of this package.

Package-internal: the public services in ``payments.services`` call these;
other apps never do. Every move goes through ``core.transitions.transition``
along ``PAYMENT_TRANSITIONS``, on a row locked by ``lock_payment`` in the
caller's transaction, and so leaves an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from audit.services import Actor, record
from core.transitions import transition

from ..models import PAYMENT_TRANSITIONS, Payment, PaymentStatus


def lock_payment(payment_id: int) -> Payment:
    """The payment row, locked until the caller's transaction ends."""
    return Payment.objects.select_for_update(no_key=True).get(pk=payment_id)


def move_payment(
    payment: Payment,
    to: PaymentStatus,
    *,
    actor: Actor,
    changes: Mapping[str, Any] | None = None,
    update_fields: Iterable[str] = (),
    data: Mapping[str, Any] | None = None,
) -> None:
    """Move a locked payment along PAYMENT_TRANSITIONS and audit it.

    Raises IllegalTransition (safe to show) for a move the table refuses,
    such as a paid attempt going back to failed.
    """
    transition(
        payment,
        to=to,
        allowed=PAYMENT_TRANSITIONS,
        actor=actor,
        verb=f"payment.{to}",
        changes=changes,
        update_fields=update_fields,
        data={"receipt": payment.receipt_number, **(data or {})},
    )


def record_refunded(payment: Payment, refunded_cents: int, *, actor: Actor) -> None:
    """Record how much of a locked, paid payment has been refunded (never less than before).

    The whole amount refunded moves it to refunded; a part of it is recorded
    on the payment's audit trail. A repeated report (a replayed webhook)
    changes nothing.
    """
    total = min(payment.amount_cents, max(payment.refunded_cents, refunded_cents))
    if total == payment.refunded_cents:
        return
    if total >= payment.amount_cents and payment.status == PaymentStatus.SUCCEEDED:
        move_payment(
            payment, PaymentStatus.REFUNDED, actor=actor, changes={"refunded_cents": total}
        )
        return
    before = payment.refunded_cents
    payment.refunded_cents = total
    payment.save(update_fields=["refunded_cents", "updated_at"])
    record(
        actor=actor,
        verb="payment.partly_refunded",
        target=payment,
        before={"refunded_cents": before},
        after={"refunded_cents": total},
        data={"receipt": payment.receipt_number},
    )
