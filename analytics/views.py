"""Issuer analytics pages: the report, its CSV export. Staff granted
``analytics.view_issuer_analytics`` see every organization; an organization's
admins see theirs; anyone else gets 404."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from calibration import figures

from . import charts, selectors
from .forms import PeriodForm


@require_safe
@login_required
def index(request):
    organizations = list(selectors.organizations_visible(user=request.user))
    if not organizations:
        raise Http404
    return render(request, "analytics/index.html", {"organizations": organizations})


# Figures are kept until a decision, an application or a payment changes them
# (``calibration.figures``); a day at most, so old periods do not linger.
REPORT_SECONDS = 24 * 60 * 60
# Longer query strings (crafted ones) are answered but not kept.
MAX_CACHED_QUERY = 200


def _report(request, organization):
    form = PeriodForm(request.GET or None, organization=organization)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    credential = data.get("credential")
    report = selectors.report(
        organization=organization,
        start=data.get("start"),
        end=data.get("end"),
        credential_id=credential.pk if credential else None,
    )
    return form, report


def _key(request, slug: str, what: str) -> str | None:
    query = request.GET.urlencode()
    if len(query) > MAX_CACHED_QUERY:
        return None
    return figures.key_for(
        f"analytics:{what}:{slug}:{query}", depends=(figures.DECISIONS, figures.APPLICATIONS)
    )


@require_safe
@login_required
def organization_report(request, slug):
    """The report. Its figures cover the organization's whole history, so the
    page's content is rendered once per version of what it is read from and
    kept; who may see it is checked on every request (staff who see every
    organization need no look-up: an entry exists only for an organization
    that existed at the current version)."""
    organization = None
    if not selectors.sees_every_organization(user=request.user):
        organization = selectors.organization_for(user=request.user, slug=slug)
    key = _key(request, slug, "report")
    page = figures.get_or_recent(key) if key else None
    context: dict = {}
    if page is None:
        organization = organization or selectors.organization_for(user=request.user, slug=slug)
        form, report = _report(request, organization)
        context = {
            "form": form,
            "report": report,
            "totals": report.totals,
            "funnel": charts.funnel(report.totals),
            "query": request.GET.urlencode(),
        }
        page = {
            "organization_name": organization.name,
            "content": render_to_string("analytics/_report.html", context),
        }
        if key and not form.errors:
            figures.put(key, page, REPORT_SECONDS)
    return render(request, "analytics/report.html", {**context, **page})


@require_safe
@login_required
def organization_csv(request, slug):
    """The report's figures as a spreadsheet, kept like the page."""
    organization = selectors.organization_for(user=request.user, slug=slug)
    key = _key(request, slug, "csv")
    rows = figures.get_or_recent(key) if key else None
    if rows is None:
        form, report = _report(request, organization)
        rows = _csv_rows(report)
        if key and not form.errors:
            figures.put(key, rows, REPORT_SECONDS)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="analytics-{organization.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    csv.writer(response).writerows(rows)
    return response


def _csv_rows(report: selectors.Report) -> list[list]:
    rows: list[list] = [
        [
            _("Credential"),
            _("Version"),
            *[charts.stage_label(s) for s in selectors.STAGES],
            _("Attempts to award"),
            _("Turnaround (days)"),
            _("Revenue (cents)"),
            _("Coupon uses"),
            _("Discounts (cents)"),
        ]
    ]
    for row in report.rows:
        rows.append(
            [
                charts.safe_cell(row.title),
                row.version,
                *[row.stage(s) for s in selectors.STAGES],
                "" if row.attempts_to_award is None else row.attempts_to_award,
                "" if row.turnaround_days is None else row.turnaround_days,
                row.revenue_cents,
                row.coupon_uses,
                row.discount_cents,
            ]
        )
    rows.append([])
    rows.append([_("Credential"), _("Criterion"), _("Scored"), _("Met"), _("Pass rate (%)")])
    for row in report.rows:
        for criterion in row.criteria:
            rows.append(
                [
                    charts.safe_cell(row.title),
                    charts.safe_cell(criterion["title"]),
                    criterion["scored"],
                    criterion["met"],
                    criterion["rate"],
                ]
            )
    return rows
