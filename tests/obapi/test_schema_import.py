"""Imports are checked against the Open Badges 3.0 schema: an upload that
departs from it is kept but shown as not verified with the reason; the API
refuses it (and a Profile that departs from it) with the specification's error
document, never a server error."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt

from badges import data_integrity
from obapi.models import EarnerProfile, ImportedCredential
from tests.obapi.fixtures import foreign_credential, signed_jwt
from tests.obapi.oauth import ALL_SCOPES, bearer, connect

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]
API = "/ims/ob/v3p0"
MINOR = "imsx_codeMinorFieldValue"


@pytest.fixture
def token(client, learner_client):
    return connect(client, learner_client, scope=ALL_SCOPES)["access_token"]


def without_criteria_jwt() -> str:
    """A VC-JWT from another issuer whose signature verifies, but whose
    achievement lacks the criteria the data model requires."""
    private = Ed25519PrivateKey.generate()
    issuer = "did:key:" + data_integrity.multikey(private.public_key())
    document = foreign_credential(issuer)
    del document["credentialSubject"]["achievement"]["criteria"]
    claims = {**document, "iss": issuer, "jti": document["id"], "sub": "did:example:learner"}
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer}#{issuer[8:]}"}, claims=claims
    )
    token.make_signed_token(jwcrypto_jwk.JWK.from_pyca(private))
    return token.serialize()


def test_an_upload_failing_the_schema_is_kept_and_shown_not_verified_with_the_reason(
    learner_client, learner
):
    response = learner_client.post("/earner/import/", {"text": without_criteria_jwt()}, follow=True)
    assert response.status_code == 200
    row = ImportedCredential.objects.get(owner=learner)
    assert row.verified is False
    checks = {c["check"]: c for c in row.verification["checks"]}
    assert checks["signature"]["result"] == "passed"
    assert checks["json_schema"]["result"] == "failed"
    reason = "$.credentialSubject.achievement.criteria: is required but missing"
    assert reason in checks["json_schema"]["detail"]
    page = learner_client.get("/earner/").content.decode()
    assert "Not verified" in page and "Schema" in page and reason in page


def test_an_upload_passing_the_schema_shows_the_check_passed(learner_client, learner):
    learner_client.post("/earner/import/", {"text": signed_jwt()}, follow=True)
    row = ImportedCredential.objects.get(owner=learner)
    checks = {c["check"]: c["result"] for c in row.verification["checks"]}
    assert checks["json_schema"] == "passed"


def test_upsert_refuses_a_credential_failing_the_schema_in_the_spec_shape(client, token, learner):
    document = foreign_credential("https://elsewhere.example/issuer")
    document["credentialSubject"]["achievement"]["achievementType"] = "Workshop"
    document["validFrom"] = "yesterday"
    for body, kind in (
        (json.dumps(document), "application/json"),
        (without_criteria_jwt(), "text/plain"),
    ):
        response = client.post(f"{API}/credentials", body, content_type=kind, **bearer(token))
        assert response.status_code == 400, response.content
        answer = response.json()
        assert answer["imsx_codeMajor"] == "failure"
        assert answer["imsx_codeMinor"]["imsx_codeMinorField"][0][MINOR] == "invalid_data"
        assert "Open Badges 3.0 schema" in answer["imsx_description"]
    assert (
        '$.validFrom: "yesterday" is not a date and time'
        in (
            client.post(
                f"{API}/credentials", json.dumps(document), "application/json", **bearer(token)
            ).json()["imsx_description"]
        )
    )
    assert not ImportedCredential.objects.filter(owner=learner).exists()


def test_upsert_of_hostile_json_is_4xx_never_5xx(client, token):
    deep = "[" * 5000 + "]" * 5000
    for body in (
        json.dumps({"type": {"$ref": "#"}, "@context": {"@context": None}}),
        json.dumps({"credentialSubject": [[[[{"achievement": 1e308}]]]], "validFrom": 10**300}),
        '{"a": ' + deep + "}",
    ):
        response = client.post(
            f"{API}/credentials", body, content_type="application/json", **bearer(token)
        )
        assert 400 <= response.status_code < 500, body[:80]


def test_an_upload_nested_too_deeply_is_refused_beside_the_field(learner_client, learner):
    response = learner_client.post("/earner/import/", {"text": "[" * 5000 + "]" * 5000})
    assert response.status_code == 400
    assert not ImportedCredential.objects.filter(owner=learner).exists()


def test_put_profile_refuses_a_profile_failing_the_schema(client, token, learner):
    profile = client.get(f"{API}/profile", **bearer(token)).json()
    profile.update(name="Changed", image="https://lee.example/me.png")
    response = client.put(
        f"{API}/profile", json.dumps(profile), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 400
    answer = response.json()
    assert answer["imsx_codeMinor"]["imsx_codeMinorField"][0][MINOR] == "invalid_data"
    assert "$.image: must be an object" in answer["imsx_description"]
    assert EarnerProfile.objects.get(user=learner).display_name != "Changed"
