"""What a submission costs and whether a coupon applies: pure rules, no writes.

The quote shown on the payment page and the amount charged come from the same
functions; services re-run the checks under a row lock before they count a use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from .exceptions import (
    CouponAlreadyUsed,
    CouponExhausted,
    CouponExpired,
    CouponInactive,
    CouponInvalid,
    CouponNotForCredential,
    CouponNotYetValid,
)
from .models import Coupon, CouponRedemption, DiscountKind, RedemptionStatus, normalize_code
from .signals import coupon_checking


@dataclass(frozen=True)
class Quote:
    label: str
    fee_cents: int
    discount_cents: int
    currency: str
    coupon: Coupon | None = None

    @property
    def amount_cents(self) -> int:
        return self.fee_cents - self.discount_cents

    @property
    def is_free(self) -> bool:
        return self.amount_cents == 0


def fee_label(submission) -> str:
    return gettext("Resubmission fee") if submission.previous_id else gettext("Assessment fee")


def coupon_find(code: str) -> Coupon:
    """The coupon a learner typed (any case, spaces around it), or CouponInvalid."""
    normalized = normalize_code(code)
    coupon = Coupon.objects.filter(code=normalized).first() if normalized else None
    if coupon is None:
        raise CouponInvalid()
    return coupon


def coupon_check(coupon: Coupon, *, submission, learner, now=None) -> None:
    """Raise the CouponError that explains why this learner cannot use this code here.

    A hold on this same submission (an earlier checkout attempt about to be
    replaced) does not count as a previous use.
    """
    now = now or timezone.now()
    credential = submission.credential
    if not coupon.is_active:
        raise CouponInactive()
    if coupon.valid_from and now < coupon.valid_from:
        raise CouponNotYetValid(timezone.localtime(coupon.valid_from))
    if coupon.valid_until and now >= coupon.valid_until:
        raise CouponExpired(timezone.localtime(coupon.valid_until))
    if not _applies_to(coupon, credential):
        raise CouponNotForCredential(credential.title)
    # A code reserved for some learners (a cohort code) is refused by its owner.
    coupon_checking.send(sender=Coupon, coupon=coupon, submission=submission, learner=learner)
    used = (
        CouponRedemption.objects.filter(
            coupon=coupon,
            learner=learner,
            status__in=[RedemptionStatus.HELD, RedemptionStatus.REDEEMED],
        )
        .exclude(submission=submission, status=RedemptionStatus.HELD)
        .count()
    )
    if used >= coupon.max_per_learner:
        raise CouponAlreadyUsed()
    held_here = CouponRedemption.objects.filter(
        coupon=coupon, submission=submission, status=RedemptionStatus.HELD
    ).count()
    if (
        coupon.max_redemptions is not None
        and coupon.redemption_count - held_here >= coupon.max_redemptions
    ):
        raise CouponExhausted()


def _applies_to(coupon: Coupon, credential) -> bool:
    if (
        coupon.kind == DiscountKind.AMOUNT
        and coupon.currency.lower() != credential.currency.lower()
    ):
        return False
    credential_ids = {c.pk for c in coupon.credentials.all()}
    organization_ids = {o.pk for o in coupon.organizations.all()}
    if not credential_ids and not organization_ids:
        return True
    return credential.pk in credential_ids or credential.organization_id in organization_ids


def quote_for(submission, coupon: Coupon | None = None) -> Quote:
    """The fee for this attempt and the discount a (checked) coupon gives.

    A remainder below the card minimum cannot be charged, so such a coupon
    waives the whole fee rather than leaving an amount no card can pay.
    """
    fee = submission.fee_cents
    discount = coupon.discount_for(fee) if coupon else 0
    if coupon and 0 < fee - discount < settings.PAYMENTS_MINIMUM_CHARGE_CENTS:
        discount = fee
    return Quote(
        label=fee_label(submission),
        fee_cents=fee,
        discount_cents=discount,
        currency=submission.credential.currency.lower(),
        coupon=coupon,
    )
