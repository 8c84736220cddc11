"""A stranger verifies a credential someone handed them: pasted, then as a baked PNG.

Every control is reached by its label or role; each result page is scanned by axe.
"""

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.badges.factories import award_row
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


@pytest.fixture
def badge(live_url):
    issuer = OrganizationFactory(name="Northfield Teaching Institute", slug="northfield")
    credential = CredentialFactory(title="Formative Assessment in Practice", organization=issuer)
    learner = UserFactory(email="lee.learner@example.org", name="Lee Learner")
    return award_row(learner=learner, credential=credential).badge


def test_stranger_verifies_a_pasted_credential_and_an_uploaded_png(
    page: Page, live_url, badge, assert_accessible, screenshot, tmp_path
):
    page.goto(f"{live_url}/badges/verify/")
    expect(page.get_by_role("heading", level=1, name="Verify a credential")).to_be_visible()
    assert_accessible("the empty verify page")

    # Nothing given: the error says what to do, and nothing breaks.
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Paste a credential")

    page.get_by_label("Paste a credential").fill(badge.ob3_jwt)
    page.get_by_role("button", name="Verify", exact=True).click()
    result = page.locator("#verification")
    expect(result.get_by_role("heading")).to_have_text("Verified: every check passed.")
    for label in ("Issuer key", "Signature", "Not revoked", "Not expired"):
        expect(result.get_by_text(label, exact=True)).to_be_visible()
    expect(result).to_contain_text("Northfield Teaching Institute")
    assert_accessible("a verified credential")
    screenshot(page, "verify-credential")

    # The same credential with one character changed fails, and says why.
    tampered = badge.ob3_jwt[:-3] + ("A" if badge.ob3_jwt[-3] != "A" else "B") + badge.ob3_jwt[-2:]
    page.get_by_label("Paste a credential").fill(tampered)
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(result.get_by_role("heading")).to_have_text("Not verified: at least one check failed.")
    expect(result).to_contain_text("The signature does not match the credential.")
    assert_accessible("a failed verification")

    # The baked PNG the earner downloaded.
    png = Client().get(f"/badges/{badge.award.uuid}/badge.png").content
    path = tmp_path / "badge.png"
    path.write_bytes(png)
    page.get_by_label("Paste a credential").fill("")
    page.get_by_label("Or upload a badge image").set_input_files(str(path))
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(result.get_by_role("heading")).to_have_text("Verified: every check passed.")
    expect(result).to_contain_text("Open Badges 3.0 VC-JWT")
    assert_accessible("a verified badge image")
