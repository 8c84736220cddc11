"""Partner API tokens and outgoing webhooks: every write of this app.

Tokens: the secret is returned once by ``token_create`` and only its SHA-256
digest is stored. Webhooks: ``webhook_emit`` writes one delivery per
subscribed endpoint in the caller's transaction (keyed, so an event is sent
once) and queues it on commit; ``webhook_deliver`` posts it through the
SSRF-guarded ``safe_post`` and reschedules failures with exponential backoff;
``webhook_deliver_due`` picks up whatever a lost task left; staff replay from
admin with ``webhook_replay``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import Actor, record
from core.errors import UserFacingError
from core.safe_fetch import FetchError, safe_post
from core.transitions import transition
from programs.models import Partner

from .models import (
    DELIVERY_TRANSITIONS,
    ApiToken,
    DeliveryStatus,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from .signing import HEADER, sign

TOKEN_PREFIX = "mcp_"  # noqa: S105 - a public marker, not a secret
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
MAX_ATTEMPTS = 10
SWEEP_BATCH = 200


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, partner: Partner, name: str, scopes: Sequence[str], actor: User
) -> tuple[ApiToken, str]:
    """A new token for ``partner``; returns it and its secret, which is never shown again."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise UserFacingError("Choose at least one known scope.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            partner=partner,
            name=name,
            prefix=secret[:12],
            digest=token_digest(secret),
            scopes=sorted(set(scopes)),
            created_by=actor,
        )
        record(
            actor=actor,
            verb="partner_api.token_created",
            target=token,
            after={"scopes": token.scopes},
        )
    return token, secret


def token_revoke(*, token: ApiToken, actor: Actor) -> None:
    """Revoke ``token`` (safe to repeat)."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            record(actor=actor, verb="partner_api.token_revoked", target=token)


def token_touch(*, token: ApiToken) -> None:
    """Note when a token was last used (at most once a minute, to spare writes)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def _check_url(url: str) -> None:
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise UserFacingError("Enter a valid web address.") from exc
    if not url.startswith("https://") and not getattr(settings, "SAFE_FETCH_ALLOW_PRIVATE", False):
        raise UserFacingError("Webhook addresses must start with https://.")


def webhook_endpoint_create(
    *, partner: Partner, url: str, events: Sequence[str], actor: Actor
) -> WebhookEndpoint:
    """Register an endpoint; its signing secret is readable by the partner's admins."""
    _check_url(url)
    if not events or set(events) - set(WebhookEvent.values):
        raise UserFacingError("Choose at least one known event.")
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            partner=partner,
            url=url,
            events=sorted(set(events)),
            secret="whsec_" + secrets.token_hex(24),
        )
        record(actor=actor, verb="partner_api.webhook_created", target=endpoint, after={"url": url})
    return endpoint


def webhook_emit(*, partner_ids: Iterable[int], event: str, key: str, data: dict[str, Any]) -> int:
    """Write one delivery of ``event`` to each active endpoint of these partners
    that subscribed to it; sent after commit. Safe to repeat: ``key`` names
    the event, and a key already written to an endpoint is not written again."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(partner_id__in=list(partner_ids), is_active=True)
        if event in e.events
    ]
    created: list[int] = []
    for endpoint in endpoints:
        payload = {
            "id": None,
            "type": event,
            "created": int(timezone.now().timestamp()),
            "data": data,
        }
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=event,
                    key=key,
                    payload=payload,
                    next_attempt_at=timezone.now(),
                )
                delivery.payload["id"] = str(delivery.uuid)
                delivery.save(update_fields=["payload"])
        except IntegrityError:
            continue
        created.append(delivery.pk)
    if created:
        from .tasks import deliver_webhook

        for pk in created:
            transaction.on_commit(lambda pk=pk: deliver_webhook.delay(pk))
    return len(created)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 60 s, 120 s... up to six hours."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one pending delivery if it is due; True when the endpoint took it.

    The POST happens outside any row lock (a slow endpoint holds nothing);
    the outcome is then stored under the lock, so a delivery already done by
    a concurrent task is not sent again... except in that narrow window, which
    receivers absorb by the payload ``id`` (documented as at-least-once).
    """
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
        return False
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: sign(body, delivery.endpoint.secret),
        "X-Webhook-Id": str(delivery.uuid),
    }
    status: int | None = None
    error = ""
    try:
        status = safe_post(delivery.endpoint.url, body=body, headers=headers, timeout=10)
    except FetchError as exc:
        error = str(exc)
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update(no_key=True).get(pk=delivery.pk)
        if locked.status != DeliveryStatus.PENDING:
            return False
        locked.attempts += 1
        locked.last_status_code = status
        locked.last_error = (error or ("" if ok else f"HTTP {status}"))[:500]
        if ok:
            locked.delivered_at = timezone.now()
            transition(
                locked,
                to=DeliveryStatus.DELIVERED,
                allowed=DELIVERY_TRANSITIONS,
                actor=None,
                actor_label="webhook sender",
                update_fields=["attempts", "last_status_code", "last_error", "delivered_at"],
            )
        elif locked.attempts >= MAX_ATTEMPTS:
            transition(
                locked,
                to=DeliveryStatus.FAILED,
                allowed=DELIVERY_TRANSITIONS,
                actor=None,
                actor_label="webhook sender",
                update_fields=["attempts", "last_status_code", "last_error"],
            )
        else:
            locked.next_attempt_at = timezone.now() + retry_delay(locked.attempts)
            locked.save(
                update_fields=["attempts", "last_status_code", "last_error", "next_attempt_at"]
            )
    return ok


def webhook_deliver_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Send the pending deliveries whose retry time has come; returns how many went through."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(webhook_deliver(delivery_id=pk, now=now) for pk in ids)


def webhook_replay(*, delivery_ids: Iterable[int], actor: Actor) -> int:
    """Send these deliveries again (the same payload and id, a fresh signature)."""
    count = 0
    from .tasks import deliver_webhook

    with transaction.atomic():
        for delivery in WebhookDelivery.objects.select_for_update(no_key=True).filter(
            pk__in=list(delivery_ids)
        ):
            delivery.attempts = 0
            delivery.next_attempt_at = timezone.now()
            if transition(
                delivery,
                to=DeliveryStatus.PENDING,
                allowed=DELIVERY_TRANSITIONS,
                actor=actor,
                verb="partner_api.webhook_replayed",
                update_fields=["attempts", "next_attempt_at"],
                idempotent=True,
            ):
                count += 1
                transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return count
