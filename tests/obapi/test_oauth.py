"""The OAuth 2.0 side of the Open Badges API: dynamic registration, the consent
page, PKCE (S256 only), scopes and revocation, through django-oauth-toolkit."""

import hashlib

import pytest
from oauth2_provider.models import AccessToken, Application, Grant

from audit.models import AuditEvent
from obapi.openapi import CREDENTIAL_READ, PROFILE_READ, SCOPE_DESCRIPTIONS
from tests.obapi.oauth import (
    ALL_SCOPES,
    approve,
    authorize_url,
    bearer,
    code_from,
    connect,
    exchange,
    pkce_pair,
    register,
)

pytestmark = pytest.mark.django_db


def test_a_client_registers_itself_and_the_metadata_names_the_endpoint(client):
    registered = register(client, name="Backpack")
    assert registered["client_id"]
    assert registered["registration_access_token"]
    app = Application.objects.get(client_id=registered["client_id"])
    assert app.name == "Backpack"
    assert app.client_type == Application.CLIENT_PUBLIC
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["registration_endpoint"].endswith("/o/register/")
    assert "S256" in metadata["code_challenge_methods_supported"]
    assert "plain" not in metadata["code_challenge_methods_supported"]


def test_the_consent_page_names_the_app_and_each_permission_in_words(client, learner_client):
    registered = register(client, name="Backpack")
    _verifier, challenge = pkce_pair()
    page = learner_client.get(
        authorize_url(registered["client_id"], f"{CREDENTIAL_READ} {PROFILE_READ}", challenge)
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Connect Backpack to your account?" in html
    assert str(SCOPE_DESCRIPTIONS[CREDENTIAL_READ]) in html
    assert str(SCOPE_DESCRIPTIONS[PROFILE_READ]) in html
    assert "https://backpack.example/callback" in html
    # Answering the form may send the browser on to the app's validated address.
    assert (
        "form-action 'self' https://checkout.stripe.com https://backpack.example"
        in (page["Content-Security-Policy"])
    )


def test_the_consent_page_asks_an_anonymous_visitor_to_sign_in_first(client):
    registered = register(client)
    _verifier, challenge = pkce_pair()
    page = client.get(authorize_url(registered["client_id"], CREDENTIAL_READ, challenge))
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_approving_gives_a_code_that_the_verifier_turns_into_a_token(
    client, learner_client, learner
):
    token = connect(client, learner_client, scope=CREDENTIAL_READ)
    assert token["token_type"] == "Bearer"
    assert token["scope"] == CREDENTIAL_READ
    raw = token["access_token"]
    stored = AccessToken.objects.get(token_checksum=hashlib.sha256(raw.encode()).hexdigest())
    assert stored.user == learner
    # Stored hashed (RFC 9700): a copy of the database yields no usable token.
    assert not AccessToken.objects.filter(token=raw).exists()
    event = AuditEvent.objects.get(verb="connected_app.approve")
    assert event.data["scopes"] == [CREDENTIAL_READ]


def test_denying_sends_the_learner_back_with_access_denied_and_no_code(client, learner_client):
    registered = register(client)
    _verifier, challenge = pkce_pair()
    _page, answer = approve(
        learner_client,
        authorize_url(registered["client_id"], CREDENTIAL_READ, challenge),
        allow=False,
    )
    assert answer.status_code == 302
    assert "error=access_denied" in answer["Location"]
    assert "code=" not in answer["Location"]


def test_a_wrong_code_verifier_gets_no_token(client, learner_client):
    registered = register(client)
    _verifier, challenge = pkce_pair()
    _page, answer = approve(
        learner_client, authorize_url(registered["client_id"], CREDENTIAL_READ, challenge)
    )
    response = exchange(client, registered["client_id"], code_from(answer), "not-the-verifier" * 4)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_plain_pkce_is_refused(client, learner_client):
    registered = register(client)
    verifier, _challenge = pkce_pair()
    page = learner_client.get(
        authorize_url(registered["client_id"], CREDENTIAL_READ, verifier, method="plain")
    )
    # Refused before any consent is asked.
    assert page.status_code == 400
    assert "only S256 is accepted" in page.content.decode()
    # A forged approval of a plain challenge gets an error back, never a code.
    url = authorize_url(registered["client_id"], CREDENTIAL_READ, verifier, method="plain")
    answer = learner_client.post(
        url,
        {
            "client_id": registered["client_id"],
            "redirect_uri": "https://backpack.example/callback",
            "response_type": "code",
            "scope": CREDENTIAL_READ,
            "state": "st4te",
            "code_challenge": verifier,
            "code_challenge_method": "plain",
            "allow": "Authorize",
        },
    )
    assert "code=" not in answer.get("Location", "")
    assert not Grant.objects.exists()


def test_a_request_without_pkce_is_refused(client, learner_client):
    registered = register(client)
    url = authorize_url(registered["client_id"], CREDENTIAL_READ, "x").replace(
        "&code_challenge=x&code_challenge_method=S256", ""
    )
    page = learner_client.get(url)
    assert "code=" not in page.get("Location", "")


def test_a_readonly_token_cannot_upsert_and_gets_403(client, learner_client):
    token = connect(client, learner_client, scope=CREDENTIAL_READ)
    response = client.post(
        "/ims/ob/v3p0/credentials",
        '{"id": "urn:x"}',
        content_type="application/json",
        **bearer(token["access_token"]),
    )
    assert response.status_code == 403
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == (
        "forbidden"
    )
    assert client.get("/ims/ob/v3p0/profile", **bearer(token["access_token"])).status_code == 403


def test_no_token_or_an_unknown_token_is_401_in_the_spec_shape(client):
    for headers in ({}, bearer("nonsense")):
        response = client.get("/ims/ob/v3p0/credentials", **headers)
        assert response.status_code == 401
        assert response.json()["imsx_severity"] == "error"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoking_from_connected_apps_ends_access_at_once(client, learner_client, learner):
    token = connect(client, learner_client, scope=ALL_SCOPES, name="Backpack")
    assert client.get("/ims/ob/v3p0/profile", **bearer(token["access_token"])).status_code == 200
    page = learner_client.get("/earner/apps/")
    assert "Backpack" in page.content.decode()
    app = Application.objects.get(client_id=token["client_id"])
    response = learner_client.post(f"/earner/apps/{app.pk}/revoke/", follow=True)
    assert "Backpack no longer has access." in response.content.decode()
    assert "No app is connected to your account." in response.content.decode()
    assert client.get("/ims/ob/v3p0/profile", **bearer(token["access_token"])).status_code == 401
    refreshed = client.post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": token["client_id"],
        },
    )
    assert refreshed.status_code == 400
    assert AuditEvent.objects.filter(verb="connected_app.revoke", actor=learner).count() == 1


def test_another_learner_cannot_revoke_or_see_my_apps(client, learner_client, other_client):
    token = connect(client, learner_client, scope=CREDENTIAL_READ, name="Backpack")
    app = Application.objects.get(client_id=token["client_id"])
    assert "Backpack" not in other_client.get("/earner/apps/").content.decode()
    other_client.post(f"/earner/apps/{app.pk}/revoke/")
    assert (
        client.get("/ims/ob/v3p0/credentials", **bearer(token["access_token"])).status_code == 200
    )


def test_open_registration_is_limited_per_address(client):
    from obapi.permissions import REGISTRATIONS_PER_HOUR

    for _ in range(REGISTRATIONS_PER_HOUR):
        register(client)
    refused = client.post(
        "/o/register/",
        {"client_name": "Spam", "redirect_uris": ["https://spam.example/cb"]},
        content_type="application/json",
    )
    assert refused.status_code in (401, 403)
    assert not Application.objects.filter(name="Spam").exists()


@pytest.mark.parametrize(
    "grants", [["client_credentials"], ["authorization_code", "client_credentials"]]
)
def test_a_client_cannot_register_for_a_grant_the_api_never_honours(client, grants):
    """A client_credentials token carries no learner: every API call would be
    refused, so the registration is refused at once, in RFC 7591's words."""
    response = client.post(
        "/o/register/",
        {
            "client_name": "Robot",
            "redirect_uris": ["https://robot.example/cb"],
            "grant_types": grants,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    assert "client_credentials" in response.json()["error_description"]
    assert not Application.objects.filter(name="Robot").exists()


def test_a_registered_client_cannot_switch_to_an_unoffered_grant(client):
    registered = register(client, name="Backpack")
    response = client.put(
        f"/o/register/{registered['client_id']}/",
        {
            "client_name": "Backpack",
            "redirect_uris": ["https://backpack.example/callback"],
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "none",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {registered['registration_access_token']}",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    app = Application.objects.get(client_id=registered["client_id"])
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE


def test_the_consent_page_speaks_spanish(client, learner_client):
    registered = register(client)
    _verifier, challenge = pkce_pair()
    page = learner_client.get(
        authorize_url(registered["client_id"], CREDENTIAL_READ, challenge),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    html = page.content.decode()
    assert "¿Conectar Backpack a su cuenta?" in html
    assert "Ver las credenciales que tiene aquí" in html
    assert "Permitir" in html
