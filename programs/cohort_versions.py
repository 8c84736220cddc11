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

A page of the teachers' table, rendered (the count of those shown, the
credentials' titles, the teachers' names, addresses and cells, the links to
the other pages), is kept the same way: under the cohort's version and a
second one that moves when a consenting teacher's name or address changes
(``teachers_changed``; an attempt's dates it shows move the cohort's version
too). Its key also carries the language, the time zone (its dates), the order
and the page; it holds nothing of the coach who reads it. Searches are not
kept: their keys would be whatever anyone types, and a search is seldom run
twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from core.fragment_cache import FRAGMENT_SECONDS, changed, versions

from .cohort_models import Cohort
from .cohort_selectors import CohortSummary, cohort_summary_compute

# Kept at most this long even if nothing changed (a missed bump heals itself).
SUMMARY_SECONDS = 24 * 60 * 60


# Moves with the markup of a kept page of the table, so a release that changes it
# never reads pages kept by the one before.
TABLE_MARKUP = 2


def _version_key(cohort_id: int) -> str:
    return f"cohorts:{cohort_id}:version"


def _teachers_key(cohort_id: int) -> str:
    return f"cohorts:{cohort_id}:teachers"


def version(cohort_id: int) -> int:
    return versions(_version_key(cohort_id))[0]


def cohorts_changed(cohort_ids: Iterable[int]) -> None:
    """What the summaries of ``cohort_ids`` show changed: retire them now and
    when the transaction commits."""
    changed(*(_version_key(cohort_id) for cohort_id in dict.fromkeys(cohort_ids)))


def teachers_changed(cohort_ids: Iterable[int]) -> None:
    """A consenting teacher of ``cohort_ids`` changed name or address: retire the
    kept pages of their tables (the summaries show no name and stay)."""
    changed(*(_teachers_key(cohort_id) for cohort_id in dict.fromkeys(cohort_ids)))


def _summary_key(cohort_id: int, summary_version: int) -> str:
    return f"cohorts:{cohort_id}:summary:{summary_version}"


def _computed(key: str, cohort_id: int) -> CohortSummary:
    summary = cohort_summary_compute(cohort_id=cohort_id)
    cache.set(key, summary, SUMMARY_SECONDS)
    return summary


def cohort_summary(*, cohort: Cohort) -> CohortSummary:
    """The cohort's summary, from the cache when its version has not moved."""
    key = _summary_key(cohort.pk, version(cohort.pk))
    summary = cache.get(key)
    return _computed(key, cohort.pk) if summary is None else summary


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard keeps for a cohort: its summary, and a page of its table
    rendered (``table`` is None when that page is not kept yet: render it and
    ``keep`` it)."""

    summary: CohortSummary
    table_key: str
    table: str | None

    def keep(self, table: str) -> None:
        cache.set(self.table_key, table, FRAGMENT_SECONDS)


def dashboard_kept(*, cohort_id: int, sort: str, page: int) -> Dashboard:
    """The summary and the kept page ``page`` of the table in order ``sort``: both
    versions in one round trip, then both entries in one more."""
    summary_version, teachers_version = versions(_version_key(cohort_id), _teachers_key(cohort_id))
    summary_key = _summary_key(cohort_id, summary_version)
    table_key = ":".join(
        (
            "fragment:cohort-table",
            str(get_language()),
            f"{summary_version}.{teachers_version}",
            str(cohort_id),
            get_current_timezone_name(),
            sort,
            str(page),
            str(TABLE_MARKUP),
        )
    )
    found = cache.get_many([summary_key, table_key])
    summary = found.get(summary_key)
    if summary is None:
        summary = _computed(summary_key, cohort_id)
    return Dashboard(summary, table_key, found.get(table_key))
