"""An awarded learner opens the award, verifies it, downloads it, and makes it private.

Every control is reached by its role and accessible name.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD, UserFactory
from tests.badges.factories import decided_award
from tests.badges.helpers import itxt_texts
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

TITLE = "Formative Assessment in Practice"
EMAIL = "lee.learner@example.org"
CHECKS = ["Issuer key", "Signature", "Credential data", "Not revoked", "Not expired"]


@pytest.fixture
def award(live_url):
    issuer = OrganizationFactory(
        name="Northfield Teaching Institute",
        slug="northfield",
        url="https://northfield.example.org",
    )
    credential = CredentialFactory(
        title=TITLE,
        slug="formative-assessment-in-practice",
        organization=issuer,
        validity_months=36,
    )
    learner = UserFactory(email=EMAIL, name="Lee Learner")
    return decided_award(learner=learner, credential=credential)


def log_in(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Email (required)", exact=True).fill(EMAIL)
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_learner_opens_verifies_and_downloads_the_award(
    page: Page, live_url, award, assert_accessible, screenshot, browser
):
    badge = award.badge
    log_in(page, live_url)

    page.goto(f"{live_url}/badges/{award.uuid}/")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text("This is your award.")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Lee Learner")
    expect(facts).to_contain_text("Northfield Teaching Institute")
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
    linkedin = page.get_by_role("link", name="Add to LinkedIn profile")
    expect(linkedin).to_have_attribute(
        "href",
        re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME&"),
    )
    assert_accessible("the award page")
    screenshot(page, "award")

    # Verify: every check is listed and passes.
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(rf"/badges/{award.uuid}/verify/\??$"))
    result = page.get_by_role("status").filter(has_text="Verified")
    expect(result).to_contain_text("Verified: every check passed.")
    items = result.get_by_role("listitem")
    expect(items).to_have_count(len(CHECKS))
    for number, label in enumerate(CHECKS):
        expect(items.nth(number)).to_contain_text(f"{label}: Passed")
    assert_accessible("the verification result")

    # Download the signed credential: it is exactly the issued VC-JWT.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Open Badges 3.0 credential, signed (VC-JWT)").click()
    download = download_info.value
    assert download.suggested_filename == f"{award.credential.slug}-{award.uuid}.jwt"
    assert Path(download.path()).read_text() == badge.ob3_jwt

    # And the baked badge: its embedded assertion is the hosted one.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Badge image with the credential inside (PNG)").click()
    png = Path(download_info.value.path()).read_bytes()
    embedded = json.loads(itxt_texts(png)["openbadges"][0])
    hosted = page.request.get(f"{live_url}/badges/{award.uuid}/assertion.json").json()
    assert embedded == hosted

    # Make it private: a stranger then sees only that it exists and is valid.
    page.get_by_role("link", name="Change the name shown and who can see the details").click()
    expect(page.get_by_role("heading", level=1, name="Award settings")).to_be_visible()
    assert_accessible("the award settings page")
    page.get_by_role("radio", name=re.compile(r"^Private")).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your award settings are saved.")).to_be_visible()
    expect(page.get_by_text("It is private")).to_be_visible()

    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(f"{live_url}/badges/{award.uuid}/")
        expect(other.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
        expect(other.get_by_text("keeps the details of this award private")).to_be_visible()
        expect(other.get_by_text("Lee Learner")).to_have_count(0)
        expect(other.get_by_role("link", name=re.compile("credential, signed"))).to_have_count(0)
        assert EMAIL not in other.content()
    finally:
        stranger.close()
