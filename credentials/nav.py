"""Organization roles are roles: what is remembered about a user's roles
(``accounts.nav``; the dashboard's way into the studio asks whether she
designs for any organization) is forgotten when one of her memberships is
saved or deleted. A membership edited to name another user forgets both.
Every write of a membership goes through ``save()`` or ``delete()`` (the
organization services, the admin), so these receivers see them all."""

from __future__ import annotations

from typing import Any

from accounts import nav

_PREVIOUS = "_nav_previous_user_id"


def membership_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None or (update_fields is not None and "user" not in update_fields):
        return
    previous = sender._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True)
    setattr(instance, _PREVIOUS, previous.first())


def membership_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    nav.roles_changed(instance.user_id, instance.__dict__.pop(_PREVIOUS, None))


def membership_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    nav.roles_changed(instance.user_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from .models import OrganizationMember

    uid = "credentials.nav.membership"
    pre_save.connect(membership_before_save, sender=OrganizationMember, dispatch_uid=f"{uid}.pre")
    post_save.connect(membership_saved, sender=OrganizationMember, dispatch_uid=f"{uid}.save")
    post_delete.connect(membership_deleted, sender=OrganizationMember, dispatch_uid=f"{uid}.delete")
