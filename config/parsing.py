"""Parsing what a browser posts, where a crafted value must not reach the database."""

import uuid
from collections.abc import Iterable


def valid_uuids(values: Iterable[str]) -> list[str]:
    """The values that are UUIDs: a form's list of ids to act on (e.g. files to
    remove) skips anything else, which no page of ours sends, instead of letting
    a UUID column's validation fail with a server error."""
    kept = []
    for value in values:
        try:
            uuid.UUID(value)
        except (TypeError, ValueError, AttributeError):
            continue
        kept.append(value)
    return kept
