"""The Stripe SDK behind a handful of functions; the only module that imports stripe.

Every call returns plain dicts and turns the SDK's errors into ours
(``ProviderError``, ``InvalidWebhook``), so nothing else depends on the SDK's
object model. Calls that create something take the caller's idempotency key,
which makes the SDK's own network retries, and ours, safe.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings

from .exceptions import InvalidWebhook, ProviderError


def _client() -> stripe.StripeClient:
    base = settings.PAYMENTS_STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.PAYMENTS_STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS),
    )


def _as_dict(obj: Any) -> dict:
    return obj.to_dict(recursive=True) if hasattr(obj, "to_dict") else dict(obj)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict:
    try:
        return _as_dict(fn(*args, **kwargs))
    except stripe.StripeError as exc:
        raise ProviderError(
            str(exc.user_message or exc) or exc.__class__.__name__,
            code=exc.code,
            http_status=exc.http_status,
        ) from exc


def checkout_session_create(*, params: dict, idempotency_key: str) -> dict:
    client = _client()
    return _call(
        client.v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def checkout_session_retrieve(*, session_id: str, expand: list[str] | None = None) -> dict:
    client = _client()
    params = {"expand": expand} if expand else None
    return _call(client.v1.checkout.sessions.retrieve, session_id, params=params)


def checkout_session_expire(*, session_id: str) -> dict:
    client = _client()
    return _call(client.v1.checkout.sessions.expire, session_id)


def refund_create(*, params: dict, idempotency_key: str) -> dict:
    client = _client()
    return _call(
        client.v1.refunds.create, params=params, options={"idempotency_key": idempotency_key}
    )


def webhook_event_verify(*, payload: bytes, signature: str | None) -> dict:
    """Check the Stripe-Signature header against the endpoint secret and return the event.

    Rejects a missing or wrong signature, a changed body and a timestamp older
    than the tolerance (replays of captured requests).
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
        raise InvalidWebhook("The body is not a Stripe event.")
    return event
