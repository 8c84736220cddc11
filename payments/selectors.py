"""Reads shaped for the payment page, the submission page panel and the admin."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from submissions.models import Submission

from .models import PAID_STATUSES, Coupon, CouponRedemption, Payment, PaymentStatus


def payment_receipt_for_submission(*, submission: Submission) -> Payment | None:
    """The paid attempt that settled a submission's fee (the newest if ever two)."""
    return (
        Payment.objects.filter(submission=submission, status__in=PAID_STATUSES)
        .select_related("coupon")
        .order_by("-completed_at", "-pk")
        .first()
    )


def payment_pending_for_submission(*, submission: Submission) -> Payment | None:
    return Payment.objects.filter(submission=submission, status=PaymentStatus.PENDING).first()


def payment_get_for_learner(*, uuid: UUID, learner: User) -> Payment:
    """The learner's own payment attempt, or 404 (someone else's looks like nothing)."""
    return get_object_or_404(
        Payment.objects.select_related("submission", "submission__credential", "coupon"),
        uuid=uuid,
        learner=learner,
    )


def coupon_redemption_list(*, coupon: Coupon) -> QuerySet[CouponRedemption]:
    return (
        CouponRedemption.objects.filter(coupon=coupon)
        .select_related("learner", "submission", "payment")
        .order_by("-created_at")
    )
