"""The layout's header and footer are built once per language, yet every page
shows exactly what the plain templates would: the reader's language, her own
address on the switcher and her own CSRF token."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _request(path="/credentials/?q=<b>&page=2"):
    request = RequestFactory().get(path)
    request.META["CSRF_COOKIE"] = "x" * 32
    return request


def _plain(html):
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_switcher_is_the_component_s_html(language):
    request = _request()
    with translation.override(language):
        component = render_to_string("components/language_switcher.html", request=request)
        tag = Template("{% load layout_tags %}{% language_switcher %}").render(
            Context({"request": request, "csrf_token": "abc"})
        )
        expected = Template('{% include "components/language_switcher.html" %}').render(
            Context({"request": request, "csrf_token": "abc"})
        )
    assert tag == expected
    assert _plain(tag) == _plain(component)
    assert f'name="next" value="{escape(request.get_full_path())}"' in tag
    other = "es" if language == "en" else "en"
    assert f'value="{other}"' in tag and f'value="{language}"' not in tag


def test_each_language_gets_its_own_header():
    template = Template(
        "{% load i18n layout_tags %}{% once %}{% translate 'Catalog' %} "
        "{% url 'credentials:catalog' %}{% endonce %}"
    )
    with translation.override("en"):
        assert template.render(Context()) == "Catalog /credentials/"
    with translation.override("es"):
        assert template.render(Context()) == "Catálogo /credentials/"
    with translation.override("en"):
        assert template.render(Context()) == "Catalog /credentials/"


def test_a_changed_setting_forgets_what_was_built(settings):
    template = Template("{% load layout_tags %}{% once %}{% url 'layout-probe' %}{% endonce %}")
    settings.ROOT_URLCONF = "tests.core.urls_for_layout"
    assert template.render(Context()) == "/first/"
    settings.ROOT_URLCONF = "tests.core.urls_for_layout_moved"
    assert template.render(Context()) == "/moved/"


def test_site_url_is_reverse():
    html = Template(
        "{% load layout_tags %}{% site_url 'helpdesk:center' as url %}[{{ url }}]"
    ).render(Context())
    assert html == f"[{reverse('helpdesk:center')}]"


def test_the_page_messages_are_shown_as_the_component_shows_them(client, learner):
    client.force_login(learner)
    messages = [Message(constants.WARNING, "Mind <this>"), Message(constants.INFO, "Saved")]
    component = render_to_string("components/messages.html", {"messages": messages})
    page = render_to_string("404.html", {"messages": messages, "user": learner}, request=_request())
    assert component in page
