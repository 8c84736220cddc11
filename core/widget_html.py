"""Pieces of Django's templates written in Python: widget templates for the
forms whose fields are rendered without a template per field
(``submissions.html``, ``quality.widgets``), and ``blocktranslate`` for the
labels of the hottest pages. The output is what Django's templates give, byte
for byte where the tests compare them."""

from collections.abc import Mapping
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def blocktranslated(message: str, **values: Any) -> SafeString:
    """``{% blocktranslate %}`` in Python: the translated ``message`` with each
    value localized and escaped, as the tag leaves them (a few of those tags
    cost a page more than the rest of its template)."""
    escaped = {name: conditional_escape(localize(value)) for name, value in values.items()}
    return mark_safe(message % escaped)  # noqa: S308 (every value is escaped)
