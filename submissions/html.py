"""The application page's repeated pieces built in Python: its form's widgets and
fields (the markup of Django's widget templates and of
``templates/components/field.html``), the answer boxes, and the rows of files
and links.

The draft page shows a dozen form fields, an answer box per prompt and a row
per file and link; through the field component, Django's widget templates and
includes (an include or three each) they were the largest part of the page's
time. Built here from the same context (``Widget.get_context`` and
``BoundField.build_widget_attrs``, so attributes, ids, ``required`` and
``aria-*`` are Django's own), they cost a fraction. Widgets not listed go to
Django's renderer unchanged. A test renders every field of the form both ways
and compares them, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape as escape_html
from typing import Any
from uuid import UUID

from django.core.signals import setting_changed
from django.forms import BoundField
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat, linebreaks_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from core.widget_html import attrs_html
from credentials.models import EvidenceKind, EvidenceRequirement, RubricCriterion

from .models import Attachment, EvidenceLink, Submission

WIDGETS = "django/forms/widgets/"


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    attrs = attrs_html(widget["attrs"])
    return f'<input type="{widget["type"]}" name="{widget["name"]}"{shown}{attrs}>'


def _file(widget: Mapping[str, Any]) -> str | None:
    """``clearable_file_input.html`` without a stored file (the only way this form uses it)."""
    if widget.get("is_initial"):
        return None
    return f'<input type="{widget["type"]}" name="{widget["name"]}"{attrs_html(widget["attrs"])}>'


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return f'<textarea name="{widget["name"]}"{attrs_html(widget["attrs"])}>\n{text}</textarea>'


def _select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{widget["name"]}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


BUILDERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{
        f"{WIDGETS}{name}.html": _input
        for name in ("input", "text", "hidden", "checkbox", "email", "url", "number")
    },
    f"{WIDGETS}clearable_file_input.html": _file,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class WidgetRenderer(BaseRenderer):
    """Django's widget templates in Python; every other template through Django."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        builder = BUILDERS.get(template_name)
        html = builder(context["widget"]) if builder is not None else None
        if html is None:
            return get_default_renderer().render(template_name, context, request)
        return mark_safe(html)  # noqa: S308 (every value escaped above)

    def get_template(self, template_name: str) -> Any:
        return get_default_renderer().get_template(template_name)


def field_html(field: BoundField) -> SafeString:
    """``components/field.html``: the labelled field with its help and errors."""
    errors = field.errors
    auto_id = field.auto_id
    label = conditional_escape(field.label)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        inner = f'<label class="checkbox-label" for="{field.id_for_label}">{field} {label}</label>'
    else:
        required = (
            f' <span class="required">{gettext("(required)")}</span>'
            if field.field.required
            else ""
        )
        inner = f'<label for="{field.id_for_label}">{label}{required}</label>\n{field}'
    help_text = (
        f'<p class="help" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
        if field.help_text
        else ""
    )
    error = (
        f'<div class="error-text" id="{auto_id}_error" role="alert">'
        f"{' '.join(conditional_escape(str(e)) for e in errors)}</div>"
        if errors
        else ""
    )
    css = "field field-error" if errors else "field"
    return mark_safe(f'<div class="{css}">\n{inner}\n{help_text}\n{error}\n</div>')  # noqa: S308


# ``fixed_field_html``'s markup, by language and field; forgotten when a
# setting changes (tests override settings; a running site never does).
_FIXED: dict[tuple, SafeString] = {}
setting_changed.connect(lambda **kwargs: _FIXED.clear(), weak=False, dispatch_uid=__name__)


# Kept markups beyond this many (one per language and set of choices) are all
# let go: the choices of credentials nobody opens any more do not pile up.
_FIXED_MAX = 2000


def fixed_field_html(field: BoundField) -> SafeString:
    """``field_html`` of a field the form declares with no value of its own (a
    file input, an empty link, an unticked attestation, a requirement not yet
    chosen): until the form is bound, the same markup on every visit in one
    language and, for a choice, with the same choices (the credential's
    requirements, part of the key: a renamed one gives another), so built once
    per process. A bound form (a save shown again, with what was posted and its
    errors) is built in full."""
    form = field.form
    if form.is_bound or field.initial not in (None, "", False):
        return field_html(field)
    choices = getattr(field.field, "choices", None)
    key = (
        get_language(),
        type(form),
        field.html_name,
        field.auto_id,
        None if choices is None else tuple((value, str(label)) for value, label in choices),
    )
    html = _FIXED.get(key)
    if html is None:
        if len(_FIXED) >= _FIXED_MAX:
            _FIXED.clear()
        html = _FIXED[key] = field_html(field)
    return html


def answer_html(row: Mapping[str, Any]) -> SafeString:
    """One answer box of the application page (a row of ``ApplicationForm.prompt_rows``):
    the prompt as its label, the text, the live word count, and why it is over its
    limit or was not saved. The page's script reads the ids and data attributes."""
    field: BoundField = row["field"]
    response = row["response"]
    over, errors, words = row["over"], field.errors, row["words"]
    id_ = field.id_for_label
    invalid = bool(over or errors)
    optional = (
        "" if response.required else f' <span class="required">{gettext("(optional)")}</span>'
    )
    help_text = (
        f'<p class="help">{conditional_escape(response.help_text)}</p>'
        if response.help_text
        else ""
    )
    described = (
        f"{id_}_count" + (f" {id_}_error" if over else "") + (f" {id_}_invalid" if errors else "")
    )
    limit = response.word_limit
    if limit:
        counted = ngettext("of %(limit)s word", "of %(limit)s words", limit) % {"limit": limit}
    else:
        counted = gettext("words")
    over_note = (
        f'<div class="error-text" id="{id_}_error" role="alert">'
        + gettext(
            "This answer has %(words)s words; the limit is %(limit)s. Your text is kept; "
            "shorten it before submitting."
        )
        % {"words": words, "limit": limit}
        + "</div>"
        if over
        else ""
    )
    refused = " ".join(conditional_escape(str(e)) for e in errors)
    flags = "".join(
        attribute
        for attribute, on in (
            (' aria-invalid="true"', invalid),
            (' data-unsaved="true"', row["unsaved"]),
            (' data-refused="true"', errors),
        )
        if on
    )
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="field{" field-error" if invalid else ""}" id="{row["anchor"]}">\n'
        f'<label for="{id_}">{conditional_escape(response.prompt_text)}{optional}</label>\n'
        f"{help_text}\n"
        f'<textarea name="{field.html_name}" id="{id_}" rows="8" aria-describedby="{described}"'
        f'{flags} data-word-limit="{limit or ""}">{conditional_escape(field.value() or "")}'
        "</textarea>\n"
        f'<p class="word-count{" over" if over else ""}" id="{id_}_count" data-count-for="{id_}">\n'
        f'<span class="count">{words}</span> {counted}\n</p>\n'
        f"{over_note}\n"
        f'<div class="error-text" id="{id_}_invalid" role="alert"{"" if errors else " hidden"}>'
        f"{refused}</div>\n</div>"
    )


def _esc(value: Any) -> str:
    """``conditional_escape`` without its check for lazy arguments, which cost
    more than the escaping on a table of rows: the same text out."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape_html(str(value))


def status_badge(submission: Submission) -> SafeString:
    """``components/status_badge.html`` for the application's status, without an include."""
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<span class="status status-{_esc(submission.status)}">'
        f"{_esc(submission.get_status_display())}</span>"
    )


# What each kind of requirement accepts (``get_kind_display`` without building
# the field's choices again for every requirement).
_KINDS = dict(EvidenceKind.choices)


def requirement_items(requirements: Iterable[EvidenceRequirement]) -> SafeString:
    """The items of Part 2's list of what the credential asks for as evidence:
    each requirement's title (and whether it is optional), its description
    and what it accepts. Anchored by ``requirement-<pk>``: problems link there."""
    optional = f' <span class="required">{gettext("(optional)")}</span>'
    accepted = gettext("Accepted: %(kind)s.")
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'\n  <li id="requirement-{r.pk}">\n'
            f"    <h3>{conditional_escape(r.title)}{'' if r.required else optional}</h3>\n"
            + (
                f'    <p class="help">{conditional_escape(r.description)}</p>'
                if r.description
                else ""
            )
            + f'\n    <p class="help">'
            f"{accepted % {'kind': _esc(str(_KINDS.get(r.kind, r.kind)).lower())}}</p>\n"
            "  </li>\n"
            for r in requirements
        )
    )


def criterion_items(criteria: Iterable[RubricCriterion]) -> SafeString:
    """The items of the sidebar's rubric: each criterion and what "met" looks like."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"<li><strong>{_esc(c.title)}</strong>: {_esc(c.description)}</li>" for c in criteria
        )
    )


# Stands for a file's UUID in its download address, reversed once per table.
_ANY_FILE = UUID(int=0)


def _download_urls(attachments: list[Attachment]) -> list[str]:
    """Each file's ``get_absolute_url``: the files of one application share the
    address but for their UUID, so it is reversed once rather than per row."""
    if not attachments:
        return []
    submission_uuid = attachments[0].submission.uuid
    if any(a.submission.uuid != submission_uuid for a in attachments):
        return [a.get_absolute_url() for a in attachments]
    pattern = reverse(
        "submissions:attachment", kwargs={"uuid": submission_uuid, "attachment_uuid": _ANY_FILE}
    )
    return [pattern.replace(str(_ANY_FILE), str(a.uuid)) for a in attachments]


def attachment_rows(attachments: Iterable[Attachment]) -> SafeString:
    """The rows of the "Your files" table, each with its Remove button."""
    evidence_for, size, remove = (
        _esc(gettext("Evidence for")),
        _esc(gettext("Size")),
        _esc(gettext("Remove")),
    )
    general = gettext("General evidence")
    attachments = list(attachments)
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(
            f'<tr>\n<td class="card-title"><a href="{_esc(url)}">{_esc(a.original_name)}</a></td>\n'
            f'<td data-label="{evidence_for}">{_esc(a.requirement_title or general)}</td>\n'
            f'<td data-label="{size}">{_esc(filesizeformat(a.size))}</td>\n'
            f'<td><button type="submit" name="remove_attachment" value="{_esc(a.uuid)}" '
            f'class="link-button">{remove} <span class="visually-hidden">'
            f"{_esc(a.original_name)}</span></button></td>\n</tr>"
            for a, url in zip(attachments, _download_urls(attachments), strict=True)
        )
    )


def link_rows(links: Iterable[EvidenceLink]) -> SafeString:
    """The rows of the "Your links" table: each link opens in a new tab, with the
    warning when its address may name the learner to a blind reviewer."""
    evidence_for, remove = _esc(gettext("Evidence for")), _esc(gettext("Remove"))
    general = gettext("General evidence")
    rows = []
    for link in links:
        warning = link.identity_warning
        note = f'<p class="alert alert-warning" role="note">{_esc(warning)}</p>' if warning else ""
        url, title = _esc(link.url), _esc(link.title)
        rows.append(
            f'<tr>\n<td class="card-title"><a href="{url}" target="_blank" '
            f'rel="noopener noreferrer" data-saved-link>{title}</a><br>'
            f'<span class="muted">{url}</span>{note}</td>\n'
            f'<td data-label="{evidence_for}">{_esc(link.requirement_title or general)}</td>\n'
            f'<td><button type="submit" name="remove_link" value="{_esc(link.pk)}" '
            f'class="link-button">{remove} <span class="visually-hidden">{title}</span>'
            "</button></td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped)


# Part 2's fixed markup (``submissions/_evidence.html``'s ``once`` blocks and its
# size limits), rendered from the same template text once per language, URL
# prefix and limits; forgotten when a setting changes.
_EVIDENCE_TEXT = {
    "what": '<h3>{% translate "What to submit" %}</h3>',
    "files": '<h3 id="evidence-files">{% translate "Your files" %}</h3>',
    "files_table": """<table class="table-cards">
  <caption class="visually-hidden">{% translate "Uploaded files" %}</caption>
  <thead><tr><th scope="col">{% translate "File" %}</th><th scope="col">{% translate "Evidence for" %}</th><th scope="col">{% translate "Size" %}</th><th scope="col"><span class="visually-hidden">{% translate "Actions" %}</span></th></tr></thead>
  <tbody>""",  # noqa: E501
    "no_files": '<p class="muted">{% translate "No files yet." %}</p>',
    "limits": """<p class="help">{% blocktranslate trimmed %}Up to {{ max_file_mb }} MB per file and {{ max_total_mb }} MB in total. Files are stored privately: only you, your assessor and the credential's staff can open them. Files are uploaded when you press Save draft.{% endblocktranslate %}</p>""",  # noqa: E501
    "links": '<h3 id="evidence-links">{% translate "Your links" %}</h3>',
    "links_table": """<table class="table-cards">
  <caption class="visually-hidden">{% translate "Evidence links" %}</caption>
  <thead><tr><th scope="col">{% translate "Link" %}</th><th scope="col">{% translate "Evidence for" %}</th><th scope="col"><span class="visually-hidden">{% translate "Actions" %}</span></th></tr></thead>
  <tbody>""",  # noqa: E501
    "no_links": '<p class="muted">{% translate "No links yet." %}</p>',
    "sharing": """<p class="alert alert-info">{% translate "Before adding a link to a video or document (Google Drive, OneDrive, YouTube…), set its sharing so that anyone with the link can view it, or the assessor will not be able to open it." %} <a href="{% url 'helpdesk:answer' slug='sharing-links-anyone-with-the-link' %}" target="_blank" rel="noopener">{% translate "How to share from Google Drive, OneDrive and YouTube" %}<span class="visually-hidden"> {% translate "(opens in a new tab)" %}</span></a> · <a href="{% url 'helpdesk:topic' slug='evidence-and-sharing' %}" target="_blank" rel="noopener">{% translate "More answers about evidence" %}<span class="visually-hidden"> {% translate "(opens in a new tab)" %}</span></a></p>""",  # noqa: E501
}
_EVIDENCE_FIXED: dict[tuple, dict[str, str]] = {}
setting_changed.connect(
    lambda **kwargs: _EVIDENCE_FIXED.clear(), weak=False, dispatch_uid=f"{__name__}.evidence"
)


def _evidence_fixed(max_file_mb: int, max_total_mb: int) -> dict[str, str]:
    key = (get_language(), get_script_prefix(), get_urlconf(), max_file_mb, max_total_mb)
    fixed = _EVIDENCE_FIXED.get(key)
    if fixed is None:
        context = Context({"max_file_mb": max_file_mb, "max_total_mb": max_total_mb})
        fixed = _EVIDENCE_FIXED[key] = {
            name: Template("{% load i18n %}" + text).render(context)
            for name, text in _EVIDENCE_TEXT.items()
        }
    return fixed


def evidence_html(
    *, credential: Any, submission: Submission, form: Any, max_file_mb: int, max_total_mb: int
) -> SafeString:
    """Part 2's evidence: what the credential asks for, the learner's files and
    links with their Remove buttons, and the fields to add more. The markup of
    ``submissions/_evidence.html`` (kept as the reference a test compares it
    with) without its include and two dozen nodes on every visit."""
    fixed = _evidence_fixed(max_file_mb, max_total_mb)
    attachments = list(submission.attachments.all())
    links = list(submission.links.all())
    out = []
    if credential.evidence_instructions:
        out.append(
            f'<div class="card evidence-instructions">{fixed["what"]}'
            f"{linebreaks_filter(credential.evidence_instructions, autoescape=True)}</div>"
        )
    out += [
        '\n\n<ul class="requirements">\n',
        requirement_items(credential.evidence_requirements.all()),
        "\n</ul>\n\n",
        fixed["files"],
        "\n",
    ]
    if attachments:
        out += [
            fixed["files_table"],
            "\n  ",
            attachment_rows(attachments),
            "\n  </tbody>\n</table>\n",
        ]
    else:
        out += [fixed["no_files"], "\n"]
    out += [
        '<div class="row">\n  <div>',
        fixed_field_html(form["files"]),
        "</div>\n  <div>",
        fixed_field_html(form["file_requirement"]),
        "</div>\n</div>\n",
        fixed["limits"],
        "\n\n",
        fixed["links"],
        "\n",
    ]
    if links:
        out += [fixed["links_table"], "\n  ", link_rows(links), "\n  </tbody>\n</table>\n"]
    else:
        out += [fixed["no_links"], "\n"]
    out += [
        fixed["sharing"],
        '\n<div class="row">\n  <div>',
        fixed_field_html(form["link_title"]),
        "</div>\n  <div>",
        fixed_field_html(form["link_url"]),
        "</div>\n  <div>",
        fixed_field_html(form["link_requirement"]),
        "</div>\n</div>\n",
    ]
    return mark_safe("".join(out))  # noqa: S308 (every part escaped or built from templates)


def parts_html(parts: Iterable[Mapping[str, Any]], evidence: Callable[[], str]) -> SafeString:
    """The form's four parts (``views._parts``), each a fieldset with its answer
    boxes; Part 2 starts with the evidence (``evidence()``, ``evidence_html``).
    One tag for what was a loop of a dozen nodes per part."""
    nothing = f'<p class="muted">{_esc(gettext("Nothing to answer in this part."))}</p>'
    out = []
    for part in parts:
        number, rows = part["number"], part["rows"]
        out.append(
            f'\n    <fieldset class="part" id="part-{number}">\n'
            f"      <legend><h2>{_esc(part['title'])}</h2></legend>\n      "
        )
        if number == 2:
            out.append(evidence())
        out.append("\n      ")
        out += [answer_html(row) for row in rows]
        out.append("\n      ")
        if number != 2 and not rows:
            out.append(nothing)
        out.append("\n    </fieldset>\n  ")
    return mark_safe("".join(out))  # noqa: S308 (every part escaped or built from templates)
