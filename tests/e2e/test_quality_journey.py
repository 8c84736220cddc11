"""Browser journey: a designer self-assesses and submits a credential version, two
reviewers score it blind, round 1 asks for revisions, round 2 passes, the designer
publishes, and the quality mark shows in the catalog. axe scans each quality page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_violations, axe_violations, screenshot, sign_in
from tests.quality.conftest import build_world

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}


def as_user(page: Page, live_url: str, user) -> None:
    page.context.clear_cookies()
    sign_in(page, live_url, user)


def check_axe(page: Page, where: str) -> None:
    assert_no_serious_violations(axe_violations(page), where)


def self_assess_and_submit(page: Page, live_url: str, world, codes, *, scan: bool) -> None:
    page.goto(f"{live_url}/quality/versions/{world.credential.uuid}/self-assessment/")
    if scan:
        check_axe(page, "the self-assessment")
        screenshot(page, "quality-self-assessment")
    for code in codes:
        page.get_by_role("group", name=f"Component {code}", exact=True).get_by_label(
            "Met", exact=True
        ).check()
    page.get_by_label("Where the credential meets 1.1").fill("Competency, first sentence")
    if scan:
        # Saved in the background while the designer types; a reload shows it.
        expect(page.locator("#autosave-status")).to_contain_text(
            "Saved automatically", timeout=15000
        )
        page.reload()
        expect(page.get_by_label("Where the credential meets 1.1")).to_have_value(
            "Competency, first sentence"
        )
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page).to_have_url(re.compile(rf"/quality/versions/{world.credential.uuid}/$"))


def assign_two(page: Page, live_url: str, world) -> None:
    as_user(page, live_url, world.admin)
    page.goto(f"{live_url}/quality/versions/{world.credential.uuid}/")
    page.get_by_label(re.compile("reviewer1@example.org")).check()
    page.get_by_label(re.compile("reviewer2@example.org")).check()
    page.get_by_role("button", name="Assign reviewers").click()
    expect(page.get_by_text("2 reviewer(s) assigned.")).to_be_visible()


def review(page: Page, live_url: str, reviewer, codes, *, not_met=(), scan=False) -> None:
    as_user(page, live_url, reviewer)
    page.goto(f"{live_url}/quality/")
    page.get_by_role("link", name="Questioning Strategies").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality review")
    # Blind: nothing on the page names the designer.
    assert "Dana" not in page.content()
    assert "designer@example.org" not in page.content()
    for code in codes:
        group = page.get_by_role("group", name=f"Component {code}", exact=True)
        group.get_by_label("Not yet met" if code in not_met else "Met", exact=True).check()
    for code in not_met:
        page.get_by_label(f"Feedback on {code}").fill(f"Make {code} observable.")
    page.locator("select[name=scope]").select_option("4")
    page.locator("select[name=clarity]").select_option("3")
    page.locator("select[name=ease_of_use]").select_option("5")
    if scan:
        check_axe(page, "the review page")
        screenshot(page, "quality-review")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted. Thank you.")).to_be_visible()


def test_quality_journey(page: Page, live_url):
    world = build_world(5)
    codes = [c.code for c in world.components()]

    as_user(page, live_url, world.designer)
    self_assess_and_submit(page, live_url, world, codes, scan=True)
    expect(page.get_by_text("Round 1 is open")).to_be_visible()
    check_axe(page, "the version's quality page")

    assign_two(page, live_url, world)
    review(page, live_url, world.reviewer1, codes, not_met=("1.1",), scan=True)
    review(page, live_url, world.reviewer2, codes, not_met=("1.1",))
    # After submitting, the other reviewer's judgement is visible (by number, not name).
    expect(page.get_by_text("Make 1.1 observable.").first).to_be_visible()

    as_user(page, live_url, world.designer)
    page.goto(f"{live_url}/quality/versions/{world.credential.uuid}/")
    expect(page.get_by_role("heading", name="Round 1: Revise")).to_be_visible()
    expect(page.get_by_text("Make 1.1 observable.").first).to_be_visible()
    screenshot(page, "quality-rounds")
    # The gate is closed until a round passes.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("asked for revisions")).to_be_visible()

    self_assess_and_submit(page, live_url, world, codes, scan=False)
    assign_two(page, live_url, world)
    review(page, live_url, world.reviewer1, codes)
    review(page, live_url, world.reviewer2, codes)

    as_user(page, live_url, world.designer)
    page.goto(f"{live_url}/quality/versions/{world.credential.uuid}/")
    expect(
        page.get_by_role("heading", name="Round 2: Meets all required components")
    ).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: learners can now find and apply for it.")).to_be_visible()

    page.goto(f"{live_url}/credentials/")
    page.get_by_label("Quality reviewed").check()
    page.get_by_role("button", name="Search").click()
    card = page.get_by_role("listitem").filter(has_text="Questioning Strategies")
    expect(card).to_contain_text("Quality reviewed against Test framework 1.0")
    screenshot(page, "quality-mark")
    card.get_by_role("link", name="Questioning Strategies").click()
    page.get_by_role("link", name="Read the review summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality review of")
    check_axe(page, "the public review summary")

    # Every quality page fits a 375 px phone screen: nothing pushes the page sideways.
    page.set_viewport_size(PHONE)
    summary_url = page.url
    pages = [
        f"{live_url}/quality/versions/{world.credential.uuid}/",
        f"{live_url}/quality/versions/{world.credential.uuid}/self-assessment/",
        f"{live_url}/quality/versions/{world.credential.uuid}/record/",
        summary_url,
    ]
    as_user(page, live_url, world.designer)
    for url in pages:
        fits_phone(page, url)
    as_user(page, live_url, world.reviewer1)
    page.goto(f"{live_url}/quality/")
    fits_phone(
        page, page.get_by_role("link", name="Questioning Strategies").first.get_attribute("href")
    )


def fits_phone(page: Page, url: str) -> None:
    page.goto(url if url.startswith("http") else page.url.split("/quality/")[0] + url)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width}px wide at 375 px"
