"""Whole-page cache for anonymous visitors of public pages (catalog, details).

A cached page is stored under a key made of a *version*, the language and the
full path with its query string. Whatever a public page shows is written
through models whose saves bump the version (see ``credentials.apps``), so the
next anonymous request after a publish, an edit, a fee change or a quality
mark renders afresh; old entries are never read again and expire on their own.

What must never reach another visitor's page is kept out:

- the CSRF token (the language switcher's form carries one) is stored as a
  placeholder and each response gets the visitor's own token;
- a page is neither served from nor written to the cache while the visitor has
  messages waiting (they are shown once, on their own page);
- signed-in users, non-GET requests and non-200 responses are never cached.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
# A safety net for what changes with time alone (the turnaround figures, which
# are cached for a quarter of an hour themselves): at most this stale.
PAGE_SECONDS = 300
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_PLACEHOLDER = b"\x00csrf\x00"

View = Callable[..., HttpResponse]


def public_pages_version() -> int:
    """The current version of every cached public page (1 on an empty cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Started from the clock, not 1: after the shared cache is emptied, a
        # version seen before (and a process's local copy under it) never comes back.
        cache.add(VERSION_KEY, time.time_ns() // 1000, None)
        version = cache.get(VERSION_KEY) or 0
    return int(version)


def public_pages_changed() -> None:
    """Retire every cached public page: the next request renders afresh."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (an empty cache): the next read starts a new one
        pass


# Each process keeps its latest pages too: the key carries the version, which is
# read from the shared cache on every request, so a local copy is never staler
# than the shared one, and a hit costs one small round trip instead of two.
LOCAL_PAGES = 256
_local: dict[str, tuple[float, dict[str, Any]]] = {}


def _remember(key: str, stored: dict[str, Any]) -> None:
    if len(_local) >= LOCAL_PAGES:
        _local.pop(next(iter(_local)))
    _local[key] = (time.monotonic() + PAGE_SECONDS, stored)


def _recall(key: str) -> dict[str, Any] | None:
    entry = _local.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _key(request: HttpRequest, version: int) -> str:
    return f"public-page:{version}:{get_language()}:{request.get_full_path()}"


def _cacheable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if request.method not in ("GET", "HEAD") or (user is not None and user.is_authenticated):
        return False
    return len(get_messages(request)) == 0


def _serve(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content: bytes = stored["content"]
    if _PLACEHOLDER in content:
        content = content.replace(_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, content_type=stored["content_type"])
    response["Content-Language"] = stored["language"]
    return response


def cache_public_page(view: View) -> View:
    """Serve ``view`` to anonymous visitors from the versioned page cache."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request, public_pages_version())
        stored = _recall(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                _remember(key, stored)
        if stored is not None:
            response = _serve(request, stored)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                content = _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\3", response.content)
                stored = {
                    "content": content,
                    "content_type": response["Content-Type"],
                    "language": get_language(),
                }
                cache.set(key, stored, PAGE_SECONDS)
                _remember(key, stored)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper
