"""The completeness pre-check on pages other apps own: the application page
(while the learner can still change it) and the assessor's review page."""

from django import template

from submissions.downloads import shows_file_names
from submissions.services import submission_problems

from ..selectors.precheck import precheck_view

register = template.Library()


@register.inclusion_tag("checks/_precheck_learner.html", takes_context=True)
def precheck_learner_panel(context, submission):
    """Inside the application form: the "Check my application" button, the written
    answers' problems as they stand now, and the latest file and link results."""
    return {
        "view": precheck_view(submission=submission),
        "answer_problems": submission_problems(submission),
        "submission": submission,
    }


@register.inclusion_tag("checks/_precheck_review.html", takes_context=True)
def precheck_review_panel(context, submission):
    """The review page's pre-check results, file names as this reader may see them."""
    request = context.get("request")
    reader = getattr(request, "user", None)
    own_names = bool(reader is not None and shows_file_names(submission, reader))
    return {"view": precheck_view(submission=submission, file_names=own_names)}
