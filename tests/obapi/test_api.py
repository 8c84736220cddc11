"""The Open Badges 3.0 API: getCredentials with paging headers, upsertCredential
verified on import, getProfile/putProfile and the discovery document; each token
reaches its own user's data only."""

import json
import re

import pytest

from obapi.models import ImportedCredential
from obapi.openapi import (
    CREDENTIAL_READ,
    CREDENTIAL_UPSERT,
    PROFILE_READ,
    PROFILE_UPDATE,
)
from tests.badges.factories import award_row
from tests.obapi.fixtures import signed_jwt, unsigned_json
from tests.obapi.oauth import ALL_SCOPES, bearer, connect

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]
API = "/ims/ob/v3p0"


@pytest.fixture
def token(client, learner_client):
    return connect(client, learner_client, scope=ALL_SCOPES)["access_token"]


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response["Link"])}


def test_discovery_describes_the_api_and_points_at_our_oauth_endpoints(client):
    response = client.get(f"{API}/discovery")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.0")
    assert document["info"]["x-imssf-privacyPolicyUrl"].endswith("/earner/privacy/")
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["x-imssf-registrationUrl"].endswith("/o/register/")
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"].endswith("/o/authorize/")
    assert flow["tokenUrl"].endswith("/o/token/")
    assert set(flow["scopes"]) == {CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE}
    assert {"/credentials", "/profile", "/discovery"} <= set(document["paths"])


def test_get_credentials_pages_with_total_count_and_links(client, token, learner, credential):
    badge = award_row(learner=learner, credential=credential).badge
    for n in range(4):
        client.post(
            f"{API}/credentials",
            unsigned_json(ident=f"urn:uuid:00000000-0000-4000-8000-00000000000{n}"),
            content_type="application/json",
            **bearer(token),
        )
    first = client.get(f"{API}/credentials?limit=2", **bearer(token))
    assert first.status_code == 200
    assert first["X-Total-Count"] == "5"
    assert first.json()["compactJwsString"] == [badge.ob3_jwt]
    assert len(first.json()["credential"]) == 1
    rels = links(first)
    assert set(rels) == {"first", "next", "last"}
    assert "offset=4" in rels["last"] and "offset=2" in rels["next"]
    last = client.get(rels["last"].split("testserver")[1], **bearer(token))
    assert set(links(last)) == {"first", "prev", "last"}
    assert [c["id"] for c in last.json()["credential"]] == [
        "urn:uuid:00000000-0000-4000-8000-000000000003"
    ]


def test_bad_paging_is_400_in_the_spec_shape(client, token):
    for query in ("limit=0", "limit=abc", "offset=-1", "limit=1000"):
        response = client.get(f"{API}/credentials?{query}", **bearer(token))
        assert response.status_code == 400, query
        assert response.json()["imsx_codeMajor"] == "failure"


def test_a_token_never_reads_another_learners_credentials(
    client, learner_client, other_learner, credential, token
):
    award_row(learner=other_learner, credential=credential)
    ImportedCredential.objects.create(
        owner=other_learner,
        key="urn:theirs",
        source="upload",
        form="json",
        received_text=unsigned_json("urn:theirs"),
        verified_at="2026-01-01T00:00:00Z",
    )
    response = client.get(f"{API}/credentials", **bearer(token))
    assert response["X-Total-Count"] == "0"
    assert response.json() == {"credential": [], "compactJwsString": []}


def test_upsert_a_verified_vc_jwt_creates_then_replaces(client, token, learner):
    jwt = signed_jwt()
    created = client.post(f"{API}/credentials", jwt, content_type="text/plain", **bearer(token))
    assert created.status_code == 201
    assert created.content.decode() == jwt
    assert created["Content-Type"].startswith("text/plain")
    row = ImportedCredential.objects.get(owner=learner)
    assert row.verified is True
    assert row.source == "api" and row.client_name == "Backpack"
    assert row.name == "Teamwork" and row.issuer_name == "Elsewhere College"
    again = client.post(f"{API}/credentials", jwt, content_type="text/plain", **bearer(token))
    assert again.status_code == 200
    assert ImportedCredential.objects.filter(owner=learner).count() == 1
    listed = client.get(f"{API}/credentials", **bearer(token)).json()
    assert listed["compactJwsString"] == [jwt]


def test_upsert_an_unverified_credential_is_kept_and_marked_not_verified(
    client, token, learner, learner_client
):
    body = unsigned_json()
    response = client.post(
        f"{API}/credentials", body, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 201
    assert json.loads(response.content) == json.loads(body)
    row = ImportedCredential.objects.get(owner=learner)
    assert row.verified is False
    assert any(check["result"] == "failed" for check in row.verification["checks"])
    page = learner_client.get("/earner/").content.decode()
    assert "Not verified" in page and "Teamwork" in page


def test_upsert_refuses_what_is_not_a_credential(client, token):
    for body, kind in (
        ("hello", "text/plain"),
        ("[1]", "application/json"),
        ("{", "application/json"),
    ):
        response = client.post(f"{API}/credentials", body, content_type=kind, **bearer(token))
        assert response.status_code == 400, body
        assert (
            response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
            == "invalid_data"
        )
    response = client.post(f"{API}/credentials", "x", content_type="image/gif", **bearer(token))
    assert response.status_code == 415


def test_get_and_put_profile(client, token, learner):
    profile = client.get(f"{API}/profile", **bearer(token)).json()
    assert profile["type"] == "Profile"
    assert profile["email"] == learner.email
    assert profile["name"] == learner.name
    profile.update(name="Lee L.", description="Grade 5 teacher", url="https://lee.example")
    response = client.put(
        f"{API}/profile", json.dumps(profile), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 200
    assert response.json()["description"] == "Grade 5 teacher"
    again = client.get(f"{API}/profile", **bearer(token)).json()
    assert again["name"] == "Lee L." and again["url"] == "https://lee.example"


def test_put_profile_refuses_bad_data_and_another_profiles_id(client, token):
    for document in (
        {"type": "Achievement"},
        {"type": "Profile", "id": "https://elsewhere.example/someone"},
        {"type": "Profile", "url": "not a url"},
        {"type": "Profile", "name": 5},
    ):
        response = client.put(
            f"{API}/profile", json.dumps(document), content_type="application/json", **bearer(token)
        )
        assert response.status_code == 400, document


def test_methods_not_in_the_spec_are_405(client, token):
    response = client.delete(f"{API}/credentials", **bearer(token))
    assert response.status_code == 405
    assert response.json()["imsx_codeMajor"] == "failure"
