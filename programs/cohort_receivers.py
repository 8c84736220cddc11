"""Keeps a cohort code for the cohort's accepted members (payments asks through a signal)."""

from __future__ import annotations

from django.dispatch import receiver

from payments.exceptions import CouponInvalid
from payments.signals import coupon_checking

from .cohort_selectors import cohort_is_member


@receiver(coupon_checking, dispatch_uid="programs.cohort_code_members_only")
def cohort_code_members_only(sender, *, coupon, submission, learner, **kwargs) -> None:
    # To anyone else the code does not exist: it says nothing about the cohort.
    if cohort_is_member(coupon_id=coupon.pk, learner_id=learner.pk) is False:
        raise CouponInvalid()
