"""Error pages: our own 404 and 500, never a stack trace."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


class ViewFailed(Exception):
    pass


def failing_view(request):
    raise ViewFailed("secret detail that must not reach the page")


def forbidden_view(request):
    raise PermissionDenied


# This module doubles as a URLconf: the site's URLs plus views that fail.
urlpatterns = [
    path("boom/", failing_view),
    path("forbidden/", forbidden_view),
    *site_urlpatterns,
]


@pytest.mark.django_db
def test_missing_page_renders_our_404_with_debug_off(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/credentials/"' in html  # the catalog link from our page
    assert "Traceback" not in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
def test_missing_object_renders_our_404(client, settings):
    settings.DEBUG = False

    response = client.get("/credentials/no-such-credential/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_server_error_renders_our_500_without_details(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html
    assert "Traceback" not in html
    assert "ViewFailed" not in html


def test_500_page_needs_no_request_context_or_database():
    # No db fixture (database access would fail) and no request: the way
    # Django renders it when the error may have come from either.
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="/static/css/app.css"' in html


@pytest.mark.django_db
def test_permission_denied_renders_our_403(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__

    response = Client().get("/forbidden/")

    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()
