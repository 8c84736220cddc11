"""Crafted input gets a clear 4xx, never a server error.

PostgreSQL refuses a NUL byte in any string, so these also run against it in
CI (DATABASE_URL set): a NUL reaching a query there is a 500.
"""

import pytest
from django.urls import reverse

from submissions import services
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_a_badge_key_address_is_a_bad_request(client):
    organization = OrganizationFactory()

    response = client.get(f"/badges/issuers/{organization.uuid}/keys/%00.json")

    assert response.status_code == 400
    assert b"Bad request" in response.content


@pytest.mark.parametrize(
    "changelist",
    ["admin:notifications_outboundemail_changelist", "admin:payments_payment_changelist"],
)
def test_a_nul_byte_in_an_admin_filter_is_a_bad_request(staff_client, changelist):
    url = reverse(changelist)

    response = staff_client.get(url, {"status__exact": "\x00"})

    assert response.status_code == 400


@pytest.mark.parametrize("query", ["?q=%00", "?%00=1", "?page=1&search=a%00b"])
def test_a_nul_byte_anywhere_in_a_query_string_is_a_bad_request(client, query):
    response = client.get(reverse("credentials:catalog") + query)

    assert response.status_code == 400


def test_addresses_without_nul_bytes_are_served_as_before(client):
    assert client.get(reverse("credentials:catalog") + "?q=%2500").status_code == 200


def test_a_non_uuid_attachment_to_remove_is_ignored_and_the_text_is_saved(learner, learner_client):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    data = {"version": draft.version, "action": "save"}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = "Kept after a crafted removal."

    for crafted in ("not-a-uuid", "\x00", "1 OR 1=1"):
        data["remove_attachment"] = crafted
        page = learner_client.post(draft.get_absolute_url(), data, follow=True)
        assert page.status_code == 200, crafted
        draft.refresh_from_db()
        data["version"] = draft.version

    assert {r.text for r in draft.responses.all()} == {"Kept after a crafted removal."}
