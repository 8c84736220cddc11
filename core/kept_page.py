"""A signed-in page's own blocks kept as rendered, the layout around them rendered afresh.

The pages a user opens again and again without anything on them changing (a
draft she comes back to, a review an assessor reopens) spend most of their
time rendering their own ``{% block %}`` contents: forms, panels, rows. Those
blocks are kept in the cache (``core.fragment_cache.lookup``/``keep``, under
the versions of what they show, decided by the caller) and put into the
layout (``templates/base.html``) on each request with ``kept_page.html``.
What differs between requests is rendered afresh by the layout: the header
(who is signed in, what she may open), the messages waiting for her and the
footer.

The CSRF token belongs to the browser, not the page: a kept block holds
``TOKEN_PLACEHOLDER`` wherever the token goes, and each response gets the
request's own token (``respond``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode
from django.utils.safestring import SafeString, mark_safe

# Where the request's CSRF token goes in kept markup; never a character a page writes.
TOKEN_PLACEHOLDER = "\x00csrf-token\x00"  # noqa: S105 (a marker, not a secret)
# The layout's blocks a kept page fills (every block of ``templates/base.html``).
BLOCKS = ("title", "head", "body_class", "content", "scripts")


def with_token(markup: str, token: str) -> SafeString:
    """Kept markup with the request's CSRF token in place of the placeholder
    (the token is letters and digits: nothing to escape)."""
    return mark_safe(markup.replace(TOKEN_PLACEHOLDER, token))  # noqa: S308


def render_blocks(
    request: HttpRequest, template_name: str, context: Mapping[str, Any]
) -> dict[str, str]:
    """The blocks ``template_name`` (a page extending the layout) fills, each
    rendered as the whole page would render it, with the CSRF token replaced
    by ``TOKEN_PLACEHOLDER``. A block the page leaves alone holds what the
    layout would write there (``{{ block.super }}`` works as in a page)."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    extends = template.nodelist.get_nodes_by_type(ExtendsNode)[0]
    ctx = make_context({**context, "csrf_token": TOKEN_PLACEHOLDER}, request)
    rendered: dict[str, str] = {}
    with ctx.render_context.push_state(template), ctx.bind_template(template):
        layout = extends.get_parent(ctx)
        layout_blocks = {node.name: node for node in layout.nodelist.get_nodes_by_type(BlockNode)}
        for name in BLOCKS:
            blocks = BlockContext()
            blocks.add_blocks(extends.blocks)
            blocks.add_blocks(layout_blocks)
            ctx.render_context[BLOCK_CONTEXT_KEY] = blocks
            rendered[name] = layout_blocks[name].render(ctx)
    return rendered


def respond(
    request: HttpRequest,
    blocks: Mapping[str, str],
    *,
    status: int = 200,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page made of kept ``blocks`` inside the layout, with the request's CSRF
    token. ``context`` is what the page's own template was (or would be) given:
    the layout does not read it, but it stays on the response for whoever does."""
    token = get_token(request)
    kept = {name: with_token(blocks.get(name, ""), token) for name in BLOCKS}
    return render(request, "kept_page.html", {**(context or {}), "kept": kept}, status=status)
