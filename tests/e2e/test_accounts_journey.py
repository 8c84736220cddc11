"""A visitor becomes a learner: sign up, sign out, sign back in, all by label and role."""

import re

from playwright.sync_api import Page, expect

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

EMAIL = "new.teacher@example.org"


def _fill_login(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email (required)", exact=True).fill(email)
    page.get_by_label("Password (required)", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_visitor_signs_up_logs_out_and_logs_back_in(
    page: Page, live_url, assert_accessible, screenshot
):
    page.goto(f"{live_url}/accounts/signup/")
    expect(page.get_by_role("heading", level=1, name="Sign Up")).to_be_visible()
    assert_accessible("the signup page")
    screenshot(page, "signup")

    page.get_by_label("Email (required)", exact=True).fill(EMAIL)
    page.get_by_label("Full name").fill("Nia Teacher")
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again) (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    user = User.objects.get(email=EMAIL)
    assert user.name == "Nia Teacher"

    # Signed in: the account pages open instead of bouncing to the login page.
    page.goto("/accounts/email/")
    expect(page.get_by_role("heading", level=1, name="Email Addresses")).to_be_visible()
    expect(page.get_by_text(EMAIL, exact=True)).to_be_visible()
    assert_accessible("the email addresses page")
    screenshot(page, "account-email")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/credentials/$"))
    page.goto("/accounts/email/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    _fill_login(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/email/$"))
    expect(page.get_by_text(EMAIL, exact=True)).to_be_visible()


def test_wrong_password_is_announced_then_login_succeeds(
    page: Page, live_url, assert_accessible, screenshot
):
    UserFactory(email="ada@example.org")

    page.goto(f"{live_url}/accounts/login/")
    _fill_login(page, "ada@example.org", "not-my-password")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not correct")
    assert_accessible("the login page showing an error")
    screenshot(page, "login-error")

    _fill_login(page, "ADA@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_account_pages_pass_the_accessibility_scan(page: Page, live_url, assert_accessible):
    for path, heading in [
        ("/accounts/login/", "Sign In"),
        ("/accounts/password/reset/", "Password Reset"),
    ]:
        page.goto(f"{live_url}{path}")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(path)

    # A signup with every kind of error on show.
    page.goto("/accounts/signup/")
    page.get_by_label("Email (required)", exact=True).fill("someone@example.org")
    page.get_by_label("Password (required)", exact=True).fill("short")
    page.get_by_label("Password (again) (required)", exact=True).fill("different")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_label("Password (required)", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible("the signup page showing errors")

    UserFactory(email="learner@example.org")
    page.goto("/accounts/login/")
    _fill_login(page, "learner@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    for path, heading in [
        ("/accounts/password/change/", "Change Password"),
        ("/accounts/logout/", "Sign Out"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(path)
