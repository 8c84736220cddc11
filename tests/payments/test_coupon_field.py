"""The coupon box on the payment page is optional, and says so."""

import re

import pytest
from django.urls import reverse

from tests.credentials.factories import CredentialFactory
from tests.payments.factories import awaiting_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(learner):
    return awaiting_payment(learner, CredentialFactory(fee_cents=15000))


def coupon_label(page: str) -> str:
    return re.search(r'<label for="id_code">(.*?)</label>', page, re.S).group(1)


def test_the_coupon_code_is_not_labelled_required(learner_client, submission):
    page = learner_client.get(reverse("payments:checkout", kwargs={"uuid": submission.uuid}))

    label = coupon_label(page.content.decode())
    assert "Coupon code" in label
    assert "required" not in label


def test_applying_an_empty_coupon_code_still_says_what_is_missing(learner_client, submission):
    url = reverse("payments:coupon", kwargs={"uuid": submission.uuid})

    response = learner_client.post(url, {"code": "  ", "action": "apply"})

    page = response.content.decode()
    assert response.status_code == 422
    assert "Enter a coupon code." in page
    assert "required" not in coupon_label(page)
