import datetime

import pytest
import time_machine

from assessments.business_days import (
    add_business_days,
    business_days_until,
    calendar_for,
)
from credentials.models import Organization

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2026, 11, 2), 14, D(2026, 11, 23), "Veterans Day 2026-11-11 does not count"),
        (D(2026, 11, 20), 14, D(2026, 12, 11), "Thanksgiving 2026-11-26 does not count"),
        (D(2026, 11, 21), 14, D(2026, 12, 11), "a Saturday start counts like Friday"),
        (D(2026, 11, 22), 14, D(2026, 12, 11), "a Sunday start counts like Friday"),
        (D(2026, 11, 25), 1, D(2026, 11, 27), "the day before Thanksgiving"),
        (D(2026, 11, 27), 1, D(2026, 11, 30), "Friday after Thanksgiving, then the weekend"),
        (D(2026, 12, 21), 14, D(2027, 1, 12), "across Christmas, New Year and the year end"),
        (D(2026, 12, 31), 1, D(2027, 1, 4), "New Year's Day 2027 is a Friday"),
        (D(2027, 12, 30), 2, D(2028, 1, 4), "2027-12-31 is New Year's Day observed"),
        (D(2026, 12, 11), -3, D(2026, 12, 8), "reminder three business days before"),
        (D(2027, 1, 12), -3, D(2027, 1, 7), "counting back over a weekend"),
        (D(2027, 1, 4), -2, D(2026, 12, 30), "counting back over New Year and the year end"),
    ],
)
def test_add_business_days_skips_weekends_and_us_holidays(start, days, expected, why):
    assert add_business_days(start, days) == expected, why


def test_organization_subdivision_holidays_count():
    # Cesar Chavez Day (March 31) is a California holiday, not a federal one.
    california = Organization(holiday_country="US", holiday_subdivision="CA")
    assert add_business_days(D(2026, 3, 30), 1, calendar=calendar_for(california)) == D(2026, 4, 1)
    assert add_business_days(D(2026, 3, 30), 1) == D(2026, 3, 31)


def test_organization_country_holidays_replace_us_ones():
    uk = Organization(holiday_country="GB", holiday_subdivision="")
    # Thanksgiving is an ordinary working day in the UK; Boxing Day (observed 28th) is not.
    assert add_business_days(D(2026, 11, 25), 1, calendar=calendar_for(uk)) == D(2026, 11, 26)
    assert add_business_days(D(2026, 12, 21), 14, calendar=calendar_for(uk)) == D(2027, 1, 13)


def test_unknown_country_falls_back_to_us_calendar():
    nowhere = Organization(holiday_country="ZZ", holiday_subdivision="")
    assert add_business_days(D(2026, 11, 20), 14, calendar=calendar_for(nowhere)) == D(2026, 12, 11)


@pytest.mark.parametrize(
    ("today", "due_on", "left"),
    [
        (D(2026, 11, 20), D(2026, 12, 11), 14),
        (D(2026, 12, 11), D(2026, 12, 11), 0),
        (D(2026, 12, 10), D(2026, 12, 11), 1),
        (D(2026, 11, 25), D(2026, 11, 30), 2),  # Thanksgiving and the weekend skipped
        (D(2026, 12, 12), D(2026, 12, 11), 0),  # Saturday after a Friday due date
        (D(2026, 12, 14), D(2026, 12, 11), -1),
        (D(2027, 1, 4), D(2026, 12, 30), -2),  # New Year's Day does not count
    ],
)
def test_business_days_until(today, due_on, left):
    assert business_days_until(today, due_on) == left


@time_machine.travel(datetime.datetime(2026, 12, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_arithmetic_is_the_same_whatever_the_clock_says():
    assert add_business_days(D(2026, 11, 20), 14) == D(2026, 12, 11)
    assert add_business_days(D(2027, 11, 24), 1) == D(2027, 11, 26)  # Thanksgiving 2027


def test_unknown_subdivision_keeps_the_country_holidays():
    organization = Organization(holiday_country="GB", holiday_subdivision="XX")
    assert add_business_days(D(2026, 12, 21), 14, calendar=calendar_for(organization)) == D(
        2027, 1, 13
    )
