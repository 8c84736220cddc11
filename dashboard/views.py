"""The learner dashboard: drafts, submitted, awarded, denied and favorites."""

from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from credentials.selectors import favorite_list

from .rows import rows_html
from .selectors import FAVORITES, TABS, dashboard_counts, dashboard_tab

PAGE_SIZE = 20
# The date column of each tab: when the row last changed in a way the learner cares about.
DATE_LABELS = {
    "drafts": pgettext_lazy("date column", "Last saved"),
    "submitted": pgettext_lazy("date column", "Submitted"),
}


class CountedPaginator(Paginator):
    """Pages of rows whose number the tab counts already gave: no COUNT query.

    The page's rows are always read, even when the count says none, so a tab
    costs the same queries empty or full.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        return Page(rows, number, self)


@login_required
def home(request):
    tab = request.GET.get("tab", "drafts")
    if tab not in TABS and tab != FAVORITES:
        tab = "drafts"
    counts = dashboard_counts(learner=request.user)
    rows: QuerySet[Any]
    if tab == FAVORITES:
        rows = favorite_list(user=request.user)
    else:
        rows = dashboard_tab(learner=request.user, tab=tab)
    page = CountedPaginator(rows, PAGE_SIZE, count=counts[tab]).get_page(request.GET.get("page"))
    tabs = [(key, label, counts[key]) for key, (label, _) in TABS.items()]
    date_label = DATE_LABELS.get(tab, pgettext_lazy("date column", "Decided"))
    markup = ""
    if tab != FAVORITES:
        markup = rows_html(page.object_list, tab=tab, date_label=str(date_label), request=request)
    return render(
        request,
        "dashboard/dashboard_home.html",
        {
            "tab": tab,
            "tabs": tabs,
            "date_label": date_label,
            "page_obj": page,
            "rows": markup,
            "querystring_base": f"tab={tab}&",
            "favorites_count": counts[FAVORITES],
        },
    )
