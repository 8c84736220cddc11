"""A learner loses their sign-in while writing, and keeps every word.

Three ways the session ends under an open application page: signing out in
another tab, the session expiring on the server, and the browser losing its
cookies. Each time autosave says "signed out" (not a network error), the
typed text is kept in the browser, and after signing back in it is restored
and saved. The page's 15-second autosave timer runs on Playwright's clock.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from submissions import services
from submissions.models import Response
from tests.accounts.factories import PASSWORD, UserFactory
from tests.credentials.factories import CredentialFactory

PROMPT = "What did you learn?"
EARLIER = "Exit tickets showed me who needed another example."
WHILE_SIGNED_OUT = (
    "Written after I was signed out: the second lesson went better because I regrouped "
    "the students by their exit tickets."
)
AUTOSAVE_SECONDS = 15


@pytest.fixture
def learner():
    return UserFactory(email="writer@example.org")


@pytest.fixture
def draft(live_url, learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    return draft


def _sign_in(page: Page) -> None:
    page.get_by_label("Email (required)", exact=True).fill("writer@example.org")
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _open_signed_in(page: Page, live_url: str, draft) -> str:
    """Sign in through the form (a real session) and land on the draft."""
    page.clock.install()
    url = f"{live_url}{draft.get_absolute_url()}"
    page.goto(f"{live_url}/accounts/login/?next={draft.get_absolute_url()}")
    _sign_in(page)
    expect(page).to_have_url(url)
    return url


def _autosave(page: Page) -> None:
    # The page's timer starts once its deferred script has run, which can be
    # after the URL matched and the fields were filled: let the clock run one
    # interval at a time until the background save goes out (at most three).
    for _ in range(3):
        try:
            with page.expect_request(
                lambda r: r.method == "POST" and r.url.endswith("/autosave/"), timeout=2000
            ):
                page.clock.run_for(AUTOSAVE_SECONDS * 1000)
            return
        except PlaywrightTimeoutError:
            continue


def _status(page: Page):
    return page.locator("#autosave-status")


def _stored(draft) -> str:
    return Response.objects.get(submission=draft, prompt_text=PROMPT).text


def _expect_signed_out_notice(page: Page) -> None:
    status = _status(page)
    expect(status).to_contain_text("You are signed out")
    expect(status).to_contain_text("Your text is kept in this browser")
    expect(status).not_to_contain_text("Could not reach")
    expect(status.get_by_role("link", name="Sign in again (opens a new tab)")).to_be_visible()


def _restore_and_save(page: Page, draft, assert_accessible) -> None:
    offer = page.get_by_role("alert").filter(has_text="This browser kept text you typed")
    expect(offer).to_be_visible()
    expect(offer.get_by_role("listitem")).to_have_text([PROMPT])
    assert_accessible("the application page offering to restore unsaved text")
    offer.get_by_role("button", name="Restore my unsaved text").click()
    expect(page.get_by_label(PROMPT)).to_have_value(WHILE_SIGNED_OUT)
    expect(offer).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()
    assert _stored(draft) == WHILE_SIGNED_OUT


def test_signed_out_in_another_tab_then_save_draft_signs_in_and_restores(
    page: Page, live_url, draft, assert_accessible
):
    url = _open_signed_in(page, live_url, draft)
    page.get_by_label(PROMPT).fill(EARLIER)
    _autosave(page)
    expect(_status(page)).to_contain_text("Saved automatically at")
    assert _stored(draft) == EARLIER

    other_tab = page.context.new_page()
    other_tab.goto(f"{live_url}/dashboard/")
    other_tab.get_by_role("button", name=re.compile(r"^Log out")).click()
    expect(other_tab.get_by_role("button", name=re.compile(r"^Log out"))).to_have_count(0)
    other_tab.close()

    page.get_by_label(PROMPT).fill(WHILE_SIGNED_OUT)
    _autosave(page)
    _expect_signed_out_notice(page)

    # Save draft while signed out: the sign-in page explains, then leads back.
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("alert").filter(has_text="You were signed out")).to_be_visible()
    _sign_in(page)
    expect(page).to_have_url(url)
    expect(page.get_by_label(PROMPT)).to_have_value(EARLIER)
    _restore_and_save(page, draft, assert_accessible)

    # Saved: the copy kept in the browser is gone, so nothing is offered again.
    page.reload()
    expect(page.get_by_label(PROMPT)).to_have_value(WHILE_SIGNED_OUT)
    expect(page.locator("#restore-offer")).to_be_hidden()


def test_session_expired_signing_in_in_a_new_tab_lets_save_draft_keep_the_text(
    page: Page, live_url, draft
):
    url = _open_signed_in(page, live_url, draft)
    page.get_by_label(PROMPT).fill(EARLIER)
    _autosave(page)
    expect(_status(page)).to_contain_text("Saved automatically at")

    Session.objects.all().delete()  # the session expired on the server

    page.get_by_label(PROMPT).fill(WHILE_SIGNED_OUT)
    _autosave(page)
    _expect_signed_out_notice(page)

    with page.context.expect_page() as new_tab_info:
        _status(page).get_by_role("link", name="Sign in again (opens a new tab)").click()
    new_tab = new_tab_info.value
    _sign_in(new_tab)
    expect(new_tab).to_have_url(url)
    new_tab.close()

    # Signing in changed the CSRF token; the open page sends the new one.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()
    expect(page.get_by_label(PROMPT)).to_have_value(WHILE_SIGNED_OUT)
    assert _stored(draft) == WHILE_SIGNED_OUT


def test_cookies_lost_then_save_draft_explains_and_the_text_is_restored_after_sign_in(
    page: Page, live_url, draft, assert_accessible
):
    url = _open_signed_in(page, live_url, draft)
    page.get_by_label(PROMPT).fill(WHILE_SIGNED_OUT)

    page.context.clear_cookies()  # session and CSRF cookies both gone

    _autosave(page)
    _expect_signed_out_notice(page)

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1, name="This page was not sent")).to_be_visible()
    expect(page.get_by_text("the text you typed is kept in this browser")).to_be_visible()
    assert_accessible("the page explaining a form sent after signing out")
    page.get_by_role("link", name="Sign in and go back").click()
    _sign_in(page)
    expect(page).to_have_url(url)
    _restore_and_save(page, draft, assert_accessible)
