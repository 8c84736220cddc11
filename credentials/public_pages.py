"""Which saves change what the public catalog and details pages show.

Every save or delete of one of these models (and a change of a credential's
topics) retires the cached public pages (``core.page_cache``): publishing,
unpublishing, editing, a new version, a fee change and the quality mark are
all saves of ``MicroCredential``; an organization's name or link is a save of
``Organization``; a stack a credential belongs to is a save of the programs'
stack rows. The version is bumped at once and again when the transaction
commits, so a page rendered from the data before the commit is not kept.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.page_cache import public_pages_changed

# Labels, not imports: programs sits on a higher floor.
PUBLIC_MODELS = frozenset(
    {
        "credentials.organization",
        "credentials.topic",
        "credentials.microcredential",
        "credentials.microcredential_topics",
        "credentials.prompt",
        "credentials.evidencerequirement",
        "credentials.rubriccriterion",
        "programs.stack",
        "programs.stackmember",
    }
)


def _changed(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.label_lower not in PUBLIC_MODELS:
        return
    if kwargs.get("raw"):  # fixtures loading: nothing is cached yet
        return
    public_pages_changed()
    transaction.on_commit(public_pages_changed)


def connect() -> None:
    """Listen for changes to what the public pages show (called once at start-up)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"public-pages-{id(signal)}")
