"""Partners' cohort pages and the teacher's invitation and consent pages."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import holds_email
from core.views import user_errors

from .cohort_forms import CohortForm, InviteForm
from .cohort_models import Cohort, Enrollment, Partner, PartnerRole
from .cohort_selectors import (
    COHORT_SORTS,
    DEFAULT_COHORT_SORT,
    CohortHeading,
    CohortSummary,
    MemberRow,
    cohort_get_for,
    cohort_heading_for,
    cohort_list_for,
    cohort_members_page,
    cohort_members_search,
    cohort_progress,
    enrollment_get_visible,
    enrollments_of,
    partner_memberships,
)
from .cohort_versions import dashboard_kept
from .services.cohorts import (
    cohort_code_create,
    cohort_create,
    enrollment_accept,
    enrollment_invite,
    enrollment_withdraw,
    invited_elsewhere,
)

STAGE_LABELS = {
    "not_started": gettext_lazy("Not started"),
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
    "in_review": gettext_lazy("In review"),
    "incomplete": gettext_lazy("Incomplete"),
    "denied": gettext_lazy("Denied"),
    "awarded": gettext_lazy("Awarded"),
}


def _labels() -> dict[str, str]:
    return {key: str(value) for key, value in STAGE_LABELS.items()}


def _day(value: datetime | None) -> str:
    """A date as the dashboard shows it (the ``date:"Y-m-d"`` filter's output)."""
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def _progress_rows(cohort_uuid: str, rows: list[MemberRow], labels: dict[str, str]) -> SafeString:
    """The progress table's rows, one per teacher of the page.

    Built here rather than in the template: each row has a cell per credential,
    and rendering each through template tags costs far more than this.
    """
    # The teacher page's address with a placeholder id, completed per row.
    link = reverse("cohorts:teacher", kwargs={"uuid": cohort_uuid, "teacher_id": 0})[:-2]
    stage_labels = {key: escape(label) for key, label in labels.items()}
    lines = []
    for row in rows:
        cells = []
        for cell in row.cells:
            text = stage_labels.get(cell.stage, "")
            if cell.submitted_at:
                text += f'<br><span class="meta">{_day(cell.submitted_at)}</span>'
            if cell.decided_at:
                text += f'<br><span class="meta">{_day(cell.decided_at)}</span>'
            cells.append(f'<td data-stage="{escape(cell.stage)}">{text}</td>')
        name = row.name or row.email.split("@")[0]  # as ``User.display_name``
        lines.append(
            f'<tr>\n      <th scope="row"><a href="{link}{row.teacher_id}/">'
            f"{escape(name)}</a><br>"
            f'<span class="meta">{escape(row.email)}</span></th>\n      '
            + "".join(cells)
            + "\n    </tr>"
        )
    return mark_safe("\n    ".join(lines))  # noqa: S308 (every value escaped above)


def _summary_rows(summary: CohortSummary, labels: dict[str, str]) -> SafeString:
    """The totals table's rows: per credential, how many teachers at each stage."""
    lines = []
    for credential_id, title in summary.credentials:
        per_stage = summary.stages.get(credential_id, {})
        cells = "".join(f"<td>{per_stage.get(stage, 0)}</td>" for stage in labels)
        lines.append(f'<tr><th scope="row">{escape(title)}</th>{cells}</tr>')
    return mark_safe("\n    ".join(lines))  # noqa: S308 (the title escaped, counts are ints)


# Teachers per page of the dashboard's table; the CSV has every one.
PAGE_SIZE = 50
# A longer search is cut: no name or address needs more.
MAX_SEARCH = 100

SORT_LABELS = {
    "email": gettext_lazy("Email, A to Z"),
    "-email": gettext_lazy("Email, Z to A"),
    "name": gettext_lazy("Name, A to Z"),
    "-name": gettext_lazy("Name, Z to A"),
    "-awarded": gettext_lazy("Most credentials awarded"),
    "awarded": gettext_lazy("Fewest credentials awarded"),
    "-joined": gettext_lazy("Joined most recently"),
    "joined": gettext_lazy("Joined longest ago"),
}


@dataclass(frozen=True)
class _Paginator:
    count: int
    num_pages: int


@dataclass(frozen=True)
class TablePage:
    """A page of the table, with what ``components/pagination.html`` reads
    (the total is known without counting rows when nothing is searched)."""

    number: int
    paginator: _Paginator

    @staticmethod
    def requested(raw: str) -> int:
        """The page number asked for (1 when it is not one)."""
        return max(int(raw), 1) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1

    @classmethod
    def of(cls, number: int, count: int) -> TablePage:
        """Page ``number``, or the nearest one there is."""
        pages = max(1, -(-count // PAGE_SIZE))
        return cls(min(number, pages), _Paginator(count, pages))

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @property
    def start_index(self) -> int:
        return self.offset + 1 if self.paginator.count else 0

    @property
    def end_index(self) -> int:
        return min(self.offset + PAGE_SIZE, self.paginator.count)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _sort_options(sort: str) -> SafeString:
    """The order menu's options, ``sort`` selected (eight options a template loop
    rendered with a comparison each)."""
    return mark_safe(  # noqa: S308 (keys are ours, labels escaped)
        "".join(
            f'<option value="{key}"{" selected" if key == sort else ""}>{escape(label)}</option>'
            for key, label in SORT_LABELS.items()
        )
    )


# The blank invitation form's fields, rendered once per language: they read
# nothing of the request, the cohort or the coach. Forgotten when a setting
# changes (tests override settings).
_blank_invite_fields: dict[str | None, SafeString] = {}
setting_changed.connect(
    lambda **kwargs: _blank_invite_fields.clear(), dispatch_uid="programs.blank_invite_fields"
)


def _invite_fields(form: InviteForm) -> SafeString:
    """The invitation form's fields: ``form``'s own when it was sent (its values
    and errors), else the blank ones kept for the language."""
    if form.is_bound:
        return mark_safe(render_to_string("programs/_invite_fields.html", {"form": form}))  # noqa: S308
    language = get_language()
    html = _blank_invite_fields.get(language)
    if html is None:
        html = _blank_invite_fields[language] = mark_safe(  # noqa: S308 (a template's output)
            render_to_string("programs/_invite_fields.html", {"form": form})
        )
    return html


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = list(cohort_list_for(user=request.user))  # type: ignore[arg-type]
    administered = list(
        Partner.objects.filter(members__user=request.user, members__role=PartnerRole.ADMIN)
        .select_related("organization")
        .distinct()
    )
    if not cohorts and not administered:
        raise Http404
    return render(
        request, "programs/cohort_list.html", {"cohorts": cohorts, "administered": administered}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = get_object_or_404(
        Partner.objects.select_related("organization"),
        pk=partner_id,
        members__user=request.user,
        members__role=PartnerRole.ADMIN,
    )
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(
            partner=partner,
            name=form.cleaned_data["name"],
            credentials=form.cleaned_data["credentials"],
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
        )
        if form.cleaned_data["with_code"]:
            cohort_code_create(cohort=cohort, actor=request.user)
        return redirect("cohorts:dashboard", uuid=cohort.uuid)
    return render(
        request,
        "programs/cohort_new.html",
        {"partner": partner, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_dashboard(request: HttpRequest, uuid: str) -> HttpResponse:
    cohort = cohort_heading_for(user=request.user, uuid=uuid)  # type: ignore[arg-type]
    form = InviteForm()
    if request.method == "POST":
        form = InviteForm(request.POST, request.FILES)
        if form.is_valid():
            fresh = enrollment_invite(
                cohort=Cohort.objects.get(pk=cohort.pk),
                emails=form.cleaned_data["emails"],
                actor=request.user,
            )
            messages.success(
                request,
                _("%(n)s invitations sent; addresses already invited were skipped.")
                % {"n": len(fresh)},
            )
            return redirect("cohorts:dashboard", uuid=cohort.uuid)
    query = request.GET.get("q", "").strip()[:MAX_SEARCH]
    sort = request.GET.get("sort", "")
    if sort not in COHORT_SORTS:
        sort = DEFAULT_COHORT_SORT
    requested = TablePage.requested(request.GET.get("page", ""))
    dashboard = dashboard_kept(cohort_id=cohort.pk, sort=sort, page=requested)
    summary = dashboard.summary
    labels = _labels()
    if query:
        count = cohort_members_search(cohort_id=cohort.pk, query=query).count()
        table = _table(cohort, summary, labels, query, sort, TablePage.of(requested, count))
    elif dashboard.table is not None:
        table = mark_safe(dashboard.table)  # noqa: S308 (rendered by _table)
    else:
        page = TablePage.of(requested, summary.members)
        table = _table(cohort, summary, labels, query, sort, page)
        if page.number == requested:  # a page out of range is not kept under its number
            dashboard.keep(table)
    return render(
        request,
        "programs/cohort_dashboard.html",
        {
            "cohort": cohort,
            "summary": summary,
            "stage_labels": labels.values(),
            "summary_rows": _summary_rows(summary, labels),
            "table": table,
            "query": query,
            "sort": sort,
            "sort_options": _sort_options(sort),
            "form": form,
            "invite_fields": _invite_fields(form),
        },
        status=400 if form.is_bound else 200,
    )


def _table(
    cohort: CohortHeading,
    summary: CohortSummary,
    labels: dict[str, str],
    query: str,
    sort: str,
    page: TablePage,
) -> SafeString:
    """The teachers' table at ``page``, read from the database: the count of those
    shown, their rows and the links to the other pages (which keep search and order)."""
    rows = cohort_members_page(
        cohort_id=cohort.pk,
        credential_ids=summary.credential_ids,
        query=query,
        sort=sort,
        offset=page.offset,
        limit=PAGE_SIZE,
    )
    kept = {k: v for k, v in (("q", query), ("sort", sort)) if v and v != DEFAULT_COHORT_SORT}
    return render_to_string(
        "programs/_cohort_table.html",
        {
            "summary": summary,
            "progress_rows": _progress_rows(str(cohort.uuid), rows, labels),
            "page_obj": page,
            "querystring_base": urlencode(kept) + "&" if kept else "",
        },
    )


@login_required
def cohort_teacher(request: HttpRequest, uuid: str, teacher_id: int) -> HttpResponse:
    cohort = cohort_get_for(user=request.user, uuid=uuid)  # type: ignore[arg-type]
    enrollment = enrollment_get_visible(cohort=cohort, teacher_id=teacher_id)
    progress = cohort_progress(cohort=cohort, teacher_id=teacher_id)
    return render(
        request,
        "programs/cohort_teacher.html",
        {
            "cohort": cohort,
            "enrollment": enrollment,
            "cells": list(zip(progress.credentials, progress.rows[0].cells, strict=True)),
            "labels": _labels(),
        },
    )


@login_required
def cohort_export(request: HttpRequest, uuid: str) -> HttpResponse:
    cohort = cohort_get_for(user=request.user, uuid=uuid)  # type: ignore[arg-type]
    progress = cohort_progress(cohort=cohort)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.uuid}.csv"'
    writer = csv.writer(response)
    writer.writerow(["email", "name", "credential", "status", "started", "submitted", "decided"])
    labels = _labels()

    def day(value) -> str:  # noqa: ANN001
        return value.date().isoformat() if value else ""

    for row in progress.rows:
        for credential, cell in zip(progress.credentials, row.cells, strict=True):
            writer.writerow(
                [
                    _safe(row.teacher.email),
                    _safe(row.teacher.display_name),
                    _safe(credential.title),
                    labels[cell.stage],
                    day(cell.started_at),
                    day(cell.submitted_at),
                    day(cell.decided_at),
                ]
            )
    return response


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_http_methods(["GET", "POST"])
@user_errors()
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("cohort__partner__organization"), token=token
    )
    if enrollment.teacher_id not in (None, request.user.pk):
        raise Http404
    if request.method == "POST":
        enrollment_accept(token=token, teacher=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("You joined %(cohort)s. Its coaches now see your progress.")
            % {"cohort": enrollment.cohort.name},
        )
        return redirect("cohorts:mine")
    elsewhere = (
        invited_elsewhere(enrollment.email)
        if enrollment.teacher_id is None and not holds_email(request.user, enrollment.email)  # type: ignore[arg-type]
        else ""
    )
    return render(
        request,
        "programs/invitation_accept.html",
        {"enrollment": enrollment, "elsewhere": elsewhere},
    )


@login_required
def my_cohorts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/my_cohorts.html",
        {
            "enrollments": enrollments_of(teacher=request.user),  # type: ignore[arg-type]
            "memberships": partner_memberships(user=request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, token=token, teacher=request.user)
    enrollment_withdraw(enrollment=enrollment, teacher=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You left %(cohort)s. Its coaches no longer see your progress.")
        % {"cohort": enrollment.cohort.name},
    )
    return redirect("cohorts:mine")
