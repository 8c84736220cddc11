"""Browser journey: an assessor denies with feedback, the learner follows the
reapply link from the email, resubmits, and the assessor awards.

Playwright drives Debian's chromium against Django's live server.
"""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from assessments.models import Award, Review
from submissions.models import Status, Submission
from tests.accounts.factories import PASSWORD
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations, screenshot

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs chromium at {CHROMIUM}"),
]

ATTESTATIONS = [
    "This application is complete and ready for review.",
    "My evidence contains no personally identifiable student information",
    "This is my original work, and I have stated any collaboration with others.",
]


# Playwright's sync API keeps an event loop running in the test thread, so Django
# would refuse the ORM calls the test makes (the browser suite sets the same).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email (required)", exact=True).fill(email)
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def score(page: Page, criterion: str, met: bool, feedback: str = "") -> None:
    group = page.get_by_role("group", name=criterion)
    group.get_by_label("Met", exact=True).check() if met else group.get_by_label(
        "Not yet met", exact=True
    ).check()
    if feedback:
        group.get_by_label(f"Feedback on “{criterion}”").fill(feedback)


def confirm_decision(page: Page) -> None:
    """Award and Deny are final: the dialog asks once more."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=re.compile(r"^Yes, ")).click()


@pytest.mark.django_db(transaction=True)
def test_assessor_denies_learner_resubmits_and_assessor_awards(page: Page, live_server):
    base = live_server.url
    issuer = OrganizationFactory(name="Northfield Teaching Institute", slug="northfield")
    credential = CredentialFactory(
        title="Formative Assessment in Practice", organization=issuer, with_content=True
    )
    assessor = make_assessor(credential=credential, email="ada@example.org", name="Ada Assessor")
    from tests.accounts.factories import UserFactory

    learner = UserFactory(email="lee@example.org", name="Lee Learner")
    first = submit_for_review(learner=learner, credential=credential)

    # The assessor finds the submission in the queue and opens it.
    log_in(page, base, assessor.email)
    page.goto(f"{base}/assess/")
    expect(page.get_by_role("heading", level=1, name="Your review queue")).to_be_visible()
    expect(page.get_by_text("1 review", exact=True)).to_be_visible()
    assert_no_serious_violations(axe_violations(page), "the review queue")
    screenshot(page, "review-queue")
    page.get_by_role("link", name=first.reference).click()
    expect(page.get_by_role("heading", level=1, name=f"Review {first.reference}")).to_be_visible()
    expect(page.get_by_text("Describe your teaching context.")).to_be_visible()
    # Blind review: files go by neutral names, never the learner's own.
    neutral = f"{first.reference}-evidence-1.pdf"
    expect(page.get_by_role("link", name=neutral, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Preview {neutral} (opens in a new tab)")).to_be_visible()
    expect(page.get_by_text("lesson-plan.pdf")).to_have_count(0)
    expect(page.get_by_text("Lee Learner")).to_have_count(0)  # blind review
    assert_no_serious_violations(axe_violations(page), "the review page")
    screenshot(page, "review")

    # Deny without feedback is refused; with feedback it goes through.
    score(page, "Context", met=False)
    score(page, "Reflection", met=True)
    page.get_by_role("button", name="Deny").click()
    confirm_decision(page)
    expect(page.get_by_text("Write feedback for a criterion not yet met").first).to_be_visible()
    score(page, "Context", met=False, feedback="Say which grade and subject you teach.")
    page.get_by_role("button", name="Deny").click()
    confirm_decision(page)
    expect(page).to_have_url(re.compile(r"/assess/$"))
    expect(page.get_by_text(f"{first.reference} denied")).to_be_visible()
    first.refresh_from_db()
    assert first.status == Status.DENIED

    # The learner follows the reapply link from the denial email.
    denial = next(m for m in mail.outbox if m.to == [learner.email] and "Feedback" in m.subject)
    reapply = re.search(r"(https?://\S+/applications/[0-9a-f-]+/)", denial.body).group(1)
    path = reapply.split("/applications/", 1)[1]
    log_in(page, base, learner.email)
    page.goto(f"{base}/applications/{path}")
    expect(page.get_by_text("Say which grade and subject you teach.")).to_be_visible()
    expect(page.get_by_text("Denied ×1")).to_be_visible()
    page.get_by_role("button", name="Resubmit").click()
    context_box = page.get_by_label(re.compile("Describe your teaching context"))
    expect(context_box).to_have_value("I teach grade 5 science.")
    context_box.fill("I teach grade 5 science in a public school.")
    for statement in ATTESTATIONS:
        page.get_by_label(re.compile(re.escape(statement))).check()
    page.get_by_role("button", name="Submit application").click()
    second = Submission.objects.get(previous=first)
    expect(page.get_by_text(second.reference).first).to_be_visible()
    assert Submission.objects.get(pk=second.pk).status == Status.IN_REVIEW
    assert Review.objects.get(submission=second).assessor == assessor

    # The assessor sees the earlier attempt's feedback and awards.
    log_in(page, base, assessor.email)
    page.goto(f"{base}/assess/")
    page.get_by_role("link", name=second.reference).click()
    related = page.get_by_role("region", name="Related submissions")
    expect(related.get_by_text(first.reference)).to_be_visible()
    score(page, "Context", met=True)
    score(page, "Reflection", met=True)
    page.get_by_role("button", name="Award").click()
    confirm_decision(page)
    expect(page.get_by_text(f"{second.reference} awarded")).to_be_visible()
    assert Award.objects.filter(submission=second).exists()

    # The learner sees Awarded and no attempt numbers anywhere on the page.
    log_in(page, base, learner.email)
    page.goto(f"{base}{second.get_absolute_url()}")
    expect(page.locator(".status-awarded").first).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Attempt" not in body
    assert not re.search(r"[Dd]enied\s*[×x]\s*\d", body)
    assert "Ada Assessor" not in body
