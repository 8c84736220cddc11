"""The learner dashboard: drafts, submitted, awarded, denied and favorites."""

from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from core import fragment_cache
from core.kept_page import TOKEN_PLACEHOLDER, with_token
from credentials.selectors import favorite_list

from . import kept
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

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
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


def _read_tab(request, tab: str, raw_page: str | None) -> tuple[kept.KeptTab, Page]:
    """The counts and one page of ``tab``, read from the database; the rows'
    markup carries the placeholder of the CSRF token."""
    counts = dashboard_counts(learner=request.user)
    rows: QuerySet[Any]
    if tab == FAVORITES:
        rows = favorite_list(user=request.user)
    else:
        rows = dashboard_tab(learner=request.user, tab=tab)
    page = CountedPaginator(rows, PAGE_SIZE, count=counts[tab]).get_page(raw_page)
    markup = None
    if tab != FAVORITES:
        markup = rows_html(
            page.object_list,
            tab=tab,
            date_label=str(_date_label(tab)),
            csrf_token=TOKEN_PLACEHOLDER,
        )
    shown = len(page.object_list)
    return kept.KeptTab(counts=counts, rows=markup, shown=shown, number=page.number), page


def _tab(request, tab: str) -> tuple[kept.KeptTab, Page]:
    """The counts and page of ``tab``: the kept ones while nothing they show
    changed (``dashboard.kept``), else read and kept. The favorites tab's
    cards are read on each request."""
    raw_page = request.GET.get("page")
    number = kept.requested_page(raw_page)
    key = None if number is None else kept.tab_key(user_id=request.user.pk, tab=tab, number=number)
    found = None if key is None else fragment_cache.get(key)
    if found is None:
        found, page = _read_tab(request, tab, raw_page)
        if key is not None:
            fragment_cache.put(key, found, kept.seconds_to_keep(page.object_list, tab=tab))
        return found, page
    count = found.counts[tab]
    if tab == FAVORITES:
        page = CountedPaginator(favorite_list(user=request.user), PAGE_SIZE, count=count).page(
            found.number
        )
    else:
        page = Page(range(found.shown), found.number, CountedPaginator([], PAGE_SIZE, count=count))
    return found, page


def _date_label(tab: str) -> Any:
    return DATE_LABELS.get(tab, pgettext_lazy("date column", "Decided"))


@login_required
def home(request):
    tab = request.GET.get("tab", "drafts")
    if tab not in TABS and tab != FAVORITES:
        tab = "drafts"
    found, page = _tab(request, tab)
    counts = found.counts
    tabs = [(key, label, counts[key]) for key, (label, _) in TABS.items()]
    markup = with_token(found.rows, get_token(request)) if found.rows else ""
    return render(
        request,
        "dashboard/dashboard_home.html",
        {
            "tab": tab,
            "tabs": tabs,
            "date_label": _date_label(tab),
            "page_obj": page,
            "rows": markup,
            "querystring_base": f"tab={tab}&",
            "favorites_count": counts[FAVORITES],
        },
    )
