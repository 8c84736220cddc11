"""Coupon rules and the amount due: what the learner is quoted is what is charged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments import pricing
from payments.exceptions import (
    CouponAlreadyUsed,
    CouponExhausted,
    CouponExpired,
    CouponInactive,
    CouponInvalid,
    CouponNotForCredential,
    CouponNotYetValid,
)
from payments.models import DiscountKind
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["half50", "  HALF50 ", "Half50\n"])
def test_codes_are_case_insensitive_and_tolerate_spaces(typed):
    coupon = CouponFactory(code="HALF50")
    assert pricing.coupon_find(typed) == coupon


def test_unknown_code_is_invalid():
    CouponFactory(code="REAL")
    with pytest.raises(CouponInvalid, match="don't recognise"):
        pricing.coupon_find("FAKE")


@pytest.mark.parametrize(
    ("kind", "value", "fee", "discount", "due"),
    [
        (DiscountKind.PERCENT, 100, 15000, 15000, 0),
        (DiscountKind.PERCENT, 25, 15000, 3750, 11250),
        (DiscountKind.PERCENT, 33, 9999, 3300, 6699),  # rounded half up, to the cent
        (DiscountKind.AMOUNT, 5000, 15000, 5000, 10000),
        (DiscountKind.AMOUNT, 15000, 15000, 15000, 0),
        (DiscountKind.AMOUNT, 20000, 15000, 15000, 0),  # never below zero
        (DiscountKind.AMOUNT, 14990, 15000, 15000, 0),  # 10 cents cannot go on a card
    ],
)
def test_quote_applies_the_discount(learner, kind, value, fee, discount, due):
    submission = awaiting_payment(learner, fee_cents=fee)
    if kind == DiscountKind.PERCENT:
        terms = {"percent_off": value}
    else:
        terms = {"percent_off": None, "amount_off_cents": value}
    coupon = CouponFactory(kind=kind, **terms)

    quote = pricing.quote_for(submission, coupon)

    assert (quote.fee_cents, quote.discount_cents, quote.amount_cents) == (fee, discount, due)
    assert quote.is_free is (due == 0)


def test_resubmission_is_quoted_its_own_fee(learner):
    credential = CredentialFactory(fee_cents=15000, resubmission_fee_cents=4000)
    first = awaiting_payment(learner, credential)
    second = awaiting_payment(learner, credential, previous=first)

    quote = pricing.quote_for(second)

    assert (quote.label, quote.amount_cents) == ("Resubmission fee", 4000)
    assert pricing.quote_for(first).label == "Assessment fee"


def _check(coupon, submission, learner):
    pricing.coupon_check(coupon, submission=submission, learner=learner)


def test_inactive_code_is_refused(learner):
    with pytest.raises(CouponInactive, match="no longer accepted"):
        _check(CouponFactory(is_active=False), awaiting_payment(learner), learner)


def test_code_before_its_window_is_refused(learner):
    coupon = CouponFactory(valid_from=timezone.now() + timedelta(days=3))
    with pytest.raises(CouponNotYetValid, match="can be used from"):
        _check(coupon, awaiting_payment(learner), learner)


def test_expired_code_is_refused(learner):
    coupon = CouponFactory(valid_until=timezone.now() - timedelta(minutes=1))
    with pytest.raises(CouponExpired, match="expired on"):
        _check(coupon, awaiting_payment(learner), learner)


def test_code_inside_its_window_is_accepted(learner):
    coupon = CouponFactory(
        valid_from=timezone.now() - timedelta(days=1),
        valid_until=timezone.now() + timedelta(days=1),
    )
    _check(coupon, awaiting_payment(learner), learner)


def test_code_for_another_credential_is_refused(learner):
    coupon = CouponFactory(credentials=[CredentialFactory()])
    submission = awaiting_payment(learner)
    with pytest.raises(CouponNotForCredential, match=submission.credential.title):
        _check(coupon, submission, learner)


def test_code_for_the_credential_or_its_organization_is_accepted(learner):
    submission = awaiting_payment(learner)
    _check(CouponFactory(credentials=[submission.credential]), submission, learner)
    _check(CouponFactory(organizations=[submission.credential.organization]), submission, learner)


def test_code_for_another_organization_is_refused(learner):
    coupon = CouponFactory(organizations=[OrganizationFactory(name="Elsewhere District")])
    with pytest.raises(CouponNotForCredential):
        _check(coupon, awaiting_payment(learner), learner)


def test_amount_off_in_another_currency_is_refused(learner):
    coupon = CouponFactory(
        kind=DiscountKind.AMOUNT, percent_off=None, amount_off_cents=500, currency="eur"
    )
    with pytest.raises(CouponNotForCredential):
        _check(coupon, awaiting_payment(learner), learner)


def test_exhausted_code_is_refused(learner, other_learner):
    from payments import services

    coupon = CouponFactory(percent_off=100, max_redemptions=1)
    services.payment_start(
        submission=awaiting_payment(other_learner), actor=other_learner, coupon_code=coupon.code
    )
    coupon.refresh_from_db()
    with pytest.raises(CouponExhausted, match="already been used as many times"):
        _check(coupon, awaiting_payment(learner), learner)


def test_code_the_learner_already_used_is_refused(learner):
    from payments import services

    coupon = CouponFactory(percent_off=100, max_per_learner=1)
    services.payment_start(
        submission=awaiting_payment(learner), actor=learner, coupon_code=coupon.code
    )
    with pytest.raises(CouponAlreadyUsed, match="already used this code"):
        _check(coupon, awaiting_payment(learner), learner)


def test_per_learner_limit_above_one_allows_that_many_uses(learner):
    from payments import services

    coupon = CouponFactory(percent_off=100, max_per_learner=2)
    services.payment_start(
        submission=awaiting_payment(learner), actor=learner, coupon_code=coupon.code
    )
    _check(coupon, awaiting_payment(learner), learner)
