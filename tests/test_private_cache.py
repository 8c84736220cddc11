"""Pages for a signed-in user say ``Cache-Control: private``, so a shared cache (a
school proxy, a CDN) never hands one person's page to the next."""

import pytest
from django.urls import reverse

from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url_name", ["dashboard:home", "credentials:catalog", "mfa_index"])
def test_signed_in_pages_are_private(learner_client, url_name):
    response = learner_client.get(reverse(url_name))

    assert response.status_code == 200
    assert "private" in _directives(response)
    assert "public" not in _directives(response)


def test_anonymous_pages_are_not_marked_private(client):
    response = client.get(reverse("credentials:catalog"))

    assert response.status_code == 200
    assert "private" not in _directives(response)


@pytest.mark.parametrize(
    ("url_name", "directives"),
    [
        # An explicit "public" (a badge image anyone may fetch) is kept as written.
        ("badges:image", {"public", "max-age=3600"}),
        # Other directives the view set are kept, and "private" is added.
        ("badges:badgeclass", {"no-cache", "private"}),
    ],
)
def test_cache_headers_a_view_set_are_not_clobbered(learner_client, url_name, directives):
    credential = CredentialFactory()

    response = learner_client.get(reverse(url_name, kwargs={"credential_uuid": credential.uuid}))

    assert response.status_code == 200
    assert _directives(response) == directives
