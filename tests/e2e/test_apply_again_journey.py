"""Apply again: a learner who already applied is taken to their application, never a second one.

The details page's button says what will happen, and a details page left open
in another tab (still showing Apply) leads to the existing application too.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from assessments.models import Outcome
from submissions import services
from submissions.models import Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations
from tests.e2e.test_review_journey import log_in
from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

EMAIL = "lee.learner@example.org"
TITLE = "Checking for Understanding in Real Time"


@pytest.fixture
def credential(live_url):
    credential = CredentialFactory(title=TITLE, with_content=True)
    make_assessor(credential=credential, email="ada@example.org", name="Ada Assessor")
    return credential


def test_apply_again_leads_to_the_application_and_then_the_award(page: Page, live_url, credential):
    learner = UserFactory(email=EMAIL, name="Lee Learner")
    log_in(page, live_url, EMAIL)
    details = live_url + credential.get_absolute_url()
    apply_button = page.get_by_role("button", name="Apply", exact=True)

    # A first visit offers Apply; the details page is left open in this tab.
    page.goto(details)
    expect(apply_button).to_be_visible()

    # Meanwhile, in another tab, the learner applies and submits.
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    submitted = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )

    # Apply on the stale page opens the application in review, not a new draft.
    apply_button.click()
    expect(page).to_have_url(re.compile(re.escape(submitted.get_absolute_url()) + "$"))
    expect(
        page.get_by_text(f"You have already applied: {submitted.reference} is in review.")
    ).to_be_visible()
    assert Submission.objects.filter(learner=learner).count() == 1

    # Reloaded, the details page says what its button does.
    page.goto(details)
    expect(apply_button).to_have_count(0)
    page.get_by_role("link", name="View your application").click()
    expect(page).to_have_url(re.compile(re.escape(submitted.get_absolute_url()) + "$"))

    # Once awarded, the button leads to the award page.
    review = Submission.objects.get(pk=submitted.pk).review
    assessment_services.review_decide(
        review_id=review.pk, actor=review.assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )
    page.goto(details)
    expect(
        page.get_by_text(f"You earned this micro-credential with {submitted.reference}.")
    ).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "the details page of an awarded credential")
    page.get_by_role("link", name="View your award").click()
    expect(page).to_have_url(re.compile(r"/badges/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert Submission.objects.filter(learner=learner).count() == 1


def test_apply_after_a_denial_leads_to_resubmit(page: Page, live_url, credential):
    learner = UserFactory(email=EMAIL, name="Lee Learner")
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    submitted = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    review = Submission.objects.get(pk=submitted.pk).review
    scores = all_met(review)
    first = next(iter(scores))
    scores[first] = assessment_services.ScoreInput(met=False, feedback="Name your grade.")
    assessment_services.review_decide(
        review_id=review.pk, actor=review.assessor, outcome=Outcome.DENIED, scores=scores
    )

    log_in(page, live_url, EMAIL)
    page.goto(live_url + credential.get_absolute_url())
    page.get_by_role("link", name="Read the feedback and resubmit").click()
    expect(page.get_by_text("Name your grade.").first).to_be_visible()
    page.get_by_role("button", name="Resubmit").click()

    next_attempt = Submission.objects.get(previous=submitted)
    expect(page).to_have_url(re.compile(re.escape(next_attempt.get_absolute_url()) + "$"))
    feedback = page.get_by_role("region", name=f"Feedback on {submitted.reference}")
    expect(feedback.get_by_text("Name your grade.")).to_be_visible()
    expect(page.get_by_role("link", name=submitted.reference).first).to_be_visible()

    # The details page now continues this attempt.
    page.goto(live_url + credential.get_absolute_url())
    page.get_by_role("link", name="Continue your application").click()
    expect(page).to_have_url(re.compile(re.escape(next_attempt.get_absolute_url()) + "$"))
