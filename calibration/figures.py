"""Cached figures of the statistics pages: agreement and quality, turnaround,
issuer analytics.

These pages aggregate the whole history (every decision, scoring, application
and payment), which is too much to read again on each request once there are
hundreds of thousands of rows. What they show is computed once and kept in
the cache under a key that carries the *versions* of what it is read from:

- ``DECISIONS``: reviews (decisions, due dates), scorings and their marks,
  calibration attempts, the names of people and the titles of credentials,
  organizations and criteria, an organization's SLA;
- ``APPLICATIONS``: applications and payments (only the issuer analytics read
  them; they are connected by ``analytics.apps``).

Every save or delete that changes what the figures are read from bumps the
version at once and again when its transaction commits (a page computed from
the data before the commit is not kept), so a new decision shows on the next
request (the one that computes the figures afresh; requests arriving while
it computes show the figures before, ``get_or_recent``). Saves that only
touch bookkeeping (reminder stamps, an assessor's unsaved progress, a login
time) leave the figures alone. Old entries are never read again and expire
on their own.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from core.fragment_cache import changed, versions

DECISIONS = "figures:decisions:version"
APPLICATIONS = "figures:applications:version"


def key_for(key: str, *, depends: Collection[str] = (DECISIONS,)) -> str:
    """The cache key of ``key`` under the current versions of what it depends on
    and the active language (the value may hold rendered text)."""
    stamp = ".".join(str(v) for v in versions(*depends))
    return f"figures:{key}:{get_language()}:{stamp}"


# Each process keeps its latest entries too: the key carries the versions, read
# from the shared cache on every request, so a local copy is never staler than
# the shared one, and a hit costs one round trip instead of two.
LOCAL_ENTRIES = 128
_LOCAL_SECONDS = 60
_local: dict[str, tuple[float, Any]] = {}


def get(full_key: str) -> Any:
    """The entry stored under ``full_key`` (from ``key_for``), or None."""
    entry = _local.get(full_key)
    if entry is not None and entry[0] >= time.monotonic():
        return entry[1]
    value = cache.get(full_key)
    if value is not None:
        _remember(full_key, value, _LOCAL_SECONDS)
    return value


def get_or_recent(full_key: str) -> Any:
    """``get(full_key)``; when it is not kept, the figures last kept for the same
    page (under older versions) while another request is computing the current
    ones, or None: this request computes them, and ``put`` ends its claim.

    Computing the figures reads the whole history (a second or more at two
    hundred thousand applications), so when a decision or the time limit
    retires them, one request computes them and the others meanwhile show the
    previous figures rather than each computing the same (which held every
    worker for seconds). A claim left by a request that failed lapses after
    ``CLAIM_SECONDS``; with no previous figures kept, every request computes."""
    value = get(full_key)
    if value is not None:
        return value
    if cache.add(_claim_key(full_key), True, CLAIM_SECONDS):
        return None
    return cache.get(_recent_key(full_key))


def put(full_key: str, value: Any, seconds: int) -> None:
    """Keep ``value`` under ``full_key`` for at most ``seconds``, and as the
    page's most recent figures (``get_or_recent``) for a day."""
    cache.set(full_key, value, seconds)
    cache.set(_recent_key(full_key), value, RECENT_SECONDS)
    cache.delete(_claim_key(full_key))
    _remember(full_key, value, min(seconds, _LOCAL_SECONDS))


# How long a claim to compute a page's figures holds, and its previous figures are kept.
CLAIM_SECONDS = 60
RECENT_SECONDS = 24 * 60 * 60


def _claim_key(full_key: str) -> str:
    return f"{full_key}:computing"


def _recent_key(full_key: str) -> str:
    """The page's key without its versions (``key_for`` puts them last)."""
    return "figures-recent:" + full_key.rsplit(":", 1)[0]


def _remember(full_key: str, value: Any, seconds: int) -> None:
    if len(_local) >= LOCAL_ENTRIES:
        try:
            _local.pop(next(iter(_local)))
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass
    _local[full_key] = (time.monotonic() + seconds, value)


def listen(name: str, models: Mapping[type[Model], Collection[str]], *, uid: str) -> None:
    """Bump ``name`` on every save and delete of ``models``, except saves limited
    (``update_fields``) to the fields listed for the model, which the figures
    never read."""
    for model, ignored in models.items():
        ignored = frozenset(ignored)

        def saved(
            sender: Any,
            *,
            update_fields: Any = None,
            raw: bool = False,
            _ignored=ignored,
            **kw: Any,
        ) -> None:
            if raw:  # fixtures loading: nothing is cached yet
                return
            if update_fields and set(update_fields) <= _ignored:
                return
            changed(name)

        def deleted(sender: Any, **kwargs: Any) -> None:
            changed(name)

        label = model._meta.label_lower
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save:{label}")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete:{label}")


def connect() -> None:
    """Listen for changes to what the decision figures are read from (at start-up)."""
    from accounts.models import User
    from assessments.models import (
        CriterionScore,
        OrganizationReviewSettings,
        Review,
        Scoring,
        ScoringMark,
    )
    from credentials.models import MicroCredential, Organization, RubricCriterion

    from .models import AttemptAnswer, AttemptMark, CalibrationAttempt

    listen(
        DECISIONS,
        {
            Review: (
                "assessor",
                "assigned_at",
                "comment",
                "progress_saved_at",
                "reminder_sent_at",
                "escalated_at",
                "escalation_count",
                "overdue_reassigned_at",
                "remind_on",
                "next_escalation_on",
            ),
            Scoring: (
                "assessor",
                "assigned_at",
                "comment",
                "progress_saved_at",
                "remind_on",
                "reminder_sent_at",
                "escalated_at",
            ),
            ScoringMark: (),
            CriterionScore: (),
            CalibrationAttempt: (),
            AttemptAnswer: (),
            AttemptMark: (),
            OrganizationReviewSettings: (),
            MicroCredential: (),
            Organization: (),
            RubricCriterion: (),
            # Names label the assessors; a login only stamps ``last_login``.
            User: ("last_login", "password"),
        },
        uid="figures-decisions",
    )
