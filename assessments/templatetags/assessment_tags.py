"""Assessment pieces shown on pages other apps own (submission page, dashboard)."""

from django import template

register = template.Library()


@register.inclusion_tag("assessments/_related_submissions.html")
def related_submissions(submission, viewer):
    """The Related submissions table: every attempt in the chain with its feedback."""
    return {"submission": submission, "viewer": viewer}


@register.inclusion_tag("assessments/_review_status.html")
def review_status(submission):
    """'Decision expected by DATE', or the late notice with the helpdesk contact."""
    return {"submission": submission}
