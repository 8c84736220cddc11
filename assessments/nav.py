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
# Set by the receivers on an instance: the id it held before this save, and the
# id its last save wrote.
_PREVIOUS = "_nav_previous_id"
_WRITTEN = "_nav_written_id"


def _previous(model: type[Model], instance: Any, field: str, update_fields: Any) -> Any:
    """The foreign key's id before this save; ``_UNTOUCHED`` when the save leaves it alone.

    An instance saved before (a review created and then assigned, as every
    new review is) remembers what it wrote, so only an instance read from the
    database and given to someone else costs a query here."""
    if update_fields is not None and field not in update_fields:
        return _UNTOUCHED
    if instance.pk is None:
        return None
    written = instance.__dict__.get(_WRITTEN, _UNTOUCHED)
    if written is not _UNTOUCHED:
        return written
    rows = model._default_manager.filter(pk=instance.pk)
    return rows.values_list(f"{field}_id", flat=True).first()


def _before_save(model: type[Model], field: str) -> Any:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        setattr(instance, _PREVIOUS, _previous(model, instance, field, kwargs.get("update_fields")))

    return receiver


def _after_save(field: str) -> Any:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        previous = instance.__dict__.pop(_PREVIOUS, _UNTOUCHED)
        current = getattr(instance, f"{field}_id")
        if previous is not _UNTOUCHED:
            setattr(instance, _WRITTEN, current)
        if sender is AssessorScope:
            # Any change of a scope (active or not, its reach) may change the answer.
            nav.roles_changed(current, None if previous is _UNTOUCHED else previous)
        elif previous is not _UNTOUCHED and previous != current:
            # A review changes the answer only when it changes hands.
            nav.roles_changed(current, previous)

    return receiver


scope_before_save = _before_save(AssessorScope, "user")
scope_saved = _after_save("user")
review_before_save = _before_save(Review, "assessor")
review_saved = _after_save("assessor")


def scope_deleted(sender: Any, instance: AssessorScope, **kwargs: Any) -> None:
    nav.roles_changed(instance.user_id)


def review_deleted(sender: Any, instance: Review, **kwargs: Any) -> None:
    nav.roles_changed(instance.assessor_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    for signal, receiver, model, name in (
        (pre_save, scope_before_save, AssessorScope, "scope_before_save"),
        (post_save, scope_saved, AssessorScope, "scope_saved"),
        (post_delete, scope_deleted, AssessorScope, "scope_deleted"),
        (pre_save, review_before_save, Review, "review_before_save"),
        (post_save, review_saved, Review, "review_saved"),
        (post_delete, review_deleted, Review, "review_deleted"),
    ):
        signal.connect(receiver, sender=model, dispatch_uid=f"assessments.nav.{name}")
