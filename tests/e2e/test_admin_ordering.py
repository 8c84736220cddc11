"""Staff put prompts, evidence requirements and rubric criteria in order with
Move up / Move down buttons, from the keyboard, and the order saves."""

import re

import pytest
from playwright.sync_api import Page, expect

from credentials.models import Part, Prompt, RubricCriterion
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import sign_in


def _positions(model, credential) -> list[tuple[str, int]]:
    field = "text" if model is Prompt else "title"
    return list(
        model.objects.filter(credential=credential)
        .order_by("position", "id")
        .values_list(field, "position")
    )


@pytest.fixture
def credential(page: Page, live_url, staff_user):
    """A credential with two criteria and four prompts, open in the admin as staff."""
    credential = CredentialFactory(title="Formative Assessment", with_content=True)
    sign_in(page, live_url, staff_user)
    page.goto(f"{live_url}/admin/credentials/microcredential/{credential.pk}/change/")
    return credential


def _add_criterion(page: Page, index: int, title: str) -> None:
    criteria = page.locator("#rubric_criteria-group")
    criteria.get_by_role("button", name=re.compile("Add another rubric criterion", re.I)).click()
    criteria.locator(f'input[name="rubric_criteria-{index}-title"]').fill(title)
    criteria.locator(f'textarea[name="rubric_criteria-{index}-description"]').fill("Met.")


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()


def test_staff_reorder_criteria_and_prompts_with_the_keyboard(page: Page, credential):
    criteria = page.locator("#rubric_criteria-group")
    move_up = criteria.get_by_role("button", name="Move “Reflection” up")
    expect(criteria.get_by_role("button", name="Move “Context” up")).to_be_disabled()
    move_up.focus()
    page.keyboard.press("Enter")
    expect(criteria.get_by_text("“Reflection” is now number 1")).to_be_attached()
    # The focus stays with the moved row, on the button that can still act.
    expect(criteria.get_by_role("button", name="Move “Reflection” down")).to_be_focused()

    prompts = page.locator("#prompts-group")
    first = prompts.get_by_role("button", name="Move “Describe your teaching context.” down")
    first.focus()
    page.keyboard.press("Space")
    # Part 1's prompts move among themselves: the last one cannot cross into Part 3.
    expect(first).to_be_disabled()

    _save(page)

    assert _positions(RubricCriterion, credential) == [("Reflection", 1), ("Context", 2)]
    part_one = Prompt.objects.filter(credential=credential, part=Part.OVERVIEW)
    assert list(part_one.order_by("position").values_list("text", "position")) == [
        ("Anything else we should know?", 1),
        ("Describe your teaching context.", 2),
    ]


def test_an_added_row_goes_last_and_can_be_moved(page: Page, credential):
    _add_criterion(page, 2, "Impact")
    criteria = page.locator("#rubric_criteria-group")
    expect(criteria.locator('input[name="rubric_criteria-2-position"]')).to_have_value("3")
    criteria.get_by_role("button", name="Move “Impact” up").click()
    _save(page)

    assert _positions(RubricCriterion, credential) == [
        ("Context", 1),
        ("Impact", 2),
        ("Reflection", 3),
    ]


def test_removing_an_added_row_keeps_the_saved_rows_and_the_order(page: Page, credential):
    _add_criterion(page, 2, "Dropped")
    _add_criterion(page, 3, "Evidence")
    criteria = page.locator("#rubric_criteria-group")
    for _ in range(3):
        criteria.get_by_role("button", name="Move “Evidence” up").click()
    criteria.locator("#rubric_criteria-2 .inline-deletelink").click()
    _save(page)

    assert _positions(RubricCriterion, credential) == [
        ("Evidence", 1),
        ("Context", 2),
        ("Reflection", 3),
    ]
