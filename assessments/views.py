"""The assessor queue and the review page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from core.views import user_errors
from credentials.models import Part
from submissions.changes import attempt_changes
from submissions.downloads import neutral_name, shows_file_names
from submissions.selectors import submission_with_content

from . import selectors, services
from .exceptions import DecisionInvalid
from .forms import ACTION_SAVE, SORT_CHOICES, QueueFilterForm, ScoreForm
from .models import Outcome, ScoringKind, ScoringModel

PAGE_SIZE = 25
# Images the download view serves inline (?inline=1), previewed on the review page.
INLINE_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@login_required
def queue(request):
    if not selectors.is_assessor(request.user):
        raise PermissionDenied("Only assessors have a review queue.")
    oversees = selectors.sees_every_review(request.user)
    form = QueueFilterForm(
        request.GET or None,
        credentials=selectors.queue_credentials(user=request.user),
        assessors=selectors.queue_assessors() if oversees else None,
    )
    filters = form.filters()
    reviews = selectors.review_queue(user=request.user, **filters)
    page_obj = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    kept = {
        key: value
        for key, value in request.GET.items()
        if key in ("credential", "status", "sort", "assessor") and value
    }
    sort_links = {}
    for key, _label in SORT_CHOICES:
        if key.startswith("-"):
            continue
        current = filters["sort"]
        next_sort = f"-{key}" if current == key else key
        sort_links[key] = {
            "query": urlencode({**kept, "sort": next_sort}),
            "active": current.lstrip("-") == key,
            "descending": current == f"-{key}",
        }
    without_page = urlencode(kept)
    return render(
        request,
        "assessments/review_queue.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "rows": [(review, selectors.deadline(review, today=today)) for review in page_obj],
            "sort_links": sort_links,
            "querystring_base": f"{without_page}&" if without_page else "",
            "show_assessor": oversees,
        },
    )


def _parts(submission):
    """Responses grouped by part, with Part 2 carrying the files and links."""
    parts = []
    for value, label in Part.choices:
        parts.append(
            {
                "number": value,
                "label": label,
                "responses": [r for r in submission.responses.all() if r.part == value],
                "is_evidence": value == Part.EVIDENCE,
            }
        )
    return parts


def _named_files(submission, reader) -> list[tuple]:
    """Each file with the name this reader sees: neutral under blind review,
    numbered in the order listed, like its download name."""
    own_names = shows_file_names(submission, reader)
    return [
        (attachment, attachment.original_name if own_names else neutral_name(attachment, n))
        for n, attachment in enumerate(submission.attachments.all(), start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
@user_errors("assessments:review")
def review(request, uuid):
    own = selectors.scoring_for_submission(submission_uuid=uuid, user=request.user)
    if own is not None and (
        own.kind != ScoringKind.FIRST or own.review.scoring_model != ScoringModel.SINGLE
    ):
        # Paired, sampled and adjudicating scorers work on their own, blind page.
        return redirect("assessments:scoring", uuid=own.uuid)
    review = selectors.review_get_for_user(submission_uuid=uuid, user=request.user)
    can_score = (
        review.is_open
        and review.assessor_id == request.user.pk
        # A paired review is scored on the scoring pages, never here.
        and review.scoring_model == ScoringModel.SINGLE
    )
    scores = selectors.review_scores(review)
    criteria = review.submission.rubric_snapshot
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        scores=scores,
        comment=review.comment,
    )
    confirm_decision = ""
    if request.method == "POST":
        if not can_score:
            if not review.is_open:
                messages.info(request, gettext("This submission has already been decided."))
                return redirect("assessments:review", uuid=uuid)
            raise PermissionDenied("Only the assigned assessor can score this review.")
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                saved = services.review_save_progress(
                    review_id=review.pk,
                    actor=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
                if action == ACTION_SAVE:
                    messages.success(request, gettext("Progress saved."))
                    return redirect("assessments:review", uuid=uuid)
                if request.POST.get("confirm_decision") == action:
                    services.review_decide(review_id=review.pk, actor=request.user, outcome=action)
                else:
                    confirm_decision = _decision_to_confirm(request, saved, action)
            except DecisionInvalid as exc:
                form.add_decision_problems(exc.errors)
                messages.error(request, str(exc))
            else:
                if not confirm_decision:
                    if action == Outcome.AWARDED:
                        done = gettext(
                            "%(reference)s awarded. The learner will be notified by email."
                        )
                    else:
                        done = gettext(
                            "%(reference)s denied. The learner will be notified by email."
                        )
                    messages.success(request, done % {"reference": review.submission.reference})
                    return redirect("assessments:queue")
    submission = submission_with_content(review.submission)
    return render(
        request,
        "assessments/review_detail.html",
        {
            "review": review,
            "submission": submission,
            "blind": submission.credential.organization.blind_review,
            "parts": _parts(submission),
            "attachments": _named_files(submission, request.user),
            "inline_image_types": INLINE_IMAGE_TYPES,
            "links": list(submission.links.all()),
            "attestations": list(submission.attestations.all()),
            "deadline": selectors.deadline(review),
            "form": form,
            "can_score": can_score,
            "scores": [(criterion, scores.get(int(criterion["id"]))) for criterion in criteria],
            "status": submission.status,
            "confirm_decision": confirm_decision,
            # Every scoring of a paired or sampled review, for staff only.
            "scorings": (
                selectors.review_scorings(review=review)
                if (review.scoring_model != ScoringModel.SINGLE or review.sampled)
                and selectors.sees_every_review(request.user)
                else []
            ),
        },
    )


def _decision_to_confirm(request, review, action: str) -> str:
    """A decision is final, so it takes a second, deliberate step: check the saved
    marks as the decision would (DecisionInvalid lists what is missing), then ask
    the assessor to confirm on the page (without JS; with JS a dialog asks first)."""
    problems = services.decision_problems(list(review.scores.all()), action, review.comment)
    if problems:
        raise DecisionInvalid(problems)
    messages.warning(
        request,
        format_html(
            gettext(
                'Your marks are saved. <a href="#confirm-decision">Confirm the decision</a> to '
                "award {}: it is final."
            )
            if action == Outcome.AWARDED
            else gettext(
                'Your marks are saved. <a href="#confirm-decision">Confirm the decision</a> to '
                "deny {}: it is final."
            ),
            review.submission.reference,
        ),
    )
    return action


@require_http_methods(["GET"])
def review_changes(request, uuid):
    """What changed since the previous attempt, beside that attempt's feedback.

    For the assigned assessor and staff who oversee reviews; 404 for anyone
    else (the learner, another assessor, a visitor who is not signed in)."""
    review = selectors.review_get_for_user(submission_uuid=uuid, user=request.user)
    submission = review.submission
    changes = attempt_changes(submission)
    if changes is None:
        raise Http404("A first attempt has nothing to compare.")
    related = selectors.related_submissions(submission=submission)
    previous_attempt = next(
        (a for a in related.attempts if a.submission.pk == changes.previous.pk), None
    )
    own_names = shows_file_names(submission, request.user)

    def name(attachment, number):
        return attachment.original_name if own_names else neutral_name(attachment, number)

    return render(
        request,
        "assessments/review_changes.html",
        {
            "review": review,
            "submission": submission,
            "changes": changes,
            "files": [(change, name(change.attachment, change.number)) for change in changes.files],
            "previous_attempt": previous_attempt,
            "show_numbers": related.show_numbers,
        },
    )
