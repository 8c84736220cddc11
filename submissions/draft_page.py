"""A draft's page kept rendered for its learner while nothing on it changes.

A learner comes back to her draft many times (from the dashboard, after a
break, in a second tab) and most visits find it as she left it. The page's
own blocks (the form with her answers, files and links, the pre-check panel,
the feedback on an earlier attempt, the sidebar) are kept
(``core.kept_page``) under a key made of who she is, which application, her
language, her time zone and the day, and read back only while each version
they were rendered under is still current:

- ``learner_applications(id)``: any save of any of her applications (every
  draft save claims a new version: answers, files, links, declarations; a
  status move; a new attempt), an extra attempt allowed, a pre-check of one
  of them requested or finished;
- ``learner_attempts(id)``: a review of one of her attempts decided (the
  earlier attempt's feedback shown on a new attempt);
- the public pages' version (``core.page_cache``): any save of a credential,
  its prompts, evidence requirements or rubric, its organization (a newer
  version published, a prompt edited by staff, a fee changed).

The key names the learner, and an entry is only ever stored after her own
request found the application hers and still editable: another user's
request never finds it, and a submitted application's changed version
retires it. The layout around the blocks (header, messages) is rendered on
each request; only a plain visit (no form errors, no conflict) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone

from core import fragment_cache
from core.page_cache import VERSION_KEY, public_pages_version

from .kept import learner_applications, learner_attempts


@dataclass(frozen=True)
class KeptDraft:
    """The draft page's kept blocks (``blocks`` None when not kept under the
    current versions) and what to keep a fresh render under."""

    kept: fragment_cache.Kept
    public_version: int
    blocks: dict[str, str] | None


def lookup(request: HttpRequest, uuid: UUID) -> KeptDraft:
    """The learner's kept page of draft ``uuid``, with the versions it depends
    on, in one cache round trip."""
    user_id = cast(int, request.user.pk)  # signed in: the view asks for a login
    kept = fragment_cache.lookup(
        "draft-page",
        user_id,
        uuid,
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        depends=(learner_applications(user_id), learner_attempts(user_id)),
        others=(VERSION_KEY,),
    )
    public_version = kept.others.get(VERSION_KEY)
    if public_version is None:  # an empty cache: start the version before the page is read
        return KeptDraft(kept, public_pages_version(), None)
    blocks = None
    if isinstance(kept.value, tuple) and kept.value[0] == public_version:
        blocks = kept.value[1]
    return KeptDraft(kept, public_version, blocks)


def keep(found: KeptDraft, blocks: dict[str, Any]) -> None:
    """Keep a fresh render of the page under the versions read before it."""
    fragment_cache.keep(found.kept, (found.public_version, blocks))
