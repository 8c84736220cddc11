"""The payment page as learners use it: amounts, coupons, card and test mode, receipts."""

import html
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from payments.models import Payment, PaymentStatus
from submissions.models import Status
from tests.credentials.factories import CredentialFactory
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db


def _url(name, submission):
    return reverse(f"payments:{name}", kwargs={"uuid": submission.uuid})


@pytest.fixture
def submission(learner):
    credential = CredentialFactory(title="Formative Assessment", fee_cents=15000)
    return awaiting_payment(learner, credential)


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- who can see it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"), [("checkout", "get"), ("coupon", "post"), ("pay", "post")]
)
def test_anonymous_visitor_is_sent_to_log_in(client, submission, name, method):
    response = getattr(client, method)(_url(name, submission))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"), [("checkout", "get"), ("coupon", "post"), ("pay", "post")]
)
def test_another_learner_gets_not_found(other_client, submission, name, method):
    response = getattr(other_client, method)(_url(name, submission), {"code": "X"})
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_another_learner_cannot_open_the_test_checkout(learner_client, other_client, submission):
    learner_client.post(_url("pay", submission))
    payment = Payment.objects.get()
    url = reverse("payments:test_checkout", kwargs={"uuid": payment.uuid})
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, {"card_number": "4242424242424242"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


# --- the payment page ----------------------------------------------------------------


def test_payment_page_shows_the_amount_what_it_pays_for_and_test_mode(learner_client, submission):
    response = learner_client.get(_url("checkout", submission))

    text = _text(response)
    assert response.status_code == 200
    assert "Pay the assessment fee" in text
    assert "Amount due $150.00" in text
    assert "Formative Assessment" in text and submission.reference in text
    assert "Test mode — no real card is charged" in text
    assert "Pay $150.00 by card" in text
    assert "Coupon code" in text


def test_with_stripe_keys_there_is_no_test_mode_label_and_pay_goes_to_stripe(
    stripe_stub, learner_client, submission
):
    page = learner_client.get(_url("checkout", submission))
    assert "Test mode" not in _text(page)
    assert "Stripe's secure payment page" in _text(page)

    response = learner_client.post(_url("pay", submission))

    assert response.status_code == 302
    assert response.url.startswith("https://checkout.stripe.com/c/pay/cs_test_")


def test_resubmission_page_names_and_charges_the_resubmission_fee(learner, learner_client):
    credential = CredentialFactory(fee_cents=15000, resubmission_fee_cents=4500)
    first = awaiting_payment(learner, credential)
    first.status = Status.DENIED
    first.save()
    second = awaiting_payment(learner, credential, previous=first)

    text = _text(learner_client.get(_url("checkout", second)))

    assert "Pay the resubmission fee" in text and "Amount due $45.00" in text


def test_draft_has_no_payment_page(learner, learner_client):
    from submissions import services as submission_services

    draft, _ = submission_services.submission_apply(
        learner=learner, credential=CredentialFactory(fee_cents=100)
    )
    response = learner_client.get(_url("checkout", draft))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()


# --- coupons on the page ---------------------------------------------------------------


def test_applying_a_partial_coupon_shows_the_new_amount_before_paying(learner_client, submission):
    CouponFactory(code="SPRING25", percent_off=25)

    response = learner_client.post(_url("coupon", submission), {"code": "  spring25 "}, follow=True)

    text = _text(response)
    assert "Coupon SPRING25 applied: 25% off" in text
    assert "Coupon SPRING25 −$37.50" in text
    assert "Amount due $112.50" in text
    assert submission.status == Status.AWAITING_PAYMENT
    assert not Payment.objects.exists()


def test_removing_the_coupon_restores_the_full_amount(learner_client, submission):
    CouponFactory(code="SPRING25", percent_off=25)
    learner_client.post(_url("coupon", submission), {"code": "SPRING25"})

    response = learner_client.post(_url("coupon", submission), {"action": "remove"}, follow=True)

    assert "Amount due $150.00" in _text(response)


@pytest.mark.parametrize(
    ("coupon_kwargs", "typed", "message"),
    [
        ({"code": "REAL"}, "NOPE", "We don't recognise that code."),
        ({"code": "OLD", "valid_until": "2020-01-01T00:00Z"}, "old", "This code expired on"),
        ({"code": "SOON", "valid_from": "2999-01-01T00:00Z"}, "soon", "This code can be used from"),
        ({"code": "OFF", "is_active": False}, "off", "This code is no longer accepted."),
        ({"code": "GONE", "max_redemptions": 0}, "gone", "already been used as many times"),
    ],
)
def test_each_unusable_code_gets_its_own_message(
    learner_client, submission, coupon_kwargs, typed, message
):
    CouponFactory(**coupon_kwargs)

    response = learner_client.post(_url("coupon", submission), {"code": typed})

    assert response.status_code == 422
    text = _text(response)
    assert message in text
    assert "Amount due $150.00" in text


def test_code_for_another_credential_gets_its_own_message(learner_client, submission):
    CouponFactory(code="OTHER", credentials=[CredentialFactory(title="Classroom Discourse")])
    response = learner_client.post(_url("coupon", submission), {"code": "other"})
    assert "This code can't be used for “Formative Assessment”." in _text(response)


def test_code_already_used_by_this_learner_gets_its_own_message(
    learner, learner_client, submission
):
    CouponFactory(code="ONCE", percent_off=100, max_per_learner=1)
    earlier = awaiting_payment(learner)
    learner_client.post(_url("coupon", earlier), {"code": "ONCE"})
    learner_client.post(_url("pay", earlier))

    response = learner_client.post(_url("coupon", submission), {"code": "once"})

    assert "You have already used this code." in _text(response)


def test_empty_code_asks_for_one(learner_client, submission):
    response = learner_client.post(_url("coupon", submission), {"code": "   "})
    assert response.status_code == 422
    assert "Enter a coupon code." in _text(response)


# --- paying ----------------------------------------------------------------------------


def test_full_coupon_pays_without_ever_showing_a_card_form(learner_client, submission):
    CouponFactory(code="DISTRICT7", percent_off=100)
    page = learner_client.post(_url("coupon", submission), {"code": "district7"}, follow=True)
    page_text = _text(page)
    assert "Nothing is left to pay; no card is needed." in page_text
    assert "by card" not in page_text and "Card number" not in page_text

    response = learner_client.post(_url("pay", submission), follow=True)

    text = _text(response)
    assert response.redirect_chain == [(_url("checkout", submission), 302)]
    assert "Payment received" in text
    assert "Coupon DISTRICT7 (−$150.00)" in text
    assert "Amount paid $0.00" in text
    assert "Paid with Coupon (no card needed)" in text
    assert "Card number" not in text
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_test_mode_card_payment_shows_the_receipt(learner_client, submission):
    CouponFactory(code="HALF", percent_off=50)
    learner_client.post(_url("coupon", submission), {"code": "half"})

    to_card = learner_client.post(_url("pay", submission))
    card_page = learner_client.get(to_card.url)
    assert "Test mode — no real card is charged" in _text(card_page)
    assert "Pay $75.00 (test)" in _text(card_page)
    done = learner_client.post(to_card.url, {"card_number": "4242 4242 4242 4242"}, follow=True)

    text = _text(done)
    assert "Payment received" in text
    assert "Amount paid $75.00" in text
    assert "Coupon HALF (−$75.00)" in text
    assert "Visa ending in 4242 (test mode)" in text
    assert submission.reference in text
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_declined_test_card_says_so_and_nothing_moves(learner_client, submission):
    to_card = learner_client.post(_url("pay", submission))

    response = learner_client.post(to_card.url, {"card_number": "4000 0000 0000 0002"})

    assert response.status_code == 422
    assert "The card was declined. Nothing was charged" in _text(response)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def test_client_cannot_change_the_amount(stripe_stub, learner_client, submission):
    learner_client.post(
        _url("pay", submission),
        {"amount": "1", "amount_cents": "1", "unit_amount": "1", "currency": "eur", "fee_cents": 1},
    )

    [sent] = stripe_stub.posts("/v1/checkout/sessions")
    assert sent.form["line_items[0][price_data][unit_amount]"] == "15000"
    assert sent.form["line_items[0][price_data][currency]"] == "usd"
    assert Payment.objects.get().amount_cents == 15000


def test_double_click_on_pay_opens_one_checkout(stripe_stub, learner_client, submission):
    first = learner_client.post(_url("pay", submission))
    second = learner_client.post(_url("pay", submission))

    assert first.url == second.url
    assert len(stripe_stub.posts("/v1/checkout/sessions")) == 1
    assert Payment.objects.count() == 1


def test_coupon_that_ran_out_before_paying_is_removed_with_a_message(
    learner_client, other_learner, submission
):
    from payments import services

    coupon = CouponFactory(code="LAST", percent_off=100, max_redemptions=1)
    learner_client.post(_url("coupon", submission), {"code": "LAST"})
    services.payment_start(
        submission=awaiting_payment(other_learner), actor=other_learner, coupon_code=coupon.code
    )

    response = learner_client.post(_url("pay", submission), follow=True)

    text = _text(response)
    assert "The coupon was removed" in text
    assert "Amount due $150.00" in text
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def test_returning_from_stripe_shows_pending_until_the_webhook_confirms(
    stripe_stub, learner_client, submission
):
    learner_client.post(_url("pay", submission))
    payment = Payment.objects.get()
    stripe_stub.pay(payment.stripe_checkout_session_id)

    response = learner_client.get(
        _url("checkout", submission), {"session_id": payment.stripe_checkout_session_id}
    )

    text = _text(response)
    assert "Payment pending" in text and "Do not pay again" in text
    assert '<meta http-equiv="refresh"' in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def test_returning_after_the_webhook_shows_the_receipt(
    stripe_stub, learner_client, submission, signed_webhook
):
    learner_client.post(_url("pay", submission))
    payment = Payment.objects.get()
    signed_webhook(
        "checkout.session.completed", stripe_stub.pay(payment.stripe_checkout_session_id)
    )

    response = learner_client.get(
        _url("checkout", submission), {"session_id": payment.stripe_checkout_session_id}
    )

    text = _text(response)
    assert "Payment received" in text and "Amount paid $150.00" in text


def test_canceling_on_stripe_says_nothing_was_charged(learner_client, submission):
    response = learner_client.get(_url("checkout", submission), {"canceled": "1"})
    assert "Payment not completed; nothing was charged." in _text(response)


# --- pieces on other pages --------------------------------------------------------------


def _render(source, **context):
    rendered = Template("{% load payment_tags %}" + source).render(Context(context))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def test_submission_page_panel_offers_pay_now_then_shows_the_receipt(learner, submission):
    before = Template("{% load payment_tags %}{% payment_panel submission %}").render(
        Context({"submission": submission})
    )
    assert "$150.00" in before and "Pay now" in before
    assert f'href="{_url("checkout", submission)}"' in before

    from payments import services

    CouponFactory(code="FREE", percent_off=100)
    payment = services.payment_start(submission=submission, actor=learner, coupon_code="FREE")
    submission.refresh_from_db()
    after = _render("{% payment_panel submission %}", submission=submission)

    assert "Pay now" not in after
    assert f"Receipt {payment.receipt_number}" in after
    assert f"Submission ID {submission.reference}" in after
    assert "Amount paid $0.00" in after and "Coupon FREE" in after


def test_dashboard_pay_action_only_while_payment_is_due(submission):
    due = Template("{% load payment_tags %}{% pay_action submission %}").render(
        Context({"submission": submission})
    )
    assert "Pay now" in due and _url("checkout", submission) in due

    submission.status = Status.IN_REVIEW
    assert _render("{% pay_action submission %}", submission=submission) == ""


def test_submission_page_includes_the_payment_panel(learner_client, submission):
    response = learner_client.get(submission.get_absolute_url())
    assert response.status_code == 200
    assert _url("checkout", submission) in response.content.decode()
