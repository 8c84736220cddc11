"""A learner connects an app to their account and later disconnects it.

The test plays the app: it registers itself (RFC 7591), sends the browser to the
consent page with a PKCE S256 challenge, trades the code for a token and calls
the Open Badges API, all over HTTP against the live server. Each page the
learner sees is scanned by axe; the connected apps page is checked at 375 px.
"""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect

from obapi.openapi import CREDENTIAL_READ, PROFILE_READ
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import sign_in

REDIRECT = "https://backpack.example/callback"


@pytest.fixture
def learner(live_url):
    return UserFactory(email="lee.learner@example.org", name="Lee Learner")


def test_learner_connects_an_app_then_disconnects_it(
    page: Page, live_url, learner, assert_accessible
):
    registered = requests.post(
        f"{live_url}/o/register/",
        json={
            "client_name": "Backpack",
            "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        },
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    client_id = registered.json()["client_id"]
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": f"{CREDENTIAL_READ} {PROFILE_READ}",
        "state": "journey",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    # The app's own page is not on the network here: answer for it.
    page.route(
        "https://backpack.example/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Backpack</title><h1>Back</h1>"
        ),
    )

    sign_in(page, live_url, learner)
    page.goto(f"{live_url}/o/authorize/?{urlencode(query)}")
    expect(
        page.get_by_role("heading", level=1, name="Connect Backpack to your account?")
    ).to_be_visible()
    scopes = page.locator("#consent-scopes")
    expect(scopes).to_contain_text("See the credentials you hold here")
    expect(scopes).to_contain_text("See your earner profile")
    assert_accessible("the consent page")

    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("https://backpack.example/**")
    answer = parse_qs(urlsplit(page.url).query)
    assert answer["state"] == ["journey"]
    token = requests.post(
        f"{live_url}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": answer["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    profile = requests.get(f"{live_url}/ims/ob/v3p0/profile", headers=headers, timeout=10)
    assert profile.status_code == 200
    assert json.loads(profile.text)["email"] == learner.email

    page.goto(f"{live_url}/earner/apps/")
    card = page.locator("#connected-apps li").filter(has_text="Backpack")
    expect(card).to_contain_text("See the credentials you hold here")
    assert_accessible("connected apps")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.get_by_role("button", name="Disconnect Backpack").click()
    expect(page.get_by_role("status").first).to_contain_text("Backpack no longer has access.")
    expect(page.locator("#connected-apps-empty")).to_be_visible()
    assert_accessible("connected apps after disconnecting")

    gone = requests.get(f"{live_url}/ims/ob/v3p0/profile", headers=headers, timeout=10)
    assert gone.status_code == 401
