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

from collections.abc import Iterable

from django.core.cache import cache

from core.fragment_cache import changed, versions

from .cohort_models import Cohort
from .cohort_selectors import CohortSummary, cohort_summary_compute

# Kept at most this long even if nothing changed (a missed bump heals itself).
SUMMARY_SECONDS = 24 * 60 * 60


def _version_key(cohort_id: int) -> str:
    return f"cohorts:{cohort_id}:version"


def version(cohort_id: int) -> int:
    return versions(_version_key(cohort_id))[0]


def cohorts_changed(cohort_ids: Iterable[int]) -> None:
    """What the summaries of ``cohort_ids`` show changed: retire them now and
    when the transaction commits."""
    changed(*(_version_key(cohort_id) for cohort_id in dict.fromkeys(cohort_ids)))


def cohort_summary(*, cohort: Cohort) -> CohortSummary:
    """The cohort's summary, from the cache when its version has not moved."""
    key = f"cohorts:{cohort.pk}:summary:{version(cohort.pk)}"
    summary = cache.get(key)
    if summary is None:
        summary = cohort_summary_compute(cohort=cohort)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary
