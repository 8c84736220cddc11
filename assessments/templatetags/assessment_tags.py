"""Assessment pieces shown on pages other apps own (submission page, dashboard)."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core import fragment_cache
from submissions.kept import learner_attempts
from submissions.models import Status

from .. import nav, selectors

register = template.Library()


@register.inclusion_tag("assessments/_related_submissions.html")
def related_submissions(submission, viewer):
    """The Related submissions table: every attempt in the chain with its feedback.

    Attempt numbers and the denial count show only while no attempt in the
    chain is awarded. The learner (``viewer``) gets links to their attempts.
    """
    related = selectors.related_submissions(submission=submission)
    return {
        "submission": submission,
        "related": related,
        "link_attempts": getattr(viewer, "pk", None) == submission.learner_id,
    }


@register.inclusion_tag("assessments/_review_status.html")
def review_status(submission):
    """'Decision expected by DATE', or the late notice with the helpdesk contact."""
    due_on = submission.decision_due_on
    in_review = submission.status == Status.IN_REVIEW and due_on is not None
    return {
        "submission": submission,
        "in_review": in_review,
        "is_late": in_review and timezone.localdate() > due_on,
        "HELPDESK_EMAIL": settings.HELPDESK_EMAIL,
    }


@register.simple_tag
def assessor_nav_link(user):
    """A "Review queue" navigation item for assessors and staff (nothing for others).

    In the header of every page: the answer is remembered per user until her
    roles change (``assessments.nav``), and the item is built here rather than
    from a template of its own."""
    if not nav.has_review_queue(user):
        return "\n"
    return format_html(
        '<li><a href="{}">{}</a></li>\n', reverse("assessments:queue"), gettext("Review queue")
    )


@register.simple_tag
def attempt_feedback(submission) -> SafeString:
    """The decided feedback on one attempt, overall and per criterion, shown on
    the learner's next attempt. Nothing for an attempt not decided yet: an
    open review's saved progress is never shown.

    Once the attempt is out of the learner's hands its markup is kept, in one
    cache round trip like the feedback it shows, under the attempt's content
    key (its status, version and change time: a decision, a reopened review or
    any other move changes it), the version of her attempts' decided feedback
    (a decided review's comment or scores corrected later) and the language;
    it shows nothing else (the page is its learner's alone)."""
    content = selectors.content_key(submission)
    key = (
        fragment_cache.key(
            "attempt-feedback", content, depends=(learner_attempts(submission.learner_id),)
        )
        if content
        else None
    )
    html = fragment_cache.get(key) if key else None
    if not isinstance(html, str):
        html = render_to_string(
            "assessments/_attempt_feedback.html",
            {"attempt": selectors.earlier_feedback(submission=submission)},
        )
        if key:
            fragment_cache.put(key, html, selectors.CONTENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308  (rendered from the escaping template)
