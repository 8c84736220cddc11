"""Every page a learner uses fits a 375 px phone screen, with no serious axe violations.

A learner with an application in every state (a draft with long file names and
addresses, one awaiting payment, one in review, an award, a denial with
feedback and its resubmission draft) and a help request visits each page at
375 px: nothing may push the page sideways, so "Pay now" and the feedback stay
on screen.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from assessments.models import Outcome
from credentials.services import favorite_toggle
from helpdesk.services import ticket_create
from submissions import services
from tests.accounts.factories import UserFactory
from tests.assessments.factories import first_not_met, make_assessor, submit_for_review
from tests.badges.factories import decided_award
from tests.credentials.factories import CredentialFactory, OrganizationFactory, TopicFactory
from tests.e2e.helpers import assert_no_serious_violations, axe_violations
from tests.e2e.test_review_journey import log_in
from tests.submissions.factories import pdf_upload, submitted_application

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

PHONE = {"width": 375, "height": 812}
EMAIL = "lee.learner@example.org"
LONG_FILE = "Lesson_plan_for_the_fractions_unit_with_hinge_questions_week_3_final_version.pdf"
LONG_URL = (
    "https://drive.example.org/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij/view"
    "?usp=sharing&resourcekey=0-AbCdEfGhIjKlMnOpQrStUv"
)


@pytest.fixture
def learner_with_every_state(live_url):
    issuer = OrganizationFactory(name="Northfield Teaching Institute", slug="northfield")
    topic = TopicFactory(name="Formative assessment")
    assessor = make_assessor(organization=issuer, email="ada@example.org", name="Ada Assessor")
    learner = UserFactory(email=EMAIL, name="Lee Learner")

    def credential(title, **fields):
        made = CredentialFactory(title=title, organization=issuer, with_content=True, **fields)
        made.topics.set([topic])
        return made

    fresh = credential("Questioning for Deeper Understanding")
    drafting = credential("Checking for Understanding in Real Time")
    draft, _ = services.submission_apply(learner=learner, credential=drafting)
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            answers={
                r.pk: "My fifth graders answer on mini whiteboards." for r in draft.responses.all()
            },
            uploads=[(pdf_upload(LONG_FILE), None)],
            new_link={"title": "Lesson video", "url": LONG_URL, "requirement": None},
        ),
    )
    unpaid = submitted_application(
        learner, credential("Orchestrating Productive Mathematics Discussions", fee_cents=7500)
    )
    in_review = submit_for_review(
        learner=learner, credential=credential("Close Reading of Complex Texts")
    )
    award = decided_award(
        learner=learner,
        credential=credential("Two-Way Communication with Families"),
        assessor=assessor,
    )
    denied = submit_for_review(
        learner=learner,
        credential=credential("Culturally Responsive Routines", resubmission_fee_cents=2500),
    )
    assessment_services.review_decide(
        review_id=denied.review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(
            denied.review,
            feedback="Describe your class: the grade, the subject and how many students. "
            "Add the seating plan you mention in Part 3 to the evidence.",
        ),
        comment="A promising start. Say more about your students and link the lesson video.",
    )
    resubmission = services.submission_resubmit(submission=denied, actor=learner)
    favorite_toggle(user=learner, credential=fresh)
    ticket = ticket_create(
        requester=learner,
        email=EMAIL,
        subject="My review of Close Reading of Complex Texts is taking longer than expected",
        message="Could you tell me when to expect a decision?",
        submission=in_review,
    )
    return {
        "ticket": ticket,
        "fresh": fresh,
        "drafting": drafting,
        "draft": draft,
        "unpaid": unpaid,
        "in_review": in_review,
        "award": award,
        "denied": denied,
        "resubmission": resubmission,
    }


def learner_pages(states) -> list[str]:
    award = states["award"]
    return [
        reverse("credentials:catalog"),
        reverse("credentials:catalog") + "?q=formative",
        states["fresh"].get_absolute_url(),
        states["drafting"].get_absolute_url(),
        reverse("credentials:print", kwargs={"slug": states["drafting"].slug}),
        *(
            reverse("dashboard:home") + f"?tab={tab}"
            for tab in ("drafts", "submitted", "awarded", "denied", "favorites")
        ),
        states["draft"].get_absolute_url(),
        states["resubmission"].get_absolute_url(),
        states["unpaid"].get_absolute_url(),
        reverse("payments:checkout", kwargs={"uuid": states["unpaid"].uuid}),
        states["in_review"].get_absolute_url(),
        states["denied"].get_absolute_url(),
        award.submission.get_absolute_url(),
        reverse("badges:detail", kwargs={"award_uuid": award.uuid}),
        reverse("badges:settings", kwargs={"award_uuid": award.uuid}),
        reverse("badges:verify_any"),
        reverse("obapi:home"),
        reverse("obapi:connected_apps"),
        reverse("obapi:privacy"),
        reverse("mfa_index"),
        reverse("account_change_password"),
        reverse("helpdesk:center"),
        reverse("helpdesk:contact"),
        reverse("helpdesk:ticket_list"),
        states["ticket"].get_absolute_url(),
    ]


def check_fits(page: Page, where: str, problems: list[str]) -> None:
    """Record a page wider than the phone, naming what sticks out, and its axe violations."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            """limit => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)""",
            PHONE["width"],
        )
        problems.append(f"{where} is {width} px wide: {wide}")
    try:
        assert_no_serious_violations(axe_violations(page), where)
    except AssertionError as exc:
        problems.append(str(exc))


def test_every_learner_page_fits_a_375_px_screen(page: Page, live_url, learner_with_every_state):
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for path in (reverse("account_login"), reverse("account_signup")):
        page.goto(live_url + path)
        check_fits(page, path, problems)

    log_in(page, live_url, EMAIL)
    page.set_viewport_size(PHONE)
    for path in learner_pages(learner_with_every_state):
        response = page.goto(live_url + path)
        assert response.ok, f"{path} answered {response.status}"
        check_fits(page, path, problems)

    # The card step of the test-mode payment, reached as a learner does.
    unpaid = learner_with_every_state["unpaid"]
    page.goto(live_url + reverse("payments:checkout", kwargs={"uuid": unpaid.uuid}))
    page.get_by_role("button", name=re.compile(r"^Pay .* by card$")).click()
    expect(page).to_have_url(re.compile(r"/payments/test-checkout/"))
    check_fits(page, "the test card page", problems)

    assert not problems, "\n".join(problems)


def test_pay_now_and_feedback_are_on_screen_on_a_phone(
    page: Page, live_url, learner_with_every_state
):
    """What the wide tables pushed off-screen is reachable without scrolling sideways."""
    log_in(page, live_url, EMAIL)
    page.set_viewport_size(PHONE)

    page.goto(live_url + reverse("dashboard:home") + "?tab=submitted")
    pay_now = page.get_by_role("link", name=re.compile("Pay now"))
    expect(pay_now).to_be_visible()
    box = pay_now.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    page.goto(live_url + learner_with_every_state["denied"].get_absolute_url())
    related = page.get_by_role("region", name="Related submissions")
    feedback = related.get_by_text("Describe your class: the grade")
    expect(feedback).to_be_visible()
    box = feedback.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_every_studio_page_fits_a_375_px_screen(page: Page, live_url):
    """A designer's studio pages: the list, creating, editing a draft and a published
    version, and both previews."""
    from credentials.models import MemberRole
    from credentials.services import credential_version_open, member_add
    from tests.e2e.helpers import sign_in

    issuer = OrganizationFactory(name="Northfield Teaching Institute", slug="northfield")
    designer = UserFactory(email="dana.designer@example.org", name="Dana Designer")
    member_add(organization=issuer, user=designer, role=MemberRole.DESIGNER, actor=None)
    published = CredentialFactory(
        title="Questioning for Deeper Understanding", organization=issuer, with_content=True
    )
    draft = credential_version_open(credential=published, actor=designer)
    sign_in(page, live_url, designer)
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for path in (
        reverse("studio:index"),
        reverse("studio:create", kwargs={"organization": issuer.slug}),
        reverse("studio:edit", kwargs={"uuid": draft.uuid}),
        reverse("studio:edit", kwargs={"uuid": published.uuid}),
        reverse("studio:preview", kwargs={"uuid": draft.uuid}),
        reverse("studio:preview_application", kwargs={"uuid": draft.uuid}),
    ):
        response = page.goto(live_url + path)
        assert response.ok, f"{path} answered {response.status}"
        check_fits(page, path, problems)
    assert not problems, "\n".join(problems)
