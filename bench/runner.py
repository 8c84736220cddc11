"""Load the pages with wrk against gunicorn, count queries, time the SLA sweep.

Used by ``manage.py bench_run``; every step is a function so each can be
tried on its own from ``manage.py shell``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Review, ReviewState
from credentials.models import MicroCredential, Organization
from submissions.models import Status, Submission

from . import subjects
from .seeding import PROBES

BASE_DIR = Path(settings.BASE_DIR)
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk" / "load.lua"
OUT_DIR = BASE_DIR / "var" / "bench"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The order pages are loaded in; the trivial view runs first and last.
PAGES = [
    ("trivial", "Trivial view (reference)"),
    ("catalog", "Catalog"),
    ("details", "Credential details"),
    ("dashboard", "Learner dashboard"),
    ("application", "Application (draft)"),
    ("autosave", "Save draft (autosave POST)"),
    ("queue", "Assessor queue"),
    ("review", "Review page"),
    ("quality", "Agreement dashboard (staff)"),
    ("turnaround", "Turnaround statistics (public)"),
    ("analytics", "Issuer analytics (staff)"),
    ("studio", "Studio editor (designer)"),
    ("studio_index", "Studio list (designer)"),
    ("quality_review", "Quality review (reviewer)"),
    ("quality_home", "Quality review home"),
    ("quality_version", "Quality rounds of a version"),
    ("cohort", "Cohort dashboard (coach)"),
]
# Anonymous visitors' pages are served from the page cache: at least 40% of the
# trivial view. Every other page: at least 10%, i.e. about 5 ms in-process.
ANONYMOUS_PAGES = frozenset({"catalog", "details"})
TARGET_RATIO_ANONYMOUS = 0.40
TARGET_RATIO = 0.10
TARGET_P95_MS = 50.0
TARGET_MS = 5.0
TARGET_GROWTH = 1.2
TARGET_QUERIES = 8
TARGET_SWEEP_S = 5.0


@dataclass
class Target:
    method: str
    path: str
    user: User | None = None
    cookie: str = ""
    csrf: str = ""
    version: str = ""
    body: str = ""
    draft_id: int | None = None


@dataclass
class PageResult:
    name: str
    label: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    queries_small: int | None = None
    queries_large: int | None = None
    ratio: float | None = None
    runs: list = field(default_factory=list)


# --- sessions and targets ------------------------------------------------------------


def session_cookie(user: User, csrf: str = "") -> str:
    """A logged-in session for ``user``, created directly (no login per request)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    if csrf:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    return cookie


def autosave_body(submission: Submission) -> str:
    """What the page's autosave sends: every answer, one of them just edited."""
    pairs = [("version", "__VERSION__")]
    for i, response in enumerate(submission.responses.order_by("part", "position", "id")):
        text = response.text + (" edit __N__" if i == 0 else "")
        pairs.append((f"response_{response.pk}", text))
    return urlencode(pairs)


def _drafts(offset: int, count: int) -> list[Submission]:
    """Drafts of ordinary learners, one per learner, skipping ``offset`` learners."""
    drafts, seen = [], set()
    rows = (
        Submission.objects.filter(status=Status.DRAFT, learner__email__startswith="learner")
        .select_related("learner")
        .order_by("id")
    )
    for draft in rows.iterator(chunk_size=500):
        if draft.learner_id in seen:
            continue
        seen.add(draft.learner_id)
        if len(seen) > offset:
            drafts.append(draft)
        if len(drafts) == count:
            break
    return drafts


def load_targets(clients: int) -> dict[str, list[Target]]:
    """What each virtual user requests on each page (one list entry per wrk line)."""
    targets: dict[str, list[Target]] = {"trivial": [Target("GET", "/bench/trivial/")]}
    credentials = list(MicroCredential.objects.published().order_by("title", "id"))
    pages = max(1, min(4, (len(credentials) + 11) // 12))
    targets["catalog"] = [
        Target("GET", f"/credentials/?page={i % pages + 1}") for i in range(clients)
    ]
    targets["details"] = [
        Target("GET", f"/credentials/{c.slug}/") for c in credentials[: clients * 4]
    ]
    for draft in _drafts(0, clients):
        targets.setdefault("dashboard", []).append(Target("GET", "/dashboard/", user=draft.learner))
    for draft in _drafts(clients, clients):
        targets.setdefault("application", []).append(
            Target("GET", f"/applications/{draft.uuid}/", user=draft.learner)
        )
    for draft in _drafts(2 * clients, clients):
        targets.setdefault("autosave", []).append(
            Target(
                "POST",
                f"/applications/{draft.uuid}/autosave/",
                user=draft.learner,
                version=str(draft.version),
                body=autosave_body(draft),
                draft_id=draft.pk,
            )
        )
    assessors = list(
        User.objects.filter(email__startswith="assessor", reviews__state=ReviewState.OPEN)
        .annotate(n=Count("reviews"))
        .order_by("id")[:clients]
    )
    for assessor in assessors:
        targets.setdefault("queue", []).append(Target("GET", "/assess/", user=assessor))
    # Review pages: user i's reviews sit on lines i, i + clients, ... of the file.
    per_assessor = [
        list(
            Review.objects.filter(assessor=a, state=ReviewState.OPEN)
            .select_related("submission")
            .order_by("due_on", "id")[:4]
        )
        for a in assessors
    ]
    for round_ in range(4):
        for assessor, reviews in zip(assessors, per_assessor, strict=True):
            review = reviews[round_ % len(reviews)]
            targets.setdefault("review", []).append(
                Target("GET", f"/assess/review/{review.submission.uuid}/", user=assessor)
            )
    # Staff read the agreement dashboard; the public reads each issuer's turnaround.
    staff = User.objects.filter(is_staff=True, is_superuser=True).order_by("id").first()
    if staff is not None:
        targets["quality"] = [Target("GET", "/calibration/quality/", user=staff)] * clients
    targets["turnaround"] = [
        Target("GET", f"/calibration/turnaround/{slug}/")
        for slug in Organization.objects.order_by("id").values_list("slug", flat=True)[:clients]
    ]
    if staff is not None:
        targets["analytics"] = [
            Target("GET", f"/analytics/{slug}/", user=staff)
            for slug in Organization.objects.order_by("id").values_list("slug", flat=True)[:clients]
        ]
    # The designed pages: clients alternate between the small and the large subject.
    for name, pair in _designed_pages().items():
        targets[name] = [
            Target(method, path, user=user)
            for user, method, path, _data in (pair[i % 2] for i in range(clients))
        ]
    # One session per user, shared by the lines of that user.
    sessions: dict[int, tuple[str, str]] = {}
    for page_targets in targets.values():
        for target in page_targets:
            if target.user is None:
                continue
            if target.user.pk not in sessions:
                csrf = secrets.token_hex(16)
                sessions[target.user.pk] = (session_cookie(target.user, csrf), csrf)
            target.cookie, target.csrf = sessions[target.user.pk]
    return targets


def write_targets(targets: dict[str, list[Target]], directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, page_targets in targets.items():
        path = directory / f"targets-{name}.tsv"
        lines = [
            "\t".join([t.method, t.path, t.cookie, t.csrf, t.version, t.body]) for t in page_targets
        ]
        path.write_text("\n".join(lines) + "\n")
        files[name] = path
    return files


def refresh_versions(page_targets: list[Target]) -> None:
    """Start a run of saves from each draft's current version (an earlier run moved it)."""
    ids = [t.draft_id for t in page_targets if t.draft_id]
    versions = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "version"))
    for target in page_targets:
        if target.draft_id:
            target.version = str(versions[target.draft_id])


# --- queries per request -------------------------------------------------------------


def _client_for(user: User | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


def count_queries(user: User | None, method: str, path: str, data: dict | None = None):
    """Queries one request issues, after a warm-up request of the same kind."""
    client = _client_for(user)
    for attempt in range(2):
        with CaptureQueriesContext(connection) as ctx:
            if method == "POST":
                response = client.post(path, data or {})
            else:
                response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} answered {response.status_code}")
        if method == "POST" and data is not None:
            data = {**data, "version": str(json.loads(response.content)["version"])}
            for key in data:
                if key.startswith("response_"):
                    data[key] += f" {attempt}"
                    break
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _autosave_data(draft: Submission) -> dict:
    draft.refresh_from_db(fields=["version"])
    data = {"version": str(draft.version)}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = response.text
    return data


_Row = TypeVar("_Row")


def _seeded(row: _Row | None, what: str) -> _Row:
    """A row the seed always makes; missing means the database was not seeded."""
    if row is None:
        raise RuntimeError(f"No {what} in the benchmark database: run bench_seed first.")
    return row


def probe_subjects() -> dict[str, tuple[tuple, tuple]]:
    """For each page, (small, large) subjects as (user, method, path, data)."""
    users = {key: User.objects.get(email=email) for key, email in PROBES.items()}
    small, large = users["learner_small"], users["learner_large"]
    small_draft = _seeded(
        Submission.objects.filter(learner=small, status=Status.DRAFT).first(), "draft"
    )
    large_draft = _seeded(
        Submission.objects.filter(learner=large, status=Status.DRAFT, previous__isnull=False)
        .order_by("id")
        .first(),
        "resubmission draft",
    )
    small_review = Review.objects.select_related("submission", "assessor").get(
        submission__learner=small, state=ReviewState.OPEN
    )
    large_review = _seeded(
        Review.objects.select_related("submission", "assessor")
        .filter(submission__learner=large, state=ReviewState.OPEN, assessor__isnull=False)
        .order_by("id")
        .first(),
        "assigned open review",
    )
    busiest = _seeded(
        Review.objects.filter(state=ReviewState.OPEN, assessor__isnull=False)
        .values("assessor")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first(),
        "assessor with open reviews",
    )
    large_assessor = User.objects.get(pk=busiest["assessor"])
    first = _seeded(
        MicroCredential.objects.published().order_by("title", "id").first(), "credential"
    )
    # Published: the studio and quality pages' own credentials, made on an
    # earlier run, are drafts a visitor cannot see.
    last = _seeded(MicroCredential.objects.published().order_by("-id").first(), "credential")
    pages = (MicroCredential.objects.published().count() + 11) // 12
    organizations = list(
        Organization.objects.annotate(
            decided=Count(
                "credentials__submissions",
                filter=Q(credentials__submissions__decided_at__isnull=False),
            )
        ).order_by("decided", "id")
    )
    quiet, busy = organizations[0], organizations[-1]
    probes = {
        # Public pages, anonymous (as loaded) and as learners with 0 and 30 favorites.
        "trivial": ((None, "GET", "/bench/trivial/", None), (None, "GET", "/bench/trivial/", None)),
        "catalog": (
            (small, "GET", "/credentials/", None),
            (large, "GET", f"/credentials/?page={pages}", None),
        ),
        "details": (
            (small, "GET", f"/credentials/{first.slug}/", None),
            (large, "GET", f"/credentials/{first.slug}/", None),
        ),
        "dashboard": ((small, "GET", "/dashboard/", None), (large, "GET", "/dashboard/", None)),
        "application": (
            (small, "GET", f"/applications/{small_draft.uuid}/", None),
            (large, "GET", f"/applications/{large_draft.uuid}/", None),
        ),
        "autosave": (
            (
                small,
                "POST",
                f"/applications/{small_draft.uuid}/autosave/",
                _autosave_data(small_draft),
            ),
            (
                large,
                "POST",
                f"/applications/{large_draft.uuid}/autosave/",
                _autosave_data(large_draft),
            ),
        ),
        "queue": (
            (users["assessor_small"], "GET", "/assess/", None),
            (large_assessor, "GET", "/assess/", None),
        ),
        "review": (
            (small_review.assessor, "GET", f"/assess/review/{small_review.submission.uuid}/", None),
            (large_review.assessor, "GET", f"/assess/review/{large_review.submission.uuid}/", None),
        ),
        # Staff: one credential's figures, then every credential's.
        "quality": (
            (users["staff"], "GET", f"/calibration/quality/?credential={first.pk}", None),
            (users["staff"], "GET", "/calibration/quality/", None),
        ),
        # The issuers with the fewest and the most decisions.
        "turnaround": (
            (None, "GET", f"/calibration/turnaround/{quiet.slug}/", None),
            (None, "GET", f"/calibration/turnaround/{busy.slug}/", None),
        ),
        # Staff: the issuers with the fewest and the most decisions.
        "analytics": (
            (users["staff"], "GET", f"/analytics/{quiet.slug}/", None),
            (users["staff"], "GET", f"/analytics/{busy.slug}/", None),
        ),
        # Query counts only: public pages as loaded (anonymous), other dashboard tabs.
        "catalog (anonymous)": (
            (None, "GET", "/credentials/", None),
            (None, "GET", f"/credentials/?page={pages}", None),
        ),
        "details (anonymous)": (
            (None, "GET", f"/credentials/{first.slug}/", None),
            (
                None,
                "GET",
                f"/credentials/{last.slug}/",
                None,
            ),
        ),
        "dashboard?tab=submitted": (
            (small, "GET", "/dashboard/?tab=submitted", None),
            (large, "GET", "/dashboard/?tab=submitted", None),
        ),
        "dashboard?tab=awarded": (
            (small, "GET", "/dashboard/?tab=awarded", None),
            (large, "GET", "/dashboard/?tab=awarded", None),
        ),
        "dashboard?tab=denied": (
            (small, "GET", "/dashboard/?tab=denied", None),
            (large, "GET", "/dashboard/?tab=denied", None),
        ),
        "dashboard?tab=favorites": (
            (small, "GET", "/dashboard/?tab=favorites", None),
            (large, "GET", "/dashboard/?tab=favorites", None),
        ),
    }
    return {**probes, **_designed_pages()}


def _designed_pages() -> dict[str, tuple[tuple, tuple]]:
    """The studio, quality review and cohort pages' (small, large) subjects, made in
    the bench database on first use (``bench.subjects``)."""
    made = subjects.ensure()
    studio, quality, cohorts = made.studio, made.quality, made.cohorts
    return {
        # A draft with 3 prompts against one with 32 (and 10 requirements and criteria).
        "studio": (
            (studio.small_designer, "GET", f"/studio/credentials/{studio.small.uuid}/", None),
            (studio.large_designer, "GET", f"/studio/credentials/{studio.large.uuid}/", None),
        ),
        # Designers of an organization with a few credentials and with 30 more.
        "studio_index": (
            (studio.small_designer, "GET", "/studio/", None),
            (studio.large_designer, "GET", "/studio/", None),
        ),
        # The reviewer's open review of the small and of the large version.
        "quality_review": (
            (quality.reviewer, "GET", f"/quality/reviews/{quality.small_review.uuid}/", None),
            (quality.reviewer, "GET", f"/quality/reviews/{quality.large_review.uuid}/", None),
        ),
        # A reviewer with one assignment, and one with four.
        "quality_home": (
            (quality.newcomer, "GET", "/quality/", None),
            (quality.reviewer, "GET", "/quality/", None),
        ),
        # The designer: a version with one open round, one with two sent back and a third.
        "quality_version": (
            (quality.designer, "GET", f"/quality/versions/{quality.small.uuid}/", None),
            (quality.designer, "GET", f"/quality/versions/{quality.large.uuid}/", None),
        ),
        # The coach: a cohort of 5 teachers, and one of 500.
        "cohort": (
            (cohorts.coach, "GET", f"/partners/cohorts/{cohorts.small.uuid}/", None),
            (cohorts.coach, "GET", f"/partners/cohorts/{cohorts.large.uuid}/", None),
        ),
    }


_LITERALS = re.compile(
    r"'[^']*'|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b\d+(\.\d+)?\b"
)
_CURSOR_NAME = re.compile(r'"_django_curs_[^"]+"')
_LISTS = re.compile(r"IN \(\?(, \?)*\)")
_PAGING = re.compile(r" (LIMIT|OFFSET) \?")


def _shape(sql: str) -> str:
    """A statement with values, IN lists, paging and server-side cursor names blanked out."""
    shape = _LITERALS.sub("?", _CURSOR_NAME.sub('"cursor"', sql))
    return _PAGING.sub("", _LISTS.sub("IN (...)", shape))


def query_difference(small: list[str], large: list[str]) -> dict[str, list[str]]:
    """Statements one subject ran that the other did not (by shape, with multiplicity)."""
    a, b = Counter(map(_shape, small)), Counter(map(_shape, large))
    return {"only_small": sorted((a - b).elements()), "only_large": sorted((b - a).elements())}


def measure_queries(log=print) -> dict[str, dict]:
    results = {}
    for name, (small, large) in probe_subjects().items():
        n_small, sql_small = count_queries(*small)
        n_large, sql_large = count_queries(*large)
        results[name] = {
            "small": n_small,
            "large": n_large,
            "sql_small": sql_small,
            "sql_large": sql_large,
            "difference": query_difference(sql_small, sql_large),
        }
        log(f"  {name:26} {n_small:>3} / {n_large:<3} queries (small / large subject)")
    return results


class _Timer:
    """Splits the time of in-process requests into SQL, template rendering and the rest.

    SQL is timed around each cursor execution; template time is the outermost
    ``render`` of a Django-backend template (what ``render()`` and widgets use),
    minus the SQL run from inside it (querysets evaluated by the template).
    """

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.sql = self.sql_in_template = self.template = 0.0
        self.depth = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql += elapsed
            if self.depth:
                self.sql_in_template += elapsed

    def wrap_render(self, render):
        timer = self

        def timed(template, *args, **kwargs):
            timer.depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                timer.depth -= 1
                if timer.depth == 0:
                    timer.template += time.perf_counter() - started

        return timed


def _time_requests(subject: tuple, repeat: int) -> dict:
    """Mean in-process time of ``repeat`` requests (after one warm-up), by where it goes."""
    from django.template.backends.django import Template

    user, method, path, data = subject
    client = _client_for(user)
    timer = _Timer()
    original = Template.render
    Template.render = timer.wrap_render(original)  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(timer.execute):
            if method == "POST":
                data = dict(data)
                key = next(k for k in data if k.startswith("response_"))
                base = data[key]
            started = time.perf_counter()
            for i in range(repeat + 1):
                if i == 1:  # the first request warms up; the rest are timed
                    timer.reset()
                    started = time.perf_counter()
                if method == "POST":
                    data[key] = f"{base} {i}"
                    response = client.post(path, data)
                    data["version"] = str(json.loads(response.content)["version"])
                else:
                    client.get(path)
            wall = time.perf_counter() - started
    finally:
        Template.render = original  # type: ignore[method-assign]
    ms = 1000 / repeat
    return {
        "wall_ms": wall * ms,
        "sql_ms": timer.sql * ms,
        "template_ms": (timer.template - timer.sql_in_template) * ms,
        "other_ms": (wall - timer.template - (timer.sql - timer.sql_in_template)) * ms,
    }


def measure_breakdown(repeat: int = 20, rounds: int = 5, log=print) -> dict[str, dict]:
    """Time per request of each page in-process, small and large subject:
    ``rounds`` rounds of ``repeat`` requests (their mean), the two subjects
    taking turns, and for each subject the round with the median time. One
    round on its own moved by a third from one run to the next on a shared
    virtual machine; the median round is what the page costs, not the jitter."""
    results = {}
    for name, (small, large) in probe_subjects().items():
        if name not in dict(PAGES):
            continue
        timed: dict[str, list[dict]] = {"small": [], "large": []}
        for _ in range(rounds):
            for label, subject in (("small", small), ("large", large)):
                timed[label].append(_time_requests(subject, repeat))
        results[name] = {
            label: sorted(runs, key=lambda r: r["wall_ms"])[len(runs) // 2]
            for label, runs in timed.items()
        }
        for label in ("small", "large"):
            r = results[name][label]
            log(
                f"  {name:15} {label:5} {r['wall_ms']:6.1f} ms: SQL {r['sql_ms']:5.1f}, "
                f"templates {r['template_ms']:5.1f}, other Python {r['other_ms']:5.1f}"
            )
    return results


# --- the SLA sweep -------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _timed_sweep(reset: bool) -> dict:
    """One sweep inside a transaction that is rolled back, so it can be repeated.

    The time is split between the UPDATEs that stamp reviews and everything
    else the sweep does (reading the stamped reviews, building the emails).
    """
    result: dict = {}
    spent = {"updates": 0.0, "sql": 0.0, "queries": 0}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            spent["sql"] += elapsed
            spent["queries"] += 1
            if sql.startswith(f'UPDATE "{Review._meta.db_table}"'):
                spent["updates"] += elapsed

    try:
        with transaction.atomic():
            if reset:
                Review.objects.filter(state=ReviewState.OPEN).update(
                    reminder_sent_at=None, escalated_at=None
                )
            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                sweep = assessment_services.sla_sweep()
                seconds = time.perf_counter() - started
            result = {
                "seconds": seconds,
                "update_seconds": spent["updates"],
                "other_sql_seconds": spent["sql"] - spent["updates"],
                "queries": spent["queries"],
                "reminded": sweep.reminded,
                "escalated": sweep.escalated,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def time_sweep(repeat: int = 3, log=print) -> dict:
    """The sweep as scheduled (most reviews already stamped by earlier runs) and as a
    first run over reviews none of which has been stamped (every due reminder and
    escalation at once); median of ``repeat`` runs each."""
    open_reviews = Review.objects.filter(state=ReviewState.OPEN).count()
    steady = _median_run([_timed_sweep(reset=False) for _ in range(repeat)])
    first = _median_run([_timed_sweep(reset=True) for _ in range(repeat)])
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Review._meta.db_table}")
    summary = {"open_reviews": open_reviews, "steady": steady, "first": first}
    for label, run in (("as scheduled", steady), ("nothing stamped yet", first)):
        log(
            f"  {label:20} {run['seconds']:7.3f} s: UPDATEs {run['update_seconds']:.3f} s, "
            f"other SQL {run['other_sql_seconds']:.3f} s, Python "
            f"{run['seconds'] - run['update_seconds'] - run['other_sql_seconds']:.3f} s; "
            f"{run['queries']} queries; {run['reminded']:,} reminded, "
            f"{run['escalated']:,} escalated"
        )
    return summary


# --- gunicorn and wrk ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with sync workers on loopback, started and stopped by the run."""

    def __init__(self, *, port: int, workers: int, log_path: Path):
        self.port, self.workers, self.log_path = port, workers, log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/bench/trivial/", timeout=2):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log_file", None):
            self.log_file.close()


def preflight(base_url: str, target: Target) -> None:
    """Each target must answer 200 (a redirect to the login page would also 'succeed')."""
    headers = {"Cookie": target.cookie} if target.cookie else {}
    data = None
    if target.method == "POST":
        headers.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": target.csrf,
            }
        )
        body = target.body.replace("__VERSION__", target.version).replace("__N__", "0")
        data = body.encode()
    request = urllib.request.Request(  # noqa: S310
        base_url + target.path, data=data, headers=headers, method=target.method
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, content = exc.code, exc.read()
    if status != 200:
        raise RuntimeError(f"{target.method} {target.path} answered {status} before the load")
    if target.method == "POST":
        target.version = str(json.loads(content)["version"])


def run_wrk(url: str, targets_file: Path, *, clients: int, seconds: float) -> dict:
    command = [
        "wrk",
        "-t",
        str(clients),
        "-c",
        str(clients),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        url,
        "--",
        str(targets_file),
        str(clients),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    values = {}
    for line in output.splitlines():
        if line.startswith("BENCH "):
            key, _, value = line[6:].partition("=")
            values[key] = float(value)
    if "requests" not in values:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    return values


def summarize(name: str, label: str, runs: list[dict]) -> PageResult:
    """Figures of a page from one or more wrk runs (the trivial view runs twice)."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    errors = sum(
        r[k]
        for r in runs
        for k in (
            "errors_connect",
            "errors_read",
            "errors_write",
            "errors_status",
            "errors_timeout",
        )
    )
    return PageResult(
        name=name,
        label=label,
        requests=int(requests),
        rps=requests / seconds if seconds else 0.0,
        p50_ms=statistics.mean(r["p50_us"] for r in runs) / 1000,
        p95_ms=statistics.mean(r["p95_us"] for r in runs) / 1000,
        p99_ms=statistics.mean(r["p99_us"] for r in runs) / 1000,
        max_ms=max(r["max_us"] for r in runs) / 1000,
        errors=int(errors),
        runs=runs,
    )


# --- the report ----------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "yes" if ok else "NO"


def target_ratio(name: str) -> float:
    """The share of the trivial view's throughput a page should reach."""
    return TARGET_RATIO_ANONYMOUS if name in ANONYMOUS_PAGES else TARGET_RATIO


def table(results: list[PageResult]) -> str:
    head = (
        "| Page | req/s | p50 ms | p95 ms | p99 ms | errors | queries (small / large) "
        "| vs trivial | target | met | p95 < 50 ms |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|\n"
    )
    lines = []
    for r in results:
        queries = "-" if r.queries_small is None else f"{r.queries_small} / {r.queries_large}"
        ratio = "-" if r.ratio is None else f"{100 * r.ratio:.0f}%"
        if r.name == "trivial":
            target, ratio_ok = "-", "-"
        else:
            target = f">= {100 * target_ratio(r.name):.0f}%"
            ratio_ok = _mark((r.ratio or 0) >= target_ratio(r.name))
        lines.append(
            f"| {r.label} | {r.rps:.1f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.errors} | {queries} | {ratio} | {target} | {ratio_ok} "
            f"| {_mark(r.p95_ms < TARGET_P95_MS)} |"
        )
    return head + "\n".join(lines) + "\n"


def breakdown_table(breakdown: dict[str, dict]) -> str:
    head = (
        "| Page | subject | ms per request | SQL | templates | other Python |\n"
        "|---|---|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {name} | {label} | {b['wall_ms']:.1f} | {b['sql_ms']:.1f} | {b['template_ms']:.1f} "
        f"| {b['other_ms']:.1f} |"
        for name, pair in breakdown.items()
        for label, b in pair.items()
    ]
    return head + "\n".join(lines) + "\n"


def targets_table(breakdown: dict[str, dict], queries: dict[str, dict]) -> str:
    """Each page against the in-process targets: the large subject within
    ``TARGET_MS``, within ``TARGET_GROWTH`` of the small one, and at most
    ``TARGET_QUERIES`` queries, the same for both. Catalog and details are
    timed for a signed-in learner here; their target is the cached
    anonymous page's throughput, in the table above."""
    head = (
        f"| Page | large ms | <= {TARGET_MS:g} ms | large / small | <= {TARGET_GROWTH:g}x "
        f"| queries small / large | <= {TARGET_QUERIES}, constant |\n"
        "|---|---:|:---:|---:|:---:|---:|:---:|\n"
    )
    lines = []
    for name, pair in breakdown.items():
        if name == "trivial":
            continue
        small, large = pair["small"]["wall_ms"], pair["large"]["wall_ms"]
        growth = large / small if small else 0.0
        fast = "-" if name in ANONYMOUS_PAGES else _mark(large <= TARGET_MS)
        q = queries.get(name)
        counted = "-" if q is None else f"{q['small']} / {q['large']}"
        few = "-" if q is None else _mark(q["small"] == q["large"] <= TARGET_QUERIES)
        lines.append(
            f"| {name} | {large:.1f} | {fast} | {growth:.2f} | {_mark(growth <= TARGET_GROWTH)} "
            f"| {counted} | {few} |"
        )
    return head + "\n".join(lines) + "\n"


_COLUMNS = re.compile(r"^SELECT .*? FROM ")


def query_differences(queries: dict[str, dict], width: int = 220) -> str:
    """The statements behind each difference between the small and large subject."""
    lines = []
    for name, q in queries.items():
        diff = q["difference"]
        if q["small"] == q["large"] or not (diff["only_small"] or diff["only_large"]):
            continue
        lines.append(f"{name}:")
        for side in ("only_small", "only_large"):
            for sql in diff[side]:
                brief = _COLUMNS.sub("SELECT ... FROM ", sql)
                lines.append(f"  {side.replace('_', ' ')}: {brief[:width]}")
    return "\n".join(lines) + ("\n" if lines else "")


def query_table(queries: dict[str, dict]) -> str:
    head = "| Page | small | large | constant |\n|---|---:|---:|:---:|\n"
    lines = [
        f"| {name} | {q['small']} | {q['large']} | {_mark(q['small'] == q['large'])} |"
        for name, q in queries.items()
    ]
    return head + "\n".join(lines) + "\n"


def save(report: dict, scale: float) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"results-scale-{scale:g}.json"
    report = {
        **report,
        "pages": [asdict(r) for r in report["pages"]],
    }
    path.write_text(json.dumps(report, indent=2, default=str))
    return path
