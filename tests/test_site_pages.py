"""Site-wide pieces: the favicon, and the site's own 404 page in the embedded
default (which runs with DEBUG on)."""

import importlib

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TECHNICAL_404 = "Django tried these URL patterns"


@pytest.fixture
def embedded_default():
    """The middleware of the embedded default (config.settings.local), with DEBUG on."""
    local = importlib.import_module("config.settings.local")
    with override_settings(DEBUG=True, MIDDLEWARE=local.MIDDLEWARE):
        yield


def test_pages_link_the_svg_favicon(client):
    page = client.get(reverse("credentials:catalog")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg")


def test_favicon_ico_is_answered_with_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.usefixtures("embedded_default")
@pytest.mark.parametrize("path", ["/no-such-page/", "/credentials/no-such-credential/"])
def test_a_missing_page_shows_the_sites_404_not_the_url_list(client, path):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert TECHNICAL_404 not in html
    assert "admin/" not in html


@pytest.mark.usefixtures("embedded_default")
def test_a_path_missing_its_slash_is_still_redirected(client):
    response = client.get("/dashboard")

    assert response.status_code == 301
    assert response["Location"] == "/dashboard/"
