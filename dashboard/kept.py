"""The dashboard's tab counts and a page of a tab's rows, kept as rendered.

A learner's dashboard is her home page: she comes back to it after every
step, and for a learner with a long history its counts (every application
grouped by status) and its page of rows (each joined to its credential and
issuer, awards to their badges, denials to what followed) cost most of the
page. What they show changes only when one of these changes, so they are kept
under a key carrying the version of each:

- ``submissions.kept.learner_applications(id)``: any of her applications
  (a draft's save, a status move, a new attempt, the date a decision is due);
- ``badges.kept.learner_awards(id)``: any of her awards or badges (issued,
  revoked, renewed);
- ``learner_favorites(id)``: one of her favorites added or removed
  (``connect``);
- ``badges.kept.CREDENTIALS``: a published credential or an issuer changed
  (titles, names and fees beside the rows; a credential leaving the catalog
  leaves the favorites count).

The key also carries the day (a review becomes late at midnight) and the
language; an awarded page is kept no longer than until the first of its
badges expires, since the row says whether the badge is active. The form
that resubmits a denied application is kept with a placeholder where the
request's CSRF token goes (``core.kept_page.with_token``): a kept page is this learner's
own, but the token belongs to the browser.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from badges.kept import CREDENTIALS, learner_awards
from core import fragment_cache
from submissions.kept import learner_applications

# Page numbers kept; a request for another (a typed address) is answered without keeping.
KEPT_PAGES = 1000


def learner_favorites(user_id: int) -> str:
    return f"kept:favorites:{user_id}:version"


@dataclass(frozen=True)
class KeptTab:
    """What one page of a tab showed: the counts of every tab, the rows'
    markup (None on the favorites tab, whose cards are read on each request),
    how many rows and which page number."""

    counts: dict[str, int]
    rows: str | None
    shown: int
    number: int


def tab_key(*, user_id: int, tab: str, number: int) -> str:
    """The key of a page of ``tab`` for the learner, under the current versions."""
    return fragment_cache.key(
        "dashboard-tab",
        user_id,
        tab,
        number,
        timezone.localdate().isoformat(),
        depends=(
            learner_applications(user_id),
            learner_awards(user_id),
            learner_favorites(user_id),
            CREDENTIALS,
        ),
    )


def requested_page(raw: str | None) -> int | None:
    """The page number a request asks for when it is one that is kept (first
    page when none is given); None for anything else."""
    if not raw:
        return 1
    if raw.isdigit() and 0 < int(raw) <= KEPT_PAGES:
        return int(raw)
    return None


def seconds_to_keep(rows: Iterable[Any], *, tab: str) -> int:
    """How long a page of rows stays right: on the awarded tab, until the
    first badge on it expires (its row then says so); at most a day."""
    now = timezone.now()
    seconds = fragment_cache.FRAGMENT_SECONDS
    if tab != "awarded":
        return seconds
    for submission in rows:
        award = _award(submission)
        badge = getattr(award, "badge", None) if award is not None else None
        valid_until = getattr(badge, "valid_until", None)
        if isinstance(valid_until, datetime.datetime) and valid_until > now:
            seconds = min(seconds, int((valid_until - now).total_seconds()) + 1)
    return seconds


def _award(submission: Any) -> Any:
    """The row's award when the page read it with the row (never a query)."""
    field = type(submission).award
    if not field.is_cached(submission):
        return None
    try:
        return submission.award
    except field.RelatedObjectDoesNotExist:
        return None


# --- receivers (connected in dashboard.apps) --------------------------------------------


def _favorite_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        fragment_cache.changed(learner_favorites(instance.user_id))


def connect() -> None:
    from credentials.models import Favorite

    post_save.connect(_favorite_changed, sender=Favorite, dispatch_uid="dashboard.kept.save")
    post_delete.connect(_favorite_changed, sender=Favorite, dispatch_uid="dashboard.kept.delete")
