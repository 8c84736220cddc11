"""Payments in bulk: coupons, and the payment (and coupon use) of each application
that had a fee, as the payment services leave them."""

from __future__ import annotations

import datetime

from payments.models import (
    Coupon,
    CouponRedemption,
    DiscountKind,
    Payment,
    PaymentStatus,
    Provider,
    RedemptionStatus,
)
from submissions.models import Status

from .base import Bulk
from .submissions import Attempt

PAYMENT_MODELS = (Payment, CouponRedemption)


class Payments:
    def __init__(self, bulk: Bulk) -> None:
        self.bulk = bulk
        self.coupons = [
            Coupon(
                code=f"BENCH{i:03d}",
                description="Benchmark coupon",
                kind=DiscountKind.PERCENT,
                percent_off=100 if i % 2 else 50,
                max_per_learner=5,
            )
            for i in range(10)
        ]
        bulk.write(Coupon, self.coupons)
        # Redemptions per coupon, written to its counter once the rows are in.
        self.uses = {c.pk: 0 for c in self.coupons}

    def for_application(self, attempt: Attempt, *, fee: int) -> None:
        """An application waiting for payment has a pending or failed attempt (or
        none yet); one that went on was paid by card or with a coupon."""
        bulk, rng, rows, times = self.bulk, self.bulk.rng, attempt.rows, attempt.times
        submission_id = attempt.submission_id
        label = "Resubmission fee" if attempt.previous else "Assessment fee"

        def payment(**values) -> tuple:
            if "id" not in values:
                values["id"] = bulk.id(Payment)
            values.setdefault("discount_cents", 0)
            values.setdefault("amount_cents", fee - values["discount_cents"])
            values.setdefault("updated_at", values["created_at"])
            return bulk.table(Payment).row(
                uuid=bulk.uuid(),
                receipt_number=bulk.code("RC-", 10),
                submission_id=submission_id,
                learner_id=attempt.learner_id,
                description=f"{label} (benchmark)",
                fee_cents=fee,
                currency=attempt.credential.credential.currency,
                **values,
            )

        if attempt.status == Status.AWAITING_PAYMENT:
            r = rng.random()
            if r < 0.6:
                rows[Payment].append(
                    payment(
                        provider=Provider.STRIPE,
                        status=PaymentStatus.PENDING,
                        stripe_checkout_session_id=f"cs_test_bench_{submission_id}",
                        checkout_url="https://checkout.stripe.com/c/pay/bench",
                        created_at=times["submitted"],
                        expires_at=bulk.now + datetime.timedelta(minutes=30),
                    )
                )
            elif r < 0.8:
                rows[Payment].append(
                    payment(
                        provider=Provider.STRIPE,
                        status=PaymentStatus.FAILED,
                        failure_message="Your card was declined.",
                        created_at=times["submitted"],
                    )
                )
            return
        completed = times["started"]
        if rng.random() < 0.1:
            coupon = rng.choice(self.coupons)
            discount = coupon.discount_for(fee)
            provider = Provider.COUPON if discount == fee else Provider.STRIPE
            payment_id, created_at = bulk.id(Payment), completed - datetime.timedelta(minutes=5)
            p = payment(
                id=payment_id,
                provider=provider,
                status=PaymentStatus.SUCCEEDED,
                coupon_id=coupon.pk,
                discount_cents=discount,
                created_at=created_at,
                completed_at=completed,
                receipt_sent_at=completed,
                stripe_checkout_session_id=(
                    f"cs_test_bench_{submission_id}" if provider == Provider.STRIPE else None
                ),
                card_brand="visa" if provider == Provider.STRIPE else "",
                card_last4="4242" if provider == Provider.STRIPE else "",
            )
            rows[Payment].append(p)
            rows[CouponRedemption].append(
                bulk.table(CouponRedemption).row(
                    id=bulk.id(CouponRedemption),
                    coupon_id=coupon.pk,
                    learner_id=attempt.learner_id,
                    submission_id=submission_id,
                    payment_id=payment_id,
                    discount_cents=discount,
                    status=RedemptionStatus.REDEEMED,
                    created_at=created_at,
                    redeemed_at=completed,
                )
            )
            self.uses[coupon.pk] += 1
            return
        rows[Payment].append(
            payment(
                provider=Provider.STRIPE,
                status=PaymentStatus.SUCCEEDED,
                stripe_checkout_session_id=f"cs_test_bench_{submission_id}",
                stripe_payment_intent_id=f"pi_bench_{submission_id}",
                card_brand=rng.choice(["visa", "mastercard", "amex"]),
                card_last4=f"{rng.randint(0, 9999):04d}",
                created_at=completed - datetime.timedelta(minutes=5),
                completed_at=completed,
                receipt_sent_at=completed,
            )
        )
