"""Browser journey: a learner adds a Drive link only they can open, "Check my
application" warns with the fix, they share it properly and submit; the assessor
returns the application as Incomplete; the learner fixes it and resubmits, and it
goes back to the same assessor with no fee. The Drive pages are local imitations."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from assessments.models import Review, ReviewState
from payments.models import Payment
from submissions import services
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor
from tests.checks.imitation import PageServer
from tests.credentials.factories import CredentialFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, sign_in

ATTESTATIONS = [
    "This application is complete and ready for review.",
    "My evidence contains no personally identifiable student information",
    "This is my original work, and I have stated any collaboration with others.",
]
NOTE = (
    "The observation video still asks for a sign-in. Please share it with anyone who has the link."
)


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attest_and_press(page: Page, button: str) -> None:
    for statement in ATTESTATIONS:
        page.get_by_label(statement).check()
    page.get_by_role("button", name=button).click()


@pytest.fixture
def pages(settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    settings.SAFE_FETCH_TIMEOUT = 3.0
    with PageServer() as server:
        yield server


def test_private_link_warned_fixed_submitted_returned_incomplete_and_resubmitted(
    page: Page, live_url, pages
):
    credential = CredentialFactory(
        title="Formative Assessment in Practice",
        with_content=True,
        fee_cents=0,
        resubmission_fee_cents=4000,
    )
    assessor = make_assessor(credential=credential, email="ada@example.org", name="Ada Assessor")
    learner = UserFactory(email="lee@example.org", name="Lee Learner")
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    requirement = credential.evidence_requirements.first()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            answers={r.pk: "I teach fourth grade science." for r in draft.responses.all()},
            uploads=[(SimpleUploadedFile("lesson-plan.pdf", a_pdf()), requirement)],
        ),
    )

    # The learner adds a Drive link that only they can open and checks the application.
    sign_in(page, live_url, learner)
    page.goto(f"{live_url}{draft.get_absolute_url()}")
    page.get_by_label("Link title").fill("Observation video")
    page.get_by_label("Link address").fill(pages.url("/drive/file/d/private-file/view"))
    page.get_by_role("button", name="Check my application").click()
    results = page.locator("#precheck")
    expect(results).to_contain_text("Observation video")
    expect(results).to_contain_text(
        "The assessor cannot open this link: Google Drive asks for permission"
    )
    expect(results).to_contain_text(
        "In Google Drive, open Share, and under General access choose “Anyone with the link”"
    )
    expect(results).to_contain_text("lesson-plan.pdf")
    assert_no_serious_violations(axe_violations(page), "the application with a link warning")

    # They share it with anyone who has the link (a new address), check again and submit.
    page.get_by_role("button", name="Remove Observation video").click()
    page.get_by_label("Link title").fill("Observation video")
    page.get_by_label("Link address").fill(pages.url("/drive/file/d/public-file/view"))
    page.get_by_role("button", name="Check my application").click()
    expect(results).to_contain_text("Everything opened.")
    expect(results).to_contain_text("Opens without signing in.")
    attest_and_press(page, "Submit application")
    expect(page.get_by_text("Your application was submitted.")).to_be_visible()
    submission = Submission.objects.get(pk=draft.pk)
    assert submission.status == Status.IN_REVIEW

    # The assessor reads the pre-check on the review page and returns it as Incomplete.
    page.context.clear_cookies()
    sign_in(page, live_url, assessor)
    page.goto(f"{live_url}/assess/review/{submission.uuid}/")
    expect(page.locator("#precheck")).to_contain_text("Everything opened.")
    page.get_by_role("link", name="Return as incomplete…").click()
    page.get_by_label("What the learner needs to fix").fill(NOTE)
    assert_no_serious_violations(axe_violations(page), "the return-as-incomplete page")
    page.get_by_role("button", name="Return as incomplete").click()
    expect(page.get_by_text("was returned as incomplete")).to_be_visible()
    review = Review.objects.get(submission=submission)
    assert review.state == ReviewState.RETURNED

    # The learner sees what to fix on the dashboard and the application, fixes and resubmits.
    page.context.clear_cookies()
    sign_in(page, live_url, learner)
    page.goto(f"{live_url}/dashboard/?tab=submitted")
    expect(page.get_by_text("Incomplete", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Fix and resubmit")).click()
    expect(page.locator("#returned-note")).to_contain_text(NOTE)
    assert_no_serious_violations(axe_violations(page), "the application returned as incomplete")
    page.get_by_label("Link title").fill("Observation video, full lesson")
    page.get_by_label("Link address").fill(pages.url("/public"))
    attest_and_press(page, "Resubmit for review")
    expect(page.get_by_text("is back with its assessor. There is no new fee.")).to_be_visible()

    submission.refresh_from_db()
    review.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert review.state == ReviewState.OPEN and review.assessor_id == assessor.pk
    assert Submission.objects.filter(learner=learner).count() == 1
    assert not Payment.objects.filter(submission=submission).exists()
