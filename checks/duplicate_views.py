"""The staff queue of duplicate-evidence flags, and the decision on one flag.

Both pages are for staff whose groups give them ``checks.view_duplicateflag``
(deciding also needs ``checks.decide_duplicateflag``); anyone else gets 404,
so the pages do not even say that flags exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from core.views import user_errors

from .duplicate_forms import FlagDecisionForm
from .models import FlagStatus
from .selectors import duplicates as selectors
from .services import duplicates as services

PAGE_SIZE = 25


@require_http_methods(["GET"])
def flag_queue(request):
    if not selectors.can_see_flags(request.user):
        raise Http404("No such page.")
    status = request.GET.get("status", FlagStatus.OPEN)
    if status not in {value for value, _label in FlagStatus.choices} | {"all"}:
        status = FlagStatus.OPEN
    flags = selectors.flag_queue(status="" if status == "all" else status)
    page_obj = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "checks/flag_queue.html",
        {
            "page_obj": page_obj,
            "status": status,
            "statuses": [*FlagStatus.choices, ("all", gettext("All"))],
            "querystring_base": f"status={status}&",
        },
    )


@require_http_methods(["GET", "POST"])
@user_errors("checks:flag")
def flag_detail(request, uuid):
    flag = selectors.flag_get_for_staff(uuid=uuid, user=request.user)
    can_decide = request.user.has_perm("checks.decide_duplicateflag")
    form = FlagDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_decide:
            raise Http404("No such page.")
        if form.is_valid():
            services.flag_decide(
                flag_id=flag.pk,
                actor=request.user,
                status=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, gettext("Decision recorded."))
            return redirect("checks:flag_queue")
    return render(
        request,
        "checks/flag_detail.html",
        {"flag": flag, "form": form, "can_decide": can_decide and flag.is_open},
    )
