"""A Redis cache that keeps the site working while Redis is unreachable.

The cache holds what can be rebuilt or lost: badge images (rendered again on
a miss) and allauth's rate-limit counters. Django's own RedisCache raises on
every call once Redis is down, so signing in, resetting a password or opening
a badge image would fail with a 500 although none of them needs Redis.

``FailOpenRedisCache`` answers those calls from a local-memory cache in this
process instead, and logs a warning. Rate limits therefore keep counting
while Redis is down, per process rather than site-wide, which is safer than
either refusing everyone or counting nothing. After a failure Redis is left
alone for ``RETRY_AFTER`` seconds, so a dead server costs one connection
attempt per process in that time rather than one per cache call.
The readiness probe asks Redis itself through ``unguarded``, so an outage
still shows there. Every key a process changes in its own memory during an
outage is deleted from Redis when Redis answers again, since Redis may come
back holding values from before: a session ended in the meantime must not
become valid again.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# A dead or unroutable Redis must not hold a request for long.
DEFAULT_CONNECTION_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}
RETRY_AFTER = 10.0
FALLBACK_MAX_ENTRIES = 10_000

# When each Redis location may be tried again, shared by the threads of a process.
_unreachable_until: dict[str, float] = {}
# Keys this process wrote or deleted in local memory while each Redis location
# was unreachable (None: too many to list, empty the whole cache instead).
_written_during_outage: dict[str, set[str] | None] = {}
_outage_lock = threading.Lock()
# The methods that change a key, and how to find the keys in their arguments.
_WRITES = {
    "add": lambda args: [args[0]],
    "set": lambda args: [args[0]],
    "touch": lambda args: [args[0]],
    "delete": lambda args: [args[0]],
    "incr": lambda args: [args[0]],
    "set_many": lambda args: list(args[0]),
    "delete_many": lambda args: list(args[0]),
}


def _without_credentials(location: str) -> str:
    parts = urlsplit(location.split(",")[0])
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and each one
    copies its table of some 170 response callbacks: a tenth of a millisecond
    or more per call, paid several times by every signed-in page (session,
    header). A ``redis.Redis`` is only a handle on its pool, safe to share
    between threads, so one per pool is kept.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(  # type: ignore[attr-defined]
                connection_pool=pool
            )
        return client


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, answered from local memory while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]):
        options = {**DEFAULT_CONNECTION_OPTIONS, **(params.get("OPTIONS") or {})}
        self._retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        self._params = {**params, "OPTIONS": options}
        self._server = server
        super().__init__(server, self._params)
        self._class = ReusedClientRedisCacheClient
        self._label = _without_credentials(server)
        fallback_params = {
            key: value for key, value in params.items() if key not in ("OPTIONS", "LOCATION")
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        self._fallback = LocMemCache(f"fail-open:{self._label}", fallback_params)

    @cached_property
    def unguarded(self) -> RedisCache:
        """The same Redis without the fallback: for probes that must see an outage."""
        return RedisCache(self._server, self._params)

    def _remember_outage_write(self, method: str, args: tuple, kwargs: dict) -> None:
        """Note a key changed only in this process's memory, so Redis can forget
        its copy once it answers again."""
        if method not in _WRITES and method != "clear":
            return
        with _outage_lock:
            pending = _written_during_outage.setdefault(self._label, set())
            if pending is None:
                return
            if method == "clear":
                _written_during_outage[self._label] = None
                return
            version = kwargs.get("version")
            pending.update(self.make_key(key, version=version) for key in _WRITES[method](args))
            if len(pending) > FALLBACK_MAX_ENTRIES:
                _written_during_outage[self._label] = None

    def _forget_outage_writes(self) -> None:
        """Drop from Redis every key this process changed while Redis was away.

        Redis may come back with the values it held before the outage: a
        session ended meanwhile (logged out, deleted from the database) would
        be valid again, a version bumped meanwhile would serve old pages. A
        cache may lose anything, so those keys are deleted and rebuilt from
        the database on the next read.
        """
        with _outage_lock:
            if self._label not in _written_during_outage:
                return
            pending = _written_during_outage.pop(self._label)
        client = self._cache  # type: ignore[attr-defined]
        try:
            if pending is None:
                client.clear()
            elif pending:
                client.delete_many(list(pending))
        except BaseException:
            with _outage_lock:
                _written_during_outage[self._label] = pending
            raise

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= _unreachable_until.get(self._label, 0.0):
            try:
                self._forget_outage_writes()
                return getattr(super(), method)(*args, **kwargs)
            except UNREACHABLE as exc:
                _unreachable_until[self._label] = time.monotonic() + self._retry_after
                logger.warning(
                    "Cache %s unreachable (%s: %s); answering from this process's memory "
                    "for the next %.0f s.",
                    self._label,
                    type(exc).__name__,
                    exc,
                    self._retry_after,
                )
        self._remember_outage_write(method, args, kwargs)
        return getattr(self._fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
