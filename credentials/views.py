"""Public catalog, details and printable pages, and favorites."""

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.page_cache import cache_public_page

from . import selectors, services
from .catalog_kept import catalog_kept
from .forms import CatalogFilterForm
from .models import MicroCredential
from .signals import catalog_stack

PAGE_SIZE = 12


@cache_public_page
def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"q": "", "org": "", "topic": "", "reviewed": ""}
    stack = _catalog_stack(request.GET.get("stack", ""))
    if stack:
        filters["stack"] = request.GET["stack"]
    credentials = selectors.credential_list(
        search=filters["q"],
        organization_slug=filters["org"],
        topic_slug=filters["topic"],
        quality_reviewed=filters["reviewed"] == "1",
        lineages=stack[1] if stack else None,
    )
    page_obj = Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page"))
    favorites = selectors.favorite_ids(user=request.user)
    page_credentials = list(page_obj.object_list)
    kept = catalog_kept(request, form, page_credentials, favorites)
    active = {key: value for key, value in filters.items() if value}
    return render(
        request,
        "credentials/credential_catalog.html",
        {
            "form": form,
            "page_obj": page_obj,
            "filter_fields": kept.filter_fields,
            "credentials": page_credentials,
            "cards": kept.cards,
            "is_filtered": bool(active),
            "stack_title": stack[0] if stack else "",
            "querystring_base": f"{urlencode(active)}&" if active else "",
        },
    )


def _catalog_stack(slug: str) -> tuple[str, list] | None:
    """The stack named by ``?stack=`` (its title and member lineages), asked of
    whichever app knows stacks; None when nobody does."""
    if not slug or len(slug) > 120:
        return None
    for _receiver, answer in catalog_stack.send(sender=None, slug=slug):
        if answer:
            return cast("tuple[str, list]", answer)
    return None


def _get_credential(request, slug: str) -> MicroCredential:
    try:
        # Unpublished drafts are previewed by staff allowed to view credentials.
        return selectors.credential_get_published(
            slug=slug,
            include_unpublished=request.user.is_staff
            and request.user.has_perm("credentials.view_microcredential"),
            favorite_of=request.user,
        )
    except MicroCredential.DoesNotExist:
        raise Http404("No such credential.") from None


def _credential_context(request, credential: MicroCredential) -> dict:
    return {
        "credential": credential,
        "parts": selectors.credential_parts(credential),
        "is_favorite": getattr(credential, "is_favorite", False),
    }


@cache_public_page
def detail(request, slug):
    credential = _get_credential(request, slug)
    return render(
        request, "credentials/credential_detail.html", _credential_context(request, credential)
    )


@cache_public_page
def printable(request, slug):
    credential = _get_credential(request, slug)
    return render(
        request, "credentials/credential_print.html", _credential_context(request, credential)
    )


@require_POST
def favorite_toggle(request, slug):
    """Add or remove a favorite, then go back to the page the form was on.

    Anonymous visitors are sent to log in and then to the details page, not back
    here: this URL only answers POST.
    """
    credential = _get_credential(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(credential.get_absolute_url())
    wanted = request.POST.get("favorite")
    if wanted in ("0", "1"):
        is_favorite = services.favorite_set(
            user=request.user, credential=credential, favorite=wanted == "1"
        )
    else:
        is_favorite = services.favorite_toggle(user=request.user, credential=credential)
    if is_favorite:
        messages.success(
            request, gettext("Added “%(title)s” to your favorites.") % {"title": credential.title}
        )
    else:
        messages.info(
            request,
            gettext("Removed “%(title)s” from your favorites.") % {"title": credential.title},
        )

    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(credential)
