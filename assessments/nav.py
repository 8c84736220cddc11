"""The site header's "Review queue" answer, remembered per user (``accounts.nav``),
and the receivers that forget it when the rows it rests on change.

A user has a review queue while she holds an active assessor scope or a
review is assigned to her (``selectors.is_assessor``). So the answer is
forgotten for the scope's user whenever a scope is saved or deleted (a scope
edited to name another user forgets both), and for the old and the new
assessor whenever a review changes hands or is deleted. Every write of those
rows goes through ``save()`` or ``delete()`` (``services._assign``,
``services.assessor_scope_save``, the admin), so the receivers see them all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from accounts import nav
from accounts.models import AnyUser

from . import selectors
from .models import AssessorScope, Review

REVIEW_QUEUE = "review_queue"


def has_review_queue(user: AnyUser) -> bool:
    """``selectors.is_assessor``, without a query while the user's roles are unchanged."""
    return nav.remembered(user, REVIEW_QUEUE, lambda: selectors.is_assessor(user))


_UNTOUCHED = object()


def _previous(model: type[Model], instance: Any, field: str, update_fields: Any) -> Any:
    """The foreign key's id before this save; ``_UNTOUCHED`` when the save leaves it alone."""
    if update_fields is not None and field not in update_fields:
        return _UNTOUCHED
    if instance.pk is None:
        return None
    rows = model._default_manager.filter(pk=instance.pk)
    return rows.values_list(f"{field}_id", flat=True).first()


def scope_before_save(sender: Any, instance: AssessorScope, **kwargs: Any) -> None:
    instance._nav_previous_user_id = _previous(  # type: ignore[attr-defined]
        AssessorScope, instance, "user", kwargs.get("update_fields")
    )


def scope_saved(sender: Any, instance: AssessorScope, **kwargs: Any) -> None:
    # Any change of a scope (active or not, its reach) may change the answer.
    previous = getattr(instance, "_nav_previous_user_id", None)
    nav.roles_changed(instance.user_id, None if previous is _UNTOUCHED else previous)


def scope_deleted(sender: Any, instance: AssessorScope, **kwargs: Any) -> None:
    nav.roles_changed(instance.user_id)


def review_before_save(sender: Any, instance: Review, **kwargs: Any) -> None:
    instance._nav_previous_assessor_id = _previous(  # type: ignore[attr-defined]
        Review, instance, "assessor", kwargs.get("update_fields")
    )


def review_saved(sender: Any, instance: Review, created: bool, **kwargs: Any) -> None:
    previous: Any = getattr(instance, "_nav_previous_assessor_id", _UNTOUCHED)
    if previous is not _UNTOUCHED and previous != instance.assessor_id:
        nav.roles_changed(instance.assessor_id, previous)


def review_deleted(sender: Any, instance: Review, **kwargs: Any) -> None:
    nav.roles_changed(instance.assessor_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    for signal, receiver, model in (
        (pre_save, scope_before_save, AssessorScope),
        (post_save, scope_saved, AssessorScope),
        (post_delete, scope_deleted, AssessorScope),
        (pre_save, review_before_save, Review),
        (post_save, review_saved, Review),
        (post_delete, review_deleted, Review),
    ):
        signal.connect(receiver, sender=model, dispatch_uid=f"assessments.nav.{receiver.__name__}")
