"""The scoring page: one assessor's scoring of a paired or sampled review.

Blind: the page shows the submission and the reader's own scoring; another
assessor's scoring appears only once the reader has submitted theirs and
the other is submitted too (an adjudicator sees both of the pair at once).
Staff who oversee reviews see every scoring of the review.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from core.views import user_errors
from submissions.selectors import submission_with_content

from . import panels, selectors
from . import scoring as scoring_services
from .exceptions import DecisionInvalid
from .forms import ACTION_SAVE, ScoreForm
from .models import Outcome, ScoringKind
from .services import decision_problems


def _confirm(request, scoring, action: str) -> str:
    """Submitting is final: check the saved marks as the submission would, then ask
    the assessor to confirm on the page (with JS a dialog asks first)."""
    problems = decision_problems(list(scoring.marks.all()), action, scoring.comment)
    if problems:
        raise DecisionInvalid(problems)
    messages.warning(
        request,
        format_html(
            gettext(
                'Your marks are saved. <a href="#confirm-decision">Confirm</a> to submit your '
                "scoring of {}: it is final."
            ),
            scoring.review.submission.reference,
        ),
    )
    return action


@login_required
@require_http_methods(["GET", "POST"])
@user_errors("assessments:scoring")
def scoring(request, uuid):
    own = selectors.scoring_get_for_user(scoring_uuid=uuid, user=request.user)
    review = own.review
    mine = own.assessor_id == request.user.pk
    can_score = mine and own.is_open and (review.is_open or own.kind == ScoringKind.SAMPLE)
    marks = {mark.criterion_id: mark for mark in own.marks.all()}
    criteria = review.submission.rubric_snapshot
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        scores=marks,
        comment=own.comment,
    )
    confirm_decision = ""
    if request.method == "POST":
        if not can_score:
            if mine:
                messages.info(request, gettext("This scoring has already been submitted."))
                return redirect("assessments:scoring", uuid=uuid)
            raise PermissionDenied("Only the assigned assessor can score.")
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                saved = scoring_services.scoring_save_progress(
                    scoring_id=own.pk,
                    actor=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
                if action == ACTION_SAVE:
                    messages.success(request, gettext("Progress saved."))
                    return redirect("assessments:scoring", uuid=uuid)
                if request.POST.get("confirm_decision") == action:
                    scoring_services.scoring_submit(
                        scoring_id=own.pk, actor=request.user, outcome=action
                    )
                else:
                    confirm_decision = _confirm(request, saved, action)
            except DecisionInvalid as exc:
                form.add_decision_problems(exc.errors)
                messages.error(request, str(exc))
            else:
                if not confirm_decision:
                    messages.success(
                        request,
                        gettext("Your scoring of %(reference)s is submitted.")
                        % {"reference": review.submission.reference},
                    )
                    return redirect("assessments:queue")
    if mine:
        others = selectors.visible_scorings(review=review, user=request.user, own=own)
    else:
        others = [s for s in selectors.review_scorings(review=review) if s.pk != own.pk]
    submission = submission_with_content(review.submission)
    return render(
        request,
        "assessments/scoring_detail.html",
        {
            "scoring": own,
            "mine": mine,
            "review": review,
            "submission": submission,
            "blind": submission.credential.organization.blind_review,
            "content": panels.content_html(submission=submission, reader=request.user),
            "deadline": selectors.deadline(review),
            "form": form,
            "can_score": can_score,
            "marks": [(criterion, marks.get(int(criterion["id"]))) for criterion in criteria],
            "others": others,
            "show_names": not mine,
            "outcomes": Outcome,
            "confirm_decision": confirm_decision,
        },
    )
