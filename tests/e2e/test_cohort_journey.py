"""A coach invites a teacher, the teacher accepts and pays with the cohort
code, is awarded, and the coach sees it; every page passes axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from assessments.models import Outcome
from notifications.models import OutboundEmail
from programs.cohort_models import PartnerKind, PartnerRole
from programs.services import cohorts
from submissions import services as submission_services
from submissions.models import Status
from tests.accounts.factories import UserFactory
from tests.assessments.factories import ALL_ATTESTATIONS, all_met, make_assessor
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.e2e.helpers import sign_in
from tests.submissions.factories import complete_draft

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

TITLE = "Questioning for Deeper Understanding"


def test_coach_invites_teacher_who_accepts_pays_with_the_cohort_code_and_is_seen_awarded(
    page: Page, live_url, assert_accessible
):
    credential = CredentialFactory(title=TITLE, fee_cents=15000, with_content=True)
    make_assessor(credential=credential, email="ada@example.org")
    district = cohorts.partner_create(
        organization=OrganizationFactory(name="Riverside District", slug="riverside"),
        kind=PartnerKind.DISTRICT,
        actor=None,
    )
    coach = UserFactory(email="coach@example.org", name="Cora Coach")
    cohorts.partner_member_add(partner=district, user=coach, role=PartnerRole.COACH, actor=None)
    cohort = cohorts.cohort_create(
        partner=district, name="Fall cohort", credentials=[credential], actor=coach
    )
    code = cohorts.cohort_code_create(cohort=cohort, actor=coach)
    teacher = UserFactory(email="tina@example.org", name="Tina Teacher")

    # The coach invites by typing the address.
    sign_in(page, live_url, coach)
    page.goto(f"{live_url}{reverse('cohorts:dashboard', kwargs={'uuid': cohort.uuid})}")
    page.get_by_label("Email addresses").fill("tina@example.org")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("1 invitations sent")).to_be_visible()
    expect(page.get_by_text("No teacher has accepted an invitation yet.")).to_be_visible()
    assert_accessible("the cohort dashboard")

    # The teacher follows the emailed link and accepts.
    email = OutboundEmail.objects.get(template="cohort_invitation")
    link = re.search(r"/partners/invitations/[0-9a-f-]+/", email.body_text).group(0)
    page.context.clear_cookies()
    sign_in(page, live_url, teacher)
    page.goto(f"{live_url}{link}")
    assert_accessible("the invitation")
    page.get_by_role("button", name="Accept and share my progress").click()
    expect(page.get_by_role("heading", level=1, name="My cohorts")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw and stop sharing")).to_be_visible()
    assert_accessible("my cohorts")

    # The teacher applies and pays with the cohort code.
    draft, _ = submission_services.submission_apply(learner=teacher, credential=credential)
    complete_draft(draft, teacher)
    submission = submission_services.submission_submit(
        submission=draft, actor=teacher, attestations=ALL_ATTESTATIONS
    )
    page.goto(f"{live_url}/payments/{submission.uuid}/")
    page.get_by_role("textbox", name="Coupon code").fill(code.code.lower())
    page.get_by_role("button", name="Apply code").click()
    expect(page.locator("#amount-due")).to_have_text("$0.00")
    page.get_by_role("button", name="Confirm and send for review").click()
    expect(page.get_by_role("heading", level=1, name="Payment received")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW

    # Awarded through the services; the coach sees it.
    review = submission.review
    assessment_services.review_decide(
        review_id=review.pk, actor=review.assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )
    page.context.clear_cookies()
    sign_in(page, live_url, coach)
    page.goto(f"{live_url}{reverse('cohorts:dashboard', kwargs={'uuid': cohort.uuid})}")
    row = page.get_by_role("row", name=re.compile("Tina Teacher"))
    expect(row.get_by_role("cell").first).to_contain_text("Awarded")
    assert_accessible("the cohort dashboard with an award")

    # On a 375 px phone the page itself never scrolls sideways (the table does).
    page.set_viewport_size({"width": 375, "height": 812})
    for path in (
        reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}),
        reverse("cohorts:teacher", kwargs={"uuid": cohort.uuid, "teacher_id": teacher.pk}),
        reverse("cohorts:list"),
    ):
        page.goto(f"{live_url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide"
        assert_accessible(path)
