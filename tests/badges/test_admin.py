"""Staff revoke badges with a reason and rotate signing keys in Django admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail

from badges.models import IssuerKey

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

CHANGELIST = "/admin/badges/issuedbadge/"


def test_revoke_action_asks_for_a_reason_then_revokes(
    staff_client, badge, learner, django_capture_on_commit_callbacks
):
    selected = {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [badge.pk]}
    response = staff_client.post(CHANGELIST, selected)
    assert response.status_code == 200
    assert "Revoke badges" in response.content.decode()

    response = staff_client.post(CHANGELIST, {**selected, "confirm": "yes", "reason": "  "})
    assert response.status_code == 200
    badge.refresh_from_db()
    assert not badge.is_revoked

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {**selected, "confirm": "yes", "reason": "Assessor conflict of interest."}
        )
    assert response.status_code == 302
    badge.refresh_from_db()
    assert badge.is_revoked
    assert badge.revocation_reason == "Assessor conflict of interest."
    assert [m.to for m in mail.outbox if "revoked" in m.subject] == [[learner.email]]


def test_badge_change_page_is_read_only(staff_client, badge):
    response = staff_client.get(f"{CHANGELIST}{badge.pk}/change/")
    assert response.status_code == 200
    assert f"/badges/{badge.award.uuid}/" in response.content.decode()
    assert 'name="revocation_reason"' not in response.content.decode()


def test_rotate_action_starts_a_new_key(staff_client, badge):
    old = badge.signing_key
    response = staff_client.post(
        "/admin/badges/issuerkey/", {"action": "rotate", ACTION_CHECKBOX_NAME: [old.pk]}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.retired_at is not None
    assert (
        IssuerKey.objects.filter(organization=old.organization, retired_at__isnull=True).count()
        == 1
    )


def test_staff_choose_rs256_then_eddsa_for_an_organizations_vc_jwts(staff_client, badge):
    key = badge.signing_key
    organization = key.organization
    selected = {ACTION_CHECKBOX_NAME: [key.pk]}
    response = staff_client.post("/admin/badges/issuerkey/", {"action": "use_rs256", **selected})
    assert response.status_code == 302
    active = IssuerKey.objects.filter(organization=organization, retired_at__isnull=True)
    assert sorted(active.values_list("algorithm", flat=True)) == ["EdDSA", "RS256"]
    page = staff_client.get(response["Location"]).content.decode()
    assert "now signs its VC-JWTs with RS256" in page

    staff_client.post("/admin/badges/issuerkey/", {"action": "use_eddsa", **selected})
    assert list(active.values_list("algorithm", flat=True)) == ["EdDSA"]
    # The RSA key is retired, not deleted: badges it signed keep verifying.
    assert IssuerKey.objects.filter(organization=organization, algorithm="RS256").count() == 1


def test_learners_cannot_reach_the_badge_admin(learner_client, badge):
    assert learner_client.get(CHANGELIST).status_code == 302
