"""Two-factor authentication: required for staff and assessors, offered to learners,
and the admin signs in through the same allauth login."""

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import RECHECK_SECONDS
from assessments.models import AssessorScope
from tests.accounts.factories import PASSWORD, UserFactory
from tests.assessments.factories import make_assessor
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

SETUP_URL = "/accounts/2fa/totp/activate/"
CONFIRM_CODE_URL = "/accounts/login/code/confirm/"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = True


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = reverse("account_login")
    if next_url:
        url += f"?next={next_url}"
    return client.post(url, {"login": email, "password": password})


def emailed_code(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)


def sign_in_with_emailed_code(client, user, next_url=None):
    """Password, then the code emailed to a staff member or assessor without an app."""
    assert sign_in(client, user.email, next_url=next_url)["Location"] == CONFIRM_CODE_URL
    return client.post(CONFIRM_CODE_URL, {"code": emailed_code(user.email)})


@pytest.fixture
def confirmed_staff_client(staff_user):
    client = Client()
    sign_in_with_emailed_code(client, staff_user)
    return client


def test_setup_url_is_allauths_totp_activation():
    assert reverse("mfa_activate_totp") == SETUP_URL


def test_staff_without_totp_are_sent_to_set_it_up_from_any_page(confirmed_staff_client):
    for url in ("/admin/", reverse("dashboard:home"), reverse("credentials:catalog")):
        response = confirmed_staff_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP_URL


def test_staff_without_totp_can_still_reach_account_pages_and_log_out(confirmed_staff_client):
    client = confirmed_staff_client
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_totp_reach_the_admin(staff_user, staff_client):
    with_totp(staff_user)
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert b"Site administration" in response.content


def test_assessors_without_totp_are_sent_to_set_it_up(client):
    assessor = make_assessor(credential=CredentialFactory())
    sign_in_with_emailed_code(client, assessor)

    response = client.get(reverse("assessments:queue"))

    assert response.status_code == 302
    assert response["Location"] == SETUP_URL
    with_totp(assessor)
    assert client.get(reverse("assessments:queue")).status_code == 200


def test_learners_are_not_forced_but_are_offered_it(learner_client):
    page = learner_client.get(reverse("dashboard:home"))
    assert page.status_code == 200
    assert reverse("mfa_index") in page.content.decode()

    offer = learner_client.get(reverse("mfa_index")).content.decode()
    assert "An authenticator app is not active." in offer
    assert SETUP_URL in offer


def test_a_learner_who_becomes_an_assessor_is_asked_within_minutes(learner, client):
    # Their session was opened with a password alone: they sign in again with an
    # emailed code before they may set up an authenticator app.
    assert sign_in(client, learner.email).status_code == 302
    assert not mail.outbox
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(reverse("dashboard:home")).status_code == 200
        AssessorScope.objects.create(user=learner, credential=CredentialFactory())
        traveller.shift(RECHECK_SECONDS + 1)
        response = client.get(reverse("dashboard:home"))
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/"
    assert "_auth_user_id" not in client.session

    sign_in_with_emailed_code(client, learner)
    assert client.get(reverse("dashboard:home"))["Location"] == SETUP_URL


def test_the_requirement_can_be_switched_off(settings, staff_client):
    settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = False
    assert staff_client.get("/admin/").status_code == 200


def test_staff_set_up_an_authenticator_app_and_then_reach_the_admin(client, staff_user):
    sign_in_with_emailed_code(client, staff_user)
    assert client.get("/admin/")["Location"] == SETUP_URL
    # allauth asks for the password again before changing two-factor settings.
    confirm = client.get(SETUP_URL)
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": PASSWORD})

    page = client.get(SETUP_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="site-header"' in html  # inside the site's layout
    assert "Set up your authenticator app to continue." in html
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,', html)
    assert 'alt="QR code to scan with your authenticator app"' in html
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html  # typed in by hand when the QR code cannot be scanned

    wrong = client.post(SETUP_URL, {"code": "000000" if current_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=staff_user).exists()

    response = client.post(SETUP_URL, {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=staff_user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200

    assert client.get("/admin/").status_code == 200


def test_login_with_totp_asks_for_a_code_and_accepts_a_valid_one(client):
    user = UserFactory(email="careful@example.org")
    secret = with_totp(user)

    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert b"Two-Factor Authentication" in page.content
    assert b'class="site-header"' in page.content

    bad = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert bad.status_code == 200
    assert b"Incorrect code." in bad.content
    assert "_auth_user_id" not in client.session

    good = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert good.status_code == 302
    assert good["Location"] == reverse("dashboard:home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_admin_login_goes_through_allauth_and_its_second_step(client, staff_user):
    secret = with_totp(staff_user)

    to_admin_login = client.get("/admin/")
    assert to_admin_login["Location"] == "/admin/login/?next=/admin/"
    to_allauth = client.get(to_admin_login["Location"])
    assert to_allauth.status_code == 302
    assert to_allauth["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"

    assert sign_in(client, staff_user.email, next_url="/admin/")["Location"] == (
        reverse("mfa_authenticate")
    )
    done = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_form_no_longer_accepts_passwords(client, staff_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_signed_in_learner_gets_no_admin_login(learner_client):
    assert learner_client.get("/admin/login/").status_code == 403


def test_admin_login_is_rate_limited_like_the_site(client, staff_user):
    for _ in range(5):
        sign_in(client, staff_user.email, password="wrong-guess", next_url="/admin/")
    response = sign_in(client, staff_user.email, next_url="/admin/")
    assert "Too many failed login attempts" in response.content.decode()


def test_staff_and_assessors_cannot_remove_their_authenticator_app(staff_user, learner):
    adapter = get_adapter()
    staff_totp = Authenticator.objects.get(pk=TOTP.activate(staff_user, "A" * 32).instance.pk)
    learner_totp = Authenticator.objects.get(pk=TOTP.activate(learner, "B" * 32).instance.pk)
    assert not adapter.can_delete_authenticator(staff_totp)
    assert adapter.can_delete_authenticator(learner_totp)


def test_deactivating_is_refused_for_staff_with_a_message(client, staff_user):
    secret = with_totp(staff_user)
    sign_in(client, staff_user.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert b"You cannot deactivate two-factor authentication." in response.content
    assert Authenticator.objects.filter(user=staff_user, type="totp").exists()


def test_a_session_opened_without_an_emailed_code_is_signed_out_everywhere(staff_user):
    # Each session is checked on its own; one opened by other means than the
    # login page (or before this rule) cannot enrol an app or change the email.
    urls = ["/admin/", SETUP_URL, reverse("account_email"), reverse("mfa_index")]
    for url in urls:
        client = Client()
        client.force_login(staff_user)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('account_login')}?next="), url
        assert "_auth_user_id" not in client.session, url
    assert not Authenticator.objects.filter(user=staff_user).exists()


@pytest.mark.parametrize("verification", ["optional", "mandatory"])
def test_a_password_alone_cannot_sign_in_staff_without_an_app(
    client, staff_user, settings, verification
):
    # Production verifies email addresses ("mandatory"); the code does it too.
    settings.ACCOUNT_EMAIL_VERIFICATION = verification

    response = sign_in(client, staff_user.email, next_url="/admin/")

    assert response["Location"] == CONFIRM_CODE_URL
    assert "_auth_user_id" not in client.session
    assert mail.outbox[-1].to == [staff_user.email]
    for url in ("/admin/", SETUP_URL):
        assert "/login/?next=" in client.get(url)["Location"], url
    page = client.get(CONFIRM_CODE_URL).content.decode()
    assert staff_user.email in page

    wrong = client.post(CONFIRM_CODE_URL, {"code": "WRONG1"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = client.post(CONFIRM_CODE_URL, {"code": emailed_code(staff_user.email)})
    assert right["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == staff_user.pk
    assert client.get("/admin/")["Location"] == SETUP_URL
    assert EmailAddress.objects.filter(user=staff_user, verified=True).exists()


def test_staff_with_an_app_and_learners_get_no_emailed_code(client, staff_user, learner):
    with_totp(staff_user)
    assert sign_in(client, staff_user.email)["Location"] == reverse("mfa_authenticate")
    assert sign_in(Client(), learner.email)["Location"] == reverse("dashboard:home")
    assert not mail.outbox
