"""The assessor queue's pages, kept rendered beside a version (``core.fragment_cache``).

A queue page is a count and up to 25 rows, each joining a review to its
submission, credential, organization and assessor. Reading and counting them
is most of what the page costs, and it grows with the queue: so a page's
count and rows (as HTML) are kept, and a visit that finds them reads neither.

The key holds whose queue it is and how she sees it: the user, whether she
oversees every review, the filters, the page asked for, today's date (the
days left), the language and the time zone. A page is kept beside the version
of ``QUEUE`` it was rendered under, read with it in one round trip, and read
back only while that version is still the current one. The version is
bumped by every save or delete that can change which reviews a queue lists
or what a row shows: a review (its assessor, state, due date, outcome or
submission), its submission (status, reference, submission time, credential),
a scoring (its assessor, state or review: who sees the review in her queue),
a credential's title, an organization's holidays (the days left) and an
assessor's name or email (the staff's rows). A save that names only other
fields (progress saved on a review, a reminder sent, a login) bumps nothing.
Versions are bumped at once and again when the transaction commits, so a page
read from rows about to change is never read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import get_language

from core import fragment_cache

QUEUE = "assessments-queue"

# What a queue row shows or a queue's filters read, per model: a save naming
# none of these fields leaves every queue as it was.
_SHOWN = {
    "assessments.review": {"assessor", "assessor_id", "state", "due_on", "outcome", "submission"},
    "assessments.scoring": {"assessor", "assessor_id", "state", "review", "review_id"},
    "submissions.submission": {
        "status",
        "reference",
        "submitted_at",
        "credential",
        "credential_id",
        "uuid",
    },
    "credentials.microcredential": {"title", "organization", "organization_id"},
    "credentials.organization": {"holiday_country", "holiday_subdivision"},
    "accounts.user": {"name", "email"},
}


@dataclass(frozen=True)
class QueuePage:
    """A page of a queue as kept: how many reviews the queue holds, and the page's rows."""

    count: int
    rows: str


def page_key(*, user: Any, oversees: bool, filters: dict[str, Any], page: str | None) -> str | None:
    """The key of a queue page, or None for a page number not written as digits
    (read afresh: Django's paginator reads some of those as numbers)."""
    page = page or "1"
    if not page.isdigit() or len(page) > 9:
        return None
    return ":".join(
        str(part)
        for part in (
            "fragment:assessor-queue",
            get_language(),
            user.pk,
            "all" if oversees else "own",
            filters["credential_id"] or "",
            filters["status"],
            filters["sort"],
            filters["assessor"],
            page,
            timezone.localdate().isoformat(),
            timezone.get_current_timezone_name(),
        )
    )


def kept_page(key: str) -> tuple[QueuePage | None, int]:
    """The page kept under ``key`` while the version it was rendered under is still
    the current one (else None), and the current version: both in one round trip."""
    version_key = fragment_cache.PREFIX + QUEUE
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:  # an emptied cache: the version starts afresh, nothing kept matches
        (version,) = fragment_cache.versions(QUEUE)
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version:
        page = kept[1]
        if isinstance(page, QueuePage):
            return page, int(version)
    return None, int(version)


def keep_page(key: str, page: QueuePage, version: int) -> None:
    """Keep ``page`` beside the version read before its rows were."""
    fragment_cache.put(key, (version, page))


class CountedPaginator(Paginator):
    """A paginator over a kept page: the count is known, the rows are not read."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__((), per_page)
        self.__dict__["count"] = count  # the cached property, already worked out


# --- what bumps the version ------------------------------------------------------------


def _saved(sender: Any, *, instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixture loading: nothing is kept then
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not _SHOWN[sender._meta.label_lower] & set(update_fields):
        return
    fragment_cache.changed(QUEUE)


def _deleted(sender: Any, *, instance: Model, **kwargs: Any) -> None:
    fragment_cache.changed(QUEUE)


def connect() -> None:
    """Listen for changes to what the kept pages show (called once at start-up)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in _SHOWN:
        model = apps.get_model(label)
        uid = f"assessments.queue_pages:{label}"
        post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
