"""Browser journey: a new assessor scores a credential's anchors blind, sees the
true scores, passes, and then receives the application that waited for a
certified assessor; every new page is checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.assessments.factories import submit_for_review
from tests.calibration.factories import ANCHORS, make_candidate, make_set
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, sign_in
from tests.e2e.test_phone_layout_journey import PHONE, check_fits


@pytest.fixture
def setting(transactional_db):
    credential = CredentialFactory(with_content=True)
    make_set(credential)
    candidate = make_candidate(credential, name="Nadia Newcomer")
    waiting = submit_for_review(learner=UserFactory(), credential=credential)
    assert waiting.review.assessor is None
    return credential, candidate, waiting


def _score_anchor(page: Page, outcome: str, marks: list[bool]) -> None:
    for criterion, met in zip(("Context", "Reflection"), marks, strict=True):
        group = page.get_by_role("group", name=criterion)
        group.get_by_label("Met" if met else "Not yet met", exact=True).check()
    page.get_by_role("group", name="Your decision").get_by_label(
        "Award" if outcome == "awarded" else "Deny", exact=True
    ).check()
    page.get_by_role("button", name="Save").click()


def test_a_new_assessor_passes_calibration_and_then_receives_live_work(
    page: Page, live_url, setting
):
    credential, candidate, waiting = setting
    sign_in(page, live_url, candidate)

    page.goto(f"{live_url}/calibration/")
    assert_no_serious_violations(axe_violations(page), "calibration home")
    page.get_by_role("button", name="Start calibration").click()
    expect(page.get_by_text("You have scored 0 of 3 anchors.")).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "calibration attempt")

    page.get_by_role("link", name="Anchor 1").click()
    assert_no_serious_violations(axe_violations(page), "anchor scoring")
    # Blind: the truth is not on the page while scoring.
    expect(page.get_by_text("Why anchor 1 is awarded.")).to_have_count(0)
    for outcome, marks in ANCHORS:
        _score_anchor(page, outcome, marks)

    expect(page.get_by_text("You have scored 3 of 3 anchors.")).to_be_visible()
    page.get_by_role("button", name="Submit calibration").click()
    expect(page.get_by_text("You passed this calibration")).to_be_visible()
    expect(page.get_by_text("Why anchor 1 is awarded.")).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "calibration result")
    result_url = page.url

    page.goto(f"{live_url}/assess/")
    expect(page.get_by_role("link", name=waiting.reference)).to_be_visible()

    page.goto(f"{live_url}/calibration/quality/")
    expect(page.get_by_role("heading", name="Your agreement and quality figures")).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "quality dashboard")

    page.goto(f"{live_url}/calibration/turnaround/{credential.organization.slug}/")
    assert_no_serious_violations(axe_violations(page), "organization turnaround")
    page.goto(f"{live_url}/credentials/{credential.slug}/")
    expect(page.get_by_role("heading", name="How long decisions take")).to_be_visible()

    # The same pages on a 375 px phone: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for path in (
        "/calibration/",
        "/calibration/quality/",
        f"/calibration/turnaround/{credential.organization.slug}/",
        f"/credentials/{credential.slug}/",
    ):
        page.goto(f"{live_url}{path}")
        check_fits(page, path, problems)
    page.goto(result_url)
    check_fits(page, result_url, problems)
    assert not problems, "\n".join(problems)
