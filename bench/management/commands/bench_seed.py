"""Seed the benchmark database (PostgreSQL) with a realistic volume.

    DJANGO_SETTINGS_MODULE=config.settings.bench python manage.py bench_seed --scale 0.05

The database named by DATABASE_URL must be empty or hold an earlier benchmark
seed (recognised by its marker account); anything else is refused, so the
command never overwrites real data. A seed already at the requested scale is
kept unless --reseed is given.
"""

import os
import time

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from bench.seeding import MARKER_EMAIL, Seeder, sizes
from bench.seeding.load import vacuum_analyze
from submissions.models import Submission


def scale_from_env() -> float:
    return float(os.environ.get("BENCH_SCALE", "1.0"))


def seed_marker() -> str | None:
    """The marker account's note: "scale=..." for a complete seed, None for no seed."""
    return User.objects.filter(email=MARKER_EMAIL).values_list("name", flat=True).first()


class Command(BaseCommand):
    help = "Seed a realistic volume of data for the benchmark (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None, help="default: $BENCH_SCALE or 1")
        parser.add_argument("--reseed", action="store_true", help="empty and seed again")

    def handle(self, *args, scale=None, reseed=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark seeds PostgreSQL only (set DATABASE_URL).")
        scale = scale if scale is not None else scale_from_env()
        if scale <= 0:
            raise CommandError("The scale must be positive.")
        marker = seed_marker()
        if marker is None and (User.objects.exists() or Submission.objects.exists()):
            raise CommandError(
                f"Database {connection.settings_dict['NAME']!r} holds data that is not a "
                "benchmark seed; refusing to touch it."
            )
        if marker == f"scale={scale}" and not reseed:
            self.stdout.write(f"Database already seeded at scale {scale}; keeping it.")
            return
        if marker is not None:
            self.stdout.write("Emptying the benchmark database...")
            call_command("flush", interactive=False, verbosity=0)
        # Pages keep fragments under row ids, which a new seed gives out again:
        # what the cache kept of an earlier seed must not be shown for this one.
        cache.clear()
        planned = sizes(scale)
        self.stdout.write(
            f"Seeding scale {scale}: {planned['credentials']} credentials, "
            f"{planned['learners']} learners, about {planned['submissions']} submissions..."
        )
        started = time.monotonic()
        counts = Seeder(scale=scale, log=self.stdout.write).run()
        vacuum_started = time.monotonic()
        vacuum_analyze()
        total = time.monotonic() - started
        self.stdout.write(f"  VACUUM ANALYZE: {time.monotonic() - vacuum_started:.1f} s")
        for label, n in sorted(counts.rows.items()):
            self.stdout.write(f"  {label:32} {n:>10,}")
        self.stdout.write(
            f"Seeded {sum(counts.rows.values()):,} rows in {total:.1f} s ({total / 60:.1f} min)."
        )
