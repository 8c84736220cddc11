"""The Open Badges 3.0 JSON schema check: our credentials in every form pass,
the specification's own minimal examples pass, and each departure from the data
model fails with the JSON path and the reason, on the verify page and its API."""

import base64
import html
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt

from badges import data_integrity, schema, verifier
from tests.badges.factories import award_row

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

VC = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def spec_minimal(**extra) -> dict:
    """The smallest OpenBadgeCredential the Open Badges 3.0 data model allows,
    as its basic example builds it."""
    return {
        "@context": [VC, OB3],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.com/issuers/876543", "type": ["Profile"]},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {"narrative": "Team members are nominated for this badge by peers."},
                "description": "This badge recognizes the development of teamwork skills.",
                "name": "Teamwork",
            },
        },
        **extra,
    }


def signed(document: dict) -> str:
    """The document with a Data Integrity proof by a did:key that is its
    issuer, so that every other check passes and only the schema can fail."""
    private = Ed25519PrivateKey.generate()
    did = "did:key:" + data_integrity.multikey(private.public_key())
    document = json.loads(json.dumps(document))
    if isinstance(document.get("issuer"), dict):
        document["issuer"]["id"] = did
    return json.dumps(
        data_integrity.sign(
            document,
            private_key=private,
            verification_method=f"{did}#{did[8:]}",
            created="2024-01-01T00:00:00Z",
        )
    )


def checks(report: dict) -> dict[str, dict]:
    return {check["check"]: check for check in report["checks"]}


def api(client, **data) -> dict:
    response = client.post("/badges/verify/api/", data)
    assert response.status_code == 200, response.content
    return response.json()


def page(client, text: str) -> str:
    response = client.post("/badges/verify/", {"credential": text})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def our_badge(learner, credential):
    return award_row(learner=learner, credential=credential).badge


# --- what passes --------------------------------------------------------------------------


def test_our_credential_passes_the_schema_in_every_form(client, our_badge):
    png = client.get(f"/badges/{our_badge.award.uuid}/badge.png").content
    svg = client.get(f"/badges/{our_badge.award.uuid}/badge.svg").content
    for report in (
        api(client, credential=our_badge.ob3_jwt),
        api(client, credential=our_badge.ob3_json),
        api(client, image=SimpleUploadedFile("badge.png", png)),
        api(client, image=SimpleUploadedFile("badge.svg", svg)),
    ):
        row = checks(report)["json_schema"]
        assert row["label"] == "Schema"
        assert row["result"] == "passed", row
        assert "Open Badges 3.0 AchievementCredential" in row["detail"]
        assert report["verified"] is True


def test_our_documents_have_no_schema_problem(our_badge):
    assert schema.credential_problems(json.loads(our_badge.ob3_json)) == []
    payload = our_badge.ob3_jwt.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert schema.jwt_payload_problems(claims) == []


def test_the_specifications_minimal_credential_passes():
    assert schema.credential_problems(spec_minimal()) == []
    # AchievementCredential is the same type by its other name; a Profile issuer may be a URI.
    other = spec_minimal(type=["VerifiableCredential", "AchievementCredential"])
    other["issuer"] = "https://example.com/issuers/876543"
    assert schema.credential_problems(other) == []
    # Extension values are allowed wherever the data model has an extensible enumeration.
    extended = spec_minimal()
    extended["credentialSubject"]["achievement"]["achievementType"] = "ext:SkillsBadge"
    assert schema.credential_problems(extended) == []


def test_a_vc_1_1_jwt_whose_claims_carry_issuer_id_and_date_passes():
    credential = spec_minimal()
    credential["@context"] = [VC1, OB3]
    for name in ("id", "issuer", "validFrom"):
        credential.pop(name)
    claims = {
        "vc": credential,
        "iss": "https://example.com/issuers/876543",
        "jti": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "nbf": 1262304000,
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
    }
    assert schema.jwt_payload_problems(claims) == []
    claims.pop("nbf")
    assert [str(p) for p in schema.jwt_payload_problems(claims)] == [
        "$: validFrom (or, in a VC 1.1 credential, issuanceDate) is required"
    ]


def test_the_specifications_profile_passes_the_profile_schema():
    profile = {
        "@context": [VC, OB3],
        "id": "https://example.edu/issuers/565049",
        "type": "Profile",
        "name": "Example University",
        "email": "badges@example.edu",
        "url": "https://example.edu",
        "address": {"type": ["Address"], "addressCountryCode": "US"},
    }
    assert schema.profile_problems(profile) == []
    profile["type"] = ["Organization"]
    assert [str(p) for p in schema.profile_problems(profile)] == [
        "$.type: the types must include Profile"
    ]


# --- what fails, and why ------------------------------------------------------------------


def test_a_missing_achievement_fails_with_its_path_on_the_verify_page(client):
    document = spec_minimal()
    del document["credentialSubject"]["achievement"]
    text = signed(document)
    report = api(client, credential=text)
    row = checks(report)["json_schema"]
    assert row["result"] == "failed"
    assert "$.credentialSubject.achievement: is required but missing" in row["detail"]
    assert checks(report)["signature"]["result"] == "passed"
    assert report["verified"] is False
    shown = page(client, text)
    assert "Not verified: at least one check failed." in shown
    assert "Schema" in shown
    assert "$.credentialSubject.achievement: is required but missing" in shown


def test_a_credential_of_the_wrong_type_fails_the_schema(client):
    text = signed(spec_minimal(type=["VerifiableCredential", "Achievement"]))
    shown = page(client, text)
    assert "$.type: the types must include OpenBadgeCredential (or AchievementCredential)" in shown


def test_a_date_without_time_zone_fails_the_schema(client):
    text = signed(spec_minimal(validFrom="2024-01-01T00:00:00"))
    detail = checks(api(client, credential=text))["json_schema"]["detail"]
    assert '$.validFrom: "2024-01-01T00:00:00" is not a date and time with a time zone' in detail
    impossible = spec_minimal(validFrom="2024-02-30T00:00:00Z")
    assert [str(p) for p in schema.credential_problems(impossible)] == [
        '$.validFrom: "2024-02-30T00:00:00Z" is not a date and time with a time zone '
        "(e.g. 2024-01-31T15:00:00Z)"
    ]


def test_an_achievement_type_outside_the_enumeration_fails_the_schema(client):
    document = spec_minimal()
    document["credentialSubject"]["achievement"]["achievementType"] = "Microcredential"
    shown = page(client, signed(document))
    assert (
        '$.credentialSubject.achievement.achievementType: "Microcredential" is not an '
        "Open Badges 3.0 achievement type, nor an extension (ext:Name)"
    ) in shown


def test_our_own_credential_tampered_fails_the_schema_as_well_as_the_signature(client, our_badge):
    document = json.loads(our_badge.ob3_json)
    document["credentialSubject"]["achievement"]["alignment"][0]["targetType"] = "Skill"
    report = api(client, credential=json.dumps(document))
    assert checks(report)["signature"]["result"] == "failed"
    assert (
        '$.credentialSubject.achievement.alignment[0].targetType: "Skill" is not an Open '
        "Badges 3.0 alignment target type"
    ) in checks(report)["json_schema"]["detail"]


def test_only_the_first_problems_are_listed_with_a_count_of_the_rest():
    report = verifier.Report()
    schema.check(report, {"type": "nothing"})
    (row,) = report.checks
    assert row.passed is False
    assert row.detail.count("is required but missing") == 3
    assert row.detail.endswith("more)")


def test_the_reasons_are_translated():
    document = spec_minimal()
    del document["credentialSubject"]["achievement"]
    report = verifier.Report()
    with translation.override("es"):
        schema.check(report, document)
    (row,) = report.checks
    assert row.label == "Esquema"
    assert "$.credentialSubject.achievement:" in row.detail
    assert "is required" not in row.detail


# --- hostile input ------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["@context", "type", "issuer", "credentialSubject", "achievement", "id", "proof"]
                + ["validFrom", "alignment", "achievementType", "criteria", "credentialStatus"]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=JSON)
def test_any_json_value_gives_problems_never_an_exception(document):
    report = verifier.Report()
    schema.check(report, document)
    schema.check(report, document, from_jwt=True)
    assert all(row.key == "json_schema" for row in report.checks)
    schema.profile_problems(document)


def test_deep_nesting_and_odd_values_are_problems_not_server_errors(client):
    deep: dict = {}
    cursor = deep
    for _level in range(3000):
        cursor["name"] = {}
        cursor = cursor["name"]
    problems = schema.credential_problems({**spec_minimal(), "name": deep})
    assert problems[0].path in ("$", "$.name")
    for odd in (
        spec_minimal(validFrom=10**400),
        spec_minimal(issuer={"id": "x" * 100_000, "type": "Profile"}),
        {"@context": [VC, OB3], "type": ["VerifiableCredential", "OpenBadgeCredential"] * 500},
    ):
        assert api(client, credential=json.dumps(odd))["verified"] is False
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "JWT", "kid": "did:key:z6Mk"},
        claims={"vc": "not an object", "nbf": 10**30},
    )
    token.make_signed_token(jwcrypto_jwk.JWK.from_pyca(Ed25519PrivateKey.generate()))
    assert api(client, credential=token.serialize())["verified"] is False
