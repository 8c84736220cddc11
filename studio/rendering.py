"""The editor's fields and items as markup, built in Python.

A draft with 50 items has about 300 fields; including a template per field
and per item (and Django's widget templates inside them) cost most of the
page's time, so the markup is built here from the bound fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext


def field_html(field: forms.BoundField) -> str:
    """One field: label, help, and the message box the server and the page's script fill."""
    errors = field.errors
    auto_id = field.auto_id
    out = [f'<div class="field{" field-error" if errors else ""}">\n  ']
    label = conditional_escape(field.label)
    target = conditional_escape(field.id_for_label)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        out.append(f'<label class="checkbox-label" for="{target}">{field} {label}</label>')
    else:
        required = (
            f' <span class="required">{gettext("(required)")}</span>'
            if field.field.required
            else ""
        )
        out.append(f'<label for="{target}">{label}{required}</label>\n    {field}')
    if field.help_text:
        out.append(
            f'\n  <p class="help" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
        )
    message = " ".join(conditional_escape(e) for e in errors)
    hidden = "" if errors else " hidden"
    out.append(
        f'\n  <div class="error-text" id="{auto_id}_invalid" role="alert"{hidden}>{message}</div>'
        "\n</div>\n"
    )
    return "".join(out)


def item_html(
    item: dict[str, Any], *, number: int, first: bool, last: bool, label: str, editable: bool
) -> str:
    """One prompt, evidence requirement or rubric criterion: its fields and how to move it."""
    kind, pk = item["kind"], item["pk"]
    name = conditional_escape(Truncator(item["name"] or gettext("(new)")).chars(70))
    handle = gettext("Drag to reorder")
    out = [
        f'<li class="studio-item card" id="{kind}-{pk}" data-item>\n  <div class="spread">\n'
        f'    <p class="item-heading"><strong><span class="drag-handle" aria-hidden="true" '
        f'title="{handle}">⠿</span> <span data-item-number>{number}</span>. {name}</strong></p>\n'
    ]
    if editable:
        which = f'<span class="visually-hidden">: {conditional_escape(label)} {number}</span>'
        button = "button button-secondary button-small"
        up = ' aria-disabled="true"' if first else ""
        down = ' aria-disabled="true"' if last else ""
        out.append(
            '    <div class="row item-actions">\n'
            f'      <button type="submit" class="{button}" name="action" '
            f'value="move:{kind}:{pk}:up" data-move="up"{up}>'
            f"{gettext('Move up')}{which}</button>\n"
            f'      <button type="submit" class="{button}" name="action" '
            f'value="move:{kind}:{pk}:down" data-move="down"{down}>'
            f"{gettext('Move down')}{which}</button>\n"
            '      <button type="submit" class="button button-danger button-small" '
            f'name="action" value="remove:{kind}:{pk}">'
            f"{gettext('Remove')}{which}</button>\n"
            "    </div>\n"
        )
    fields = item["fields"]
    out.append(f"  </div>\n  {fields['position']}\n")
    out.extend(field_html(field) for key, field in fields.items() if key != "position")
    out.append("</li>")
    return "".join(out)


def items_html(items: list[dict[str, Any]], *, label: str, editable: bool) -> SafeString:
    """A list's items in order (numbered from 1)."""
    last = len(items)
    return mark_safe(  # noqa: S308 (every value escaped above)
        "".join(
            item_html(
                item,
                number=number,
                first=number == 1,
                last=number == last,
                label=label,
                editable=editable,
            )
            for number, item in enumerate(items, start=1)
        )
    )


def fields_html(*fields: forms.BoundField) -> SafeString:
    return mark_safe("".join(field_html(f) for f in fields))  # noqa: S308 (escaped above)
