"""Coupon codes cannot be guessed: after too many wrong codes, per learner or per
client address, the coupon field says when to try again and checks nothing."""

import html
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db

WAIT = "Too many codes that did not work. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PAYMENTS_COUPON_THROTTLE = {"per_user": 3, "per_address": 5, "window_seconds": 900}


def _submission(learner):
    return awaiting_payment(learner, CredentialFactory(fee_cents=15000))


def _try(client, submission, code, address="198.51.100.7"):
    url = reverse("payments:coupon", kwargs={"uuid": submission.uuid})
    return client.post(url, {"code": code}, REMOTE_ADDR=address)


def _error_beside_the_field(response) -> str:
    page = response.content.decode()
    match = re.search(r'id="id_code_error"[^>]*>(.*?)</', page, re.S)
    assert match, "no error beside the coupon field"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_too_many_wrong_codes_make_the_learner_wait_with_a_message(learner, learner_client):
    CouponFactory(code="REAL100", percent_off=100)
    submission = _submission(learner)
    for guess in ("GUESS1", "GUESS2", "GUESS3"):
        assert _try(learner_client, submission, guess).status_code == 422

    blocked = _try(learner_client, submission, "REAL100")

    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "900"
    assert _error_beside_the_field(blocked) == WAIT
    assert 'value="REAL100"' in blocked.content.decode()  # what they typed stays
    assert "payments:coupon:" + str(submission.uuid) not in learner_client.session


def test_the_field_works_again_once_the_window_has_passed(learner, learner_client):
    CouponFactory(code="REAL100", percent_off=100)
    submission = _submission(learner)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for guess in ("GUESS1", "GUESS2", "GUESS3"):
            _try(learner_client, submission, guess)
        traveller.shift(600)
        assert "5 minutes" in _error_beside_the_field(_try(learner_client, submission, "X"))
        traveller.shift(301)

        applied = _try(learner_client, submission, "real100")

    assert applied.status_code == 302
    assert learner_client.session[f"payments:coupon:{submission.uuid}"] == "REAL100"


def test_right_codes_are_not_counted(learner, learner_client):
    CouponFactory(code="HALF", percent_off=50)
    submission = _submission(learner)
    for _ in range(5):
        assert _try(learner_client, submission, "half").status_code == 302


def test_many_learners_guessing_from_one_address_are_stopped(learner, learner_client):
    submission = _submission(learner)
    for n in range(5):
        guesser = UserFactory(email=f"guesser{n}@example.org")
        client = Client()
        client.force_login(guesser)
        _try(client, _submission(guesser), f"GUESS{n}")

    from_there = _try(learner_client, submission, "ANY")
    elsewhere = _try(learner_client, submission, "ANY", address="203.0.113.9")

    assert from_there.status_code == 429
    assert _error_beside_the_field(from_there) == WAIT
    assert elsewhere.status_code == 422
    assert "We don't recognise that code." in _error_beside_the_field(elsewhere)
