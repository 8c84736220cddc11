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
still shows there.
"""

from __future__ import annotations

import logging
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

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= _unreachable_until.get(self._label, 0.0):
            try:
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
