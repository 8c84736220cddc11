"""The completeness pre-check on pages other apps own: the application page
(while the learner can still change it) and the assessor's review page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from submissions.downloads import shows_file_names
from submissions.models import Submission
from submissions.services import submission_problems

from ..selectors.precheck import ItemResult, PrecheckView, precheck_view

register = template.Library()


@register.simple_tag
def precheck_learner_panel(submission: Submission) -> SafeString:
    """Inside the application form: the "Check my application" button, the written
    answers' problems as they stand now, and the latest file and link results.

    The markup of ``checks/_precheck_learner.html`` (kept as the reference the
    tests compare with), built in Python: the application page renders it on
    every visit, and the template's few dozen nodes cost more than its query."""
    return learner_panel_html(precheck_view(submission=submission), submission_problems(submission))


@register.inclusion_tag("checks/_precheck_review.html", takes_context=True)
def precheck_review_panel(context, submission):
    """The review page's pre-check results, file names as this reader may see them."""
    request = context.get("request")
    reader = getattr(request, "user", None)
    own_names = bool(reader is not None and shows_file_names(submission, reader))
    return {"view": precheck_view(submission=submission, file_names=own_names)}


# The panel's fixed markup per language: the same for every learner.
_fixed: dict[str, dict[str, str]] = {}


def _translate(message: str) -> SafeString:
    """``{% translate "..." %}``: a literal's translation is written as it is."""
    return mark_safe(gettext(message))  # noqa: S308  (a translation of the source's own text)


def _labels() -> dict[str, str]:
    language = str(get_language())
    labels = _fixed.get(language)
    if labels is None:
        labels = _fixed[language] = {
            "head": format_html(
                '<section class="part precheck" id="precheck" aria-labelledby="precheck-heading"'
                ' tabindex="-1">\n  <h2 id="precheck-heading">{}</h2>\n  <p class="help">{}</p>\n'
                '  <p><button type="submit" name="action" value="check"'
                ' class="button button-secondary">{}</button>\n'
                '    <span class="muted">{}</span></p>\n',
                _translate("Check my application"),
                _translate(
                    "We open each of your files and links the way the assessor will, without"
                    " signing in, and tell you what to change. A warning does not stop you"
                    " submitting, but evidence the assessor cannot open may be returned to you."
                ),
                _translate("Check my application"),
                _translate("(saves your draft first)"),
            ),
            "written": format_html("  <h3>{}</h3>\n", _translate("Written answers")),
            "answers_ok": format_html(
                '    <p><span class="status status-ok">{}</span> {}</p>\n',
                _translate("OK"),
                _translate("Every required answer is written and within its word limit."),
            ),
            "evidence": format_html("  <h3>{}</h3>\n", _translate("Evidence files and links")),
            "warning": format_html(
                '<span class="status status-warning">{}</span>', _translate("Warning")
            ),
            "ok": format_html('<span class="status status-ok">{}</span>', _translate("OK")),
            "everything": _translate("Everything opened."),
            "link": _translate("Link:"),
            "file": _translate("File:"),
            "fix": _translate("How to fix it:"),
            "no_items": format_html(
                '    <p class="muted">{}</p>\n', _translate("No files or links were checked.")
            ),
            "not_checked": format_html(
                '    <p class="muted">{}</p>\n',
                _translate(
                    "Not checked yet. Press “Check my application” after adding your files"
                    " and links."
                ),
            ),
        }
    return labels


def _item_html(item: ItemResult, labels: dict[str, str]) -> str:
    """One file or link of ``checks/_precheck_items.html``."""
    url = format_html(' <span class="muted precheck-url">{}</span>', item.url) if item.url else ""
    head = format_html(
        '\n    <li class="precheck-item{}">\n'
        '      <span class="precheck-label">{} <strong>{}</strong>{}</span>\n',
        "" if item.ok else " precheck-item-problem",
        labels["link"] if item.kind == "link" else labels["file"],
        item.label,
        url,
    )
    if item.ok:
        body = format_html('        {} <span class="muted">{}</span>\n', labels["ok"], item.note)
    else:
        body = format_html(
            '        {}\n        <p class="precheck-problem">{}</p>\n'
            '        <p class="precheck-fix"><strong>{}</strong> {}</p>\n',
            labels["warning"],
            item.problem,
            labels["fix"],
            item.fix,
        )
    return head + body + "    </li>\n  "


def learner_panel_html(view: PrecheckView, answer_problems: list[tuple[str, str]]) -> SafeString:
    """The learner's panel from its parts (``precheck_learner_panel``)."""
    labels = _labels()
    parts: list[Any] = [labels["head"]]
    if view.pending:
        when = formats.time_format(localtime(view.pending.requested_at), "TIME_FORMAT")
        parts.append(
            format_html(
                '    <p class="alert alert-info" role="status">{}</p>\n',
                mark_safe(  # noqa: S308  (the translation, with the escaped time)
                    gettext(
                        "A check asked for at %(time)s is still running. Reload the page in a"
                        " minute to see its results."
                    )
                    % {"time": conditional_escape(when)}
                ),
            )
        )
    parts.append(labels["written"])
    if answer_problems:
        parts.append(
            format_html(
                '    <ul class="precheck-items">{}</ul>\n',
                format_html_join(
                    "",
                    '<li class="precheck-item precheck-item-problem">{} <a href="#{}">{}</a></li>',
                    ((labels["warning"], anchor, message) for message, anchor in answer_problems),
                ),
            )
        )
    else:
        parts.append(labels["answers_ok"])
    parts.append(labels["evidence"])
    if view.latest:
        when = formats.date_format(localtime(view.latest.finished_at), "DATETIME_FORMAT")
        problems = len(view.problems)
        summary = (
            ngettext(
                "%(counter)s item needs your attention.",
                "%(counter)s items need your attention.",
                problems,
            )
            % {"counter": formats.localize(problems)}
            if problems
            else labels["everything"]
        )
        parts.append(
            format_html(
                '    <p class="muted">{}<br>\n      {}</p>\n',
                mark_safe(  # noqa: S308  (the translation, with the escaped time)
                    gettext("Last checked: %(time)s") % {"time": conditional_escape(when)}
                ),
                mark_safe(summary),  # noqa: S308  (a translation and a number)
            )
        )
        parts.append('    <ul class="precheck-items">\n  ')
        parts.extend(_item_html(item, labels) for item in view.items)
        parts.append("\n</ul>\n")
        if not view.items:
            parts.append(labels["no_items"])
    elif not view.pending:
        parts.append(labels["not_checked"])
    parts.append("</section>\n")
    return mark_safe("".join(parts))  # noqa: S308  (every part escaped or built with format_html)
