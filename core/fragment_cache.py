"""Rendered parts of signed-in pages, kept under keys that carry versions.

The version counters here are the only ones: the statistics pages' kept
figures, the dashboard's kept panels and the cohort summaries count with them too.

A fragment (a long list, a closed review round's findings, an editor's fields)
is stored under a key made of what it shows: the rows' own revision or change
time where they have one, the active language, and the current number of each
*version* it depends on. Saves and deletes of what a fragment reads bump the
version (``changed``) at once and again when the transaction commits, so a
fragment rendered from data that was about to change is never read again; old
entries are left to expire.

Versions start at random rather than 1: after the cache is emptied, a key seen
before never comes back with other content.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

PREFIX = "fragment-version:"
# Fragments also expire on their own, so entries no key names any more do not linger.
FRAGMENT_SECONDS = 24 * 3600


def versions(*names: str) -> tuple[int, ...]:
    """The current version of each name, in one round trip."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            cache.add(key, secrets.randbelow(2**53), None)
            found[key] = cache.get(key) or 0
    return tuple(int(found[key]) for key in keys)


def _bump(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            cache.incr(PREFIX + name)
        except ValueError:  # not set yet (an empty cache): the next read starts afresh
            pass


def changed(*names: str) -> None:
    """What ``names`` cover changed: retire their fragments now and when the
    transaction commits (a fragment rendered in between, from the old rows, is
    not kept)."""
    if not names:
        return
    _bump(names)
    transaction.on_commit(lambda: _bump(names))


def key(kind: str, *parts: Any, depends: Iterable[str] = ()) -> str:
    """The key of a fragment of ``kind`` made of ``parts``, under the language and the
    current versions of ``depends``."""
    stamp = ".".join(str(v) for v in versions(*depends)) if depends else ""
    return ":".join(["fragment", kind, str(get_language()), stamp, *(str(p) for p in parts)])


def get(full_key: str) -> Any:
    return cache.get(full_key)


def put(full_key: str, value: Any, seconds: int = FRAGMENT_SECONDS) -> None:
    cache.set(full_key, value, seconds)


def listen(models: Iterable[type[Model]], names: Callable[[Model], Iterable[str]], *, uid: str):
    """On every save and delete of ``models``, bump the versions ``names(instance)``
    gives (fixture loading aside: nothing is cached then)."""

    def saved(sender: Any, *, instance: Model, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return
        for name in names(instance):
            changed(name)

    def deleted(sender: Any, *, instance: Model, **kwargs: Any) -> None:
        for name in names(instance):
            changed(name)

    for model in models:
        label = model._meta.label_lower
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save:{label}")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete:{label}")


@dataclass(frozen=True)
class Kept:
    """A fragment looked up with the versions it depends on (``lookup``)."""

    key: str
    stamp: str
    # The fragment, or None: never kept, or kept under versions that are no longer current.
    value: Any
    # The other cache keys asked for in the same round trip, with what they hold (or None).
    others: dict[str, Any]


def lookup(kind: str, *parts: Any, depends: Iterable[str], others: Iterable[str] = ()) -> Kept:
    """``get(key(kind, *parts, depends=depends))`` in one cache round trip rather than
    two, with ``others`` (plain cache keys) read in the same trip. The fragment is
    stored beside the versions it was rendered under (``keep``) and given back only
    while they are all still current, so a change retires it as under ``key``."""
    names = [PREFIX + name for name in depends]
    entry_key = ":".join(["fragment-kept", kind, str(get_language()), *(str(p) for p in parts)])
    asked = list(others)
    found = cache.get_many([*names, entry_key, *asked])
    value = None
    if any(found.get(name) is None for name in names):
        stamp = ".".join(str(v) for v in versions(*depends))  # starts the missing ones
    else:
        stamp = ".".join(str(int(found[name])) for name in names)
        entry = found.get(entry_key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamp:
            value = entry[1]
    return Kept(entry_key, stamp, value, {key: found.get(key) for key in asked})


def keep(kept: Kept, value: Any, seconds: int = FRAGMENT_SECONDS) -> None:
    """Store ``value`` for ``kept``'s fragment under the versions it was looked up with:
    rendered from rows read after the lookup, it is never newer than those versions say."""
    cache.set(kept.key, (kept.stamp, value), seconds)
