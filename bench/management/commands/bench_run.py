"""The whole benchmark: database, seed, queries per page, load, SLA sweep, report.

    DJANGO_SETTINGS_MODULE=config.settings.bench python manage.py bench_run

Creates the database named in DATABASE_URL if missing, migrates it, seeds it
(``bench_seed``; kept when already at the requested scale), counts the
queries of one request per page for a small and a large subject, serves the
site with gunicorn, loads each page with wrk, times the SLA sweep, and
prints the table (also saved as JSON under var/bench/). Targets are
reported, never enforced: the command fails only when something is broken.
"""

import os
import platform
import shutil
import time

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from assessments.models import Review, ReviewState
from bench import runner
from bench.management.commands.bench_seed import scale_from_env
from submissions.models import Submission


def ensure_database() -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("The benchmark runs on PostgreSQL only (set DATABASE_URL).")
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    conninfo = make_conninfo(**{k: v for k, v in params.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo").read().splitlines():  # noqa: SIM115
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg,
        "database": settings.DATABASES["default"]["NAME"],
    }


def env_number(name: str, default, kind=float):
    value = os.environ.get(name)
    return kind(value) if value not in (None, "") else default


class Command(BaseCommand):
    help = "Run the performance benchmark and print the figures (never fails on a target)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None, help="$BENCH_SCALE or 1")
        parser.add_argument(
            "--reseed",
            action="store_true",
            default=os.environ.get("BENCH_RESEED", "").lower() in ("1", "true", "yes"),
        )
        parser.add_argument("--seconds", type=float, default=env_number("BENCH_SECONDS", 10.0))
        parser.add_argument("--warmup", type=float, default=env_number("BENCH_WARMUP", 2.0))
        parser.add_argument("--clients", type=int, default=env_number("BENCH_CLIENTS", 8, int))
        parser.add_argument(
            "--workers",
            type=int,
            default=env_number("BENCH_WORKERS", min(4, max(2, 2 * (os.cpu_count() or 1))), int),
        )
        parser.add_argument("--port", type=int, default=env_number("BENCH_PORT", 0, int))
        parser.add_argument(
            "--pages",
            default=os.environ.get("BENCH_PAGES", ""),
            help="comma-separated subset of: " + ", ".join(n for n, _ in runner.PAGES),
        )

    def _prepare(self, targets, files, name) -> None:
        """Saves start from each draft's current version, wherever the last run left it."""
        if any(t.draft_id for t in targets[name]):
            time.sleep(1.0)  # saves still in flight when wrk stopped finish first
            runner.refresh_versions(targets[name])
            files.update(runner.write_targets({name: targets[name]}, runner.OUT_DIR))

    def handle(self, *args, **opts):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (apt-get install wrk).")
        scale = opts["scale"] if opts["scale"] is not None else scale_from_env()
        wanted = [p for p in opts["pages"].split(",") if p] or [n for n, _ in runner.PAGES]
        unknown = set(wanted) - {n for n, _ in runner.PAGES}
        if unknown:
            raise CommandError(f"Unknown pages: {', '.join(sorted(unknown))}")
        if "trivial" not in wanted:
            wanted.insert(0, "trivial")
        out = self.stdout.write

        out("== Database")
        ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        seed_started = time.monotonic()
        call_command("bench_seed", scale=scale, reseed=opts["reseed"])
        seed_seconds = time.monotonic() - seed_started
        info = machine()
        data = {
            "submissions": Submission.objects.count(),
            "learners": Submission.objects.values("learner").distinct().count(),
            "open_reviews": Review.objects.filter(state=ReviewState.OPEN).count(),
        }
        out(
            f"  {info['database']}: {data['submissions']:,} submissions from "
            f"{data['learners']:,} learners, {data['open_reviews']:,} open reviews"
        )

        out("== Queries per request (one request after a warm-up, in-process)")
        queries = runner.measure_queries(log=out)

        out(
            "== Time per request in-process, one at a time, by where it goes "
            "(median of 5 rounds, each the mean of 20)"
        )
        breakdown = runner.measure_breakdown(log=out)

        out(
            f"== Load: gunicorn {opts['workers']} sync workers, wrk {opts['clients']} clients, "
            f"{opts['seconds']:g} s per page after {opts['warmup']:g} s warm-up"
        )
        targets = runner.load_targets(opts["clients"])
        files = runner.write_targets(targets, runner.OUT_DIR)
        connection.close()
        port = opts["port"] or runner.free_port()
        server = runner.Server(
            port=port, workers=opts["workers"], log_path=runner.OUT_DIR / "gunicorn.log"
        )
        runs: dict[str, list] = {}
        load_before = os.getloadavg()
        server.start()
        try:
            for name in wanted:
                for target in targets[name]:
                    runner.preflight(server.base_url, target)
            for name in [*wanted, "trivial"]:
                if opts["warmup"] > 0:
                    self._prepare(targets, files, name)
                    runner.run_wrk(
                        server.base_url,
                        files[name],
                        clients=opts["clients"],
                        seconds=opts["warmup"],
                    )
                self._prepare(targets, files, name)
                run = runner.run_wrk(
                    server.base_url, files[name], clients=opts["clients"], seconds=opts["seconds"]
                )
                runs.setdefault(name, []).append(run)
                out(
                    f"  {name:15} {run['requests'] / (run['duration_us'] / 1e6):8.1f} req/s"
                    f"  p95 {run['p95_us'] / 1000:6.1f} ms"
                )
        finally:
            server.stop()
        load_after = os.getloadavg()

        out("== SLA sweep (each run rolled back)")
        sweep = runner.time_sweep(log=out)

        labels = dict(runner.PAGES)
        results = []
        for name in wanted:
            result = runner.summarize(name, labels[name], runs[name])
            if name in queries:
                result.queries_small = queries[name]["small"]
                result.queries_large = queries[name]["large"]
            results.append(result)
        trivial_rps = results[0].rps
        for result in results:
            result.ratio = result.rps / trivial_rps if trivial_rps else None

        out("")
        out(
            f"Scale {scale:g} on {info['cpus']} CPUs ({info['cpu']}), PostgreSQL "
            f"{info['postgresql']}, Python {info['python']}; gunicorn {opts['workers']} sync "
            f"workers; wrk {opts['clients']} clients x {opts['seconds']:g} s per page; "
            f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after the load"
        )
        out(runner.table(results))
        first, last = (r["requests"] / (r["duration_us"] / 1e6) for r in runs["trivial"])
        out(f"Trivial view: {first:.0f} req/s in the first run, {last:.0f} req/s in the last.\n")
        out("Time per request in-process, one at a time (no concurrency):")
        out(runner.breakdown_table(breakdown))
        out("Targets in-process (large subject), growth with history and queries:")
        out(runner.targets_table(breakdown, queries))
        out("Queries per request, small / large subject:")
        out(runner.query_table({k: v for k, v in queries.items()}))
        out(runner.query_differences(queries))
        steady, first = sweep["steady"], sweep["first"]
        out(
            f"SLA sweep over {sweep['open_reviews']:,} open reviews (target < "
            f"{runner.TARGET_SWEEP_S:g} s at 100,000): {steady['seconds']:.2f} s as scheduled "
            f"({steady['reminded']:,} reminded, {steady['escalated']:,} escalated, "
            f"{steady['queries']} queries, UPDATEs {steady['update_seconds']:.2f} s); "
            f"{first['seconds']:.2f} s when nothing was stamped yet "
            f"({first['reminded']:,} reminded, {first['escalated']:,} escalated, "
            f"{first['queries']} queries, UPDATEs {first['update_seconds']:.2f} s)"
            + ("" if sweep["open_reviews"] >= 100_000 else "; fewer open reviews at this scale")
        )
        out(f"Seed: {seed_seconds:.0f} s (target < 120 s at scale 1.0; about 0 when kept)")
        path = runner.save(
            {
                "scale": scale,
                "machine": info,
                "data": data,
                "seed_seconds": seed_seconds,
                "options": {k: opts[k] for k in ("seconds", "warmup", "clients", "workers")},
                "pages": results,
                "queries": queries,
                "breakdown": breakdown,
                "load_average": {"before": load_before, "after": load_after},
                "sweep": sweep,
            },
            scale,
        )
        out(f"Saved {path.relative_to(settings.BASE_DIR)}")
