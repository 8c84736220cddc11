"""Versions of what stack progress reads of a learner (``badges.kept``).

A learner's progress in the published stacks (the dashboard's "Stacks", the
catalog cards' and details pages' lines) is worked out on each request from
the stacks (one query) and what they ask of her: the credentials she holds,
her external achievements and her stack awards. Those are kept in the cache
under keys carrying these versions, bumped at once and again when the
transaction commits:

- ``learner_stacks(id)``: one of the learner's external achievements or
  stack awards is saved or deleted;
- ``badges.kept.learner_awards(id)``: one of her awards or badges is.

The published stacks and their members, the same for everyone, are kept too
under ``STACKS``: bumped when a stack or a member is saved or deleted, or a
credential is (a member's title is its credential's).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from badges import kept

STACKS = "kept:stacks:published:version"


def learner_stacks(user_id: int) -> str:
    return f"kept:stacks:{user_id}:version"


def _learner_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        kept.changed(learner_stacks(instance.learner_id))


def _stacks_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        kept.changed(STACKS)


def connect() -> None:
    from credentials.models import MicroCredential

    from .models import ExternalAchievement, Stack, StackAward, StackMember

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        for model, receiver in (
            (ExternalAchievement, _learner_changed),
            (StackAward, _learner_changed),
            (Stack, _stacks_changed),
            (StackMember, _stacks_changed),
            (MicroCredential, _stacks_changed),
        ):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"programs.stack_versions.{model._meta.model_name}.{name}",
            )
