"""Issuer analytics pages: the report, its CSV export. Staff granted
``analytics.view_issuer_analytics`` see every organization; an organization's
admins see theirs; anyone else gets 404."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import charts, selectors
from .forms import PeriodForm


@require_safe
@login_required
def index(request):
    organizations = list(selectors.organizations_visible(user=request.user))
    if not organizations:
        raise Http404
    return render(request, "analytics/index.html", {"organizations": organizations})


def _report(request, slug):
    organization = selectors.organization_for(user=request.user, slug=slug)
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


@require_safe
@login_required
def organization_report(request, slug):
    form, report = _report(request, slug)
    return render(
        request,
        "analytics/report.html",
        {
            "form": form,
            "report": report,
            "totals": report.totals,
            "funnel": charts.funnel(report.totals),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@login_required
def organization_csv(request, slug):
    _form, report = _report(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="analytics-{report.organization.slug}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
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
    )
    for row in report.rows:
        writer.writerow(
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
    writer.writerow([])
    writer.writerow([_("Credential"), _("Criterion"), _("Scored"), _("Met"), _("Pass rate (%)")])
    for row in report.rows:
        for criterion in row.criteria:
            writer.writerow(
                [
                    charts.safe_cell(row.title),
                    charts.safe_cell(criterion["title"]),
                    criterion["scored"],
                    criterion["met"],
                    criterion["rate"],
                ]
            )
    return response
