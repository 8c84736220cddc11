"""Two assessors score the same application blind, disagree, a third decides,
and the learner reads one decision with the adjudicator's feedback."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import ScoringKind, ScoringModel
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import submit_for_review
from tests.assessments.scoring_helpers import scorings_of, three_assessors, use_policy
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, sign_in
from tests.e2e.test_review_journey import score

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


@pytest.fixture
def paired(live_url):
    credential = CredentialFactory(title="Formative Assessment in Practice", with_content=True)
    use_policy(credential, ScoringModel.DOUBLE_ADJUDICATED)
    three_assessors(credential)
    learner = UserFactory(email="lee@example.org", name="Lee Learner")
    submission = submit_for_review(learner=learner, credential=credential)
    return submission, learner


def submit_scoring(page: Page, outcome: str) -> None:
    """Submit: award / Submit: deny, confirmed in the dialog; back to the queue."""
    page.get_by_role("button", name=f"Submit: {outcome}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=f"Yes, submit: {outcome}").click()
    expect(page).to_have_url(re.compile(r"/assess/$"))


def test_two_blind_scorings_disagree_and_the_adjudicator_decides(page: Page, live_url, paired):
    submission, learner = paired
    review = submission.review
    scorings = scorings_of(review)
    first, second = scorings[ScoringKind.FIRST], scorings[ScoringKind.SECOND]

    # The first assessor opens it from the queue and lands on their own scoring page.
    sign_in(page, live_url, first.assessor)
    page.goto(f"{live_url}/assess/")
    page.get_by_role("link", name=submission.reference).click()
    expect(page).to_have_url(re.compile(rf"/assess/scoring/{first.uuid}/$"))
    expect(
        page.get_by_text("You see the other scoring only after both are submitted")
    ).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "the scoring page")
    score(page, "Context", met=True)
    score(page, "Reflection", met=True)
    page.get_by_label("Overall feedback").fill("FIRST: a clear, complete account.")
    submit_scoring(page, "award")

    # The second assessor cannot open the first scoring, and their own page shows none of it.
    page.context.clear_cookies()
    sign_in(page, live_url, second.assessor)
    other = page.goto(f"{live_url}/assess/scoring/{first.uuid}/")
    assert other is not None and other.status == 404
    page.goto(f"{live_url}/assess/")
    page.get_by_role("link", name=submission.reference).click()
    expect(page).to_have_url(re.compile(rf"/assess/scoring/{second.uuid}/$"))
    expect(page.get_by_text("FIRST: a clear")).to_have_count(0)
    score(page, "Context", met=False, feedback="SECOND: name the grade and the school.")
    score(page, "Reflection", met=True)
    submit_scoring(page, "deny")
    assert Submission.objects.get(pk=submission.pk).status == Status.IN_REVIEW

    # They disagree: a third assessor sees both scorings and decides.
    adjudication = scorings_of(review)[ScoringKind.ADJUDICATION]
    assert adjudication.assessor_id not in (first.assessor_id, second.assessor_id)
    page.context.clear_cookies()
    sign_in(page, live_url, adjudication.assessor)
    page.goto(f"{live_url}/assess/")
    page.get_by_role("link", name=submission.reference).click()
    expect(page).to_have_url(re.compile(rf"/assess/scoring/{adjudication.uuid}/$"))
    scorings_section = page.get_by_role("region", name="Scorings of this submission")
    expect(scorings_section).to_contain_text("FIRST: a clear, complete account.")
    expect(scorings_section).to_contain_text("SECOND: name the grade and the school.")
    assert_no_serious_violations(axe_violations(page), "the adjudication page")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})
    score(page, "Context", met=False, feedback="ADJUDICATOR: say which grade you teach.")
    score(page, "Reflection", met=True)
    page.get_by_label("Overall feedback").fill("ADJUDICATOR: close; one criterion to show.")
    submit_scoring(page, "deny")
    assert Submission.objects.get(pk=submission.pk).status == Status.DENIED

    # The learner reads one decision: the adjudicator's feedback, no one else's.
    page.context.clear_cookies()
    sign_in(page, live_url, learner)
    page.goto(f"{live_url}{submission.get_absolute_url()}")
    expect(page.get_by_text("ADJUDICATOR: say which grade you teach.").first).to_be_visible()
    content = page.content()
    assert "SECOND: name the grade" not in content
    assert "FIRST: a clear" not in content
    assert_no_serious_violations(axe_violations(page), "the learner's decision")
