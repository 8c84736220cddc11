"""The learner dashboard: drafts, submitted, awarded, denied and favorites."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from credentials.selectors import favorite_list

from .selectors import TABS, dashboard_counts, dashboard_tab

PAGE_SIZE = 20
# The date column of each tab: when the row last changed in a way the learner cares about.
DATE_LABELS = {
    "drafts": pgettext_lazy("date column", "Last saved"),
    "submitted": pgettext_lazy("date column", "Submitted"),
}


@login_required
def home(request):
    tab = request.GET.get("tab", "drafts")
    if tab not in TABS and tab != "favorites":
        tab = "drafts"
    counts = dashboard_counts(learner=request.user)
    rows: QuerySet[Any]
    if tab == "favorites":
        rows = favorite_list(user=request.user)
    else:
        rows = dashboard_tab(learner=request.user, tab=tab)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    favorites_count = (
        page.paginator.count if tab == "favorites" else favorite_list(user=request.user).count()
    )
    tabs = [(key, label, counts[key]) for key, (label, _) in TABS.items()]
    return render(
        request,
        "dashboard/dashboard_home.html",
        {
            "tab": tab,
            "tabs": tabs,
            "date_label": DATE_LABELS.get(tab, pgettext_lazy("date column", "Decided")),
            "page_obj": page,
            "querystring_base": f"tab={tab}&",
            "favorites_count": favorites_count,
        },
    )
