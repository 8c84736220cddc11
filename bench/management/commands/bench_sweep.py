"""Time the review SLA sweep over a large number of open reviews (PostgreSQL only).

    DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL=postgres://.../sweep_db \\
        python manage.py bench_sweep --open-reviews 1000000

The database named by DATABASE_URL (migrated) must be empty or hold an earlier
fill of this command (recognised by its marker account); anything else is
refused. It is emptied and filled with that many open reviews, with the
submissions, learners, assessors and credentials they need, in organizations
under two holiday calendars; the rows are made in the database (INSERT ...
SELECT over generate_series), due dates spread evenly from 20 days ago to 20
days ahead, reminder dates three business days before.

Then the sweep (``assessments.services.sla_sweep``, what the hourly task runs)
is timed, each run inside a transaction that is rolled back, the median of
three:

- first run: nothing was ever swept (every reminder and escalation up to today
  is due at once: the cost of switching the sweep on over a full backlog);
- first of the day: yesterday's runs claimed everything up to yesterday, so
  this run claims only the steps whose date came today (the largest run of
  normal operation);
- hourly: the run an hour later, with nothing new to claim.
"""

from __future__ import annotations

import datetime
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from assessments import services
from assessments.models import Review
from credentials.models import MicroCredential, Organization
from submissions.models import Submission

MARKER_EMAIL = "bench-sweep-marker@bench.example.org"
DOMAIN = "sweep.bench.example.org"
RUNS = 3
LEARNERS = 20_000
ASSESSORS = 300
# Organizations and the holiday calendar of each: the sweep works per calendar.
CALENDARS = ["US", "US", "GB", "GB"]
CREDENTIALS_PER_ORGANIZATION = 5
DUE_SPREAD_DAYS = 20


class Command(BaseCommand):
    help = "Fill a database with open reviews and time the SLA sweep over them (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--open-reviews", type=int, default=1_000_000)

    def handle(self, *args, open_reviews: int = 1_000_000, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The sweep benchmark runs on PostgreSQL only (set DATABASE_URL).")
        if open_reviews <= 0:
            raise CommandError("The number of open reviews must be positive.")
        has_marker = User.objects.filter(email=MARKER_EMAIL).exists()
        if not has_marker and (User.objects.exists() or Submission.objects.exists()):
            raise CommandError(
                f"Database {connection.settings_dict['NAME']!r} holds data that is not a "
                "sweep benchmark fill; refusing to touch it."
            )
        if has_marker:
            call_command("flush", interactive=False, verbosity=0)
        now = timezone.now()
        started = time.monotonic()
        fill(open_reviews, today=timezone.localdate(now), log=self.stdout.write)
        self.stdout.write(
            f"Filled {open_reviews:,} open reviews in {time.monotonic() - started:.1f} s."
        )

        load_before = os.getloadavg()
        figures = {"first run": self._runs(now)}
        swept_until_yesterday(today=timezone.localdate(now), log=self.stdout.write)
        figures["first of the day"] = self._runs(now)
        # Today's first run, kept: the next hourly run finds nothing new.
        services.sla_sweep(now=now)
        vacuum()
        figures["hourly"] = self._runs(now + datetime.timedelta(hours=1))
        self.stdout.write(
            f"SLA sweep over {open_reviews:,} open reviews (median of {RUNS}; load average "
            f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after):"
        )
        for name, runs in figures.items():
            seconds = statistics.median(t for t, _ in runs)
            result = runs[0][1]
            self.stdout.write(
                f"  {name:17} {seconds:6.2f} s   reminded {result.reminded:,}, "
                f"escalated {result.escalated:,}, escalated again {result.escalated_again:,}"
            )

    def _runs(self, now: datetime.datetime) -> list[tuple[float, services.SweepResult]]:
        return [self._timed(now) for _ in range(RUNS)]

    def _timed(self, now: datetime.datetime) -> tuple[float, services.SweepResult]:
        """One sweep at ``now``, rolled back (the table vacuumed after, so each run
        finds it as the previous one did)."""
        with transaction.atomic():
            started = time.monotonic()
            result = services.sla_sweep(now=now)
            elapsed = time.monotonic() - started
            transaction.set_rollback(True)
        vacuum()
        return elapsed, result


def vacuum() -> None:
    """Clear what a rolled-back run left behind, as autovacuum would between runs."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Review._meta.db_table}")


def fill(open_reviews: int, *, today: datetime.date, log: Callable[[str], object]) -> None:
    """The accounts and catalog (through the ORM), then the submissions in review and
    their open reviews (in SQL), with the indexes built once at the end."""
    from bench.seeding.load import bare_tables

    password = make_password(None)
    User.objects.create(email=MARKER_EMAIL, name="sweep benchmark", password=password)
    learners = User.objects.bulk_create(
        User(email=f"learner{i:05d}@{DOMAIN}", name=f"Learner {i}", password=password)
        for i in range(LEARNERS)
    )
    assessors = User.objects.bulk_create(
        User(email=f"assessor{i:04d}@{DOMAIN}", name=f"Assessor {i}", password=password)
        for i in range(ASSESSORS)
    )
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Sweep Organization {i}",
            slug=f"sweep-org-{i}",
            email=f"org{i}@{DOMAIN}",
            holiday_country=country,
        )
        for i, country in enumerate(CALENDARS)
    )
    credentials = MicroCredential.objects.bulk_create(
        MicroCredential(
            organization=org,
            title=f"Sweep Credential {org.pk}-{i}",
            slug=f"sweep-credential-{org.pk}-{i}",
            is_published=True,
        )
        for org in organizations
        for i in range(CREDENTIALS_PER_ORGANIZATION)
    )
    params: dict[str, Any] = {
        "n": open_reviews,
        "learners": [u.pk for u in learners],
        "assessors": [u.pk for u in assessors],
        "credentials": [c.pk for c in credentials],
        "today": today,
        "spread": DUE_SPREAD_DAYS,
    }
    with transaction.atomic(), bare_tables([Submission, Review], log=log):
        with connection.cursor() as cursor:
            # Due dates evenly from ``spread`` days ago to ``spread`` days ahead,
            # review started 20 days before the due date.
            cursor.execute(
                f"""
                INSERT INTO {Submission._meta.db_table} (
                    uuid, reference, learner_id, credential_id, status, version,
                    rubric_snapshot, collaborators, created_at, updated_at, submitted_at,
                    review_started_at, decision_due_on, returned_note, resubmission_note)
                SELECT gen_random_uuid(), 'SW' || lpad(g::text, 10, '0'),
                       (%(learners)s::bigint[])[1 + g %% cardinality(%(learners)s::bigint[])],
                       (%(credentials)s::bigint[])[
                           1 + g %% cardinality(%(credentials)s::bigint[])],
                       'in_review', 1, '[]', '[]', started, started, started, started, due,
                       '', ''
                FROM generate_series(1, %(n)s) g,
                     LATERAL (SELECT %(today)s::date - %(spread)s
                                     + (g %% (2 * %(spread)s + 1))::int AS due) d,
                     LATERAL (SELECT (d.due - 20)::timestamptz + interval '10 hours'
                                     AS started) s
                """,  # noqa: S608  (table names from the models)
                params,
            )
            # The reminder date three business days before the due date (weekends
            # skipped; the bench ignores holidays there).
            cursor.execute(
                f"""
                INSERT INTO {Review._meta.db_table} (
                    uuid, submission_id, assessor_id, assigned_at, state, due_on, remind_on,
                    escalation_count, comment, outcome, scoring_model, sampled, created_at)
                SELECT gen_random_uuid(), s.id,
                       (%(assessors)s::bigint[])[1 + s.id %% cardinality(%(assessors)s::bigint[])],
                       s.review_started_at, 'open', s.decision_due_on,
                       s.decision_due_on - CASE extract(isodow FROM s.decision_due_on)::int
                           WHEN 1 THEN 5 WHEN 2 THEN 5 WHEN 3 THEN 5 WHEN 7 THEN 4
                           ELSE 3 END,
                       0, '', '', 'single', false, s.review_started_at
                FROM {Submission._meta.db_table} s
                """,  # noqa: S608  (table names from the models)
                params,
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def swept_until_yesterday(*, today: datetime.date, log: Callable[[str], object]) -> None:
    """Leave the reviews as the hourly sweep would have by yesterday evening: each
    reminded on its reminder date, each overdue one escalated the day after its
    due date and again every week (the cadence's five business days) until
    yesterday, its next escalation date a week after the last one."""
    from bench.seeding.load import bare_tables

    with transaction.atomic(), bare_tables([Review], log=log):
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Review._meta.db_table} r SET
                    reminder_sent_at = CASE
                        WHEN e.count > 1 THEN e.last + interval '9 hours 15 minutes'
                        WHEN r.remind_on < %(today)s
                            THEN r.remind_on + interval '9 hours 15 minutes' END,
                    escalated_at = CASE WHEN e.count > 0
                        THEN e.last + interval '9 hours 15 minutes' END,
                    escalation_count = e.count,
                    next_escalation_on = CASE WHEN e.count > 0 THEN e.last + 7 END
                FROM (
                    SELECT id, count, r2.due_on + 1 + 7 * greatest(count - 1, 0) AS last
                    FROM {Review._meta.db_table} r2,
                         LATERAL (SELECT CASE WHEN r2.due_on + 1 < %(today)s
                             THEN 1 + (%(today)s - 1 - (r2.due_on + 1)) / 7 ELSE 0 END
                             AS count) c
                ) e
                WHERE e.id = r.id
                """,  # noqa: S608  (table name from the model)
                {"today": today},
            )
    vacuum()
