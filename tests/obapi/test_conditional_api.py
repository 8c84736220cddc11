"""Conditional GET on getCredentials and getProfile: a client holding the
current answer gets 304 Not Modified; the tag is per earner and the answer
varies with the token, so no one is ever answered from another's copy."""

import json

import pytest
from django.test import Client

from obapi.openapi import CREDENTIAL_READ, PROFILE_READ
from tests.obapi.fixtures import unsigned_json
from tests.obapi.oauth import ALL_SCOPES, bearer, connect

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]
API = "/ims/ob/v3p0"


@pytest.fixture
def token(client, learner_client):
    return connect(client, learner_client, scope=ALL_SCOPES)["access_token"]


@pytest.fixture
def other_token(other_client):
    return connect(Client(), other_client, scope=f"{CREDENTIAL_READ} {PROFILE_READ}")[
        "access_token"
    ]


@pytest.mark.parametrize("path", ["/credentials", "/profile"])
def test_a_current_copy_gets_304_with_no_body(client, token, path):
    first = client.get(API + path, **bearer(token))
    assert first.status_code == 200
    assert first["ETag"]
    assert "Authorization" in first["Vary"]
    assert "private" in first["Cache-Control"]
    again = client.get(API + path, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(token))
    assert again.status_code == 304
    assert again.content == b""
    assert "Authorization" in again["Vary"]


def test_an_import_changes_the_credentials_tag(client, token):
    first = client.get(f"{API}/credentials", **bearer(token))
    client.post(
        f"{API}/credentials",
        unsigned_json(ident="urn:uuid:00000000-0000-4000-8000-000000000001"),
        content_type="application/json",
        **bearer(token),
    )
    after = client.get(f"{API}/credentials", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(token))
    assert after.status_code == 200
    assert len(after.json()["credential"]) == 1
    assert after["ETag"] != first["ETag"]


def test_another_earners_token_never_matches_a_tag(client, token, other_token):
    # Both hold nothing, so the two answers' bodies are the same: the tags still differ.
    mine = client.get(f"{API}/credentials", **bearer(token))
    theirs = client.get(
        f"{API}/credentials", HTTP_IF_NONE_MATCH=mine["ETag"], **bearer(other_token)
    )
    assert theirs.status_code == 200
    assert theirs.content == mine.content
    assert theirs["ETag"] != mine["ETag"]
    profile = client.get(f"{API}/profile", **bearer(token))
    other_profile = client.get(
        f"{API}/profile", HTTP_IF_NONE_MATCH=profile["ETag"], **bearer(other_token)
    )
    assert other_profile.status_code == 200
    assert other_profile.json()["id"] != profile.json()["id"]


def test_a_tag_without_a_valid_token_is_still_401(client, token):
    first = client.get(f"{API}/credentials", **bearer(token))
    response = client.get(
        f"{API}/credentials", HTTP_IF_NONE_MATCH=first["ETag"], **bearer("not-a-token")
    )
    assert response.status_code == 401


def test_a_profile_change_changes_the_profile_tag(client, token):
    first = client.get(f"{API}/profile", **bearer(token))
    changed = client.put(
        f"{API}/profile",
        json.dumps({**first.json(), "name": "Lee L."}),
        content_type="application/json",
        **bearer(token),
    )
    assert changed.status_code == 200, changed.content
    after = client.get(f"{API}/profile", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(token))
    assert after.status_code == 200
    assert after.json()["name"] == "Lee L."
