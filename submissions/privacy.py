"""Telling a learner when a link's address may say who they are.

Under blind review the assessor sees every evidence link in full. Addresses
often carry a name: a OneDrive for Business path (``/personal/lena_alvarez_…``),
a LinkedIn or YouTube profile (``/in/…``, ``/@…``), a personal site, an email
address in a query. The learner is warned beside the link, before submitting;
nothing is refused, since only they know whether the name is theirs.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext

# Path segments after which the next one usually names a person.
PROFILE_SEGMENTS = {
    "author",
    "authors",
    "in",
    "member",
    "members",
    "people",
    "person",
    "personal",
    "profile",
    "profiles",
    "u",
    "user",
    "users",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WORD = re.compile(r"[a-z0-9]+")
# Parts of a name shorter than this match too many ordinary words.
MIN_NAME_PART = 3


def _profile_segment(path: str) -> str:
    """The first path segment that looks like a person's profile, or ""."""
    segments = [s for s in path.split("/") if s]
    for index, segment in enumerate(segments):
        if segment.startswith(("~", "@")) and len(segment) > 1:
            return segment
        following = segments[index + 1] if index + 1 < len(segments) else ""
        if segment.lower() in PROFILE_SEGMENTS and following and not following.isdigit():
            return f"{segment}/{following}"
    return ""


def _names(learner) -> tuple[set[str], set[str]]:
    """The learner's name parts (matched as whole words), and the name and the
    email's local part run together (matched anywhere, "lenaalvarez")."""
    name = WORD.findall((getattr(learner, "name", "") or "").lower())
    local = (getattr(learner, "email", "") or "").lower().split("@", 1)[0]
    parts = {p for p in name if len(p) >= MIN_NAME_PART}
    runs = {"".join(name), "".join(WORD.findall(local))}
    return parts, {r for r in runs if len(r) > 2 * MIN_NAME_PART}


def link_identity_reasons(url: str, *, learner) -> list[str]:
    """What in ``url`` may identify a person, in words for the learner."""
    text = unquote(url or "").lower()
    reasons = []
    email = (getattr(learner, "email", "") or "").lower()
    if email and email in text:
        reasons.append(gettext("your email address"))
        text = text.replace(email, " ")
    elif EMAIL.search(text):
        reasons.append(gettext("an email address"))
    parts, runs = _names(learner)
    collapsed = "".join(WORD.findall(text))
    if parts & set(WORD.findall(text)) or any(run in collapsed for run in runs):
        reasons.append(gettext("your name"))
    profile = _profile_segment(urlsplit(url or "").path)
    if profile:
        reasons.append(
            gettext("“/%(segment)s”, which looks like a person's profile or folder")
            % {"segment": profile}
        )
    return reasons


def link_identity_warning(url: str, *, learner) -> str:
    """The warning shown beside a link under blind review, or ""."""
    reasons = link_identity_reasons(url, learner=learner)
    if not reasons:
        return ""
    listed = reasons[0]
    for reason in reasons[1:]:
        listed = gettext("%(first)s and %(second)s") % {"first": listed, "second": reason}
    return gettext(
        "This address may tell the assessor who you are: it contains %(reasons)s. "
        "Review is blind, so share the item through a link without a name in it, or upload "
        "the file instead."
    ) % {"reasons": listed}
