"""Paying the assessment fee in a browser, in test mode (no Stripe keys).

One learner submits a paid application, applies a partial coupon, pays with a
test card and sees the receipt; another uses a 100% coupon and never sees a
card form.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from payments.models import Payment, PaymentStatus
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import sign_in as _sign_in
from tests.payments.factories import CouponFactory, awaiting_payment
from tests.submissions.factories import complete_draft

TITLE = "Formative Assessment in Practice"
ATTESTATIONS = [
    "This application is complete and ready for review.",
    "My evidence contains no personally identifiable student information",
    "This is my original work, and I have stated any collaboration with others.",
]


@pytest.fixture
def credential(live_url):
    return CredentialFactory(title=TITLE, slug="formative-assessment-in-practice", fee_cents=15000)


def test_learner_pays_with_a_partial_coupon_and_a_test_card_then_sees_the_receipt(
    page: Page, live_url, credential, assert_accessible, screenshot
):
    from submissions import services as submission_services

    learner = UserFactory(email="payer@example.org", name="Pat Payer")
    draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    CouponFactory(code="SPRING25", percent_off=25)
    _sign_in(page, live_url, learner)

    # Submit the completed application: it waits for its fee.
    page.goto(f"{live_url}{draft.get_absolute_url()}")
    for statement in ATTESTATIONS:
        page.get_by_label(statement).check()
    page.get_by_role("button", name="Submit application").click()
    panel = page.get_by_role("region", name="Assessment fee")
    expect(panel).to_contain_text("$150.00")
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_PAYMENT

    # The payment page: amount, what it pays for, and a clear test-mode label.
    panel.get_by_role("link", name="Pay now").click()
    expect(page).to_have_url(re.compile(rf"/payments/{draft.uuid}/$"))
    expect(page.get_by_role("heading", level=1, name="Pay the assessment fee")).to_be_visible()
    expect(page.get_by_text("Test mode — no real card is charged.").first).to_be_visible()
    expect(page.locator("#amount-due")).to_have_text("$150.00")
    assert_accessible("the payment page")

    # A partial coupon: the new amount shows before paying.
    page.get_by_role("textbox", name="Coupon code").fill("  spring25 ")
    page.get_by_role("button", name="Apply code").click()
    expect(page.get_by_role("status").filter(has_text="Coupon SPRING25 applied")).to_be_visible()
    expect(page.locator("#amount-due")).to_have_text("$112.50")
    assert_accessible("the payment page with a coupon")
    screenshot(page, "payment")

    # Pay by (test) card.
    page.get_by_role("button", name="Pay $112.50 by card").click()
    expect(page.get_by_role("heading", level=1, name="Test-mode checkout")).to_be_visible()
    expect(page.get_by_text("Test mode — no real card is charged.")).to_be_visible()
    assert_accessible("the test-mode checkout page")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay $112.50 (test)").click()

    # The receipt: amount, coupon, card, date and submission ID.
    expect(page.get_by_role("heading", level=1, name="Payment received")).to_be_visible()
    receipt = page.get_by_role("region", name="Receipt")
    expect(receipt).to_contain_text("$112.50")
    expect(receipt).to_contain_text("SPRING25")
    expect(receipt).to_contain_text("Visa ending in 4242 (test mode)")
    expect(receipt).to_contain_text(draft.reference)
    assert_accessible("the receipt page")

    page.get_by_role("link", name="Back to your application").click()
    expect(page.get_by_role("region", name="Payment receipt")).to_contain_text("$112.50")
    expect(page.get_by_role("link", name="Pay now")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_learner_with_a_full_coupon_never_sees_a_card_form(
    page: Page, live_url, credential, assert_accessible
):
    learner = UserFactory(email="district@example.org", name="Dana District")
    submission = awaiting_payment(learner, credential)
    CouponFactory(code="DISTRICT7", percent_off=100, max_redemptions=30)
    _sign_in(page, live_url, learner)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))

    # From the dashboard's Pay now action.
    page.goto(f"{live_url}/dashboard/?tab=submitted")
    page.get_by_role("link", name=re.compile(r"^Pay now for " + re.escape(TITLE))).click()
    expect(page.get_by_role("heading", level=1, name="Pay the assessment fee")).to_be_visible()

    page.get_by_role("textbox", name="Coupon code").fill("district7")
    page.get_by_role("button", name="Apply code").click()
    expect(page.locator("#amount-due")).to_have_text("$0.00")
    expect(page.get_by_text("Your coupon covers the whole fee. No card is needed.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("by card"))).to_have_count(0)
    assert_accessible("the payment page with a full coupon")

    page.get_by_role("button", name="Confirm and send for review").click()

    expect(page.get_by_role("heading", level=1, name="Payment received")).to_be_visible()
    receipt = page.get_by_role("region", name="Receipt")
    expect(receipt).to_contain_text("Coupon (no card needed)")
    expect(receipt).to_contain_text("$0.00")
    expect(page.get_by_label("Card number")).to_have_count(0)
    assert not [url for url in visited if "/test-checkout/" in url or "stripe.com" in url]
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    payment = Payment.objects.get(submission=submission)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount_cents == 0
    assert Submission.objects.filter(learner=learner, status=Status.IN_REVIEW).count() == 1
