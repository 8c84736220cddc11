"""Versions of what pages keep in the cache about a learner's awards.

The dashboard's "Awards expiring soon" and stack progress panels read the
learner's whole history of awards, which is long for a learner who has been
here for years and changes seldom. What they show is kept in the cache under
a key that carries these versions, and the versions are bumped when it
changes:

- ``learner_expiries(id)``: one of the learner's badges that expires (or
  expired, or may have had its expiry changed) is saved or deleted: issued,
  revoked, renewed; a badge that never expires never shows among expiries;
- ``learner_awards(id)``: any of the learner's awards or badges is saved or
  deleted (the credentials she holds, for stack progress);
- ``CREDENTIALS``: a credential that was published, or an organization, is
  changed or deleted (their titles and names show beside awards and stack
  members). A new one, or a draft edited in the studio, holds no award and
  counts in no stack, so it leaves the version alone.

Bumps happen at once and again when the transaction commits, so what a
request read from the rows before the commit is never read again. Versions
start at random: after the cache is emptied, a key seen before never comes
back with other content. Old entries expire on their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from core.fragment_cache import changed, versions

CREDENTIALS = "kept:credentials:version"
# Kept at most this long even when nothing changed.
KEPT_SECONDS = 24 * 60 * 60


def learner_awards(user_id: int) -> str:
    return f"kept:awards:{user_id}:version"


def learner_expiries(user_id: int) -> str:
    return f"kept:expiries:{user_id}:version"


def stamp(*names: str) -> str:
    """The versions of ``names`` as one part of a key."""
    return ".".join(str(v) for v in versions(*names))


# --- receivers (connected in badges.apps) -----------------------------------------------


def _award_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        changed(learner_awards(instance.learner_id))


def _may_expire(instance: Any, kwargs: dict[str, Any]) -> bool:
    """Whether a saved or deleted badge shows, or showed, among expiries: it has
    an expiry, or a save that may have removed one."""
    if instance.valid_until is not None:
        return True
    if kwargs.get("created", True):  # created without an expiry, or deleted without one
        return False
    update_fields = kwargs.get("update_fields")
    return update_fields is None or "valid_until" in update_fields


def _badge_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    learner_id = instance.award.learner_id
    names = [learner_awards(learner_id)]
    if _may_expire(instance, kwargs):
        names.append(learner_expiries(learner_id))
    changed(*names)


def _credential_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or kwargs.get("created"):
        return
    if sender._meta.model_name == "microcredential" and not (
        instance.is_published or instance.published_at or instance.retired_at
    ):
        return
    changed(CREDENTIALS)


def connect() -> None:
    from assessments.models import Award
    from credentials.models import MicroCredential, Organization

    from .models import IssuedBadge

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_award_changed, sender=Award, dispatch_uid=f"badges.kept.award.{name}")
        signal.connect(_badge_changed, sender=IssuedBadge, dispatch_uid=f"badges.kept.badge.{name}")
        for model in (MicroCredential, Organization):
            signal.connect(
                _credential_changed,
                sender=model,
                dispatch_uid=f"badges.kept.{model._meta.model_name}.{name}",
            )
