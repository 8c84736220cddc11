"""The help center in a browser: find an answer, ask the helpdesk, read the reply.

Accessible (axe) at each step, usable without scripts, and within a 375 px phone.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from helpdesk import services
from helpdesk.models import Ticket
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import sign_in
from tests.helpdesk.factories import load_initial_answers

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def answers(live_url):
    """The initial answers (the browser tests' database starts empty)."""
    load_initial_answers()


def _fits_the_screen(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_learner_searches_then_asks_the_helpdesk_and_reads_the_answer(
    page: Page, live_url, answers, assert_accessible
):
    learner = UserFactory(email="asker@example.org", name="Asa Asker")
    staff = UserFactory(email="desk@example.org", is_staff=True, is_superuser=True)
    sign_in(page, live_url, learner)

    page.goto(f"{live_url}/credentials/")
    page.get_by_role("contentinfo").get_by_role("link", name="help center").click()
    expect(page.get_by_role("heading", level=1, name="Help center")).to_be_visible()
    assert_accessible("the help center")

    page.get_by_role("searchbox", name="Search the help center").fill("coupon")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/help/\?q=coupon$"))
    expect(page.get_by_role("status").filter(has_text="for “coupon”")).to_be_visible()
    expect(page.get_by_role("heading", name="How do I use a coupon code?")).to_be_visible()
    assert_accessible("search results")

    page.get_by_role("link", name="Payments and coupons").first.click()
    expect(page.get_by_role("heading", level=1, name="Payments and coupons")).to_be_visible()
    assert_accessible("a topic page")

    # An empty form: each error beside its field, nothing sent.
    page.get_by_role("complementary", name="Still stuck?").get_by_role(
        "link", name="Contact the helpdesk"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Contact the helpdesk")).to_be_visible()
    page.get_by_label("Your question").fill("My code DEMO100 says it expired.")
    page.get_by_role("button", name="Send to the helpdesk").click()
    expect(page.locator("#id_subject_error")).to_have_text("This field is required.")
    expect(page.get_by_label("Your question")).to_have_value("My code DEMO100 says it expired.")
    assert_accessible("the contact form with an error")
    assert not Ticket.objects.exists()

    page.get_by_label("Subject").fill("Coupon expired?")
    page.get_by_role("button", name="Send to the helpdesk").click()
    expect(page.get_by_role("heading", level=1, name="Coupon expired?")).to_be_visible()
    expect(page.get_by_text("We received your request")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.page_url.startswith("/help/payments-and-coupons/")

    services.ticket_answer(ticket_id=ticket.pk, actor=staff, body="It is valid again now.")
    page.reload()
    expect(page.get_by_role("region", name="Answers")).to_contain_text("It is valid again now.")
    assert_accessible("a help request with its answer")

    page.get_by_role("link", name="My help requests").first.click()
    expect(page.get_by_role("link", name=ticket.reference)).to_be_visible()
    assert_accessible("my help requests")

    page.set_viewport_size(PHONE)
    for path in ("/help/", "/help/payments-and-coupons/", "/help/contact/", "/help/requests/"):
        page.goto(f"{live_url}{path}")
        assert _fits_the_screen(page), f"{path} is wider than a 375 px phone"
    page.goto(f"{live_url}{ticket.get_absolute_url()}")
    assert _fits_the_screen(page)
