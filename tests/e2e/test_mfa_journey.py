"""A staff member's first visit to the admin: sign in through the site with the
password and a code emailed to them, set up an authenticator app, keep the
recovery codes, then sign in with a code from the app."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD, UserFactory


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _emailed_code(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)


def _fill_login(page: Page, email: str) -> None:
    page.get_by_label("Email (required)", exact=True).fill(email)
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def staff(transactional_db, settings):
    settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = True
    # A code typed as the 30-second window turns over still counts.
    settings.MFA_TOTP_TOLERANCE = 1
    return UserFactory(email="admin@example.org", name="Ada Admin", is_staff=True)


def test_staff_set_up_two_factor_before_the_admin_and_then_sign_in_with_a_code(
    page: Page, live_url, staff, assert_accessible
):
    page.goto(f"{live_url}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    _fill_login(page, staff.email)

    # Without an authenticator app the password alone is not enough: a code is emailed.
    expect(page.get_by_role("heading", level=1, name="Enter Sign-In Code")).to_be_visible()
    assert_accessible("the emailed sign-in code page")
    page.get_by_label(re.compile(r"^Code")).fill(_emailed_code(staff.email))
    page.get_by_role("button", name="Confirm").click()

    # Forced to the setup; allauth first asks for the password once more.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("Set up your authenticator app to continue.")).to_be_visible()
    page.get_by_label("Password", exact=False).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1, name="Activate Authenticator App")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible("the authenticator app setup page")
    secret = page.get_by_label("Authenticator secret").input_value()

    page.get_by_label("Authenticator code").fill(_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1, name="Recovery Codes")).to_be_visible()
    assert_accessible("the recovery codes page")

    page.goto(f"{live_url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Next time: password, then a code from the app.
    page.goto(f"{live_url}/dashboard/")
    page.get_by_role("button", name=re.compile("^Log out")).click()
    page.goto(f"{live_url}/admin/")
    _fill_login(page, staff.email)
    expect(page.get_by_role("heading", level=1, name="Two-Factor Authentication")).to_be_visible()
    assert_accessible("the two-factor code page")
    page.get_by_label(re.compile(r"^Code")).fill("00000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label(re.compile(r"^Code")).fill(_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
