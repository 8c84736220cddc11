"""An OAuth 2.0 client for tests: registers itself (RFC 7591), sends the learner
to the consent page with PKCE S256 and trades the code for tokens, through the
real django-oauth-toolkit endpoints."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from obapi.openapi import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE

ALL_SCOPES = " ".join([CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE])
REDIRECT = "https://backpack.example/callback"


def register(client, name="Backpack", redirect=REDIRECT) -> dict:
    response = client.post(
        "/o/register/",
        {
            "client_name": name,
            "redirect_uris": [redirect],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_url(client_id: str, scope: str, challenge: str, method="S256", state="st4te") -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": method,
    }
    return "/o/authorize/?" + urlencode(query)


def approve(user_client, url: str, allow=True):
    page = user_client.get(url)
    assert page.status_code == 200, page.content
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    if allow:
        data["allow"] = "Authorize"
    else:
        data.pop("allow", None)
    return page, user_client.post(url, data)


def code_from(response) -> str:
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def exchange(client, client_id: str, code: str, verifier: str):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )


def connect(client, user_client, scope=ALL_SCOPES, name="Backpack") -> dict:
    """Register, consent and exchange: the token response (with client_id)."""
    registered = register(client, name=name)
    verifier, challenge = pkce_pair()
    _page, answer = approve(user_client, authorize_url(registered["client_id"], scope, challenge))
    response = exchange(client, registered["client_id"], code_from(answer), verifier)
    assert response.status_code == 200, response.content
    return {**response.json(), "client_id": registered["client_id"]}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
