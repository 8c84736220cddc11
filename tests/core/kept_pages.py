"""Helpers for the tests of pages kept whole (``core.kept_page``)."""

import re

from django.test import Client

from core.kept_page import TOKEN_PLACEHOLDER

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def second_browser_page(user, url: str) -> tuple[Client, str]:
    """The page at ``url`` as a second browser of ``user`` finds it once a first
    browser's visit kept it: that browser (CSRF checks on) and the page, which
    must carry no placeholder where the token goes."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(user)
    second.force_login(user)
    assert first.get(url).status_code == 200  # kept now
    response = second.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert TOKEN_PLACEHOLDER not in page
    return second, page


def form_token(page: str) -> str:
    """The CSRF token of the page's first form."""
    found = TOKEN.search(page)
    assert found, "a form with a CSRF token"
    return found.group(1)
