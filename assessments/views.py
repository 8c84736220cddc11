"""The assessor queue and the review page."""

import datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext
from django.views.decorators.http import require_http_methods

from core import fragment_cache, kept_page
from core.views import user_errors
from submissions.changes import attempt_changes
from submissions.downloads import neutral_name, shows_file_names
from submissions.models import Status

from . import nav, panels, queue_pages, review_page, selectors, services
from .exceptions import DecisionInvalid
from .forms import ACTION_SAVE, SORT_CHOICES, QueueFilterForm, ScoreForm
from .models import Outcome, ScoringModel

PAGE_SIZE = 25


@login_required
def queue(request):
    user = request.user
    # The header's remembered answer (no query while her roles are unchanged).
    if not nav.has_review_queue(user):
        raise PermissionDenied("Only assessors have a review queue.")
    oversees = selectors.sees_every_review(user)
    form = QueueFilterForm(
        request.GET or None,
        credentials=selectors.queue_credentials(user=user),
        assessors=selectors.queue_assessors() if oversees else None,
    )
    filters = form.filters()
    asked = request.GET.get("page")
    page_key = queue_pages.page_key(user=user, oversees=oversees, filters=filters, page=asked)
    page, version = queue_pages.kept_page(page_key) if page_key else (None, 0)
    if page is None:
        page = _queue_page(user=user, oversees=oversees, filters=filters, page=asked)
        if page_key:
            queue_pages.keep_page(page_key, page, version)
    # The paginator only places the page among the others: its rows are the kept ones.
    page_obj = queue_pages.CountedPaginator(page.count, PAGE_SIZE).get_page(asked)
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
            # Fields with errors keep the full field component (label, errors, help).
            "filter_fields": (
                None
                if form.errors
                else SafeString(
                    "\n".join(
                        form.field_html(name)
                        for name in ("credential", "status", "assessor", "sort")
                        if name in form.fields
                    )
                )
            ),
            "filters": filters,
            "sort_label": dict(SORT_CHOICES).get(filters["sort"], ""),
            "page_obj": page_obj,
            "rows": SafeString(page.rows),
            "sort_links": sort_links,
            "querystring_base": f"{without_page}&" if without_page else "",
            "show_assessor": oversees,
        },
    )


def _queue_page(*, user, oversees: bool, filters: dict, page: str | None) -> queue_pages.QueuePage:
    """A queue page read and rendered: the reviews counted, the page's rows read
    with their joins and built by ``QueueRows``."""
    reviews = selectors.review_queue(user=user, **filters)
    page_obj = Paginator(reviews, PAGE_SIZE).get_page(page)
    page_reviews = list(selectors.queue_rows(cast(QuerySet, page_obj.object_list)))
    deadlines = selectors.queue_deadlines(page_reviews, today=timezone.localdate())
    rows = QueueRows(user=user, show_assessor=oversees)
    return queue_pages.QueuePage(
        count=page_obj.paginator.count,
        rows="\n".join(rows.row(r, d) for r, d in zip(page_reviews, deadlines, strict=True)),
    )


class QueueRows:
    """The rows of a queue page, built here rather than by the template (with
    its includes per row): the page's cost stays flat as a queue fills up.

    Each piece of text is escaped by ``format_html``; the markup is what
    ``_deadline.html`` and ``components/status_badge.html`` render."""

    # Every row links to a review page: reverse once, fill in each UUID.
    _PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

    def __init__(self, *, user, show_assessor: bool) -> None:
        self.user_id = user.pk
        self.show_assessor = show_assessor
        self.url = reverse("assessments:review", kwargs={"uuid": self._PLACEHOLDER})
        self.date_format = gettext("M j, Y")
        self.your_scoring = _badge("scoring", gettext("Your scoring"))
        # A page's rows share a few statuses, dates and deadlines: each is
        # rendered once.
        self.status_labels = dict(Status.choices)
        self.badges: dict[str, SafeString] = {}
        self.dates: dict[datetime.date, str] = {}
        self.deadlines: dict[tuple, SafeString] = {}

    def deadline(self, deadline) -> SafeString:
        key = (deadline.days_left, deadline.is_overdue, deadline.overdue_days)
        if key not in self.deadlines:
            self.deadlines[key] = deadline_html(deadline)
        return self.deadlines[key]

    def badge(self, status: str) -> SafeString:
        if status not in self.badges:
            self.badges[status] = _badge(status, self.status_labels.get(status, status))
        return self.badges[status]

    def date(self, value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        if value not in self.dates:
            self.dates[value] = date_format(value, self.date_format)
        return self.dates[value]

    def row(self, row, deadline) -> str:
        """One ``<tr>`` of a ``selectors.queue_rows`` row: plain text goes through
        ``escape``; the badge, dates' and deadline's markup were built by
        ``format_html``."""
        if row.assessor_id == self.user_id or self.show_assessor:
            status = self.badge(row.submission__status)
        else:
            status = self.your_scoring
        url = self.url.replace(self._PLACEHOLDER, str(row.submission__uuid))
        cells = [
            f'<td><a href="{escape(url)}">{escape(row.submission__reference)}</a></td>',
            f"<td>{escape(row.submission__credential__title)}</td>",
            f"<td>{escape(self.date(row.submission__submitted_at))}</td>",
            f"<td>{escape(self.date(row.due_on))}</td>",
            f"<td>{self.deadline(deadline)}</td>",
            f"<td>{status}</td>",
        ]
        if self.show_assessor:
            if row.assessor_id:
                # As ``User.get_full_name``.
                cells.append(f"<td>{escape(row.assessor__name or row.assessor__email)}</td>")
            else:
                cells.append(f"<td><em>{escape(gettext('Unassigned'))}</em></td>")
        overdue = ' class="overdue"' if deadline.is_overdue else ""
        return f"<tr{overdue}>{''.join(cells)}</tr>"


def _badge(status: str, label: Any) -> SafeString:
    return format_html('<span class="status status-{}">{}</span>', status, label)


def deadline_html(deadline) -> SafeString:
    """Business days left for one open review, as ``_deadline.html`` shows it."""
    if deadline.days_left is None:
        return format_html('<span class="muted">{}</span>', "—")
    if deadline.is_overdue:
        if deadline.overdue_days:
            text = ngettext(
                "Overdue by %(days)s business day",
                "Overdue by %(days)s business days",
                deadline.overdue_days,
            ) % {"days": deadline.overdue_days}
        else:
            text = gettext("Overdue")
        return format_html('<span class="overdue-label">{}</span>', text)
    if deadline.days_left == 0:
        return format_html('<span class="due-soon">{}</span>', gettext("Due today"))
    text = ngettext(
        "%(days)s business day left", "%(days)s business days left", deadline.days_left
    ) % {"days": deadline.days_left}
    return format_html(
        "<span{}>{}</span>",
        SafeString(' class="due-soon"' if deadline.days_left <= 3 else ""),
        text,
    )


@login_required
@require_http_methods(["GET", "POST"])
@user_errors("assessments:review")
def review(request, uuid):
    page = selectors.review_page_get(submission_uuid=uuid, user=request.user)
    if page.scoring_uuid is not None:
        # Paired, sampled and adjudicating scorers work on their own, blind page.
        return redirect("assessments:scoring", uuid=page.scoring_uuid)
    review = page.review
    assert review is not None  # noqa: S101  (review_page_get gives one or the other)
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
    submission = review.submission
    blind = submission.credential.organization.blind_review
    kept = None
    if request.method == "GET" and review_page.keepable(review, can_score=can_score, blind=blind):
        kept = review_page.lookup(review, reader_id=request.user.pk, scores=scores.values())
        if kept.value is not None:
            return kept_page.respond(request, kept.value)
    # The badge, deadline and form fields are built here rather than by
    # templates included with ``only``: the assessor opens this page for every review.
    built = can_score and not form.errors
    context = {
        "review": review,
        "submission": submission,
        "blind": blind,
        "panels": panels.review_panels(submission=submission, reader=request.user, blind=blind),
        "status_badge": _badge(submission.status, submission.get_status_display()),
        "meta": _review_meta(review, submission, selectors.deadline(review)),
        "decision_buttons": _decision_buttons(review, submission.reference) if can_score else "",
        "form": form,
        # Fields with errors keep the template's rendering (errors, aria).
        "rubric_rows": form.rows_html() if built else "",
        "comment_html": form.comment_html() if built else "",
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
    }
    if kept is None:
        return render(request, REVIEW_TEMPLATE, context)
    blocks = kept_page.render_blocks(request, REVIEW_TEMPLATE, context)
    fragment_cache.keep(kept, blocks)
    return kept_page.respond(request, blocks)


REVIEW_TEMPLATE = "assessments/review_detail.html"


def _review_meta(review, submission, deadline) -> SafeString:
    """The review page's heading facts (credential, submitted, decision due and
    business days left), as the template wrote them, built here: each
    translation filled in with its escaped value."""
    credential = submission.credential
    due = date_format(review.due_on, gettext("F j, Y"))
    submitted = (
        date_format(timezone.localtime(submission.submitted_at), "DATETIME_FORMAT")
        if submission.submitted_at
        else ""
    )
    return format_html(
        "<li>{} <strong>{}</strong> ({})</li>\n<li>{}</li>\n<li>{}{}</li>",
        gettext("Credential:"),
        credential.title,
        credential.organization.name,
        gettext("Submitted %(date)s") % {"date": submitted},
        gettext("Decision due %(date)s") % {"date": due},
        format_html(" ({})", deadline_html(deadline)) if review.is_open else "",
    )


def _decision_buttons(review, reference: str) -> SafeString:
    """The decision bar's award and deny buttons, with the confirmations decision.js
    asks, and when progress was last saved (the save button is the template's)."""
    saved = (
        format_html(
            '\n<span class="muted">{}</span>',
            gettext("Last saved %(date)s")
            % {
                "date": date_format(timezone.localtime(review.progress_saved_at), "DATETIME_FORMAT")
            },
        )
        if review.progress_saved_at
        else ""
    )
    words = {"reference": reference}
    return format_html(
        '<button type="submit" name="action" value="awarded" class="button"'
        ' data-confirm="{}" data-confirm-yes="{}">{}</button>\n'
        '<button type="submit" name="action" value="denied" class="button button-danger"'
        ' data-confirm="{}" data-confirm-yes="{}">{}</button>{}',
        gettext(
            "Award %(reference)s? The decision is final: the learner is emailed and "
            "receives the credential."
        )
        % words,
        gettext("Yes, award %(reference)s") % words,
        pgettext("decision", "Award"),
        gettext(
            "Deny %(reference)s? The decision is final: the learner is emailed your "
            "feedback and invited to resubmit."
        )
        % words,
        gettext("Yes, deny %(reference)s") % words,
        pgettext("decision", "Deny"),
        saved,
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
