"""The review page's components as markup, built in Python.

A review judges every component of the framework (29 in the default one),
each with its radios and a feedback box; rendering them through included
templates (``quality/_marks.html``, ``components/field.html``) cost most of
the page's time. The markup here is the same, built from the bound fields
(whose widgets ``quality.widgets`` renders).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext

from .models import Mark
from .selectors import ComponentRow, StandardGroup


def marks_html(field: forms.BoundField, legend: str) -> str:
    """Met / not yet met radios for one component; ``legend`` names it for screen readers."""
    errors = field.errors
    radios = "".join(
        f'<li>{radio.tag()} <label for="{conditional_escape(radio.id_for_label)}">'
        f"{conditional_escape(radio.choice_label)}</label></li>"
        for radio in field
    )
    message = (
        f'<div class="error-text" role="alert">{" ".join(conditional_escape(e) for e in errors)}'
        "</div>"
        if errors
        else ""
    )
    return (
        f'<fieldset class="marks-group{" field-error" if errors else ""}">\n'
        f"  <legend>{conditional_escape(legend)}</legend>\n"
        f'  <ul class="marks">\n    {radios}\n  </ul>\n  {message}\n</fieldset>\n'
    )


def field_html(field: forms.BoundField) -> str:
    """A labelled field with its help and errors (``components/field.html``'s markup)."""
    errors = field.errors
    required = (
        f' <span class="required">{gettext("(required)")}</span>' if field.field.required else ""
    )
    help_text = (
        f'<p class="help" id="{field.auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
        if field.help_text
        else ""
    )
    message = (
        f'<div class="error-text" id="{field.auto_id}_error" role="alert">'
        f"{' '.join(conditional_escape(e) for e in errors)}</div>"
        if errors
        else ""
    )
    return (
        f'<div class="field{" field-error" if errors else ""}">\n'
        f'    <label for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{required}</label>\n    {field}\n"
        f"  {help_text}\n  {message}\n</div>\n"
    )


def _judgement(mark: str, labels: dict[str, str]) -> str:
    return labels.get(mark, "—")


def review_components(
    groups: list[StandardGroup],
    bound: dict[int, tuple[forms.BoundField, forms.BoundField]],
    others: dict[int, ComponentRow] | None,
    *,
    submitted: bool,
) -> SafeString:
    """Every component under its standard: what it asks, the designer's claim (never
    the designer's name), and this reviewer's marks (editable until submitted).
    Other reviewers' feedback appears only in ``others``, which the view fills only
    once this reviewer has submitted."""
    text: dict[str, Any] = {
        "optional": gettext("optional"),
        "claim": gettext("The designer's self-assessment:"),
        "where": gettext("where:"),
        "yours": gettext("Your judgement:"),
    }
    labels = {
        Mark.MET.value: gettext("Met"),
        Mark.NOT_MET.value: gettext("Not yet met"),
    }
    out = []
    for group in groups:
        anchor = slugify(group.standard_code)
        out.append(
            f'<section class="part" aria-labelledby="standard-{anchor}">\n'
            f'  <h2 id="standard-{anchor}">{conditional_escape(group.standard_code)}. '
            f"{conditional_escape(group.standard_title)}</h2>\n"
        )
        for row in group.rows:
            out.append(_component(row, bound, others, submitted, text, labels))
        out.append("</section>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def _component(
    row: ComponentRow,
    bound: dict[int, tuple[forms.BoundField, forms.BoundField]],
    others: dict[int, ComponentRow] | None,
    submitted: bool,
    text: dict[str, Any],
    labels: dict[str, str],
) -> str:
    component = row.component
    optional = "" if component.required else f' <span class="muted">({text["optional"]})</span>'
    out = [
        f'  <div class="card component" id="component-{component.pk}">\n'
        f"    <h3>{conditional_escape(component.code)} {conditional_escape(component.title)}"
        f"{optional}</h3>\n"
        f"    <p>{conditional_escape(component.description)}</p>\n"
    ]
    if component.guidance:
        out.append(f'    <p class="help">{conditional_escape(component.guidance)}</p>\n')
    claimed = row.claimed
    if claimed:
        where = (
            f"; {text['where']} {conditional_escape(claimed.pointer)}" if claimed.pointer else ""
        )
        note = f"<br>{conditional_escape(claimed.note)}" if claimed.note else ""
        out.append(
            f'    <p class="claim"><strong>{text["claim"]}</strong> '
            f"{conditional_escape(claimed.get_mark_display() or '—')}{where}{note}</p>\n"
        )
    if submitted:
        note = f": {conditional_escape(row.note)}" if row.note else ""
        out.append(
            f"    <p><strong>{text['yours']}</strong> {_judgement(row.mark, labels)}{note}</p>\n"
        )
        other = others.get(component.pk) if others else None
        if other:
            for label, mark, feedback in other.feedback:
                said = f" — {conditional_escape(feedback)}" if feedback else ""
                judged = labels[Mark.MET.value] if mark == Mark.MET else labels[Mark.NOT_MET.value]
                out.append(
                    f'    <p class="other-review">{conditional_escape(label)}: {judged}{said}</p>\n'
                )
    else:
        mark_field, feedback_field = bound[component.pk]
        legend = gettext("Component %(code)s") % {"code": component.code}
        out.append(marks_html(mark_field, legend))
        out.append(field_html(feedback_field))
    out.append("  </div>\n")
    return "".join(out)
