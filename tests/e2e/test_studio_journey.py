"""A designer builds a credential in the studio: creates it, writes it, reorders
prompts with the keyboard alone, sees the autosave survive a reload, and previews
the details and application pages exactly as learners will see them."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from credentials.models import MemberRole, MicroCredential, Part
from credentials.services import member_add
from tests.accounts.factories import UserFactory
from tests.credentials.factories import OrganizationFactory, TopicFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, screenshot, sign_in

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


@pytest.fixture
def designer(live_url):
    organization = OrganizationFactory(name="Riverside Unified", slug="riverside")
    TopicFactory(name="Questioning")
    user = UserFactory(email="dana@example.org", name="Dana Designer")
    member_add(organization=organization, user=user, role=MemberRole.DESIGNER, actor=None)
    return user


# A prompt's own text box (its help text's name ends in "_text" too).
PROMPT_TEXT = "textarea[name$='_text']:not([name$='help_text'])"


def prompt_texts(page: Page, part: int) -> list[str]:
    return page.locator(f"#prompt-list-{part} {PROMPT_TEXT}").evaluate_all(
        "areas => areas.map(a => a.value)"
    )


def test_designer_builds_a_credential(page: Page, live_url, designer):
    sign_in(page, live_url, designer)
    page.goto(live_url + reverse("studio:index"))
    assert_no_serious_violations(axe_violations(page), "the studio list")

    page.get_by_role("link", name=re.compile("New credential")).click()
    page.get_by_label("Title").fill("Questioning for Deeper Thinking")
    page.get_by_label("Summary").fill("Ask questions that make students explain.")
    page.get_by_role("button", name="Create and start writing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questioning for Deeper Thinking")
    credential = MicroCredential.objects.get(title="Questioning for Deeper Thinking")

    page.get_by_label("Competency", exact=True).fill(
        "The educator asks open questions and waits for every student to think."
    )
    page.get_by_label("Assessment fee").fill("75.50")
    page.get_by_label("Questioning").check()
    for text in ("Describe your class.", "Which questions did you plan?"):
        page.get_by_role("button", name="Add a prompt (Part 1: Overview)").click()
        page.locator(f"#prompt-list-1 {PROMPT_TEXT}").last.fill(text)
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text(re.compile("Saved at"))).to_be_visible()
    assert prompt_texts(page, Part.OVERVIEW) == [
        "Describe your class.",
        "Which questions did you plan?",
    ]
    assert_no_serious_violations(axe_violations(page), "the studio edit page")

    # Keyboard only: from the second prompt's text, Shift+Tab back to its Move up
    # button (past its part, Remove and Move down) and press Enter.
    page.locator(f"#prompt-list-1 {PROMPT_TEXT}").last.focus()
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Move up"), focused
    page.keyboard.press("Enter")
    assert prompt_texts(page, Part.OVERVIEW) == [
        "Which questions did you plan?",
        "Describe your class.",
    ]
    expect(page.locator("#move-status")).to_have_text("Moved to position 1 of 2.")
    assert page.evaluate("document.activeElement.textContent").startswith("Move up")

    # The move and new text are saved in the background; a reload keeps both.
    page.get_by_label("Key method").click()
    page.keyboard.type("Plan, ask, wait, follow up.")
    expect(page.locator("#autosave-status")).to_have_text(
        re.compile("Saved automatically"), timeout=15000
    )
    page.reload()
    expect(page.get_by_label("Key method")).to_have_value("Plan, ask, wait, follow up.")
    assert prompt_texts(page, Part.OVERVIEW)[0] == "Which questions did you plan?"
    screenshot(page, "studio")
    credential.refresh_from_db()
    assert credential.fee_cents == 7550

    # The previews: the learners' pages, without their buttons.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("Preview the details page")).click()
    details = opened.value
    expect(details.get_by_role("heading", level=1)).to_have_text("Questioning for Deeper Thinking")
    expect(details.get_by_text("The educator asks open questions")).to_be_visible()
    expect(details.get_by_text("Which questions did you plan?")).to_be_visible()
    expect(details.get_by_role("button", name="Apply")).to_have_count(0)
    assert_no_serious_violations(axe_violations(details), "the details preview")
    details.close()

    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("Preview the application")).click()
    application = opened.value
    expect(application.get_by_label("Which questions did you plan?")).to_be_visible()
    expect(application.get_by_role("button", name="Submit application")).to_have_count(0)
    assert_no_serious_violations(axe_violations(application), "the application preview")
    application.close()
    assert not credential.submissions.exists()
