"""An organization's logo appears in its issuer profile and on award pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.factories import PNG_BYTES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]


def test_issuer_profile_and_award_page_show_the_logo(client, badge):
    organization = badge.award.credential.organization
    organization.logo = SimpleUploadedFile("logo.png", PNG_BYTES, content_type="image/png")
    organization.save()

    profile = client.get(
        reverse("badges:issuer_profile", kwargs={"org_uuid": organization.uuid})
    ).json()
    assert profile["image"]["type"] == "Image"
    assert profile["image"]["id"].endswith(organization.logo.url)
    issuer = client.get(reverse("badges:issuer_ob2", kwargs={"org_uuid": organization.uuid})).json()
    assert issuer["image"] == profile["image"]["id"]

    page = client.get(reverse("badges:detail", kwargs={"award_uuid": badge.award.uuid}))
    assert f'src="{organization.logo.url}"' in page.content.decode()


def test_without_a_logo_the_profile_has_no_image(client, badge):
    organization = badge.award.credential.organization
    profile = client.get(
        reverse("badges:issuer_profile", kwargs={"org_uuid": organization.uuid})
    ).json()
    assert "image" not in profile
