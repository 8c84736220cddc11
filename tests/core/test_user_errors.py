"""An error written for the person is shown the same way on every page: its
message, on the page the action belongs to, and never a server error."""

import pytest
from django.contrib.messages import ERROR as ERROR_LEVEL
from django.contrib.messages import INFO, get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from assessments.exceptions import AlreadyDecided, AssessmentError
from badges.exceptions import BadgeError
from config.urls import urlpatterns as site_urlpatterns
from core.errors import IllegalTransition, UserFacingError
from core.views import user_errors
from credentials.exceptions import CredentialError
from helpdesk.exceptions import HelpdeskError
from payments.exceptions import (
    AlreadyPaid,
    InvalidWebhook,
    PaymentError,
    ProviderError,
    RefundError,
)
from submissions.exceptions import NotEditable, SubmissionError

TOO_LATE = "That offer closed yesterday."


class Closed(UserFacingError):
    def __init__(self) -> None:
        super().__init__(TOO_LATE)


class Done(UserFacingError):
    notice = True


def undecorated(request):
    raise Closed


@user_errors("user-errors-target")
def decorated(request, number):
    raise Closed


@user_errors()
def same_page(request):
    if request.method == "POST":
        raise Done("You already did that.")
    raise Closed


@user_errors(json=True)
def script(request):
    raise Closed


def target(request, number):
    return HttpResponse(f"target {number}")


def broken(request):
    raise ValueError("a bug, not a message")


# This module doubles as a URLconf: the site's URLs plus views that raise.
urlpatterns = [
    path("undecorated/", undecorated),
    path("decorated/<int:number>/", decorated),
    path("target/<int:number>/", target, name="user-errors-target"),
    path("same-page/", same_page),
    path("script/", script),
    path("broken/", broken),
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def shown(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "error_class",
    [
        SubmissionError,
        PaymentError,
        RefundError,
        AssessmentError,
        BadgeError,
        HelpdeskError,
        CredentialError,
        IllegalTransition,
    ],
)
def test_every_apps_errors_for_people_share_one_root(error_class):
    assert issubclass(error_class, UserFacingError)


@pytest.mark.parametrize("error_class", [ProviderError, InvalidWebhook])
def test_errors_for_logs_are_never_shown_as_they_are(error_class):
    assert not issubclass(error_class, UserFacingError)


def test_errors_that_mean_it_already_happened_are_news_not_mistakes():
    assert NotEditable.notice and AlreadyPaid.notice and AlreadyDecided.notice
    assert not PaymentError.notice and not SubmissionError.notice


def test_a_view_names_the_page_an_error_sends_the_person_to(client):
    response = client.post("/decorated/7/")

    assert response.status_code == 302
    assert response["Location"] == "/target/7/"
    assert shown(response) == [(ERROR_LEVEL, TOO_LATE)]


def test_a_form_error_returns_to_the_form_and_a_notice_is_information(client):
    response = client.post("/same-page/?step=2")

    assert response["Location"] == "/same-page/?step=2"
    assert shown(response) == [(INFO, "You already did that.")]


def test_a_page_that_fails_to_show_goes_back_instead_of_to_itself(client):
    response = client.get("/same-page/", HTTP_REFERER="http://testserver/credentials/")

    assert response["Location"] == "http://testserver/credentials/"
    assert shown(response) == [(ERROR_LEVEL, TOO_LATE)]


def test_a_script_gets_the_message_as_json(client):
    response = client.post("/script/")

    assert response.status_code == 409
    assert response.json() == {"ok": False, "error": TOO_LATE}


def test_an_error_no_view_handles_is_a_message_on_the_page_it_came_from(client):
    response = client.post("/undecorated/", HTTP_REFERER="http://testserver/target/3/")

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/target/3/"
    assert shown(response) == [(ERROR_LEVEL, TOO_LATE)]


def test_an_unhandled_error_never_sends_the_person_to_another_site(client):
    response = client.post("/undecorated/", HTTP_REFERER="https://evil.example.com/")

    assert response["Location"] == "/"
    assert shown(response) == [(ERROR_LEVEL, TOO_LATE)]


def test_an_unhandled_error_answers_a_script_that_asked_for_json(client):
    response = client.post("/undecorated/", HTTP_ACCEPT="application/json")

    assert response.status_code == 409
    assert response.json()["error"] == TOO_LATE


def test_a_bug_is_still_a_server_error(settings):
    settings.DEBUG = False

    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "a bug" not in response.content.decode()
