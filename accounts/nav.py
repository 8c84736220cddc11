"""What the site header shows a signed-in user, remembered between requests.

The header of every page asks a few yes/no questions about the user: does
she have a review queue, may she open calibration. Each answer costs a query
(or two, for staff whose permissions come from groups), and it changes only
when the user's roles do. So the answers are kept in the cache per user,
stamped with two version tokens, and read back in one cache round trip:

- the user's own token, renewed when one of her roles changes: her staff,
  superuser or active flags, her groups or direct permissions (receivers
  here), her assessor scopes or the reviews assigned to her (receivers in
  ``assessments.nav``, which owns those rows);
- a token shared by every user, renewed when a change reaches users the
  receiver cannot list cheaply: a group's permissions, a group or a
  permission removed.

An answer is used only while both tokens are the ones it was stamped with,
so an answer computed from rows a concurrent change was replacing is never
trusted after that change: tokens are renewed when the change is saved and
again once it commits. A token missing from the cache (evicted, or a cache
cleared) makes every answer stamped with the old one stale rather than
valid again.

The apps that own each question compute the answer (``remembered(user,
"review_queue", compute)``); this module only keeps it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from .models import AnyUser

SHARED_STAMP_KEY = "nav-facts:shared"
# Tokens never expire on their own; answers are rebuilt at least once a day.
FACTS_TIMEOUT = 24 * 60 * 60


def _stamp_key(user_id: int) -> str:
    return f"nav-facts:stamp:{user_id}"


def _facts_key(user_id: int) -> str:
    return f"nav-facts:user:{user_id}"


class _Facts:
    """The answers of one user within one request, with the tokens they hold."""

    __slots__ = ("answers", "shared", "token")

    def __init__(self, shared: str, token: str, answers: dict[str, bool]):
        self.shared = shared
        self.token = token
        self.answers = answers


def _load(user_id: int) -> _Facts:
    token_key, facts_key = _stamp_key(user_id), _facts_key(user_id)
    found = cache.get_many([SHARED_STAMP_KEY, token_key, facts_key])
    shared, token = found.get(SHARED_STAMP_KEY), found.get(token_key)
    if shared is None:
        shared = uuid.uuid4().hex
        if not cache.add(SHARED_STAMP_KEY, shared, timeout=None):
            shared = cache.get(SHARED_STAMP_KEY) or shared
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(token_key, token, timeout=None):
            token = cache.get(token_key) or token
    stored = found.get(facts_key)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (shared, token):
        return _Facts(shared, token, dict(stored[2]))
    return _Facts(shared, token, {})


def remembered(user: AnyUser, name: str, compute: Callable[[], bool]) -> bool:
    """The answer ``name`` for a signed-in ``user``: from the cache while her
    roles are unchanged, else ``compute()``'d and kept. Within a request the
    answers are also kept on the user object, so the header's several
    questions cost one cache read together."""
    if not user.is_authenticated:
        return bool(compute())
    facts: _Facts | None = getattr(user, "_nav_facts", None)
    if facts is None:
        facts = _load(user.pk)
        setattr(user, "_nav_facts", facts)  # noqa: B010  (not a declared field)
    if name not in facts.answers:
        facts.answers[name] = bool(compute())
        cache.set(_facts_key(user.pk), (facts.shared, facts.token, facts.answers), FACTS_TIMEOUT)
    return facts.answers[name]


def _renew(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def roles_changed(*user_ids: int | None) -> None:
    """Forget what the header knows about these users: now, and again once the
    change commits (a request reading between the two sees the old rows and
    stamps its answer with a token the commit then renews)."""
    keys = [_stamp_key(pk) for pk in set(user_ids) if pk is not None]
    if not keys:
        return
    for key in keys:
        _renew(key)

    def again() -> None:
        for key in keys:
            _renew(key)

    transaction.on_commit(again)


def everyone_roles_changed() -> None:
    """Forget what the header knows about every user (a group's permissions changed)."""
    _renew(SHARED_STAMP_KEY)
    transaction.on_commit(lambda: _renew(SHARED_STAMP_KEY))


# --- receivers (connected in accounts.apps) ---------------------------------------------

# Saving only these columns changes no role (a sign-in stamps last_login).
_NOT_ROLES = frozenset({"last_login", "password", "name", "email"})


def user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= _NOT_ROLES:
        return
    roles_changed(instance.pk)


def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    roles_changed(instance.pk)


def memberships_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any = None, **kwargs: Any
) -> None:
    """A user's groups or direct permissions changed (either side of the relation)."""
    if not action.startswith("post_"):
        return
    from .models import User

    if isinstance(instance, User):
        roles_changed(instance.pk)
    else:
        # From the group's or permission's side: the users are not all named
        # (``clear``), so every user's answers go.
        everyone_roles_changed()


def group_permissions_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        everyone_roles_changed()


def group_or_permission_deleted(sender: Any, **kwargs: Any) -> None:
    everyone_roles_changed()
