"""Which saves retire the studio's kept fragments (``core.fragment_cache``).

The editor's fields of a version are kept under its revision and change time,
which every studio save and every save of the version itself move. What can
change without either is covered here: a prompt, evidence requirement or
rubric criterion saved or deleted on its own (the admin, a data fix) bumps
its version's items; a topic created, renamed or deleted, or a version's
topics changed, bumps the list of topics every editor offers.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed

from core import fragment_cache

TOPICS = "studio-topics"


def credential_items(pk: int) -> str:
    return f"studio-items:{pk}"


def credentials_of(organization_id: int) -> str:
    """The studio list of an organization: its versions' titles and states."""
    return f"studio-list:{organization_id}"


# Whether a version is in review: any round opening, moving or ending.
ROUNDS = "studio-rounds"


def _item_names(instance: models.Model) -> tuple[str, ...]:
    return (credential_items(instance.credential_id),)  # type: ignore[attr-defined]


def _topics_changed(
    sender: Any, *, instance: models.Model, action: str, reverse: bool, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From a topic's side, any number of versions changed: retire them all.
    fragment_cache.changed(TOPICS if reverse else credential_items(instance.pk))


def connect() -> None:
    """Listen for changes to what the kept fragments show (called once at start-up)."""
    from credentials.models import (
        EvidenceRequirement,
        MicroCredential,
        Prompt,
        RubricCriterion,
        Topic,
    )
    from quality.models import ReviewRound

    fragment_cache.listen(
        (Prompt, EvidenceRequirement, RubricCriterion), _item_names, uid="studio-items"
    )
    fragment_cache.listen(
        (MicroCredential,),
        lambda instance: (
            credential_items(instance.pk),
            credentials_of(instance.organization_id),  # type: ignore[attr-defined]
        ),
        uid="studio-version",
    )
    fragment_cache.listen((ReviewRound,), lambda instance: (ROUNDS,), uid="studio-rounds")
    fragment_cache.listen((Topic,), lambda instance: (TOPICS,), uid="studio-topics")
    m2m_changed.connect(
        _topics_changed,
        sender=MicroCredential.topics.through,
        weak=False,
        dispatch_uid="studio-credential-topics",
    )
