"""Duplicate-evidence flags shown on pages other apps own (the review page)."""

from django import template

from ..selectors.duplicates import flags_for_submission

register = template.Library()


@register.inclusion_tag("checks/_duplicate_flags.html")
def duplicate_flags(submission, blind):
    """The flags naming this application: which part matched and how closely.

    Under blind review the other application's learner is never named; the
    decision, when staff made one, is shown with its note.
    """
    return {"flags": flags_for_submission(submission), "blind": blind}
