"""Resubmission: a denied learner sees the attempts left, resubmits with a note, and
the assessor reads what changed beside the earlier feedback."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from assessments.models import Outcome
from submissions.models import Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import first_not_met, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, sign_in

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

FEEDBACK = "Say how many students you teach and what they need."
NOTE = "I added my class size and what my students need."


@pytest.fixture
def denied(live_url):
    credential = CredentialFactory(title="Checking for Understanding", with_content=True)
    credential.attempt_limit = 3
    credential.save()
    assessor = make_assessor(credential=credential, email="ada@example.org", name="Ada Assessor")
    learner = UserFactory(email="lee@example.org", name="Lee Learner")
    first = submit_for_review(
        learner=learner, credential=credential, answer="I teach grade five science."
    )
    review = first.review
    assessment_services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback=FEEDBACK),
        comment="Please add detail.",
    )
    return first


def test_denied_learner_resubmits_and_assessor_sees_what_changed(page: Page, live_url, denied):
    learner, assessor = denied.learner, denied.review.assessor
    sign_in(page, live_url, learner)
    page.goto(live_url + denied.get_absolute_url())
    expect(
        page.get_by_text("This micro-credential allows 3 attempts: you have 2 attempts left.")
    ).to_be_visible()
    page.get_by_role("button", name="Resubmit").click()
    expect(page.get_by_text("This is attempt 2 of 3.")).to_be_visible()

    page.get_by_label("What I changed since my last attempt").fill(NOTE)
    first_answer = page.locator("textarea[id^='id_response_']").first
    first_answer.fill("I teach grade five science to 24 students, many learning English.")
    for box in page.get_by_role("checkbox").all():
        box.check()
    assert_no_serious_violations(axe_violations(page), "the resubmission draft")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text(re.compile("Your application was submitted"))).to_be_visible()
    second = Submission.objects.get(previous=denied)
    assert second.resubmission_note == NOTE

    page.context.clear_cookies()
    sign_in(page, live_url, assessor)
    page.goto(f"{live_url}/assess/review/{second.uuid}/")
    page.get_by_role("link", name=re.compile("What changed since the previous attempt")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"What changed in {second.reference} since {denied.reference}"
    )
    expect(page.get_by_text(NOTE)).to_be_visible()
    added = page.locator(".diff ins").first
    expect(added).to_contain_text("added:")
    expect(page.locator(".diff del").first).to_contain_text("removed:")
    feedback = page.get_by_role("complementary")
    expect(feedback.get_by_text(FEEDBACK)).to_be_visible()
    expect(feedback.get_by_text("Not yet met")).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "what changed since the last attempt")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
