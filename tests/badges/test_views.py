"""The public award page, verification, downloads and the earner's settings."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client

from badges import services
from tests.badges.factories import award_row
from tests.badges.helpers import b64url_json, path_of, status_bit
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

AWARDED_AT = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)


def page(client, badge, suffix=""):
    response = client.get(f"/badges/{badge.award.uuid}/{suffix}")
    assert response.status_code == 200
    return response.content.decode()


def everything_public(client, badge) -> str:
    """Every page and document a stranger can fetch for this award, as text."""
    uuid = badge.award.uuid
    texts = [
        page(client, badge),
        page(client, badge, "verify/"),
        page(client, badge, "certificate/"),
        client.get(f"/badges/{uuid}/credential.json").content.decode(),
        client.get(f"/badges/{uuid}/credential.jwt").content.decode(),
        client.get(f"/badges/{uuid}/assertion.json").content.decode(),
    ]
    token = texts[4]
    texts.append(json.dumps(b64url_json(token.split(".")[0])))
    texts.append(json.dumps(b64url_json(token.split(".")[1])))
    png = client.get(f"/badges/{uuid}/badge.png").content
    texts.append(png.decode("latin-1"))
    return "\n".join(texts)


def test_public_page_shows_the_award(client, badge, learner, credential):
    html = page(client, badge)
    assert credential.title in html
    assert "Lee Learner" in html
    assert "Northfield Teaching Institute" in html
    assert "Valid" in html
    assert badge.valid_from.strftime("%B") in html
    assert "Does not expire" in html
    assert "Add to LinkedIn profile" not in html  # only for the earner
    assert "Share on LinkedIn" in html


def test_no_page_or_document_contains_the_learners_email(client, badge, learner):
    text = everything_public(client, badge)
    assert learner.email not in text
    assert learner.email.split("@")[0] + "@" not in text
    assert "learner@example.org" not in text


def test_owner_sees_settings_and_linkedin(learner_client, badge, learner):
    html = page(learner_client, badge)
    assert "This is your award." in html
    assert f"/badges/{badge.award.uuid}/settings/" in html
    assert learner.email not in html.replace(
        f'Log out <span class="visually-hidden">{learner.email}', ""
    )


def test_linkedin_link_is_prefilled(badge, credential):
    from badges.sharing import linkedin_add_url

    url = urlsplit(linkedin_add_url(badge))
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.linkedin.com/profile/add"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params["startTask"] == "CERTIFICATION_NAME"
    assert params["name"] == credential.title
    assert params["organizationName"] == "Northfield Teaching Institute"
    assert params["issueYear"] == str(badge.valid_from.astimezone().year)
    assert params["certId"] == str(badge.award.uuid)
    assert path_of(params["certUrl"]) == f"/badges/{badge.award.uuid}/"


def test_verify_shows_every_check_passed(client, badge):
    html = page(client, badge, "verify/")
    assert "Verified: every check passed." in html
    for label in ("Issuer key", "Signature", "Credential data", "Not revoked", "Not expired"):
        assert f'<strong>{label}</strong>: <span class="check-result">Passed</span>' in html


def test_downloads_are_attachments(client, badge):
    uuid = badge.award.uuid
    for suffix, content_type in [
        ("credential.json", "application/ld+json"),
        ("credential.jwt", "application/vc+jwt"),
        ("assertion.json", "application/ld+json"),
    ]:
        response = client.get(f"/badges/{uuid}/{suffix}?download")
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_award_is_404(client, db):
    assert client.get("/badges/00000000-0000-4000-8000-000000000000/").status_code == 404


# --- private awards ---------------------------------------------------------------------


def make_private(badge, learner):
    services.badge_update_settings(
        badge_id=badge.pk, actor=learner, display_name=badge.display_name, visibility="private"
    )


def test_private_award_shows_strangers_only_that_it_is_valid(client, badge, learner):
    make_private(badge, learner)
    html = page(client, badge)
    assert "keeps the details of this award private" in html
    assert "currently valid" in html
    assert "Lee Learner" not in html
    assert badge.valid_from.strftime("%B %-d, %Y") not in html
    assert "Download" not in html
    assert "Share" not in html
    assert client.get(f"/badges/{badge.award.uuid}/certificate/").status_code == 404
    assert client.get(f"/badges/{badge.award.uuid}/badge.png").status_code == 404
    # Verification still works for anyone holding the link.
    assert "Verified: every check passed." in page(client, badge, "verify/")
    assert "Lee Learner" not in page(client, badge, "verify/")


def test_private_award_still_shows_its_owner_everything(learner_client, badge, learner):
    make_private(badge, learner)
    html = page(learner_client, badge)
    assert "Lee Learner" in html
    assert "It is private" in html
    assert learner_client.get(f"/badges/{badge.award.uuid}/certificate/").status_code == 200


# --- revocation and expiry ------------------------------------------------------------


def test_revocation_shows_at_once_on_page_status_list_and_verification(client, badge, staff_user):
    services.badge_revoke(badge_id=badge.pk, reason="Evidence was not original.", actor=staff_user)

    html = page(client, badge)
    assert "Revoked" in html
    assert "Evidence was not original." in html
    assert "Download" not in html

    entry = b64url_json(badge.ob3_jwt.split(".")[1])["credentialStatus"]
    status_list = client.get(path_of(entry["statusListCredential"])).json()
    assert status_bit(
        status_list["credentialSubject"]["encodedList"], int(entry["statusListIndex"])
    )

    html = page(client, badge, "verify/")
    assert "Not verified" in html
    assert '<strong>Not revoked</strong>: <span class="check-result">Failed</span>' in html


def test_status_list_is_also_served_signed(client, badge):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    entry = b64url_json(badge.ob3_jwt.split(".")[1])["credentialStatus"]
    response = client.get(path_of(entry["statusListCredential"]), HTTP_ACCEPT="application/vc+jwt")
    assert response["Content-Type"] == "application/vc+jwt"
    jwks = client.get(f"/badges/issuers/{badge.signing_key.organization.uuid}/jwks.json").json()
    claims = jwt.decode(
        response.content.decode(), KeySet.import_key_set(jwks), algorithms=["EdDSA"]
    ).claims
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["jti"] == entry["statusListCredential"]


def test_expired_award_says_so_on_the_page_and_in_verification(client, learner, organization):
    expiring = CredentialFactory(organization=organization, validity_months=6, with_content=True)
    with time_machine.travel(AWARDED_AT, tick=False):
        badge = award_row(learner=learner, credential=expiring, awarded_at=AWARDED_AT).badge
        assert "Valid until September 10, 2026." in page(client, badge, "verify/")

    with time_machine.travel(
        datetime.datetime(2026, 9, 10, 14, 59, tzinfo=datetime.UTC), tick=False
    ):
        assert badge.status() == "valid"
    with time_machine.travel(
        datetime.datetime(2026, 9, 10, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        html = page(client, badge)
        assert "badge-status-expired" in html
        assert "expired on September 10, 2026" in html
        html = page(client, badge, "verify/")
        assert '<strong>Not expired</strong>: <span class="check-result">Failed</span>' in html
        assert '<strong>Signature</strong>: <span class="check-result">Passed</span>' in html

    claims = b64url_json(badge.ob3_jwt.split(".")[1])
    assert claims["validUntil"] == "2026-09-10T15:00:00Z"
    assert claims["exp"] == int(
        datetime.datetime(2026, 9, 10, 15, 0, tzinfo=datetime.UTC).timestamp()
    )
    assert json.loads(badge.ob2_json)["expires"] == "2026-09-10T15:00:00Z"


# --- settings ---------------------------------------------------------------------------


def test_settings_page_is_404_for_another_learner(other_client, badge):
    url = f"/badges/{badge.award.uuid}/settings/"
    assert other_client.get(url).status_code == 404
    response = other_client.post(url, {"display_name": "Mallory", "visibility": "private"})
    assert response.status_code == 404
    badge.refresh_from_db()
    assert badge.display_name == "Lee Learner"


def test_settings_page_needs_a_login(client, badge):
    response = client.get(f"/badges/{badge.award.uuid}/settings/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_owner_changes_name_and_visibility(learner_client, badge):
    url = f"/badges/{badge.award.uuid}/settings/"
    html = learner_client.get(url).content.decode()
    assert 'value="Lee Learner"' in html
    response = learner_client.post(url, {"display_name": "Ms. L. Learner", "visibility": "public"})
    assert response.status_code == 302
    assert response["Location"] == f"/badges/{badge.award.uuid}/"
    assert "Ms. L. Learner" in Client().get(response["Location"]).content.decode()

    learner_client.post(url, {"display_name": "", "visibility": "public"})
    assert "Name not shown" in Client().get(f"/badges/{badge.award.uuid}/").content.decode()


def test_invalid_visibility_is_refused(learner_client, badge):
    url = f"/badges/{badge.award.uuid}/settings/"
    response = learner_client.post(url, {"display_name": "Lee", "visibility": "friends"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_certificate_is_printable(client, badge, credential):
    html = page(client, badge, "certificate/")
    assert "Lee Learner" in html
    assert credential.title in html
    assert "data-print-control" in html
    assert str(badge.award.uuid) in html
