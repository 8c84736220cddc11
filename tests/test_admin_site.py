"""The admin home: one section per concept, and review operations up front."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.assessments.factories import review_rows
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def _sections(response) -> dict[str, list[str]]:
    return {
        app["name"]: [model["name"] for model in app["models"]]
        for app in response.context["app_list"]
    }


def test_admin_home_has_one_accounts_section_with_users_groups_and_sign_in(staff_client):
    sections = _sections(staff_client.get(HOME))

    names = list(sections)
    assert len(names) == len(set(names))
    assert sections["Accounts"] == ["Authenticators", "Email addresses", "Groups", "Users"]
    assert "Authentication and Authorization" not in sections
    assert "MFA" not in sections


@pytest.mark.parametrize("app_label", ["accounts", "account", "auth", "mfa"])
def test_each_accounts_page_shows_the_whole_section(staff_client, app_label):
    response = staff_client.get(reverse("admin:app_list", args=[app_label]))

    assert response.status_code == 200
    assert list(_sections(response)) == ["Accounts"]


def test_other_app_pages_are_unchanged(staff_client):
    response = staff_client.get(reverse("admin:app_list", args=["payments"]))

    assert list(_sections(response)) == ["Payments"]


def test_admin_home_links_the_sla_overview_with_unassigned_and_overdue_counts(staff_client):
    credential = CredentialFactory()
    today = timezone.localdate()
    review_rows(credential=credential, count=3, assessor=None, due_on=today + datetime.timedelta(9))
    review_rows(credential=credential, count=1, assessor=None, due_on=today - datetime.timedelta(2))

    page = staff_client.get(HOME).content.decode()

    assert f'href="{reverse("admin:assessments_review_sla")}"' in page
    assert "Review SLA overview" in page
    assert "Waiting for an assessor</a></th>\n      <td><strong>4</strong>" in page
    assert "Overdue</a></th>\n      <td><strong>1</strong>" in page


def test_review_operations_are_shown_only_to_staff_who_may_see_reviews(client):
    coupon_clerk = UserFactory(is_staff=True)
    coupon_clerk.user_permissions.add(Permission.objects.get(codename="view_coupon"))
    client.force_login(coupon_clerk)

    page = client.get(HOME).content.decode()

    assert "Review operations" not in page
    assert reverse("admin:assessments_review_sla") not in page
