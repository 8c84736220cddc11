"""Tags for the page layout (templates/base.html) that every page renders.

The header and footer are mostly the same for every request in one language:
the same addresses, labels and static file names. Building them again on each
request (a dozen URL reversals, translations, static lookups) was a good part
of what a signed-in page cost before its own content. These tags build such
pieces once per process and language, and assemble the parts that do change
(the CSRF token, the page's own address) around them.

What is remembered is keyed by the active language, the URL prefix and the
URLconf of the request, and forgotten whenever a setting changes (tests
override settings; a running site never does).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

register = template.Library()

# Bumped on every setting change, so nothing remembered outlives an override.
_generation = [0]


def _forget(**kwargs: Any) -> None:
    _generation[0] += 1
    _urls.clear()
    _switch_buttons.clear()


setting_changed.connect(_forget, dispatch_uid="core.layout_tags.forget")


def _key(*parts: Any) -> tuple:
    return (_generation[0], get_language(), get_script_prefix(), get_urlconf(), *parts)


_urls: dict[tuple, str] = {}


@register.simple_tag
def site_url(name: str) -> str:
    """``{% url name %}`` for a URL without arguments, reversed once per process."""
    key = _key(name)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url


class OnceNode(Node):
    """Renders its content once per language and keeps the HTML (see ``once``)."""

    # Not searched for blocks on each render of a page extending the layout:
    # the content holds none (``once`` content reads no context).
    child_nodelists = ()

    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist
        self.rendered: dict[tuple, SafeString] = {}

    def render(self, context: Context) -> SafeString:
        key = _key()
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return html


@register.tag
def once(parser: Parser, token: Token) -> OnceNode:
    """``{% once %}...{% endonce %}``: HTML the same for every request in one
    language (links, labels, static files), rendered once per process and
    language. The content must not read the context: no user, request, CSRF
    token or page variable (a wrong first render would be kept)."""
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)


_CSRF = CsrfTokenNode()
_switch_buttons: dict[tuple, str] = {}


def _buttons() -> str:
    """The switcher's buttons for the active language: one per other language."""
    key = _key()
    html = _switch_buttons.get(key)
    if html is None:
        current = get_language()
        html = "".join(
            format_html(
                '\n    <button type="submit" name="language" value="{}" lang="{}" '
                'class="link-button">{}</button>\n  ',
                code,
                code,
                capfirst(get_language_info(code)["name_local"]),
            )
            for code, _name in settings.LANGUAGES
            if code != current
        )
        _switch_buttons[key] = html
    return html


@register.simple_tag(takes_context=True)
def language_switcher(context: Context) -> SafeString:
    """The language switcher (components/language_switcher.html, the same HTML):
    a plain form that works without JavaScript; set_language brings the reader
    back to this page."""
    request = context.get("request")
    next_path = conditional_escape(request.get_full_path()) if request is not None else ""
    return mark_safe(  # noqa: S308  (every part escaped or built with format_html)
        "\n\n"
        f'<form method="post" action="{conditional_escape(site_url("set_language"))}" '
        'class="inline-form language-switcher">\n'
        f"  {_CSRF.render(context)}\n"
        f'  <input type="hidden" name="next" value="{next_path}">\n'
        f"  {_buttons()}\n"
        "</form>\n"
    )
