"""Limits on wrong guesses: after too many failed attempts at one action, by one
user or from one client address, the action waits until the window ends.

Used where a secret can be guessed from a form (coupon codes). Counts live in
the shared cache (Redis in production; local memory while it is down, see
config.cache), one counter per user and one per address, each opened by the
first failure and closed ``window_seconds`` later. The address is the one
allauth's rate limits use (it honours ALLAUTH_TRUSTED_PROXY_COUNT); an IPv6
client counts by its /64 network, since one household or school holds a
whole one.

Limits are read from settings when a request is checked, so tests and
environments change them without a restart: a dict with ``per_user``,
``per_address`` and ``window_seconds``.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    address = get_adapter(request).get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


@dataclass(frozen=True)
class FailureThrottle:
    """Failed attempts at ``action``, limited by the setting named ``setting``."""

    action: str
    setting: str

    def _limits(self) -> tuple[int, int, int]:
        limits = getattr(settings, self.setting)
        return limits["per_user"], limits["per_address"], limits["window_seconds"]

    def _counters(self, request: HttpRequest) -> list[tuple[str, int]]:
        per_user, per_address, _ = self._limits()
        counters = [(f"throttle:{self.action}:address:{client_address(request)}", per_address)]
        if request.user.is_authenticated:
            counters.append((f"throttle:{self.action}:user:{request.user.pk}", per_user))
        return counters

    def wait_seconds(self, request: HttpRequest) -> int:
        """How long this user and address must wait before another attempt (0: go ahead)."""
        _, _, window = self._limits()
        now = time.time()
        wait = 0.0
        for key, limit in self._counters(request):
            if cache.get(f"{key}:count", 0) >= limit:
                until = cache.get(f"{key}:until") or now + window
                wait = max(wait, until - now)
        return math.ceil(wait)

    def record_failure(self, request: HttpRequest) -> None:
        """Count one failed attempt against this user and this address."""
        _, _, window = self._limits()
        for key, _limit in self._counters(request):
            # The first failure opens the window; both keys expire when it closes.
            cache.add(f"{key}:until", time.time() + window, timeout=window)
            cache.add(f"{key}:count", 0, timeout=window)
            try:
                cache.incr(f"{key}:count")
            except ValueError:  # the window closed between add and incr
                cache.set(f"{key}:count", 1, timeout=window)


def wait_message(seconds: int) -> str:
    """A sentence telling when to try again, in whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Try again in %(count)d minute.", "Try again in %(count)d minutes.", minutes
    ) % {"count": minutes}
