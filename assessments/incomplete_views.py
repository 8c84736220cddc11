"""Returning an application as Incomplete, and re-running its pre-check.

Both hang off the review page. Only the assigned assessor returns an
application (a page of its own, so the note has a labelled field with its
error beside it, without JS); whoever may read the review (its assessor,
staff who oversee reviews) may re-run the pre-check. Anyone else, signed in
or not, gets a 404, as for the review page itself.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from checks.models import PrecheckTrigger
from checks.selectors.precheck import precheck_view
from checks.services.precheck import precheck_request
from core.views import user_errors
from submissions.downloads import shows_file_names

from . import selectors, services
from .models import ReviewState
from .services import MAX_FEEDBACK_CHARS


class ReturnIncompleteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What the learner needs to fix"),
        help_text=gettext_lazy(
            "The learner reads this in an email and on their application. Say exactly what "
            "to change; this is not a decision and does not count as an attempt."
        ),
        max_length=MAX_FEEDBACK_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": gettext_lazy("Write what the learner needs to fix.")},
    )


def _suggested_note(submission, reader) -> str:
    """The pre-check's problems, one per line, as a starting point for the note."""
    view = precheck_view(submission=submission, file_names=shows_file_names(submission, reader))
    return "\n".join(f"{item.label}: {item.problem} {item.fix}" for item in view.problems)


@login_required
@require_http_methods(["GET", "POST"])
@user_errors("assessments:review_return")
def review_return(request, uuid):
    review = selectors.review_get_for_user(submission_uuid=uuid, user=request.user)
    if review.assessor_id != request.user.pk:
        raise Http404("Only the assigned assessor returns an application.")
    submission = review.submission
    if review.state == ReviewState.RETURNED:
        messages.info(request, gettext("This application is already back with its learner."))
        return redirect("assessments:review", uuid=submission.uuid)
    if not review.is_open:
        messages.info(request, gettext("This submission has already been decided."))
        return redirect("assessments:review", uuid=submission.uuid)
    if request.method == "POST":
        form = ReturnIncompleteForm(request.POST)
        if form.is_valid():
            services.review_return_incomplete(
                review_id=review.pk, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                gettext(
                    "%(reference)s was returned as incomplete. The learner is emailed what to "
                    "fix; it comes back to you when they resubmit."
                )
                % {"reference": submission.reference},
            )
            return redirect("assessments:queue")
    else:
        form = ReturnIncompleteForm(initial={"note": _suggested_note(submission, request.user)})
    return render(
        request,
        "assessments/review_return.html",
        {"review": review, "submission": submission, "form": form},
    )


@require_POST
def review_recheck(request, uuid):
    if not request.user.is_authenticated:
        raise Http404("No such review.")
    review = selectors.review_get_for_user(submission_uuid=uuid, user=request.user)
    precheck_request(
        submission=review.submission, trigger=PrecheckTrigger.RECHECK, actor=request.user
    )
    messages.success(request, gettext("The files and links were checked again."))
    return redirect(
        reverse("assessments:review", kwargs={"uuid": review.submission.uuid}) + "#precheck"
    )
