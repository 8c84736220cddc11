"""The help center (answers by topic, search), the contact form, and a person's requests."""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .exceptions import HelpdeskError
from .forms import REASONS, ContactForm, FaqSearchForm, safe_page

PAGE_SIZE = 20


def _client_address(request) -> str:
    """The client's address as the sign-in rate limits see it (proxies counted alike)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return ""


@require_safe
def help_center(request):
    """Topics with their questions, and search over questions and answers."""
    form = FaqSearchForm(request.GET or None)
    query = ""
    results = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            results = list(selectors.faq_search(query=query))
    return render(
        request,
        "helpdesk/help_center.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "topics": selectors.faq_topic_list(),
        },
    )


@require_safe
def topic_detail(request, slug):
    topic = selectors.faq_topic_get(slug=slug)
    return render(
        request,
        "helpdesk/topic_detail.html",
        {"topic": topic, "topics": selectors.faq_topic_nav(), "form": FaqSearchForm()},
    )


@require_safe
def answer(request, slug):
    """A lasting link to one answer, whichever topic it is under now.

    An answer that was removed leads to a search for its words instead of a dead end.
    """
    entry = selectors.faq_entry_find(slug=slug)
    if entry is None:
        return redirect(f"{reverse('helpdesk:center')}?{urlencode({'q': slug.replace('-', ' ')})}")
    return redirect(entry.get_absolute_url())


@require_http_methods(["GET", "POST"])
def contact(request):
    """Send a help request; a link may fill in the application (?submission=) and
    the subject (?reason=), and names the page it came from (?from=)."""
    user = request.user
    signed_in = user.is_authenticated
    submissions = list(selectors.submissions_for_contact(user=user)) if signed_in else []
    host = request.get_host()
    if request.method == "POST":
        form = ContactForm(request.POST, user=user, submissions=submissions, host=host)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_create(
                    requester=user if signed_in else None,
                    email=data.get("email", ""),
                    name=data.get("name", ""),
                    subject=data["subject"],
                    message=data["message"],
                    submission=data.get("submission"),
                    page_url=data["page"],
                    client=services.client_key(_client_address(request)),
                )
            except HelpdeskError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    gettext("We received your request %(reference)s. We will answer at %(email)s.")
                    % {"reference": ticket.reference, "email": ticket.email},
                )
                if signed_in:
                    return redirect(ticket.get_absolute_url())
                return redirect("helpdesk:center")
    else:
        # Only the person's own application is filled in; any other ID is ignored.
        reference = request.GET.get("submission", "").strip().upper()
        owned = {s.reference for s in submissions}
        page = request.GET.get("from") or request.headers.get("referer", "")
        form = ContactForm(
            user=user,
            submissions=submissions,
            host=host,
            initial={
                "submission": reference if reference in owned else "",
                "subject": REASONS.get(request.GET.get("reason", ""), ""),
                "page": safe_page(page, host=host),
            },
        )
    page_value = form["page"].value() or ""
    return render(
        request,
        "helpdesk/contact_form.html",
        {"form": form, "page_shown": safe_page(page_value, host=host)},
    )


@login_required
@require_safe
def ticket_list(request):
    """My help requests: the signed-in person's own, newest first."""
    tickets = selectors.ticket_list_for_requester(user=request.user)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "helpdesk/ticket_list.html", {"page_obj": page})


@login_required
@require_safe
def ticket_detail(request, uuid):
    ticket = selectors.ticket_get_for_requester(uuid=uuid, user=request.user)
    return render(request, "helpdesk/ticket_detail.html", {"ticket": ticket})
