"""Webhook signatures, the way Stripe signs its webhooks.

Recipe (what a receiver does; docs/partner-api.md shows it in full):

1. Read the header ``X-Signature: t=<unix seconds>,v1=<hex>``.
2. Compute HMAC-SHA256 with the endpoint's secret over the bytes
   ``f"{t}.".encode() + raw_request_body``; hex-encode it.
3. Compare with ``v1`` in constant time; accept only if ``t`` is within five
   minutes of now (an old, replayed delivery is refused).

``verify`` below is that recipe, and the tests check deliveries with it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300
HEADER = "X-Signature"


class SignatureError(Exception):
    """The delivery is not signed by this secret, or is too old."""


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``X-Signature`` header value for ``payload`` at ``timestamp`` (default: now)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(
    payload: bytes,
    header: str,
    secret: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Raise SignatureError unless ``header`` signs ``payload`` with ``secret`` recently."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise SignatureError("Malformed signature header.") from exc
    expected = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise SignatureError("Signature does not match.")
    if abs((time.time() if now is None else now) - t) > tolerance:
        raise SignatureError("Timestamp outside the tolerance: a replay?")
