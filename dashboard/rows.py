"""The dashboard's application rows built in Python.

A page of twenty rows through the template (a ``with``, an address, a date
and a branch per status for each row) cost several times what the rest of
the page did, so a learner with a long history paid for her page of rows
what a new learner did not. Built here, the rows cost a fraction. The
markup is the table's as the template wrote it; the "Next step" of an
application in review, awaiting payment or awarded is still rendered by its
own app's template tag (``review_status``, ``pay_action``, ``award_panel``),
which owns what it says. ``tests/dashboard/test_rows.py`` renders every kind
of row both ways and compares them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.template import Context, Template, engines
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext

from credentials.templatetags.money import money
from submissions.models import Status

# The cells other apps' template tags render, by status.
_TAGS = {
    "awaiting_payment": "{% load payment_tags %}{% pay_action submission %}",
    "in_review": "{% load assessment_tags %}{% review_status submission %}",
    "awarded": "{% load badge_tags %}{% award_panel submission compact=True %}",
}


@cache
def _tag_template(status: str) -> Template:
    return engines["django"].from_string(_TAGS[status]).template  # type: ignore[attr-defined]


def _tag_cell(submission: Any, status: str) -> str:
    return _tag_template(status).render(Context({"submission": submission}))


def _date(value: Any, date_format: str) -> str:
    """``value|date:date_format`` in the current time zone, as the template wrote it."""
    if value is not None and is_aware(value):
        value = localtime(value)
    return conditional_escape(date_filter(value, date_format))


def _denied_cell(submission: Any, csrf_token: str, title: str) -> str:
    awarded_uuid = getattr(submission, "awarded_uuid", None)
    if awarded_uuid:
        url = reverse("submissions:detail", kwargs={"uuid": awarded_uuid})
        return gettext('Awarded with <a href="%(awarded_url)s">%(reference)s</a>') % {
            "awarded_url": conditional_escape(url),
            "reference": conditional_escape(submission.awarded_reference),
        }
    try:
        following = submission.next_attempt
    except ObjectDoesNotExist:  # no attempt after this one
        following = None
    if following is not None:
        label = gettext("Open new attempt %(reference)s") % {
            "reference": conditional_escape(following.reference)
        }
        return f'<a href="{following.get_absolute_url()}">{label}</a>'
    credential = submission.credential
    action = reverse("submissions:resubmit", kwargs={"uuid": submission.uuid})
    token = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    fee = gettext("Resubmission fee: %(fee)s") % {
        "fee": conditional_escape(money(credential.resubmission_fee_cents, credential.currency))
    }
    return (
        f'<form method="post" action="{action}" class="inline-form">\n'
        f'              {token}<button type="submit" class="button button-small">'
        f"{conditional_escape(gettext('Resubmit'))} "
        f'<span class="visually-hidden">{title}</span></button>\n'
        f"            </form>\n"
        f'            <span class="muted">{fee}</span>'
    )


def _next_step(submission: Any, tab: str, url: str, title: str, csrf_token: str) -> str:
    status = submission.status
    if tab == "drafts":
        label = conditional_escape(gettext("Continue"))
        return f'<a href="{url}">{label} <span class="visually-hidden">{title}</span></a>'
    if status == "incomplete":
        note = conditional_escape(truncatewords(submission.returned_note, 20))
        return (
            f'<a href="{url}#returned-note">{conditional_escape(gettext("Fix and resubmit"))} '
            f'<span class="visually-hidden">{title}</span></a>\n'
            f'            <br><span class="muted">{conditional_escape(gettext("What to fix:"))} '
            f"{note}</span>"
        )
    if status in _TAGS:
        return _tag_cell(submission, status)
    if status == "denied":
        return _denied_cell(submission, csrf_token, title)
    return ""


def rows_html(
    submissions: Iterable[Any], *, tab: str, date_label: str, csrf_token: str
) -> SafeString:
    """The ``<tr>`` of each application on one page of a tab; ``csrf_token``
    goes in the form that resubmits a denied application."""
    id_label = conditional_escape(gettext("Submission ID"))
    status_label = conditional_escape(gettext("Status"))
    next_label = conditional_escape(gettext("Next step"))
    date_label = conditional_escape(date_label)
    if tab == "drafts":
        date_format, field = gettext("N j, Y, g:i A"), "updated_at"
    else:
        date_format = gettext("N j, Y")
        field = "submitted_at" if tab == "submitted" else "decided_at"
    # ``get_status_display`` and ``get_absolute_url`` for each row, worked out once.
    labels = {value: conditional_escape(label) for value, label in Status.choices}
    sample = uuid.UUID(int=0)
    address = reverse("submissions:detail", kwargs={"uuid": sample}).split(str(sample))
    out = []
    for submission in submissions:
        url = f"{address[0]}{submission.uuid}{address[1]}"
        credential = submission.credential
        title = conditional_escape(credential.title)
        out.append(
            "\n      <tr>\n"
            f'        <td class="card-title"><a href="{url}">{title}</a><br>'
            f'<span class="muted">{conditional_escape(credential.organization.name)}</span></td>\n'
            f'        <td data-label="{id_label}">{conditional_escape(submission.reference)}</td>\n'
            f'        <td data-label="{status_label}">'
            f'<span class="status status-{submission.status}">'
            f"{labels[submission.status]}</span></td>\n"
            f'        <td data-label="{date_label}">'
            f"{_date(getattr(submission, field), date_format)}</td>\n"
            f'        <td data-label="{next_label}">\n'
            f"          {_next_step(submission, tab, url, title, csrf_token)}\n"
            "        </td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)
