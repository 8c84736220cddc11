"""Business-day arithmetic for the review SLA.

A business day is a weekday that is not a public holiday in the issuing
organization's calendar (the holidays package; US federal holidays when the
organization names no country or one the package does not know).
"""

from __future__ import annotations

import datetime
import logging
from functools import lru_cache

import holidays

logger = logging.getLogger(__name__)

DEFAULT_COUNTRY = "US"


def holiday_calendar(country: str = DEFAULT_COUNTRY, subdivision: str = "") -> holidays.HolidayBase:
    """The holiday calendar for a country and optional subdivision (cached per process).

    The calendar fills in further years on demand, so arithmetic that crosses
    a year end sees the next year's holidays too.
    """
    return _calendar((country or DEFAULT_COUNTRY).upper(), (subdivision or "").upper())


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str) -> holidays.HolidayBase:
    # An unknown subdivision falls back to its country, an unknown country to the US.
    for code, subdiv in ((country, subdivision or None), (country, None), (DEFAULT_COUNTRY, None)):
        try:
            return holidays.country_holidays(code, subdiv=subdiv)
        except NotImplementedError:
            logger.warning("Unknown holiday calendar %s/%s", code, subdiv or "-")
    raise AssertionError("unreachable: the default calendar always exists")


def calendar_for(organization) -> holidays.HolidayBase:
    """The calendar of an organization (anything with holiday_country/holiday_subdivision)."""
    if organization is None:
        return holiday_calendar()
    return holiday_calendar(organization.holiday_country, organization.holiday_subdivision)


def add_business_days(
    start: datetime.date, days: int, *, calendar: holidays.HolidayBase | None = None
) -> datetime.date:
    """The date ``days`` business days after ``start`` (before it when negative).

    ``start`` itself never counts: 14 business days from a Friday is the
    Thursday three weeks later when nothing intervenes. With ``days=0`` the
    result is ``start`` if it is a business day, else the next one.
    """
    calendar = calendar if calendar is not None else holiday_calendar()
    return calendar.get_nth_working_day(start, days)


def business_days_until(
    today: datetime.date, due_on: datetime.date, *, calendar: holidays.HolidayBase | None = None
) -> int:
    """Business days left until ``due_on``: 0 on the due date, negative once it has passed.

    Counts the business days after ``today`` up to and including ``due_on``
    (or, when late, after ``due_on`` up to and including ``today``).
    """
    calendar = calendar if calendar is not None else holiday_calendar()
    if due_on == today:
        return 0
    one = datetime.timedelta(days=1)
    if due_on > today:
        return calendar.get_working_days_count(today + one, due_on)
    return -calendar.get_working_days_count(due_on + one, today)


def business_days_overdue(
    today: datetime.date, due_on: datetime.date, *, calendar: holidays.HolidayBase | None = None
) -> int:
    """Business days a decision is late: those after ``due_on`` up to and including
    ``today`` (0 while not late, and on the weekend straight after a Friday due date)."""
    return max(-business_days_until(today, due_on, calendar=calendar), 0)


def overdue_cutoff(
    today: datetime.date, days: int, *, calendar: holidays.HolidayBase | None = None
) -> datetime.date:
    """The latest due date that is at least ``days`` business days overdue on ``today``.

    ``due_on <= overdue_cutoff(today, n)`` exactly when
    ``business_days_overdue(today, due_on) >= n``, so a set-wise query can ask
    "overdue by n business days" with one date per calendar.
    """
    calendar = calendar if calendar is not None else holiday_calendar()
    one = datetime.timedelta(days=1)
    cutoff, counted = today, 0
    while counted < days:
        if calendar.is_working_day(cutoff):
            counted += 1
        cutoff -= one
    return cutoff
