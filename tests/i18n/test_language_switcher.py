"""Readers choose English or Spanish in the page header; the choice sticks and
brings them back to the page they were on, without JavaScript."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

CATALOG = "/credentials/"


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "the page has no lang attribute"
    return match.group(1)


@pytest.mark.django_db
def test_pages_are_english_unless_the_reader_asks_otherwise(client):
    html = client.get(CATALOG).content.decode()

    assert _lang(html) == "en"


@pytest.mark.django_db
def test_a_browser_that_prefers_spanish_gets_spanish_pages(client):
    html = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5").content.decode()

    assert _lang(html) == "es"


@pytest.mark.django_db
def test_the_switcher_is_a_plain_form_offering_the_other_language(client):
    html = client.get(f"{CATALOG}?q=math").content.decode()

    action = reverse("set_language")
    form = re.search(rf'<form method="post" action="{action}"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no language form posting to set_language"
    body = form.group(1)
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<input type="hidden" name="next" value="/credentials/?q=math">' in body
    assert re.search(
        r'<button type="submit" name="language" value="es" lang="es"[^>]*>Español<', body
    )
    assert 'value="en"' not in body


@pytest.mark.django_db
def test_choosing_spanish_returns_to_the_same_page_and_is_remembered(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": f"{CATALOG}?q=math"})

    assert response.status_code == 302
    assert response["Location"] == f"{CATALOG}?q=math"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert int(cookie["max-age"]) >= 30 * 24 * 60 * 60

    html = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang(html) == "es"
    assert re.search(r'name="language" value="en" lang="en"[^>]*>English<', html)


@pytest.mark.django_db
def test_choosing_english_again_switches_back(client):
    client.post(reverse("set_language"), {"language": "es", "next": CATALOG})
    client.post(reverse("set_language"), {"language": "en", "next": CATALOG})

    assert _lang(client.get(CATALOG).content.decode()) == "en"


@pytest.mark.django_db
def test_the_switcher_never_sends_the_reader_off_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_signed_in_pages_keep_the_choice(learner_client):
    learner_client.post(reverse("set_language"), {"language": "es", "next": "/dashboard/"})

    html = learner_client.get(reverse("dashboard:home")).content.decode()

    assert _lang(html) == "es"
