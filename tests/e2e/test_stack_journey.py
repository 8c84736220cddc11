"""A learner with two of a stack's three members adds the third, an Open
Badge from another issuer, sees the stack completed, opens the stack award,
and verifies it. Every control is reached by its role and accessible name;
each page is checked with axe."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from programs.models import StackRule
from programs.services.stacks import stack_create, stack_member_add
from tests.accounts.factories import PASSWORD, UserFactory
from tests.badges.factories import award_row
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.programs.test_external_achievement import ACHIEVEMENT, outside_badge

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

EMAIL = "sam.stack@example.org"


@pytest.fixture
def stack(live_url):
    issuer = OrganizationFactory(
        name="Northfield Teaching Institute", slug="northfield", email="b@northfield.example.org"
    )
    learner = UserFactory(email=EMAIL, name="Sam Stack")
    stack = stack_create(
        organization=issuer,
        title="Assessment for Learning",
        slug="assessment-for-learning",
        rule=StackRule.ALL,
        credit_hours=15,
        actor=None,
    )
    for title in ("Questioning", "Feedback"):
        credential = CredentialFactory(
            title=title, slug=title.lower(), organization=issuer, is_published=True
        )
        stack_member_add(stack=stack, credential=credential, actor=None)
        award_row(learner=learner, credential=credential)
    stack_member_add(
        stack=stack, achievement_id=ACHIEVEMENT, external_name="Classroom Talk", actor=None
    )
    return stack


def assert_fits(page: Page) -> None:
    """Nothing wider than the phone's screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_learner_completes_a_stack_and_opens_its_award(
    page: Page, live_url, stack, assert_accessible
):
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Email (required)", exact=True).fill(EMAIL)
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"{live_url}/dashboard/")
    expect(page.get_by_text("2 of 3 earned; next: Classroom Talk")).to_be_visible()
    page.get_by_role("link", name="Assessment for Learning").first.click()
    expect(page.get_by_role("heading", level=1, name="Assessment for Learning")).to_be_visible()
    assert_accessible("the stack page")
    assert_fits(page)

    page.get_by_label("Badge (JSON or VC-JWT)").fill(json.dumps(outside_badge()))
    page.get_by_role("button", name="Verify and add").click()
    expect(page.get_by_text("Classroom Talk verified and counted.")).to_be_visible()
    expect(page.get_by_text("You completed this stack.")).to_be_visible()

    page.get_by_role("link", name="See your stack award").click()
    expect(page.get_by_role("heading", level=1, name="Assessment for Learning")).to_be_visible()
    expect(page.get_by_role("link", name="Learner record, CLR 2.0 (JSON)")).to_be_visible()
    assert_accessible("the stack award page")
    assert_fits(page)

    page.get_by_role("link", name="Verify this award").click()
    for name in (
        "Stack award (VC-JWT): verified",
        "Learner record, CLR 2.0 (JSON with a Data Integrity proof): verified",
    ):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("not verified")).to_have_count(0)
    assert_accessible("the stack award verification")
    assert_fits(page)


def test_an_organization_admin_reads_analytics_on_a_phone(page: Page, live_url, assert_accessible):
    from credentials.models import MemberRole
    from credentials.services import member_add

    issuer = OrganizationFactory(name="Northfield", slug="northfield", email="b@northfield.example")
    CredentialFactory(title="Questioning", slug="questioning", organization=issuer)
    admin = UserFactory(email="ari.admin@example.org", name="Ari Admin")
    member_add(organization=issuer, user=admin, role=MemberRole.ADMIN, actor=None)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Email (required)", exact=True).fill("ari.admin@example.org")
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"{live_url}/analytics/")
    page.get_by_role("link", name="Northfield").click()
    expect(page.get_by_role("heading", level=1, name="Analytics: Northfield")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Funnel"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Questioning"))).to_be_visible()
    assert_accessible("the analytics page")
    assert_fits(page)
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"start=2026-01-01"))
