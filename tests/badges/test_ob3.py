"""The Open Badges 3.0 credential, checked as an outside verifier would.

The VC-JWT is verified with joserfc directly against the key set fetched
from the issuer's public JWKS URL, never with the code that signed it.
"""

import base64
import hashlib
import json

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet

from tests.badges.helpers import b64url_json, path_of, status_bit

# Open Badges 3.0 verifiers use alg EdDSA; joserfc warns that RFC 9864 supersedes it.
pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def fetch_json(client, url):
    response = client.get(path_of(url))
    assert response.status_code == 200, url
    return json.loads(response.content)


def published_key_set(client, token):
    """The issuer's JWKS, found from the credential itself: its issuer id is
    the profile URL, and the key set sits next to it."""
    claims = b64url_json(token.split(".")[1])
    jwks_url = claims["iss"].replace("/profile.json", "/jwks.json")
    return KeySet.import_key_set(fetch_json(client, jwks_url))


def test_vc_jwt_verifies_with_the_published_key_set(client, badge):
    token = client.get(f"/badges/{badge.award.uuid}/credential.jwt").content.decode()
    header = b64url_json(token.split(".")[0])
    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "JWT"}

    key_set = published_key_set(client, token)
    assert header["kid"] in [key.kid for key in key_set.keys]
    # The kid itself resolves to the same public key, with no private part.
    jwk = fetch_json(client, header["kid"])
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk

    decoded = jwt.decode(token, key_set, algorithms=["EdDSA"])
    assert decoded.claims["jti"] == f"urn:uuid:{badge.uuid}"


def test_credential_has_the_required_open_badges_3_fields(client, badge, learner, credential):
    token = client.get(f"/badges/{badge.award.uuid}/credential.jwt").content.decode()
    claims = jwt.decode(token, published_key_set(client, token), algorithms=["EdDSA"]).claims

    assert claims["@context"][:2] == [VC_CONTEXT, OB3_CONTEXT]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"].startswith("urn:uuid:")
    assert claims["name"] == credential.title
    issuer = claims["issuer"]
    assert issuer["type"] == ["Profile"]
    assert issuer["name"] == "Northfield Teaching Institute"
    assert fetch_json(client, issuer["id"])["name"] == issuer["name"]
    assert claims["validFrom"].endswith("Z")
    assert "validUntil" not in claims  # this credential does not expire

    # JWT registered claims mirror the credential.
    assert claims["iss"] == issuer["id"]
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(badge.valid_from.timestamp())
    assert "exp" not in claims

    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    identity = subject["identifier"][0]
    assert identity["type"] == "IdentityObject"
    assert identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True
    expected = hashlib.sha256((learner.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"

    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == credential.title
    assert achievement["description"] == credential.summary
    assert credential.competency in achievement["criteria"]["narrative"]
    assert achievement["image"]["type"] == "Image"
    assert client.get(path_of(achievement["image"]["id"]))["Content-Type"] == "image/png"
    assert achievement["alignment"][0]["targetDescription"] == credential.competency
    assert fetch_json(client, achievement["id"])["name"] == credential.title

    # Results: one per rubric criterion, each at the "Met" level.
    descriptions = {rd["id"]: rd for rd in achievement["resultDescription"]}
    assert [rd["name"] for rd in achievement["resultDescription"]] == ["Context", "Reflection"]
    for result in subject["result"]:
        levels = descriptions[result["resultDescription"]]["rubricCriterionLevel"]
        achieved = next(level for level in levels if level["id"] == result["achievedLevel"])
        assert achieved["name"] == "Met"

    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    status_list = fetch_json(client, status["statusListCredential"])
    assert "BitstringStatusListCredential" in status_list["type"]
    assert (
        status_bit(status_list["credentialSubject"]["encodedList"], int(status["statusListIndex"]))
        is False
    )

    assert "evidence" not in claims  # nothing the learner did not choose to share


def test_json_download_is_the_signed_payload_with_an_embedded_proof(client, badge):
    token = client.get(f"/badges/{badge.award.uuid}/credential.jwt").content.decode()
    payload = b64url_json(token.split(".")[1])
    document = json.loads(client.get(f"/badges/{badge.award.uuid}/credential.json").content)
    registered = {"iss", "jti", "sub", "nbf", "exp"}
    proof = document.pop("proof")
    assert {k: v for k, v in payload.items() if k not in registered} == document
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"].startswith("did:key:z6Mk")


def _tamper_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    position = raw.index(b'"name": "') + len(b'"name": "') if b'"name": "' in raw else None
    if position is None:
        position = raw.index(b'"name":"') + len(b'"name":"')
    changed = raw[:position] + bytes([raw[position] ^ 0x01]) + raw[position + 1 :]
    assert len(changed) == len(raw) and changed != raw
    encoded = base64.urlsafe_b64encode(changed).decode().rstrip("=")
    return f"{header}.{encoded}.{signature}"


def test_changing_one_byte_of_the_credential_fails_verification(client, badge):
    token = badge.ob3_jwt
    key_set = published_key_set(client, token)
    with pytest.raises(BadSignatureError):
        jwt.decode(_tamper_payload(token), key_set, algorithms=["EdDSA"])


def test_changing_one_byte_of_the_signature_fails_verification(client, badge):
    token = badge.ob3_jwt
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    with pytest.raises(JoseError):
        jwt.decode(forged, published_key_set(client, token), algorithms=["EdDSA"])


def test_server_side_verification_reports_each_check(client, badge):
    from badges.verification import verify_token

    result = verify_token(badge.ob3_jwt)
    assert [(c.key, c.passed) for c in result.checks] == [
        ("issuer_key", True),
        ("signature", True),
        ("contents", True),
        ("not_revoked", True),
        ("not_expired", True),
    ]
    tampered = verify_token(_tamper_payload(badge.ob3_jwt))
    assert not tampered.passed
    assert {c.key: c.passed for c in tampered.checks}["signature"] is False


def test_a_key_from_another_issuer_is_refused(client, badge):
    """A token whose kid names a key the issuer does not publish fails the key check."""
    from badges.verification import verify_token

    header, payload, signature = badge.ob3_jwt.split(".")
    claims = b64url_json(header)
    claims["kid"] = claims["kid"].replace(badge.signing_key.key_id, "not-a-published-key")
    forged_header = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = verify_token(f"{forged_header}.{payload}.{signature}")
    checks = {c.key: c.passed for c in result.checks}
    assert checks["issuer_key"] is False and checks["signature"] is False
