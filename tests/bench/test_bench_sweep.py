"""``manage.py bench_sweep`` fills its database with open reviews and reports the
sweep's time in each situation, claiming what that situation has due; it never
touches a database that holds anything else.

PostgreSQL only (the fill is SQL over generate_series); the command vacuums
between runs, so the test runs outside a transaction.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessments.models import Review, ReviewState
from bench.management.commands.bench_sweep import Command
from tests.accounts.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the sweep benchmark fills PostgreSQL in SQL (set DATABASE_URL)",
    ),
]


def figures(output: str) -> dict[str, tuple[int, int, int]]:
    found = re.findall(
        r"^  (first run|first of the day|hourly) +[\d.]+ s   reminded ([\d,]+), "
        r"escalated ([\d,]+), escalated again ([\d,]+)$",
        output,
        re.MULTILINE,
    )
    return {name: tuple(int(n.replace(",", "")) for n in counts) for name, *counts in found}


def test_the_sweep_is_timed_over_the_open_reviews_it_fills():
    out = StringIO()
    call_command(Command(), open_reviews=410, stdout=out)

    assert Review.objects.filter(state=ReviewState.OPEN).count() == 410
    result = figures(out.getvalue())
    # Due dates evenly over 41 days, 20 of them past: 200 overdue, 10 a day.
    assert result["first run"][1] == 200
    assert result["first of the day"][1] == 10  # due yesterday: escalated today
    assert result["first of the day"][2] > 0  # a weekly step came today
    assert result["hourly"] == (0, 0, 0)


def test_a_database_holding_other_data_is_refused():
    UserFactory()
    with pytest.raises(CommandError, match="refusing"):
        call_command(Command(), open_reviews=10, stdout=StringIO())
    assert not Review.objects.exists()
