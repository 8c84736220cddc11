"""The cohort dashboard's summary, kept under a version per cohort.

A cohort's summary (its credentials, how many teachers consented, how many
invitations wait, and per credential how many teachers are at each stage) is
read from every consenting teacher's attempts: too much to read again on each
visit to a cohort of hundreds. It is kept under a key that carries the
cohort's version, and the version is bumped when what the summary shows
changes (``cohort_receivers`` connects these):

- an enrollment of the cohort is created, changes status or is deleted
  (invitations are created in bulk: ``enrollment_invite`` bumps itself);
- the cohort's credentials change, or one of them is renamed;
- an attempt of a consenting teacher at one of the cohort's credentials is
  created, changes status or is deleted.

Enrollment and cohort changes bump at once and again when the transaction
commits; an attempt's change looks its cohorts up once the transaction commits
(a request reads the version before the rows, so what it keeps under an old
version is never read again). Who may see a cohort is checked on every
request, before the summary is read; the summary holds no teacher's name.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from .cohort_models import Cohort
from .cohort_selectors import CohortSummary, cohort_summary_compute

# Kept at most this long even if nothing changed (a missed bump heals itself).
SUMMARY_SECONDS = 24 * 60 * 60


def _version_key(cohort_id: int) -> str:
    return f"cohorts:{cohort_id}:version"


def version(cohort_id: int) -> int:
    key = _version_key(cohort_id)
    found = cache.get(key)
    if found is None:
        # Started at random: after the cache is emptied an old version (and
        # the summary kept under it) never comes back.
        cache.add(key, secrets.randbelow(2**53), None)
        found = cache.get(key) or 0
    return int(found)


def _bump(cohort_ids: Iterable[int]) -> None:
    for cohort_id in cohort_ids:
        try:
            cache.incr(_version_key(cohort_id))
        except ValueError:  # never read: the next read starts afresh
            pass


def cohorts_changed(cohort_ids: Iterable[int]) -> None:
    """What the summaries of ``cohort_ids`` show changed: retire them now and
    when the transaction commits."""
    ids = list(dict.fromkeys(cohort_ids))
    if not ids:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def cohort_summary(*, cohort: Cohort) -> CohortSummary:
    """The cohort's summary, from the cache when its version has not moved."""
    key = f"cohorts:{cohort.pk}:summary:{version(cohort.pk)}"
    summary = cache.get(key)
    if summary is None:
        summary = cohort_summary_compute(cohort=cohort)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary
