"""Open Badges 2.0 revocation: the RevocationList our 2.0 Issuer profiles
publish, and the verifier reading revocation lists of signed assertions (ours
and another issuer's, signed with PyJWT and jwcrypto) and the revoked mark or
410 Gone of hosted ones."""

import json
from http.server import ThreadingHTTPServer

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from badges import crypto, documents, services
from badges.models import Visibility
from badges.services import badge_revoke, badge_update_settings
from tests.badges.factories import award_row
from tests.badges.helpers import path_of
from tests.badges.issuer_server import IssuerServer, _Handler

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]
OB2 = "https://w3id.org/openbadges/v2"


def api(client, **data) -> dict:
    response = client.post("/badges/verify/api/", data)
    assert response.status_code == 200, response.content
    return response.json()


def row(report: dict, name: str) -> tuple[str, str]:
    check = next(c for c in report["checks"] if c["check"] == name)
    return check["result"], check["detail"]


class _StatusHandler(_Handler):
    """Serves a path with the status the test gives it (e.g. 410 Gone)."""

    def send_response(self, code, message=None):
        super().send_response(self.server.statuses.get(self.path, code), message)


class GoneAwareServer(IssuerServer):
    def __enter__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
        self.httpd.routes, self.httpd.requests, self.httpd.statuses = {}, [], {}
        import threading

        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self


@pytest.fixture
def issuer_site(settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    settings.SAFE_FETCH_TIMEOUT = 3.0
    with GoneAwareServer() as server:
        yield server


# --- what we publish -------------------------------------------------------------------------


def test_our_ob2_issuer_names_a_revocation_list_of_revoked_public_assertions(
    client, learner, other_learner, credential, staff_user
):
    kept = award_row(learner=learner, credential=credential).badge
    revoked = award_row(learner=other_learner, credential=credential).badge
    badge_class = client.get(path_of(json.loads(kept.ob2_json)["badge"])).json()
    issuer = client.get(path_of(badge_class["issuer"])).json()
    url = path_of(issuer["revocationList"])
    listing = client.get(url)
    assert listing.status_code == 200
    assert listing["Access-Control-Allow-Origin"] == "*"
    assert listing.json() == {
        "@context": OB2,
        "type": "RevocationList",
        "id": issuer["revocationList"],
        "issuer": issuer["id"],
        "revokedAssertions": [],
    }
    badge_revoke(badge_id=revoked.pk, reason="Issued in error.", actor=staff_user)
    after = client.get(url, HTTP_IF_NONE_MATCH=listing["ETag"])
    assert after.status_code == 200
    assert after.json()["revokedAssertions"] == [
        {"id": json.loads(revoked.ob2_json)["id"], "revocationReason": "Issued in error."}
    ]


def test_a_private_revoked_award_is_not_named_in_the_public_list(
    client, learner, credential, staff_user
):
    badge = award_row(learner=learner, credential=credential).badge
    badge_update_settings(
        badge_id=badge.pk, actor=learner, display_name="", visibility=Visibility.PRIVATE
    )
    badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)
    organization = credential.organization
    listing = client.get(f"/badges/issuers/{organization.uuid}/revocations.json").json()
    assert listing["revokedAssertions"] == []
    assert str(badge.award.uuid) not in json.dumps(listing)


# --- our own assertion, signed ----------------------------------------------------------


def _our_signed_assertion(badge) -> str:
    """Our hosted assertion in signed form, with the organization's RS256 key."""
    key = services.issuer_jwt_key(organization=badge.award.credential.organization)
    assertion = {
        **json.loads(badge.ob2_json),
        "verification": {"type": "SignedBadge", "creator": documents.key_url(key)},
    }
    return crypto.sign_jwt(
        claims=assertion,
        private_key_encrypted=key.private_key_encrypted,
        kid=documents.key_url(key),
        algorithm=key.algorithm,
    )


def test_our_signed_assertion_is_checked_against_our_revocation_list(
    client, learner, credential, staff_user
):
    services.issuer_rs256_set(organization=credential.organization, enabled=True, actor=staff_user)
    badge = award_row(learner=learner, credential=credential).badge
    token = _our_signed_assertion(badge)
    assert pyjwt.get_unverified_header(token)["alg"] == "RS256"
    report = api(client, credential=token)
    assert report["form"] == "Open Badges 2.0 signed assertion"
    assert row(report, "signature")[0] == "passed"
    assert row(report, "not_revoked") == (
        "passed",
        "The issuer's revocation list does not name this assertion.",
    )
    assert report["verified"] is True
    badge_revoke(badge_id=badge.pk, reason="Assessment found to be copied.", actor=staff_user)
    report = api(client, credential=token)
    assert row(report, "not_revoked") == (
        "failed",
        "The issuer has revoked this credential: Assessment found to be copied.",
    )
    assert report["verified"] is False


# --- another issuer's, signed with independent libraries ---------------------------------


def _foreign(site, *, revoked: list, list_issuer=None, with_list=True, lists_key=True):
    """An issuer on the imitation site with a key, a BadgeClass, an Issuer
    profile (listing the key among its ``publicKey`` unless ``lists_key`` is
    False) and (unless ``with_list`` is False) a revocation list."""
    private = generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    issuer_id = site.origin + "/issuer.json"
    creator = site.serve_json(
        "/key.json",
        {
            "@context": OB2,
            "type": "CryptographicKey",
            "owner": issuer_id,
            "publicKeyPem": pem.decode(),
        },
    )
    issuer = {"@context": OB2, "type": "Issuer", "id": issuer_id, "name": "Elsewhere College"}
    if lists_key:
        issuer["publicKey"] = creator
    if with_list:
        issuer["revocationList"] = site.origin + "/revocations.json"
        site.serve_json(
            "/revocations.json",
            {
                "@context": OB2,
                "type": "RevocationList",
                "id": site.origin + "/revocations.json",
                "issuer": list_issuer or issuer_id,
                "revokedAssertions": revoked,
            },
        )
    site.serve_json("/issuer.json", issuer)
    badge_class = site.serve_json(
        "/badgeclass.json",
        {
            "@context": OB2,
            "type": "BadgeClass",
            "id": site.origin + "/badgeclass.json",
            "name": "Teamwork",
            "issuer": issuer_id,
        },
    )
    assertion = {
        "@context": OB2,
        "type": "Assertion",
        "id": "urn:uuid:8c2f7f4e-9a0e-4d43-9d32-2b1b4d1c6f10",
        "uid": "a-1",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": badge_class,
        "verification": {"type": "SignedBadge", "creator": creator},
        "issuedOn": "2024-01-01T00:00:00Z",
    }
    return private, assertion


ASSERTION_ID = "urn:uuid:8c2f7f4e-9a0e-4d43-9d32-2b1b4d1c6f10"


def test_a_foreign_signed_assertion_not_on_the_list_is_not_revoked(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=["urn:uuid:someone-else"])
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "signature")[0] == "passed"
    assert row(report, "not_revoked")[0] == "passed"
    assert report["verified"] is True
    assert "/revocations.json" in issuer_site.requests


@pytest.mark.parametrize(
    "entry",
    [
        {"id": ASSERTION_ID, "revocationReason": "Honor code violation"},
        {"uid": "a-1", "revocationReason": "Honor code violation"},
    ],
)
def test_a_foreign_signed_assertion_on_the_list_is_revoked_with_its_reason(
    client, issuer_site, entry
):
    private, assertion = _foreign(issuer_site, revoked=[entry])
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "not_revoked") == (
        "failed",
        "The issuer has revoked this credential: Honor code violation",
    )
    assert report["verified"] is False


def test_a_jwcrypto_signed_assertion_named_by_id_alone_is_revoked(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[ASSERTION_ID])
    key = jwcrypto_jwk.JWK.from_pem(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signed = jwcrypto_jws.JWS(json.dumps(assertion).encode())
    signed.add_signature(key, alg="RS256", protected=json.dumps({"alg": "RS256"}))
    report = api(client, credential=signed.serialize(compact=True))
    assert row(report, "signature")[0] == "passed"
    assert row(report, "not_revoked") == ("failed", "The issuer has revoked this credential.")


def test_a_revocation_list_of_another_issuer_is_refused(client, issuer_site):
    private, assertion = _foreign(
        issuer_site, revoked=[], list_issuer="https://impostor.example/issuer"
    )
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "not_revoked") == (
        "failed",
        "The revocation list is published by another issuer.",
    )


def test_an_issuer_without_a_revocation_list_has_revoked_nothing(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[], with_list=False)
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "not_revoked")[0] == "passed"


def test_an_unreachable_revocation_list_is_reported_not_checked(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[])
    issuer_site.httpd.routes.pop("/revocations.json")
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    result, why = row(report, "not_revoked")
    assert result == "unchecked"
    assert "404" in why


def test_a_key_the_issuer_does_not_list_does_not_make_its_badge(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[], lists_key=False)
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "signature")[0] == "passed"
    assert row(report, "issuer_key") == (
        "failed",
        "The issuer's profile does not list this key, so it may not be theirs.",
    )
    assert report["verified"] is False


def test_anyones_key_signing_another_issuers_badge_is_refused(client, issuer_site):
    """A forger signs with their own key, which names its own owner, an
    assertion of a real issuer's badge: the signature is sound, the badge is not."""
    _, assertion = _foreign(issuer_site, revoked=[])
    forger = generate_private_key(public_exponent=65537, key_size=2048)
    pem = forger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forger_key = issuer_site.serve_json(
        "/forger-key.json",
        {
            "@context": OB2,
            "type": "CryptographicKey",
            "owner": issuer_site.origin + "/forger.json",
            "publicKeyPem": pem.decode(),
        },
    )
    assertion["verification"] = {"type": "SignedBadge", "creator": forger_key}
    report = api(client, credential=pyjwt.encode(assertion, forger, algorithm="RS256"))
    assert row(report, "signature")[0] == "passed"
    result, why = row(report, "issuer_key")
    assert result == "failed"
    assert "not to the issuer the badge names" in why
    assert report["verified"] is False


def test_an_issuer_profile_claiming_another_id_is_not_trusted(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[])
    issuer = issuer_site.origin + "/issuer.json"
    issuer_site.serve_json(
        "/issuer.json",
        {
            "@context": OB2,
            "type": "Issuer",
            "id": "https://university.example/issuer",
            "name": "A Famous University",
            "publicKey": assertion["verification"]["creator"],
        },
    )
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    result, why = row(report, "issuer_key")
    assert result == "unchecked"
    assert issuer in why
    assert report["verified"] is False
    assert report["issuer"] != "A Famous University"


# --- hosted assertions ------------------------------------------------------------------


def _hosted(site) -> dict:
    assertion = {
        "@context": OB2,
        "type": "Assertion",
        "id": site.origin + "/assertions/1.json",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": site.origin + "/badgeclass.json",
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2024-01-01T00:00:00Z",
    }
    site.serve_json("/assertions/1.json", assertion)
    return assertion


def test_a_hosted_assertion_its_host_marks_revoked_is_revoked_with_the_reason(client, issuer_site):
    assertion = _hosted(issuer_site)
    issuer_site.serve_json(
        "/assertions/1.json", {**assertion, "revoked": True, "revocationReason": "Withdrawn"}
    )
    report = api(client, credential=json.dumps(assertion))
    assert row(report, "not_revoked") == (
        "failed",
        "The issuer has revoked this credential: Withdrawn",
    )


def test_a_hosted_assertion_answering_410_gone_is_revoked(client, issuer_site):
    assertion = _hosted(issuer_site)
    issuer_site.httpd.statuses["/assertions/1.json"] = 410
    report = api(client, credential=json.dumps(assertion))
    assert row(report, "not_revoked")[0] == "failed"
    assert row(report, "hosted")[0] == "passed"  # the 410 still carries the assertion
    issuer_site.serve("/assertions/1.json", "text/plain", b"Gone")
    report = api(client, credential=json.dumps(assertion))
    assert row(report, "not_revoked") == ("failed", "The issuer has revoked this credential.")
    assert row(report, "hosted")[0] == "unchecked"


def test_our_revoked_hosted_assertion_gives_the_public_reason(
    client, learner, credential, staff_user
):
    badge = award_row(learner=learner, credential=credential).badge
    badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)
    report = api(client, credential=badge.ob2_json)
    assert row(report, "not_revoked") == (
        "failed",
        "The issuer has revoked this credential: Issued in error.",
    )


def test_without_its_badge_class_the_key_owners_revocation_list_is_read(client, issuer_site):
    private, assertion = _foreign(issuer_site, revoked=[ASSERTION_ID])
    issuer_site.httpd.routes.pop("/badgeclass.json")
    report = api(client, credential=pyjwt.encode(assertion, private, algorithm="RS256"))
    assert row(report, "not_revoked") == ("failed", "The issuer has revoked this credential.")
