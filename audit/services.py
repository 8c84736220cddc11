"""Writing to the audit trail: ``record``, called inside the change's transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.functions import Cast, Substr

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


def record_set(
    *,
    verb: str,
    targets: models.QuerySet[Any],
    label: models.Expression | models.F,
    after: models.Expression,
    actor_label: str,
    now: datetime.datetime,
) -> int:
    """Store the same system event about each row of ``targets`` with one
    INSERT ... SELECT, so no row is read into Python; return how many.

    For a periodic task that changes many rows set-wise (the SLA sweep's
    reminders and escalations): each row still gets its own event, with its
    label (``label``, an expression over the row) and what it became
    (``after``, a JSON object expression over the row), at any number of rows.
    """
    target_type = ContentType.objects.get_for_model(targets.model)
    rid = request_id.get()
    columns = {
        "created_at": models.Value(now, output_field=models.DateTimeField()),
        "actor_id": models.Value(None, output_field=models.BigIntegerField()),
        "actor_label": models.Value(actor_label[:254], output_field=models.CharField()),
        "verb": models.Value(verb[:100], output_field=models.CharField()),
        "target_type_id": models.Value(target_type.pk, output_field=models.IntegerField()),
        "target_id": Cast("pk", output_field=models.CharField()),
        "target_label": Substr(label, 1, 200),
        "before": models.Value({}, output_field=models.JSONField()),
        "after": after,
        "data": models.Value({}, output_field=models.JSONField()),
        "request_id": models.Value(
            "" if rid == NO_REQUEST else rid, output_field=models.CharField()
        ),
    }
    # Aliased so that no annotation clashes with a field of the target model.
    aliased = {f"audit_{name}": value for name, value in columns.items()}
    select = targets.order_by().annotate(**aliased).values_list(*aliased)
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608
        return cursor.rowcount


def _user_label(user: User) -> str:
    return getattr(user, "email", "") or user.get_username() or f"user {user.pk}"
