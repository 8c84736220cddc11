"""Evidence files follow the transaction that records them.

Storage is not transactional: a file is there the moment it is written and
gone the moment it is deleted, whatever the database does next. So the
services that change evidence use ``evidence_files()``:

- a file is deleted only once the transaction that deleted its row commits
  (``delete_on_commit``): a save that rolls back leaves the learner's files
  where they were;
- the files written in the block are removed when the block fails
  (``written`` / ``copy``), so a save that rolls back leaves no orphans;
- a copy is streamed chunk by chunk (``copy``), so a 100 MB video never sits
  in memory whole.

The block is meant to wrap the service's own, outermost transaction (views
call services outside any transaction: ``ATOMIC_REQUESTS`` is off). A caller
that wraps a service in a transaction of its own and rolls it back later
leaves the files that service wrote behind: they are unreferenced, never
shown, and never deleted by mistake.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction

from .models import evidence_storage

logger = logging.getLogger(__name__)


class EvidenceFiles:
    """The files one service writes and deletes, tied to its transaction."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._written: list[str] = []

    def written(self, name: str) -> None:
        """Note a file this block stored (through a FileField), to remove if it fails."""
        self._written.append(name)

    def copy(self, source: str, name: str) -> str:
        """Copy the stored file ``source`` to ``name`` in chunks; return the name stored.

        Storage backends write a ``File`` by its ``chunks()`` (S3 uploads it in
        parts), so only one chunk is in memory at a time.
        """
        with self.storage.open(source, "rb") as handle:
            stored = self.storage.save(name, File(handle, name=name))
        self._written.append(stored)
        return stored

    def delete_on_commit(self, name: str) -> None:
        """Delete ``name`` once the current transaction commits; never if it rolls back."""
        if name:
            transaction.on_commit(partial(self._delete, name), robust=True)

    def discard(self) -> None:
        """Remove every file this block wrote (its rows were never committed)."""
        for name in self._written:
            self._delete(name)
        self._written.clear()

    def _delete(self, name: str) -> None:
        try:
            self.storage.delete(name)
        except Exception:
            # A file left behind is harmless: no row points at it. Losing the
            # learner's action over it would not be.
            logger.exception("Could not delete evidence file %s", name)


@contextmanager
def evidence_files() -> Iterator[EvidenceFiles]:
    """Track the evidence files of a block; remove those it wrote if it raises."""
    files = EvidenceFiles(evidence_storage())
    try:
        yield files
    except BaseException:
        files.discard()
        raise
