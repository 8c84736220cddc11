"""OAuth 2.0 Authorization Server Metadata (RFC 8414) at the site's root: the
same server the Open Badges service description document points at."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from obapi.openapi import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from tests.obapi.oauth import approve, authorize_url, pkce_pair, register

pytestmark = pytest.mark.django_db

WELL_KNOWN = "/.well-known/oauth-authorization-server"


def test_the_root_metadata_names_the_endpoints_the_discovery_document_gives(client):
    response = client.get(WELL_KNOWN)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    metadata = response.json()
    discovery = client.get("/ims/ob/v3p0/discovery").json()
    oauth = discovery["components"]["securitySchemes"]["OAuth2ACG"]
    flow = oauth["flows"]["authorizationCode"]
    assert metadata["issuer"] == settings.SITE_URL
    assert metadata["authorization_endpoint"] == flow["authorizationUrl"]
    assert metadata["token_endpoint"] == flow["tokenUrl"]
    assert metadata["registration_endpoint"] == oauth["x-imssf-registrationUrl"]
    assert metadata["revocation_endpoint"] == settings.SITE_URL + "/o/revoke_token/"
    assert sorted(metadata["scopes_supported"]) == sorted(flow["scopes"])
    assert set(metadata["scopes_supported"]) == {
        CREDENTIAL_READ,
        CREDENTIAL_UPSERT,
        PROFILE_READ,
        PROFILE_UPDATE,
    }
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert "none" in metadata["token_endpoint_auth_methods_supported"]
    assert "client_secret_basic" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["service_documentation"] == settings.SITE_URL + "/ims/ob/v3p0/discovery"


def test_the_metadata_under_the_oauth_path_is_the_same_document(client):
    assert client.get("/o" + WELL_KNOWN).json() == client.get(WELL_KNOWN).json()


def test_the_authorization_response_names_the_issuer_the_metadata_gives(client, learner_client):
    """RFC 9207: a client compares the response's iss with the metadata's issuer."""
    issuer = client.get(WELL_KNOWN).json()["issuer"]
    registered = register(client)
    _verifier, challenge = pkce_pair()
    _page, answer = approve(
        learner_client, authorize_url(registered["client_id"], CREDENTIAL_READ, challenge)
    )
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer["Location"]).query)["iss"] == [issuer]


def test_a_client_registers_with_an_auth_method_the_metadata_offers(client):
    metadata = client.get(WELL_KNOWN).json()
    response = client.post(
        urlsplit(metadata["registration_endpoint"]).path,
        {
            "client_name": "Wallet",
            "redirect_uris": ["https://wallet.example/cb"],
            "grant_types": metadata["grant_types_supported"],
            "response_types": metadata["response_types_supported"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["client_secret"]


def test_the_metadata_is_read_only(client):
    response = client.post(WELL_KNOWN)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
