"""A private award is private in every representation: page details, signed
documents, baked image, certificate and the verify page's wording. Its earner
and permitted staff still get everything, and a verifier holding the
credential itself can still check it against what the issuer publishes."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from badges import services
from badges.verification import verify_token
from tests.accounts.factories import UserFactory
from tests.badges.factories import award_row
from tests.badges.helpers import b64url_json, path_of
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

# Everything published about one award, apart from its page and verify page.
REPRESENTATIONS = [
    "credential.json",
    "credential.json?download",
    "credential.jwt",
    "credential.jwt?download",
    "assertion.json",
    "assertion.json?download",
    "badge.png",
    "badge.png?download",
    "badge.svg",
    "badge.svg?download",
    "badge-ob2.svg",
    "certificate/",
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_private(badge, learner):
    services.badge_update_settings(
        badge_id=badge.pk, actor=learner, display_name=badge.display_name, visibility="private"
    )
    badge.refresh_from_db()


def url(badge, suffix: str = "") -> str:
    return f"/badges/{badge.award.uuid}/{suffix}"


@pytest.fixture
def private_badge(badge, learner):
    make_private(badge, learner)
    return badge


@pytest.fixture
def badge_staff(db):
    """Staff whose group grants view_issuedbadge."""
    group = Group.objects.create(name="Credential support")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="badges", codename="view_issuedbadge")
    )
    user = UserFactory(email="support@example.org", is_staff=True)
    user.groups.add(group)
    return user


@pytest.mark.parametrize("suffix", REPRESENTATIONS)
def test_private_award_representation_is_404_for_anyone_else(private_badge, other_learner, suffix):
    bare_staff = UserFactory(is_staff=True)
    for client in (Client(), client_for(other_learner), client_for(bare_staff)):
        response = client.get(url(private_badge, suffix))
        assert response.status_code == 404, suffix
        assert private_badge.identity_hash.encode() not in response.content


@pytest.mark.parametrize("suffix", REPRESENTATIONS)
def test_private_award_representation_is_served_to_its_earner_and_permitted_staff(
    private_badge, learner, badge_staff, suffix
):
    for user in (learner, badge_staff):
        response = client_for(user).get(url(private_badge, suffix))
        assert response.status_code == 200, suffix
        if not suffix.startswith("certificate"):
            # Never kept by a shared cache, never readable from another origin.
            assert response["Cache-Control"] == "private, no-cache"
            assert "Access-Control-Allow-Origin" not in response


def test_public_award_documents_stay_open_to_any_origin(client, badge):
    for suffix in ("credential.json", "credential.jwt", "assertion.json", "badge.png"):
        response = client.get(url(badge, suffix))
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_revoked_private_assertion_is_404_not_410_for_strangers(
    private_badge, learner, staff_user, client
):
    services.badge_revoke(
        badge_id=private_badge.pk, reason="Evidence was not original.", actor=staff_user
    )
    response = client.get(url(private_badge, "assertion.json"))
    assert response.status_code == 404
    assert b"Evidence was not original." not in response.content
    assert client_for(learner).get(url(private_badge, "assertion.json")).status_code == 410

    page = client.get(url(private_badge)).content.decode()
    assert "Revoked" in page
    assert "Evidence was not original." not in page
    owner_page = client_for(learner).get(url(private_badge)).content.decode()
    assert "Evidence was not original." in owner_page


def test_permitted_staff_see_a_private_awards_details_and_bare_staff_do_not(
    private_badge, badge_staff
):
    # The page shows the award's date in the site's time zone, not UTC's.
    date = timezone.localtime(private_badge.valid_from).strftime("%B %-d, %Y")
    assert date in client_for(badge_staff).get(url(private_badge)).content.decode()
    bare = client_for(UserFactory(is_staff=True)).get(url(private_badge)).content.decode()
    assert date not in bare
    assert "keeps the details of this award private" in bare


def test_verify_page_of_a_private_award_checks_dates_without_showing_them(learner, organization):
    awarded_at = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
    expiring = CredentialFactory(organization=organization, validity_months=6, with_content=True)
    with time_machine.travel(awarded_at, tick=False):
        badge = award_row(learner=learner, credential=expiring, awarded_at=awarded_at).badge
        make_private(badge, learner)

        stranger = Client().get(url(badge, "verify/")).content.decode()
        assert "Verified: every check passed." in stranger
        assert "September 10, 2026" not in stranger
        assert "2026" not in stranger.split('id="verification"')[1].split("</div>")[0]

        owner = client_for(learner).get(url(badge, "verify/")).content.decode()
        assert "Valid until September 10, 2026." in owner


def test_a_verifier_holding_the_credential_still_verifies_it(private_badge, learner):
    """The earner downloads the signed credential and hands it over; the verifier
    needs nothing private to check it: the key, the issuer profile and the status
    list stay public, and every check passes."""
    token = client_for(learner).get(url(private_badge, "credential.jwt?download")).content.decode()
    header, claims = b64url_json(token.split(".")[0]), b64url_json(token.split(".")[1])

    stranger = Client()
    key = stranger.get(path_of(header["kid"]))
    assert key.status_code == 200
    assert json.loads(key.content)["kid"] == header["kid"]
    assert stranger.get(path_of(claims["issuer"]["id"])).status_code == 200
    status = claims["credentialStatus"]["statusListCredential"]
    assert stranger.get(path_of(status)).status_code == 200

    assert verify_token(token).passed
