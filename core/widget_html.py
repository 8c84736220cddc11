"""Pieces of Django's widget templates written in Python, for the forms whose
fields are rendered without a template per field (``submissions.html``,
``quality.widgets``). The output is what Django's templates give, byte for byte
where the tests compare them."""

from collections.abc import Mapping
from typing import Any

from django.utils.html import conditional_escape


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)
