"""Writing to the audit trail: ``record``, called inside the change's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from config.request_id import NO_REQUEST, request_id

from .models import SYSTEM, AuditEvent

if TYPE_CHECKING:
    from accounts.models import User

# The user who asked for a change, or None when the system made it.
Actor: TypeAlias = "User | AnonymousUser | None"


def record(
    *,
    actor: Actor,
    verb: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Store one audit event about ``target`` and return it.

    Call it inside the transaction that makes the change, after the change,
    so the event commits with it or not at all. ``actor`` is the signed-in
    user who asked (an anonymous one counts as the system); ``actor_label``
    overrides how the actor is named ("Stripe webhook"), and defaults to the
    user's email or "system". ``before``/``after`` hold the fields that
    changed, ``data`` anything else worth knowing later (a reason, a receipt).
    The current web request's id is attached when there is one. Not
    idempotent: each call is one more event.
    """
    event = _event(actor, verb, target, before, after, data, actor_label)
    event.save(force_insert=True)
    return event


def actor_user(actor: Actor) -> User | None:
    """The user behind ``actor``, or None for the system (an anonymous user counts as it)."""
    return None if actor is None or isinstance(actor, AnonymousUser) else actor


def _event(
    actor: Actor,
    verb: str,
    target: models.Model,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    actor_label: str,
) -> AuditEvent:
    user = actor_user(actor)
    label = actor_label or (_user_label(user) if user is not None else SYSTEM)
    rid = request_id.get()
    return AuditEvent(
        actor=user,
        actor_label=label[:254],
        verb=verb[:100],
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:200],
        before=dict(before or {}),
        after=dict(after or {}),
        data=dict(data or {}),
        request_id="" if rid == NO_REQUEST else rid,
    )


def record_many(
    *,
    actor: Actor,
    verb: str,
    targets: Sequence[models.Model],
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> int:
    """Store the same event about each of ``targets`` in one INSERT; return how many.

    For a change made set-wise (one UPDATE over many rows), in its
    transaction: each row still gets its own event, so its history is whole.
    """
    events = [_event(actor, verb, t, before, after, data, actor_label) for t in targets]
    return len(AuditEvent.objects.bulk_create(events, batch_size=1000))


def _user_label(user: User) -> str:
    return getattr(user, "email", "") or user.get_username() or f"user {user.pk}"
