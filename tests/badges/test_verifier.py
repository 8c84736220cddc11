"""Verifying any credential: ours in every form, other issuers', and each tampering.

Foreign credentials are signed here with independent libraries (jwcrypto,
PyJWT); our own are checked by those libraries too.
"""

import base64
import datetime
import json
import re

import jwt as pyjwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto import jwt as jwcrypto_jwt

from badges import crypto, data_integrity, services, verifier
from tests.badges.factories import award_row
from tests.badges.helpers import b64url_json, path_of
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

VC = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def api(client, **data):
    response = client.post("/badges/verify/api/", data)
    assert response.status_code == 200, response.content
    return response.json()


def results(report: dict) -> dict[str, str]:
    return {check["check"]: check["result"] for check in report["checks"]}


def detail(report: dict, name: str) -> str:
    return next(c["detail"] for c in report["checks"] if c["check"] == name)


def did_key(private: Ed25519PrivateKey) -> str:
    return "did:key:" + data_integrity.multikey(private.public_key())


def foreign_credential(issuer_id: str, **extra) -> dict:
    return {
        "@context": [VC, OB3],
        "id": "urn:uuid:2f9e1b40-4c8a-4c1e-9a51-0d6f2b7c1a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Elsewhere College"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://elsewhere.example/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
        **extra,
    }


def jwt_claims(document: dict) -> dict:
    issuer = document["issuer"]["id"]
    return {**document, "iss": issuer, "jti": document["id"], "sub": "did:example:learner"}


# --- ours, in every form ------------------------------------------------------------------


@pytest.fixture
def our_badge(learner, credential):
    return award_row(learner=learner, credential=credential).badge


def test_our_vc_jwt_verifies(client, our_badge):
    report = api(client, credential=our_badge.ob3_jwt)
    assert report["verified"] is True, report
    assert report["issuer"] == "Northfield Teaching Institute"
    assert set(results(report)) >= {"issuer_key", "signature", "not_revoked", "not_expired"}


def test_our_json_with_embedded_proof_verifies(client, our_badge):
    report = api(client, credential=our_badge.ob3_json)
    assert report["verified"] is True, report
    assert "eddsa-rdfc-2022" in detail(report, "signature")
    assert "Northfield Teaching Institute" in detail(report, "issuer_key")


def test_our_baked_png_verifies(client, our_badge):
    png = client.get(f"/badges/{our_badge.award.uuid}/badge.png").content
    report = api(client, image=_upload("badge.png", png))
    assert report["verified"] is True, report


def test_our_baked_svg_verifies_and_carries_the_credential_in_the_ob3_namespace(client, our_badge):
    svg = client.get(f"/badges/{our_badge.award.uuid}/badge.svg").content
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    token = re.search(rb"<openbadges:credential><!\[CDATA\[(.*?)\]\]>", svg).group(1)
    assert token.decode() == our_badge.ob3_jwt
    report = api(client, image=_upload("badge.svg", svg))
    assert report["verified"] is True, report


def test_our_ob2_svg_carries_the_hosted_assertion_and_verifies(client, our_badge):
    svg = client.get(f"/badges/{our_badge.award.uuid}/badge-ob2.svg").content
    assert b'xmlns:openbadges="http://openbadges.org"' in svg
    verify_url = re.search(rb'<openbadges:assertion verify="([^"]+)"', svg).group(1).decode()
    assert client.get(path_of(verify_url)).status_code == 200
    report = api(client, image=_upload("badge.svg", svg))
    assert report["verified"] is True, report
    assert results(report) == {"hosted": "passed", "not_revoked": "passed"}


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- each tampering, with its reason ------------------------------------------------------


def test_one_byte_changed_in_the_jwt_fails_the_signature(client, our_badge):
    header, payload, signature = our_badge.ob3_jwt.split(".")
    claims = b64url_json(payload)
    claims["name"] = claims["name"][:-1] + ("X" if claims["name"][-1] != "X" else "Y")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    report = api(client, credential=f"{header}.{forged}.{signature}")
    assert results(report)["signature"] == "failed"
    assert "does not match" in detail(report, "signature")


def test_one_byte_changed_in_the_json_fails_the_proof(client, our_badge):
    document = json.loads(our_badge.ob3_json)
    document["credentialSubject"]["achievement"]["name"] += "!"
    report = api(client, credential=json.dumps(document))
    assert report["verified"] is False
    assert detail(report, "signature") == "The proof does not match the document."


def test_signed_with_another_key_under_our_kid_fails(client, our_badge):
    header = b64url_json(our_badge.ob3_jwt.split(".")[0])
    claims = b64url_json(our_badge.ob3_jwt.split(".")[1])
    stranger = Ed25519PrivateKey.generate()
    token = pyjwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": header["kid"]})
    report = api(client, credential=token)
    assert results(report)["signature"] == "failed"


def test_expired_credential_is_reported_expired(client, learner, credential):
    credential.validity_months = 12
    credential.save(update_fields=["validity_months"])
    badge = award_row(learner=learner, credential=credential).badge
    with time_machine.travel(badge.valid_until + datetime.timedelta(days=1), tick=False):
        report = api(client, credential=badge.ob3_jwt)
    assert results(report)["not_expired"] == "failed"
    assert detail(report, "not_expired").startswith("Expired on")


def test_revoked_credential_is_reported_revoked_in_every_form(client, our_badge, staff_user):
    services.badge_revoke(badge_id=our_badge.pk, reason="Plagiarised evidence", actor=staff_user)
    for text in (our_badge.ob3_jwt, our_badge.ob3_json):
        report = api(client, credential=text)
        assert results(report)["not_revoked"] == "failed"
        assert detail(report, "not_revoked") == "The issuer has revoked this credential."


def test_wrong_issuer_is_refused(client, our_badge, learner, settings):
    other = OrganizationFactory(email="badges@other.example.org")
    award_row(learner=learner, credential=CredentialFactory(organization=other))
    # Our organization's key signs a credential claiming the other organization as issuer.
    claims = b64url_json(our_badge.ob3_jwt.split(".")[1])
    other_profile = f"{settings.SITE_URL}/badges/issuers/{other.uuid}/profile.json"
    claims["issuer"]["id"] = claims["iss"] = other_profile
    key = our_badge.signing_key
    token = pyjwt.encode(
        claims,
        crypto.ed25519_private_key(key.private_key_encrypted),
        algorithm="EdDSA",
        headers={"kid": b64url_json(our_badge.ob3_jwt.split(".")[0])["kid"]},
    )
    report = api(client, credential=token)
    assert results(report)["issuer_key"] == "failed"
    assert "not to the issuer the credential names" in detail(report, "issuer_key")


def test_a_did_key_claiming_to_be_our_issuer_is_refused(client, our_badge):
    document = json.loads(our_badge.ob3_json)
    document.pop("proof")
    stranger = Ed25519PrivateKey.generate()
    method = f"{did_key(stranger)}#{did_key(stranger)[8:]}"
    signed = data_integrity.sign(
        document, private_key=stranger, verification_method=method, created="2026-01-01T00:00:00Z"
    )
    report = api(client, credential=json.dumps(signed))
    assert results(report)["signature"] == "passed"
    assert results(report)["issuer_key"] == "failed"
    assert "not one Northfield Teaching Institute publishes" in detail(report, "issuer_key")


def test_unknown_context_is_refused_with_its_url(client, our_badge):
    document = json.loads(our_badge.ob3_json)
    document["@context"].append("https://attacker.example/context.json")
    report = api(client, credential=json.dumps(document))
    assert "Unknown JSON-LD context https://attacker.example/context.json" in detail(
        report, "signature"
    )
    assert results(report)["schema"] == "failed"


# --- other issuers' credentials, signed with independent libraries -------------------------


def test_foreign_eddsa_jwt_signed_with_jwcrypto_and_a_did_key_verifies(client):
    private = Ed25519PrivateKey.generate()
    issuer = did_key(private)
    key = jwcrypto_jwk.JWK.from_pyca(private)
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer}#{issuer[8:]}"},
        claims=jwt_claims(foreign_credential(issuer)),
    )
    token.make_signed_token(key)
    report = api(client, credential=token.serialize())
    assert report["verified"] is True, report
    assert report["issuer"] == "Elsewhere College"
    assert results(report)["issuer_key"] == "passed"


def test_foreign_rs256_jwt_signed_with_pyjwt_and_an_embedded_key(client):
    private = generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    claims = jwt_claims(foreign_credential("https://elsewhere.example/issuer"))
    token = pyjwt.encode(claims, private, algorithm="RS256", headers={"jwk": public_jwk})
    report = api(client, credential=token)
    assert results(report)["signature"] == "passed"
    assert results(report)["not_revoked"] == "passed"
    # Tampered: the same token with another name fails.
    header, payload, signature = token.split(".")
    claims["name"] = "Leadership"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert results(api(client, credential=f"{header}.{forged}.{signature}"))["signature"] == (
        "failed"
    )


def test_foreign_legacy_status_is_reported_not_checked(client):
    private = Ed25519PrivateKey.generate()
    issuer = did_key(private)
    document = foreign_credential(
        issuer,
        credentialStatus={
            "id": "https://elsewhere.example/revocations#1",
            "type": "1EdTechRevocationList",
        },
    )
    token = pyjwt.encode(jwt_claims(document), private, algorithm="EdDSA", headers={"kid": issuer})
    report = api(client, credential=token)
    assert results(report)["not_revoked"] == "unchecked"
    assert "1EdTechRevocationList" in detail(report, "not_revoked")
    assert report["verified"] is False


# --- our keys through independent libraries -----------------------------------------------


def _jwks(client, badge):
    org = badge.award.credential.organization
    return client.get(f"/badges/issuers/{org.uuid}/jwks.json").json()["keys"]


def test_eddsa_credential_round_trips_through_pyjwt_and_jwcrypto(client, our_badge):
    token = our_badge.ob3_jwt
    kid = pyjwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in _jwks(client, our_badge) if k["kid"] == kid)
    claims = pyjwt.decode(token, pyjwt.PyJWK(jwk).key, algorithms=["EdDSA"])
    assert claims["iss"].endswith("/profile.json")
    verified = jwcrypto_jws.JWS()
    verified.deserialize(token)
    verified.verify(jwcrypto_jwk.JWK(**jwk))


def test_rs256_organization_signs_vc_jwts_that_pyjwt_and_jwcrypto_verify(
    client, learner, credential, staff_user
):
    organization = credential.organization
    assert services.issuer_rs256_set(organization=organization, enabled=True, actor=staff_user)
    assert not services.issuer_rs256_set(organization=organization, enabled=True, actor=staff_user)
    badge = award_row(learner=learner, credential=credential).badge
    token = badge.ob3_jwt
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    jwks = _jwks(client, badge)
    assert {k["alg"] for k in jwks} == {"RS256", "EdDSA"}  # JWKS publishes both
    jwk = next(k for k in jwks if k["kid"] == header["kid"])
    assert "d" not in jwk and jwk["kty"] == "RSA"
    pyjwt.decode(token, pyjwt.PyJWK(jwk).key, algorithms=["RS256"])
    verified = jwcrypto_jws.JWS()
    verified.deserialize(token)
    verified.verify(jwcrypto_jwk.JWK(**jwk))
    # The JSON still carries an Ed25519 Data Integrity proof, and both verify here.
    assert json.loads(badge.ob3_json)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert api(client, credential=token)["verified"] is True
    assert api(client, credential=badge.ob3_json)["verified"] is True
    # Rotation replaces both keys; earlier badges keep verifying.
    new_keys = services.issuer_key_rotate(organization=organization, actor=staff_user)
    assert sorted(k.algorithm for k in new_keys) == ["EdDSA", "RS256"]
    assert api(client, credential=token)["verified"] is True
    # Back to EdDSA: the RSA key stays published.
    services.issuer_rs256_set(organization=organization, enabled=False, actor=staff_user)
    later = award_row(learner=learner, credential=CredentialFactory(organization=organization))
    assert pyjwt.get_unverified_header(later.badge.ob3_jwt)["alg"] == "EdDSA"
    assert len([k for k in _jwks(client, badge) if k["alg"] == "RS256"]) == 2


def test_status_list_is_a_signed_credential_by_default(client, our_badge):
    status = json.loads(our_badge.ob3_json)["credentialStatus"]
    response = client.get(path_of(status["statusListCredential"]))
    listing = response.json()
    proof = listing["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    key = data_integrity.public_key_from_multikey(proof["verificationMethod"].split("#")[1])
    data_integrity.verify(listing, proof, key)
    ours = [k for k in _jwks(client, our_badge) if k["kty"] == "OKP"]
    raw = base64.urlsafe_b64decode(ours[0]["x"] + "==")
    assert key.public_bytes_raw() == raw
    listing["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA"
    with pytest.raises(data_integrity.ProofError):
        data_integrity.verify(listing, proof, key)


# --- alignment ----------------------------------------------------------------------------


def test_alignments_staff_enter_in_admin_are_published_in_ob3_and_ob2(
    client, staff_client, learner, credential
):
    response = staff_client.post(
        "/admin/badges/achievementalignment/add/",
        {
            "credential": credential.pk,
            "target_type": "CFItem",
            "target_name": "Uses formative assessment",
            "target_url": "https://case.example.org/uri/6b1c-42",
            "target_code": "FA.1",
            "target_framework": "State teaching standards",
            "target_description": "",
            "position": 0,
        },
    )
    assert response.status_code == 302, response.content
    badge = award_row(learner=learner, credential=credential).badge
    alignments = json.loads(badge.ob3_json)["credentialSubject"]["achievement"]["alignment"]
    assert {
        "type": ["Alignment"],
        "targetName": "Uses formative assessment",
        "targetUrl": "https://case.example.org/uri/6b1c-42",
        "targetType": "CFItem",
        "targetCode": "FA.1",
        "targetFramework": "State teaching standards",
    } in alignments
    badgeclass = client.get(f"/badges/credentials/{credential.uuid}/badgeclass.json").json()
    assert any(a.get("targetCode") == "FA.1" for a in badgeclass["alignment"])
    assert api(client, credential=badge.ob3_json)["verified"] is True


# --- crafted input and limits -------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<svg xmlns="http://www.w3.org/2000/svg">&lol2;</svg>"""


@pytest.mark.parametrize(
    "text",
    [
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJ9.",
        "[]",
        '{"@context": 5, "proof": [1, {"type": "DataIntegrityProof"}]}',
        '{"type": "Assertion", "verification": {"type": "HostedBadge"}, "id": 7}',
        '{"credentialStatus": {"type": "BitstringStatusListEntry", "statusListIndex": "-1"}}',
        '{"@context": [{"@vocab": {"x": 1}}], "proof": {"type": "DataIntegrityProof",'
        ' "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": "did:key:z6Mkx",'
        ' "proofValue": "z1"}}',
        "\x00" * 100,
        "eyJhbGciOiJSUzI1NiIsImtpZCI6Imh0dHA6Ly8xMjcuMC4wLjEvIn0.e30.AAAA",
        "[" * 50_000,
        '{"credentialSubject": ' * 20_000,
        "eyJhbGciOiJFZERTQSJ9."
        + base64.urlsafe_b64encode(b"[" * 60_000).decode().rstrip("=")
        + ".AAAA",
    ],
    ids=range(12),
)
def test_crafted_text_never_gives_a_server_error(client, text):
    response = client.post("/badges/verify/api/", {"credential": text})
    assert response.status_code in (200, 400)
    report = response.json()
    assert report.get("verified") is not True
    assert client.post("/badges/verify/", {"credential": text}).status_code == 200


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x10IHDR\x00\x00",
        BILLION_LAUGHS,
        b"<svg><unclosed>",
        b"GIF89a....",
    ],
)
def test_crafted_images_never_give_a_server_error(client, content):
    report = api(client, image=_upload("x.svg", content))
    assert report["verified"] is False
    assert results(report) == {"format": "failed"}


def test_oversized_upload_and_empty_input_are_refused_beside_the_field(client):
    big = _upload("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (verifier.MAX_INPUT_BYTES + 1))
    response = client.post("/badges/verify/", {"image": big})
    assert response.status_code == 200
    assert "The file is larger than 2 MB." in response.content.decode()
    response = client.post("/badges/verify/api/", {})
    assert response.status_code == 400
    assert (
        "Paste a credential, choose a badge image or give its web address."
        in (response.json()["error"])
    )


def test_verifications_are_rate_limited_per_address(client, our_badge):
    for _ in range(30):
        client.post("/badges/verify/api/", {"credential": "a.b.c"})
    response = client.post("/badges/verify/api/", {"credential": our_badge.ob3_jwt})
    assert response.status_code == 429
    page = client.post("/badges/verify/", {"credential": our_badge.ob3_jwt})
    assert page.status_code == 429
    assert "Too many verifications" in page.content.decode()


def test_the_page_shows_each_check_with_its_reason(client, our_badge):
    page = client.get("/badges/verify/")
    assert page.status_code == 200
    response = client.post("/badges/verify/", {"credential": our_badge.ob3_jwt})
    html = response.content.decode()
    assert "Verified: every check passed." in html
    assert "The issuer&#x27;s status list does not mark it revoked." in html
    assert "Northfield Teaching Institute" in html


# --- other issuers' documents, fetched from an imitation issuer ----------------------------


@pytest.fixture
def issuer_site(settings):
    from tests.badges.issuer_server import IssuerServer

    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    settings.SAFE_FETCH_TIMEOUT = 3.0
    with IssuerServer() as server:
        yield server


def encoded_list(revoked: set[int], size: int = 131072) -> str:
    import gzip

    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits))
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def did_web_issuer(site, private: Ed25519PrivateKey) -> str:
    port = site.origin.rsplit(":", 1)[1]
    did = f"did:web:127.0.0.1%3A{port}"
    site.serve_json(
        "/.well-known/did.json",
        {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": did,
            "verificationMethod": [
                {
                    "id": f"{did}#key-1",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": data_integrity.multikey(private.public_key()),
                }
            ],
            "assertionMethod": [f"{did}#key-1"],
        },
    )
    return did


def test_did_web_issuer_with_a_bitstring_status_list_is_verified_and_revocation_seen(
    client, issuer_site
):
    private = Ed25519PrivateKey.generate()
    did = did_web_issuer(issuer_site, private)
    listing = {
        "@context": [VC],
        "id": issuer_site.origin + "/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": issuer_site.origin + "/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list({3}),
        },
    }
    list_url = issuer_site.serve_json("/status/1", listing)

    def issued(index: int) -> str:
        document = foreign_credential(
            did,
            credentialStatus={
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": list_url,
            },
        )
        signed = data_integrity.sign(
            document,
            private_key=private,
            verification_method=f"{did}#key-1",
            created="2024-01-01T00:00:00Z",
        )
        return json.dumps(signed)

    report = api(client, credential=issued(2))
    assert report["verified"] is True, report
    assert detail(report, "issuer_key") == "The key is the issuer's own."
    assert detail(report, "not_revoked") == (
        "The issuer's status list (which is not signed) does not mark it revoked."
    )
    revoked = api(client, credential=issued(3))
    assert results(revoked)["not_revoked"] == "failed"
    assert "/.well-known/did.json" in issuer_site.requests

    # Signed by the issuer's key, the list is trusted as such...
    signed_list = data_integrity.sign(
        listing,
        private_key=private,
        verification_method=f"{did}#key-1",
        created="2024-01-01T00:00:00Z",
    )
    issuer_site.serve_json("/status/1", signed_list)
    report = api(client, credential=issued(2))
    assert detail(report, "not_revoked") == "The issuer's status list does not mark it revoked."
    # ...a list altered after signing, or published by someone else, is refused.
    issuer_site.serve_json("/status/1", {**signed_list, "validFrom": "2025-01-01T00:00:00Z"})
    report = api(client, credential=issued(2))
    assert detail(report, "not_revoked") == "The status list's proof does not verify."
    issuer_site.serve_json("/status/1", {**listing, "issuer": "did:example:someone-else"})
    report = api(client, credential=issued(2))
    assert detail(report, "not_revoked") == "The status list is published by another issuer."


def test_did_web_jwt_signed_with_jwcrypto_verifies(client, issuer_site):
    private = Ed25519PrivateKey.generate()
    did = did_web_issuer(issuer_site, private)
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "JWT", "kid": f"{did}#key-1"},
        claims=jwt_claims(foreign_credential(did)),
    )
    token.make_signed_token(jwcrypto_jwk.JWK.from_pyca(private))
    report = api(client, credential=token.serialize())
    assert report["verified"] is True, report


def test_credential_given_by_its_address_is_fetched_and_verified(
    client, issuer_site, our_badge, settings
):
    private = Ed25519PrivateKey.generate()
    issuer = did_key(private)
    token = pyjwt.encode(
        jwt_claims(foreign_credential(issuer)), private, algorithm="EdDSA", headers={"kid": issuer}
    )
    url = issuer_site.serve("/badges/teamwork.jwt", "application/vc+jwt", token.encode())
    assert api(client, url=url)["verified"] is True
    png = client.get(f"/badges/{our_badge.award.uuid}/badge.png").content
    image_url = issuer_site.serve("/badge.png", "image/png", png)
    assert api(client, url=image_url)["verified"] is True
    # Our own public award's address is read as a stranger would get it.
    own = f"{settings.SITE_URL}/badges/{our_badge.award.uuid}/credential.json"
    assert api(client, url=own)["verified"] is True


def test_an_address_inside_our_network_is_refused(client, settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = False
    report = api(client, url="http://127.0.0.1:6379/")
    assert report["verified"] is False
    assert results(report) == {"format": "failed"}


def test_foreign_ob2_hosted_assertion_is_checked_against_its_host(client, issuer_site):
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": issuer_site.origin + "/badgeclass.json",
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2024-01-01T00:00:00Z",
    }
    assertion["id"] = issuer_site.origin + "/assertions/1.json"
    issuer_site.serve_json("/assertions/1.json", assertion)
    report = api(client, credential=json.dumps(assertion))
    assert results(report) == {"hosted": "passed", "not_revoked": "passed"}
    issuer_site.serve_json("/assertions/1.json", {**assertion, "revoked": True})
    assert results(api(client, credential=json.dumps(assertion)))["not_revoked"] == "failed"


def test_foreign_ob2_signed_assertion_is_verified_with_its_creator_key(client, issuer_site):
    from cryptography.hazmat.primitives import serialization

    private = generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    creator = issuer_site.serve_json(
        "/key.json", {"type": "CryptographicKey", "publicKeyPem": pem.decode()}
    )
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:8c2f7f4e-9a0e-4d43-9d32-2b1b4d1c6f10",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": issuer_site.origin + "/badgeclass.json",
        "verification": {"type": "SignedBadge", "creator": creator},
        "issuedOn": "2024-01-01T00:00:00Z",
    }
    token = pyjwt.encode(assertion, private, algorithm="RS256")
    report = api(client, credential=token)
    assert report["form"] == "Open Badges 2.0 signed assertion"
    assert results(report) == {
        "signature": "passed",
        "issuer_key": "unchecked",
        "not_revoked": "unchecked",
    }
    other = generate_private_key(public_exponent=65537, key_size=2048)
    forged = pyjwt.encode(assertion, other, algorithm="RS256")
    assert results(api(client, credential=forged))["signature"] == "failed"


# 1EdTech/openbadges-specification ob_v3p0/examples/achievementAlignmentCase.html,
# with the contexts and validFrom of Open Badges 3.0.3, and the issuer moved to a
# did:web served by the imitation issuer (the example's example.edu cannot be fetched).
ONE_EDTECH_CASE_EXAMPLE = {
    "@context": [VC, OB3],
    "id": "http://example.edu/credentials/3732",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "name": "Example University",
    },
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Example University Degree",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://1edtech.edu/achievements/1",
            "type": ["Achievement"],
            "criteria": {
                "narrative": "Cite strong and thorough textual evidence to support analysis of what"
                " the text says explicitly as well as inferences drawn from the text, including"
                " determining where the text leaves matters uncertain"
            },
            "description": "Analyze a sample text",
            "name": "Text analysis",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetCode": "74f5bb7d-d7cc-11e8-824f-0242ac160002",
                    "targetFramework": "Alabama Course of Study: English Language Arts",
                    "targetName": "Cite strong and thorough textual evidence to support analysis"
                    " of what the text says explicitly as well as inferences drawn from the text,"
                    " including determining where the text leaves matters uncertain",
                    "targetType": "CFItem",
                    "targetUrl": "https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002",
                }
            ],
        },
    },
}


def test_the_1edtech_case_alignment_example_verifies_as_jwt_and_with_a_proof(client, issuer_site):
    ed_private = Ed25519PrivateKey.generate()
    did = did_web_issuer(issuer_site, ed_private)
    rsa_private = generate_private_key(public_exponent=65537, key_size=2048)
    rsa_jwk = jwcrypto_jwk.JWK.from_pyca(rsa_private)
    did_document = {
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": data_integrity.multikey(ed_private.public_key()),
            },
            {
                "id": f"{did}#rsa",
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": json.loads(rsa_jwk.export_public()),
            },
        ],
    }
    issuer_site.serve_json("/.well-known/did.json", did_document)
    example = json.loads(json.dumps(ONE_EDTECH_CASE_EXAMPLE))
    example["issuer"]["id"] = did

    token = jwcrypto_jwt.JWT(
        header={"alg": "RS256", "typ": "JWT", "kid": f"{did}#rsa"},
        claims={
            **example,
            "iss": did,
            "jti": example["id"],
            "sub": example["credentialSubject"]["id"],
        },
    )
    token.make_signed_token(rsa_jwk)
    report = api(client, credential=token.serialize())
    assert report["verified"] is True, report
    assert report["achievement"] == "Text analysis"

    signed = data_integrity.sign(
        example,
        private_key=ed_private,
        verification_method=f"{did}#key-1",
        created="2024-01-01T00:00:00Z",
    )
    assert api(client, credential=json.dumps(signed))["verified"] is True
    # The alignment is signed too: changing its code breaks the proof.
    signed["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "other"
    assert results(api(client, credential=json.dumps(signed)))["signature"] == "failed"
