"""The catalog's markup kept for signed-in learners: cards and blank filters.

Anonymous visitors get whole pages from ``core.page_cache``; a signed-in
learner's page differs from anyone else's only by her favorites, her stack
progress and the CSRF token. A card's shared part (title, organization,
summary, quality mark, topics, fee, hours) and both states of its favorite
button are rendered once and kept under a key made of the active language,
the time zone (the quality mark's date) and a digest of every value the card
shows, read with the page as before: an edit of any of them (a credential, its
organization's name, its topics) gives a new key, so a kept card is never
shown after a change, and a change it does not show (a stack, a favorite)
leaves it kept.

The filter form's fields when no filter was sent are kept the same way, under
a digest of their menus (every organization and topic with a published
credential, read as before); a form sent with filters is rendered with them.

What is kept holds nothing of a learner: the favorite buttons carry stand-ins
for the page's address and the CSRF token, filled in per request, and which of
the two states shows is chosen from her own favorites. Her stack progress is
rendered by the page (``stack_tags``), never kept here. The queries are the
page's own, kept or not: only the rendering is saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from django import forms
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from core.fragment_cache import FRAGMENT_SECONDS

from .forms import CatalogFilterForm
from .models import MicroCredential

# Moves with the kept markup, so a release that changes it never reads the old.
CATALOG_MARKUP = 1
# Stand-ins in the kept favorite buttons (no escaping changes them).
_NEXT = "\x00next\x00"
_CSRF = "\x00csrf\x00"


class _Kept(TypedDict):
    shared: str
    favorite: str
    not_favorite: str


@dataclass(frozen=True)
class Card:
    """One card of the page: its credential (for the learner's stack progress),
    the shared markup and this learner's favorite button ("" for a visitor)."""

    credential: MicroCredential
    shared: SafeString
    favorite: SafeString


@dataclass(frozen=True)
class CatalogPage:
    """The catalog page's filter fields and cards."""

    filter_fields: SafeString
    cards: list[Card]


def _key(kind: str, shown: Any) -> str:
    """The key of markup of ``kind`` showing the values ``shown`` (their digest)."""
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return ":".join(
        (
            "fragment",
            kind,
            str(get_language()),
            get_current_timezone_name(),
            str(CATALOG_MARKUP),
            digest,
        )
    )


def _card_key(credential: MicroCredential) -> str:
    """Every value the card and its favorite buttons show (its topics prefetched)."""
    shown = (
        credential.pk,
        credential.slug,
        credential.title,
        credential.organization.name,
        credential.summary,
        credential.quality_reviewed_at,
        credential.quality_framework,
        [topic.name for topic in credential.topics.all()],
        credential.fee_cents,
        credential.currency,
        credential.estimated_hours,
    )
    return _key("catalog-card", shown)


def _favorite_form(credential: MicroCredential, is_favorite: bool) -> str:
    return render_to_string(
        "credentials/_favorite_form.html",
        {
            "credential": credential,
            "is_favorite": is_favorite,
            "next_url": _NEXT,
            "csrf_token": _CSRF,
        },
    )


def _render(credential: MicroCredential) -> _Kept:
    return {
        "shared": render_to_string("credentials/_credential_card.html", {"credential": credential}),
        "favorite": _favorite_form(credential, True),
        "not_favorite": _favorite_form(credential, False),
    }


def _blank(form: CatalogFilterForm) -> bool:
    """Whether the fields render as when nothing was sent: no field of the form
    in the query (another page of the whole catalog, ``?page=3``, is blank;
    ``?q=`` is not: its empty choice shows as chosen)."""
    return not form.is_bound or not any(name in form.data for name in form.fields)


def _menus(form: CatalogFilterForm) -> dict[str, list[tuple[str, str]]]:
    """The organization and topic menus' choices, read once (the widgets then
    render these rather than reading them again)."""
    menus = {}
    for name in ("org", "topic"):
        field = cast("forms.ModelChoiceField", form.fields[name])
        menus[name] = [("", str(field.empty_label))] + [
            (item.slug, field.label_from_instance(item)) for item in field.queryset or ()
        ]
    return menus


def _blank_filters_key(form: CatalogFilterForm) -> str | None:
    """The key of the blank filter fields (None when a filter was sent: those are
    rendered with it). The menus read for it are given to the widgets."""
    if not _blank(form):
        return None
    menus = _menus(form)
    for name, choices in menus.items():
        cast("forms.ModelChoiceField", form.fields[name]).choices = choices
    return _key("catalog-filters", menus)


def catalog_kept(
    request: HttpRequest,
    form: CatalogFilterForm,
    credentials: Sequence[MicroCredential],
    favorites: set[int],
) -> CatalogPage:
    """The filter fields and the page's cards: kept ones read in one round trip,
    the others rendered and kept."""
    filters_key = _blank_filters_key(form)
    keys = [_card_key(credential) for credential in credentials]
    found = cache.get_many([*keys, filters_key] if filters_key else keys)
    fresh: dict[str, object] = {}
    filters: str | None = found.get(filters_key) if filters_key else None
    if filters is None:
        filters = render_to_string("credentials/_catalog_filters.html", {"form": form})
        if filters_key:
            fresh[filters_key] = filters
    for credential, key in zip(credentials, keys, strict=True):
        if key not in found:
            found[key] = fresh[key] = _render(credential)
    if fresh:
        cache.set_many(fresh, FRAGMENT_SECONDS)
    return CatalogPage(
        mark_safe(filters),  # noqa: S308 (a template's output)
        _cards(request, credentials, [found[key] for key in keys], favorites),
    )


def _cards(
    request: HttpRequest,
    credentials: Sequence[MicroCredential],
    kept: list[_Kept],
    favorites: set[int],
) -> list[Card]:
    """The cards with this learner's favorite buttons (none for a visitor)."""
    signed_in = request.user.is_authenticated
    next_url = escape(request.get_full_path()) if signed_in else ""
    token = get_token(request) if signed_in else ""
    cards = []
    for credential, parts in zip(credentials, kept, strict=True):
        favorite = ""
        if signed_in:
            button = parts["favorite" if credential.pk in favorites else "not_favorite"]
            favorite = button.replace(_NEXT, next_url).replace(_CSRF, token)
        cards.append(
            Card(
                credential,
                mark_safe(parts["shared"]),  # noqa: S308 (a template's output)
                mark_safe(favorite),  # noqa: S308 (a template's output, the address escaped)
            )
        )
    return cards
