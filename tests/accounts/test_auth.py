"""Sign up, log in and out, password reset, rate limits and the restyled allauth pages."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.production_env import PRODUCTION_ENV

BASE_DIR = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-fresh-passphrase-42"
WRONG_PASSWORD_MESSAGE = "The email address and/or password you specified are not correct."


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _link_in(message) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# --- signing up ---------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_creates_user_logs_them_in_and_sends_confirmation(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Teacher@Example.org",
            "name": "  Nia Teacher ",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    user = User.objects.get()
    assert user.email == "new.teacher@example.org"
    assert user.name == "Nia Teacher"
    assert user.check_password(PASSWORD)
    assert _is_logged_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk

    address = EmailAddress.objects.get(user=user)
    assert address.email == "new.teacher@example.org"
    assert address.primary and not address.verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.teacher@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_without_a_name_is_allowed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "plain@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get().name == ""


@pytest.mark.django_db
def test_confirmation_link_verifies_the_address(client):
    client.post(
        reverse("account_signup"),
        {"email": "verify@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = _link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm Email Address" in page.content
    client.post(link)

    assert EmailAddress.objects.get(email="verify@example.org").verified


@pytest.mark.django_db
def test_signup_errors_are_announced_and_linked_to_their_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "mismatch@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    html = response.content.decode()
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_password2"', html)
    assert 'aria-describedby="id_password2_error"' in html
    assert re.search(
        r'<div class="error-text" id="id_password2_error" role="alert">.*same password', html
    )


@pytest.mark.django_db
def test_signup_with_a_taken_email_creates_no_second_account(client):
    UserFactory(email="taken@example.org")

    client.post(
        reverse("account_signup"),
        {"email": "TAKEN@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


# --- logging in and out ---------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_wrong_password_shows_an_error(client):
    UserFactory(email="ada@example.org")

    response = _login(client, "ada@example.org", "not-the-password")

    assert response.status_code == 200
    assert not _is_logged_in(client)
    html = response.content.decode()
    assert WRONG_PASSWORD_MESSAGE in html
    assert re.search(r'class="alert alert-error" role="alert"', html)


@pytest.mark.django_db
def test_login_by_email_is_case_insensitive(client):
    user = UserFactory(email="ada@example.org")

    response = _login(client, "  ADA@Example.ORG ", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_logout_requires_post(client, learner):
    client.force_login(learner)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert _is_logged_in(client)
    assert re.search(r'<form method="post" action="/accounts/logout/"', page.content.decode())

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:catalog")
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")

    for _ in range(5):
        response = _login(client, "target@example.org", "guess-again")
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()

    # Past the limit even the right password is refused for a while.
    response = _login(client, "target@example.org", PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not _is_logged_in(client)


# --- password reset -------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="forgetful@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "Forgetful@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.org"]
    link = _link_in(mail.outbox[0])
    assert "/accounts/password/reset/key/" in link

    # The emailed link stores its key in the session and moves to a key-less URL.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert b'name="password1"' in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _login(client, "forgetful@example.org", NEW_PASSWORD).status_code == 302

    # The link works once.
    client.post(reverse("account_logout"))
    reused = client.get(link, follow=True)
    assert b"Bad Token" in reused.content


@pytest.mark.django_db
def test_password_reset_for_unknown_email_does_not_reveal_it(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # allauth tells the unknown address that no account exists; nothing else leaks.
    assert all("password/reset/key" not in m.body for m in mail.outbox)


# --- the restyled pages ---------------------------------------------------------------


class _FormAudit(HTMLParser):
    """Collects form controls, labels and the ids referenced by aria-describedby."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()
        self.ids: set[str] = set()
        self.describedby: list[str] = []
        self.buttons: list[dict] = []
        self.has_site_layout = False
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.describedby.extend(attrs["aria-describedby"].split())
        if tag == "a" and attrs.get("class") == "skip-link":
            self.has_site_layout = True
        if tag == "label":
            self._open_labels += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append({**attrs, "_wrapped": self._open_labels > 0})
        if tag == "button":
            self.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels -= 1


def _audit(response) -> _FormAudit:
    assert response.status_code == 200, response
    audit = _FormAudit()
    audit.feed(response.content.decode())
    return audit


def _assert_accessible_form_page(response):
    audit = _audit(response)
    assert audit.has_site_layout, "page does not extend templates/base.html"
    for control in audit.controls:
        assert control["_wrapped"] or control.get("id") in audit.label_targets, control
    missing = [ref for ref in audit.describedby if ref not in audit.ids]
    assert not missing, f"aria-describedby points at missing ids: {missing}"
    form_buttons = [b for b in audit.buttons if "link-button" not in (b.get("class") or "")]
    assert form_buttons
    assert all("button" in (b.get("class") or "").split() for b in form_buttons), form_buttons


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password"],
)
def test_entrance_pages_use_site_layout_with_labelled_fields(client, url_name):
    _assert_accessible_form_page(client.get(reverse(url_name)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_email", "account_change_password", "account_logout"],
)
def test_account_pages_use_site_layout_with_labelled_fields(learner_client, url_name):
    response = learner_client.get(reverse(url_name))
    _assert_accessible_form_page(response)
    assert b'aria-label="Account settings"' in response.content


@pytest.mark.django_db
def test_invalid_forms_keep_labels_and_link_errors(client):
    signup = client.post(reverse("account_signup"), {"email": "not-an-email"})
    _assert_accessible_form_page(signup)
    assert signup.content.count(b'role="alert"') >= 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_reset_password_done", "account_email_verification_sent"],
)
def test_message_pages_use_site_layout(client, url_name):
    audit = _audit(client.get(reverse(url_name)))
    assert audit.has_site_layout


@pytest.mark.django_db
def test_email_page_lists_addresses_with_labelled_choices(client):
    client.post(
        reverse("account_signup"),
        {"email": "owner@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    response = client.get(reverse("account_email"))

    _assert_accessible_form_page(response)
    html = response.content.decode()
    assert "owner@example.org" in html
    assert "Unverified" in html


# --- production settings --------------------------------------------------------------


def _read_production_setting(name: str, env: dict) -> subprocess.CompletedProcess:
    code = f"from django.conf import settings; print(settings.{name})"
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key != "ACCOUNT_EMAIL_VERIFICATION"
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_requires_email_verification():
    result = _read_production_setting("ACCOUNT_EMAIL_VERIFICATION", PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mandatory"


@pytest.mark.skipif((BASE_DIR / ".env").exists(), reason="a local .env may supply the secret")
def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = _read_production_setting("SECRET_KEY", env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
