"""An unpublished credential is previewed by staff allowed to view credentials,
not by every account that can sign in to the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["credentials:detail", "credentials:print"])
def test_staff_without_permission_do_not_see_an_unpublished_credential(page):
    credential = CredentialFactory(title="Coming Soon", is_published=False)
    bare_staff = UserFactory(is_staff=True)

    response = client_for(bare_staff).get(reverse(page, kwargs={"slug": credential.slug}))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["credentials:detail", "credentials:print"])
def test_staff_granted_view_microcredential_by_a_group_preview_it(page):
    credential = CredentialFactory(title="Coming Soon", is_published=False)
    designers = Group.objects.create(name="Designers")
    designers.permissions.add(
        Permission.objects.get(
            content_type__app_label="credentials", codename="view_microcredential"
        )
    )
    staff = UserFactory(is_staff=True)
    staff.groups.add(designers)

    response = client_for(staff).get(reverse(page, kwargs={"slug": credential.slug}))

    assert response.status_code == 200
    assert "Coming Soon" in response.content.decode()
