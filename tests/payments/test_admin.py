"""Staff tools: coupons with bulk generation to CSV, payments with search and refunds."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments import services
from payments.models import Coupon, Payment, PaymentStatus
from payments.providers import StripeProvider
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_staff_generate_unique_codes_for_a_district_as_csv(staff_client):
    credential = CredentialFactory(title="Formative Assessment")
    url = reverse("admin:payments_coupon_generate")
    assert (
        "Generate codes"
        in staff_client.get(reverse("admin:payments_coupon_changelist")).content.decode()
    )
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(
        url,
        {
            "count": 40,
            "prefix": "lincoln-",
            "batch": "Lincoln USD 2026",
            "kind": "percent",
            "percent_off": 100,
            "currency": "usd",
            "max_redemptions": 1,
            "max_per_learner": 1,
            "credentials": [credential.pk],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 40
    assert all(c.startswith("LINCOLN-") for c in codes)
    assert rows[0]["discount"] == "100% off"
    assert rows[0]["uses_allowed"] == "1"
    assert rows[0]["restricted_to"] == "Formative Assessment"
    stored = Coupon.objects.filter(batch="Lincoln USD 2026")
    assert set(stored.values_list("code", flat=True)) == set(codes)


def test_generation_form_explains_a_missing_discount(staff_client):
    response = staff_client.post(
        reverse("admin:payments_coupon_generate"),
        {"count": 5, "batch": "X", "kind": "amount", "currency": "usd", "max_per_learner": 1},
    )
    assert response.status_code == 200
    assert "Enter the amount off, e.g. 25.00." in response.content.decode()
    assert not Coupon.objects.exists()


def test_coupon_amount_off_is_typed_and_shown_in_the_currencys_units(staff_client):
    data = {
        "code": "TWENTYFIVE",
        "kind": "amount",
        "amount_off_cents": "$25.50",
        "currency": "usd",
        "max_per_learner": 1,
        "is_active": "on",
        "redemptions-TOTAL_FORMS": 0,
        "redemptions-INITIAL_FORMS": 0,
    }

    response = staff_client.post(reverse("admin:payments_coupon_add"), data)

    assert response.status_code == 302
    coupon = Coupon.objects.get(code="TWENTYFIVE")
    assert coupon.amount_off_cents == 2550
    page = staff_client.get(reverse("admin:payments_coupon_change", args=[coupon.pk]))
    assert 'name="amount_off_cents" value="25.50"' in page.content.decode()


def test_generated_codes_take_the_amount_off_in_the_currencys_units(staff_client):
    staff_client.post(
        reverse("admin:payments_coupon_generate"),
        {
            "count": 2,
            "batch": "Ten off",
            "kind": "amount",
            "amount_off_cents": "10",
            "currency": "usd",
            "max_per_learner": 1,
        },
    )

    assert set(Coupon.objects.values_list("amount_off_cents", flat=True)) == {1000}


def test_selected_codes_export_as_csv(staff_client):
    a = CouponFactory(code="AAA", percent_off=10)
    b = CouponFactory(code="BBB", percent_off=20, description="=HYPERLINK(evil)")
    response = staff_client.post(
        reverse("admin:payments_coupon_changelist"),
        {"action": "export_csv", "_selected_action": [a.pk, b.pk]},
    )
    rows = _rows(response)
    assert [r["code"] for r in rows] == ["AAA", "BBB"]
    assert rows[1]["description"].startswith("'=")  # no formula runs in a spreadsheet


def test_coupon_page_lists_its_redemptions(staff_client, learner):
    coupon = CouponFactory(code="FREE", percent_off=100, max_redemptions=5)
    submission = awaiting_payment(learner)
    services.payment_start(submission=submission, actor=learner, coupon_code="FREE")

    page = staff_client.get(reverse("admin:payments_coupon_change", args=[coupon.pk]))

    html = page.content.decode()
    assert learner.email in html and submission.reference in html and "Redeemed" in html
    changelist = staff_client.get(reverse("admin:payments_coupon_changelist")).content.decode()
    assert "1 / 5" in changelist


def test_coupon_codes_are_stored_in_capitals_and_unique_whatever_the_case(staff_client):
    CouponFactory(code="SPRING")
    data = {
        "code": " spring ",
        "kind": "percent",
        "percent_off": 10,
        "currency": "usd",
        "max_per_learner": 1,
        "is_active": "on",
        "redemptions-TOTAL_FORMS": 0,
        "redemptions-INITIAL_FORMS": 0,
    }
    url = reverse("admin:payments_coupon_add")
    response = staff_client.post(url, data)
    assert "Another coupon already has this code." in response.content.decode()

    staff_client.post(url, {**data, "code": " summer "})
    assert Coupon.objects.filter(code="SUMMER").exists()


@pytest.fixture
def paid_by_card(stripe_stub, learner):
    submission = awaiting_payment(learner)
    payment = services.payment_start(submission=submission, actor=learner)
    state = StripeProvider().retrieve(stripe_stub.pay(payment.stripe_checkout_session_id)["id"])
    return services.payment_succeed(payment_id=payment.pk, state=state)


@pytest.mark.parametrize("field", ["learner", "reference", "session", "intent"])
def test_payments_are_searchable(staff_client, paid_by_card, field):
    term = {
        "learner": paid_by_card.learner.email,
        "reference": paid_by_card.submission.reference,
        "session": paid_by_card.stripe_checkout_session_id,
        "intent": paid_by_card.stripe_payment_intent_id,
    }[field]
    other = awaiting_payment(UserFactory(email="someone@example.org"))
    CouponFactory(code="FREEBIE", percent_off=100)
    services.payment_start(submission=other, actor=other.learner, coupon_code="FREEBIE")

    response = staff_client.get(reverse("admin:payments_payment_changelist"), {"q": term})

    html = response.content.decode()
    assert paid_by_card.receipt_number in html
    assert other.reference not in html


def test_payment_amounts_are_read_only(staff_client, paid_by_card):
    url = reverse("admin:payments_payment_change", args=[paid_by_card.pk])
    staff_client.post(url, {"amount_cents": 1, "status": "pending"})
    paid_by_card.refresh_from_db()
    assert paid_by_card.amount_cents == 15000 and paid_by_card.status == PaymentStatus.SUCCEEDED
    assert 'name="amount_cents"' not in staff_client.get(url).content.decode()


def test_refund_action_asks_for_confirmation_then_refunds_through_stripe(
    staff_client, paid_by_card, stripe_stub
):
    url = reverse("admin:payments_payment_changelist")
    selected = {"action": "refund_selected", "_selected_action": [paid_by_card.pk]}

    confirm = staff_client.post(url, selected)
    assert "will be refunded in full through Stripe" in confirm.content.decode()
    assert stripe_stub.posts("/v1/refunds") == []

    done = staff_client.post(
        url, {**selected, "confirm": "yes", "reason": "Duplicate"}, follow=True
    )

    assert f"{paid_by_card.receipt_number}: refunded $150.00" in done.content.decode()
    [sent] = stripe_stub.posts("/v1/refunds")
    assert sent.form["payment_intent"] == paid_by_card.stripe_payment_intent_id
    paid_by_card.refresh_from_db()
    assert paid_by_card.status == PaymentStatus.REFUNDED
    assert paid_by_card.refunds.get().reason == "Duplicate"


def test_refund_action_needs_the_refund_permission(client, paid_by_card, stripe_stub):
    clerk = UserFactory(email="clerk@example.org", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_payment"))
    client.force_login(clerk)
    url = reverse("admin:payments_payment_changelist")

    assert "refund_selected" not in client.get(url).content.decode()
    client.post(
        url, {"action": "refund_selected", "_selected_action": [paid_by_card.pk], "confirm": "yes"}
    )

    assert stripe_stub.posts("/v1/refunds") == []
    assert Payment.objects.get(pk=paid_by_card.pk).status == PaymentStatus.SUCCEEDED
