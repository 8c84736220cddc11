"""Publishing and unpublishing a credential say who did it, in the audit trail
staff open from the credential's admin page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from audit.selectors import audit_events_for
from credentials import services
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:credentials_microcredential_changelist")


def test_publish_and_unpublish_record_the_staff_member(staff_user):
    credential = CredentialFactory(is_published=False)

    services.credential_publish(credential=credential, actor=staff_user)
    services.credential_publish(credential=credential, actor=staff_user)  # already published
    services.credential_unpublish(credential=credential, actor=staff_user)

    published, unpublished = audit_events_for(credential).order_by("created_at", "id")
    assert (published.verb, published.actor) == ("credential.published", staff_user)
    assert (published.before["is_published"], published.after["is_published"]) == (False, True)
    assert (unpublished.verb, unpublished.actor) == ("credential.unpublished", staff_user)
    assert unpublished.before["published_at"] == published.after["published_at"]
    assert unpublished.after == {"is_published": False, "published_at": None}


def test_the_admin_action_is_audited_and_the_trail_is_one_click_away(staff_client, staff_user):
    credential = CredentialFactory(is_published=False)
    staff_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [credential.pk]}
    )

    page = staff_client.get(
        reverse("admin:credentials_microcredential_change", args=[credential.pk])
    ).content.decode()
    [href] = re.findall(r'<a href="([^"]*auditevent/\?[^"]*)">Audit trail</a>', page)
    trail = staff_client.get(unescape(href))
    [event] = trail.context["cl"].result_list
    assert (event.verb, event.actor) == ("credential.published", staff_user)
