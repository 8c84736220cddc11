"""Every change to payments, coupons, refunds and webhook events happens here.

Each function takes keyword arguments, runs its writes in a transaction and
says whether it is safe to repeat. Payment status moves lock the payment row
and return early when the move already happened, so a double click, a
replayed webhook, the reconciliation task and the test-mode page can all
report the same outcome and the submission still moves exactly once.

Calls to Stripe never happen inside a transaction that holds a row lock:
a payment attempt is committed first (its uuid is the idempotency key), then
Stripe is called, then the answer is stored.
"""

from .attempts import (
    AmountMismatch,
    payment_cancel,
    payment_fail,
    payment_reconcile_pending,
    payment_settle,
    payment_start,
    payment_succeed,
    payment_test_checkout_complete,
)
from .coupons import MAX_BATCH, coupon_deactivate, coupon_ensure, coupon_generate_batch
from .receipts import payment_send_missing_receipts, payment_send_receipt
from .refunds import payment_refund
from .webhooks import webhook_event_process, webhook_event_receive

__all__ = [
    "MAX_BATCH",
    "AmountMismatch",
    "coupon_deactivate",
    "coupon_ensure",
    "coupon_generate_batch",
    "payment_cancel",
    "payment_fail",
    "payment_reconcile_pending",
    "payment_refund",
    "payment_send_missing_receipts",
    "payment_send_receipt",
    "payment_settle",
    "payment_start",
    "payment_succeed",
    "payment_test_checkout_complete",
    "webhook_event_process",
    "webhook_event_receive",
]
