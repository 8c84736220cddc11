"""Award and Deny ask for confirmation: a dialog with JavaScript, a step on the page without."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import Review, ReviewState
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations
from tests.e2e.test_review_journey import log_in, score

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


@pytest.fixture
def in_review(live_url):
    credential = CredentialFactory(title="Formative Assessment in Practice", with_content=True)
    make_assessor(credential=credential, email="ada@example.org", name="Ada Assessor")
    learner = UserFactory(email="lee@example.org", name="Lee Learner")
    return submit_for_review(learner=learner, credential=credential)


def status_of(submission) -> str:
    return Submission.objects.get(pk=submission.pk).status


def test_award_asks_in_a_dialog_and_not_yet_changes_nothing(page: Page, live_url, in_review):
    log_in(page, live_url, "ada@example.org")
    page.goto(f"{live_url}/assess/review/{in_review.uuid}/")
    score(page, "Context", met=True)
    score(page, "Reflection", met=True)

    page.get_by_role("button", name="Award").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Award {in_review.reference}? The decision is final")
    assert_no_serious_violations(axe_violations(page), "the decision dialog")
    dialog.get_by_role("button", name="Not yet").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Award")).to_be_focused()
    assert status_of(in_review) == Status.IN_REVIEW

    page.keyboard.press("Enter")  # Award again, from the keyboard
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Yes, award").click()
    expect(page).to_have_url(re.compile(r"/assess/$"))
    expect(page.get_by_text(f"{in_review.reference} awarded")).to_be_visible()
    assert status_of(in_review) == Status.AWARDED


def test_without_javascript_the_page_asks_before_a_denial(browser: Browser, live_url, in_review):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_url, "ada@example.org")
        page.goto(f"{live_url}/assess/review/{in_review.uuid}/")
        score(page, "Context", met=False, feedback="Name the grade you teach.")
        score(page, "Reflection", met=True)

        page.get_by_role("button", name="Deny", exact=True).click()
        question = page.get_by_role("group", name=f"Deny {in_review.reference}?")
        expect(question).to_contain_text("This decision is final")
        expect(page.get_by_label("Feedback on “Context”")).to_have_value(
            "Name the grade you teach."
        )
        assert Review.objects.get(submission=in_review).state == ReviewState.OPEN

        question.get_by_role("button", name=f"Yes, deny {in_review.reference}").click()
        expect(page).to_have_url(re.compile(r"/assess/$"))
        assert status_of(in_review) == Status.DENIED
    finally:
        context.close()
