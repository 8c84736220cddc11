"""The dashboard's panels from other apps (awards expiring soon, stack
progress, the way into the studio) are kept between visits and show every
change on the next one."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from badges import services as badge_services
from credentials.models import MemberRole
from credentials.services import member_add, member_remove
from programs.services.stacks import stack_create, stack_member_add
from tests.badges.factories import award_row
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]

URL = reverse("dashboard:home")
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def _page(client) -> str:
    return " ".join(client.get(URL).content.decode().split())


def _yearly(title):
    return CredentialFactory(title=title, validity_months=12, with_content=True)


def test_panels_ask_nothing_on_a_second_visit(learner_client, learner):
    with time_machine.travel(NOW, tick=False):
        award_row(
            learner=learner,
            credential=_yearly("Questioning"),
            awarded_at=NOW - datetime.timedelta(days=300),
        )
        assert "Awards expiring soon" in _page(learner_client)
        with CaptureQueriesContext(connection) as second:
            assert "Awards expiring soon" in _page(learner_client)
    read = " ".join(q["sql"] for q in second.captured_queries)
    assert "badges_issuedbadge" not in read
    assert "credentials_organizationmember" not in read


def test_an_award_issued_after_a_visit_shows_among_expiries(learner_client, learner):
    with time_machine.travel(NOW, tick=False):
        assert "Awards expiring soon" not in _page(learner_client)
        award = award_row(
            learner=learner,
            credential=_yearly("Questioning"),
            awarded_at=NOW - datetime.timedelta(days=300),
        )
        page = _page(learner_client)
    assert "Awards expiring soon" in page
    assert f"/badges/{award.uuid}/" in page and "in 65 days" in page


def test_a_revoked_award_leaves_the_expiries(learner_client, learner, staff_user):
    with time_machine.travel(NOW, tick=False):
        award = award_row(
            learner=learner,
            credential=_yearly("Questioning"),
            awarded_at=NOW - datetime.timedelta(days=300),
        )
        assert "Awards expiring soon" in _page(learner_client)
        badge_services.badge_revoke(badge_id=award.badge.pk, reason="In error.", actor=staff_user)
        assert "Awards expiring soon" not in _page(learner_client)


def test_a_renamed_credential_shows_its_new_title_among_expiries(learner_client, learner):
    credential = _yearly("Questioning")
    with time_machine.travel(NOW, tick=False):
        award_row(
            learner=learner, credential=credential, awarded_at=NOW - datetime.timedelta(days=300)
        )
        assert "Questioning" in _page(learner_client)
        credential.title = "Questioning in class"
        credential.save(update_fields=["title"])
        assert "Questioning in class" in _page(learner_client)


def test_days_left_count_down_and_an_award_enters_and_leaves_with_time(learner_client, learner):
    awarded_at = NOW - datetime.timedelta(days=365 - 95)  # expires in 95 days: not yet shown
    award_row(learner=learner, credential=_yearly("Questioning"), awarded_at=awarded_at)
    valid_until = awarded_at.replace(year=awarded_at.year + 1)
    with time_machine.travel(NOW, tick=False):
        assert "Awards expiring soon" not in _page(learner_client)
    # An hour before the notice it is not shown; an hour into it, it is.
    with time_machine.travel(valid_until - datetime.timedelta(days=90, hours=1), tick=False):
        assert "Awards expiring soon" not in _page(learner_client)
    with time_machine.travel(valid_until - datetime.timedelta(days=90, hours=-1), tick=False):
        assert "in 89 days" in _page(learner_client)
    with time_machine.travel(valid_until - datetime.timedelta(days=30, hours=-1), tick=False):
        assert "in 29 days" in _page(learner_client)
    with time_machine.travel(valid_until - datetime.timedelta(minutes=5), tick=False):
        assert "(within a day)" in _page(learner_client)
    with time_machine.travel(valid_until + datetime.timedelta(minutes=5), tick=False):
        assert "Awards expiring soon" not in _page(learner_client)


def test_a_notice_leaves_the_moment_the_award_expires_within_the_day(learner_client, learner):
    awarded_at = datetime.datetime(2025, 6, 1, 15, tzinfo=datetime.UTC)
    award_row(learner=learner, credential=_yearly("Questioning"), awarded_at=awarded_at)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert "(within a day)" in _page(learner_client)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 16, tzinfo=datetime.UTC), tick=False):
        assert "Awards expiring soon" not in _page(learner_client)


def test_the_studio_link_follows_the_designer_role(learner_client, learner):
    organization = OrganizationFactory(name="Northfield")
    assert reverse("studio:index") not in _page(learner_client)
    member_add(organization=organization, user=learner, role=MemberRole.DESIGNER, actor=None)
    page = _page(learner_client)
    assert reverse("studio:index") in page and "Northfield" in page
    member_remove(organization=organization, user=learner, role=MemberRole.DESIGNER, actor=None)
    assert reverse("studio:index") not in _page(learner_client)


def test_a_new_award_moves_stack_progress(
    django_capture_on_commit_callbacks, learner_client, learner
):
    organization = OrganizationFactory()
    first, second = (
        CredentialFactory(title=title, organization=organization) for title in ("One", "Two")
    )
    stack = stack_create(
        organization=organization, title="Pair", slug="pair", credit_hours=5, actor=None
    )
    for credential in (first, second):
        stack_member_add(stack=stack, credential=credential, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        award_row(learner=learner, credential=first)
    assert "1 of 2 earned; next: Two" in _page(learner_client)
    with django_capture_on_commit_callbacks(execute=True):
        award_row(learner=learner, credential=second)
    assert "completed: see your stack award" in _page(learner_client)
