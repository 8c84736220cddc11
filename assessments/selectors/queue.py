"""The assessor queue: the reviews a user works on, its filters and sorts."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import User
from core.page_cache import VERSION_KEY as PUBLIC_PAGES_VERSION
from core.page_cache import public_pages_version
from credentials.models import MicroCredential

from ..business_days import business_days_until, holiday_calendar
from ..models import AssessorScope, Outcome, Review, ReviewState, Scoring, ScoringState
from .scopes import sees_every_review
from .sla import Deadline

QUEUE_STATUSES = {
    "open": Q(state=ReviewState.OPEN),
    "returned": Q(state=ReviewState.RETURNED),
    "awarded": Q(outcome=Outcome.AWARDED),
    "denied": Q(outcome=Outcome.DENIED),
    "all": Q(),
}

QUEUE_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "submitted": ("submission__submitted_at", "id"),
    "-submitted": ("-submission__submitted_at", "-id"),
    "credential": ("submission__credential__title", "due_on", "id"),
    "-credential": ("-submission__credential__title", "due_on", "id"),
}


# What a queue row shows (and its deadline needs), read as plain values: a
# page of rows never builds five model instances per row.
QUEUE_ROW_VALUES = (
    "id",
    "assessor_id",
    "state",
    "due_on",
    "submission__uuid",
    "submission__reference",
    "submission__status",
    "submission__submitted_at",
    "submission__credential__title",
    "submission__credential__organization__holiday_country",
    "submission__credential__organization__holiday_subdivision",
    "assessor__name",
    "assessor__email",
)


def review_queue(
    *,
    user: User,
    credential_id: int | None = None,
    status: str = "open",
    sort: str = "due",
    assessor: str = "",
) -> QuerySet[Review]:
    """The reviews a user works on: their own and those where they hold an open
    scoring (second, sampled, adjudicating; the row links to the review page,
    which sends them to their scoring), or every review for staff who oversee
    reviews (``sees_every_review``).

    ``assessor`` (those staff only) narrows to one assessor's id, or "none" for
    reviews waiting for an assessor.
    """
    reviews = Review.objects.all()
    if sees_every_review(user):
        if assessor == "none":
            reviews = reviews.filter(assessor__isnull=True)
        elif assessor.isdigit():
            reviews = reviews.filter(assessor_id=int(assessor))
        reviews = reviews.filter(QUEUE_STATUSES.get(status, QUEUE_STATUSES["open"]))
    else:
        mine = Q(assessor=user) & QUEUE_STATUSES.get(status, QUEUE_STATUSES["open"])
        if status in ("", "open", "all") or status not in QUEUE_STATUSES:
            # Reviews where the user holds an open second, sampled or adjudicating
            # scoring, whatever the review's state: never under a decided filter,
            # which would tell a sampled scorer the live decision. Their ids are
            # read first (a handful, by index): an OR with a subquery would
            # keep PostgreSQL from reading the page off the queue index.
            scored = list(
                Scoring.objects.filter(assessor=user, state=ScoringState.OPEN)
                .order_by()
                .values_list("review_id", flat=True)
            )
            if scored:
                mine |= Q(pk__in=scored)
        reviews = reviews.filter(mine)
    if credential_id:
        reviews = reviews.filter(submission__credential_id=credential_id)
    return reviews.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["due"]))


def queue_rows(reviews: QuerySet[Review]) -> QuerySet[Any]:
    """The queue's reviews as rows of ``QUEUE_ROW_VALUES`` (named tuples)."""
    return reviews.values_list(*QUEUE_ROW_VALUES, named=True)


# The credentials (id and title) of a user's reviews and scorings, kept with
# the version tokens they were read under: the user's own (renewed when a
# review or scoring reaches or leaves her, ``forget_queue_credentials``), a
# shared one (renewed when the user who lost one is not known) and the public
# pages' version, which every save or delete of a credential bumps (a title
# edited in the admin). A token missing from the cache makes every entry
# stamped with the old one stale.
QUEUE_CREDENTIALS_TIMEOUT = 24 * 60 * 60
_SHARED_TOKEN = "assessments:queue-credentials:shared"  # noqa: S105  (a cache key)


def _token_key(user_id: int) -> str:
    return f"assessments:queue-credentials:token:{user_id}"


def _ids_key(user_id: int) -> str:
    return f"assessments:queue-credentials:titles:{user_id}"


def _token(key: str, found: dict) -> str:
    token = found.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, timeout=None):
            token = cache.get(key) or token
    return token


def queue_credentials(*, user: User) -> list[tuple[int, str]]:
    """Credentials to filter the queue by, as (id, title) by title: those the
    user has reviews (or scorings) for.

    They are remembered per user: working them out reads every review the
    user ever had, joined to its submission. Staff who oversee reviews get
    every reviewed credential."""
    credentials = MicroCredential.objects.order_by("title", "id").values_list("id", "title")
    if sees_every_review(user):
        return list(credentials.filter(pk__in=Review.objects.values("submission__credential_id")))
    token_key, ids_key = _token_key(user.pk), _ids_key(user.pk)
    found = cache.get_many([_SHARED_TOKEN, token_key, ids_key, PUBLIC_PAGES_VERSION])
    titles = found.get(PUBLIC_PAGES_VERSION)
    if titles is None:
        titles = public_pages_version()
    stamp = (_token(_SHARED_TOKEN, found), _token(token_key, found), titles)
    stored = found.get(ids_key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        return stored[1]
    # Two subqueries rather than an OR across the scorings join.
    found_credentials = list(
        credentials.filter(
            Q(pk__in=Review.objects.filter(assessor=user).values("submission__credential_id"))
            | Q(
                pk__in=Scoring.objects.filter(assessor=user).values(
                    "review__submission__credential_id"
                )
            )
        )
    )
    cache.set(ids_key, (stamp, found_credentials), QUEUE_CREDENTIALS_TIMEOUT)
    return found_credentials


def forget_queue_credentials(*user_ids: int | None, everyone: bool = False) -> None:
    """A review or scoring reached or left these users (``everyone``: left a user
    not known): their queue's credential filter is read afresh. Renewed now and
    again once the change commits, so a request that read the old rows between
    the two never keeps its answer."""
    keys = [_token_key(pk) for pk in set(user_ids) if pk is not None]
    if everyone:
        keys.append(_SHARED_TOKEN)
    if not keys:
        return

    def renew() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    renew()
    transaction.on_commit(renew)


def queue_deadlines(rows: list[Any], *, today: datetime.date) -> list[Deadline]:
    """The deadline of each row of a queue page (``queue_rows``), as
    ``sla.deadline`` works it out, once per calendar and due date: a page's
    rows share a few of each."""
    seen: dict[tuple, Deadline] = {}
    result = []
    for row in rows:
        key = (
            row.state == ReviewState.OPEN,
            row.due_on,
            row.submission__credential__organization__holiday_country,
            row.submission__credential__organization__holiday_subdivision,
        )
        if key not in seen:
            is_open, due_on, country, subdivision = key
            if not is_open:
                seen[key] = Deadline(due_on, None, 0)
            else:
                calendar = holiday_calendar(country, subdivision)
                left = business_days_until(today, due_on, calendar=calendar)
                seen[key] = Deadline(due_on, left, max(-left, 0), due_on < today)
        result.append(seen[key])
    return result


def queue_assessors() -> QuerySet[User]:
    """Everyone holding an active assessor scope (the staff filter)."""
    return User.objects.filter(
        pk__in=AssessorScope.objects.filter(is_active=True).values("user_id")
    ).order_by("email")
