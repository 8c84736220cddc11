"""The one way a status changes: ``transition``.

Every model with a status keeps its table of allowed moves next to its
choices (``PAYMENT_TRANSITIONS``, ``EMAIL_TRANSITIONS``...). A service that
moves a status does it with this helper, which

- checks the move against the table and raises ``IllegalTransition`` (a
  ``UserFacingError``: its message can be shown as it is) when it is not there;
- returns ``False`` without writing anything when the record is already in the
  target state and the caller said the move is safe to repeat (``idempotent``);
- sets the status and the other ``changes``, saves with ``update_fields``;
- writes one ``audit.AuditEvent`` (actor, verb, before/after of what changed,
  request id) in the same transaction, so the move and its record commit
  together or not at all.

The contract: call it inside ``transaction.atomic()`` on a row the caller has
locked (``select_for_update(no_key=True)``) or otherwise owns (a row created
in the same transaction, or one whose parent row is locked), after any checks
of its own. The helper cannot see the lock, so it verifies only the
transaction and raises ``TransitionOutsideTransaction`` without one: a status
written outside a transaction could commit without its audit event.

``python -m core.checks.status_writes`` (run by ``make lint``) fails on code that
sets a ``status`` anywhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from audit.services import Actor, record

from .errors import IllegalTransition

M = TypeVar("M", bound=models.Model)


class TransitionOutsideTransaction(RuntimeError):
    """A programming error: ``transition`` needs the caller's transaction and lock."""


def transition(
    obj: M,
    *,
    to: str,
    allowed: Mapping[str, Collection[str]],
    actor: Actor,
    verb: str = "",
    field: str = "status",
    changes: Mapping[str, Any] | None = None,
    update_fields: Iterable[str] = (),
    data: Mapping[str, Any] | None = None,
    idempotent: bool = False,
    actor_label: str = "",
    message: str | None = None,
) -> bool:
    """Move ``obj.<field>`` to ``to`` if ``allowed`` permits it; audit it; return True.

    ``changes`` are other fields set with the move (their old and new values
    go into the audit event); ``update_fields`` are fields the caller already
    set on ``obj`` that must be saved too (auto_now fields are added by
    themselves). ``verb`` names the event (default ``"<model>.<to>"``),
    ``data`` adds free-form context (a reason, a receipt number), and
    ``actor`` is the user who asked, or None for the system, whose label may
    be given (``actor_label="Stripe webhook"``). ``message`` replaces the
    default text of the ``IllegalTransition`` raised for a move not in the
    table. With ``idempotent=True`` a record already at ``to`` is left alone
    and False is returned, so the service is safe to repeat.
    """
    if obj.pk is None:
        raise ValueError("Save the record before moving its status.")
    if not transaction.get_connection(obj._state.db or "default").in_atomic_block:
        raise TransitionOutsideTransaction(
            f"transition() on {obj._meta.label} {obj.pk} must run inside transaction.atomic() "
            "on a locked row."
        )
    current = getattr(obj, field)
    if idempotent and current == to:
        return False
    if to not in allowed.get(current, ()):
        raise IllegalTransition(obj=obj, field=field, current=current, target=to, message=message)

    changes = dict(changes or {})
    before = {field: _stored(obj, field)}
    for name, value in changes.items():
        before[name] = _stored(obj, name)
        setattr(obj, name, value)
    setattr(obj, field, to)
    after = {name: _stored(obj, name) for name in before}
    # Only what really changed goes into the event, and the status always.
    changed = [name for name in before if name == field or before[name] != after[name]]

    obj.save(update_fields=_fields_to_save(obj, [field, *changes, *update_fields]))
    record(
        actor=actor,
        actor_label=actor_label,
        verb=verb or f"{obj._meta.model_name}.{to}",
        target=obj,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        data=data,
    )
    return True


def _stored(obj: models.Model, name: str) -> Any:
    """A field's value as stored (a foreign key's id, not the related object)."""
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname if isinstance(field, models.Field) else name)


def _fields_to_save(obj: models.Model, names: Iterable[str]) -> list[str]:
    auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    return list(dict.fromkeys([*names, *auto_now]))
