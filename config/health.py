"""Liveness and readiness probes.

``/healthz`` answers as long as the process serves requests and touches
nothing else. ``/readyz`` checks what a request needs: the database, the cache
(Redis in production) and the evidence storage. The checks run side by side,
each on its own thread, and the answer never waits longer than
``READINESS_TIMEOUT_SECONDS``: a probe that hangs on a dead dependency would
otherwise hold a web worker for as long as the client library's own timeout.
A failure is reported by check name and exception type only; the details go to
the log, not to whoever calls the endpoint.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 2.0
PROBE_NAME = "readiness-probe/absent"


def check_database() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The probe runs on a pool thread: do not leave a connection open there.
        connection.close()


def check_cache() -> None:
    # The site's cache answers from local memory while Redis is down
    # (config.cache); the probe asks Redis itself.
    store = getattr(cache, "unguarded", cache)
    key = f"readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    store.set(key, value, timeout=10)
    try:
        if store.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        store.delete(key)


def check_storage() -> None:
    # exists() on a name that is never written: reaching the store is enough.
    storages["evidence"].exists(PROBE_NAME)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
}

# One single-thread executor per check: a dependency that hangs blocks only
# its own check, never the others or the web worker.
_executors: dict[str, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def _executor(name: str) -> ThreadPoolExecutor:
    with _executors_lock:
        if name not in _executors:
            _executors[name] = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"readyz-{name}"
            )
        return _executors[name]


def _timed(check: Callable[[], None]) -> float:
    started = time.perf_counter()
    check()
    return (time.perf_counter() - started) * 1000


def run_checks(timeout: float | None = None) -> dict[str, dict]:
    """Run every check at once; return {name: {"ok": bool, "ms"|"error": ...}}."""
    if timeout is None:
        timeout = getattr(settings, "READINESS_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    deadline = time.monotonic() + timeout
    futures: dict[str, Future] = {
        name: _executor(name).submit(_timed, check) for name, check in CHECKS.items()
    }
    results: dict[str, dict] = {}
    for name, future in futures.items():
        try:
            elapsed = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            future.cancel()
            logger.warning("readiness check %s timed out after %.1f s", name, timeout)
            results[name] = {"ok": False, "error": "timeout"}
        except Exception as exc:
            logger.warning("readiness check %s failed", name, exc_info=exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True, "ms": round(elapsed, 1)}
    return results


@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers. No database, cache or storage."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    """Readiness: 200 when every dependency answers, 503 naming the ones that did not."""
    checks = run_checks()
    failed = sorted(name for name, result in checks.items() if not result["ok"])
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)
