"""The colleagues a learner says they worked with, as structured entries.

Learners type one colleague per line: an email address, a name, or both
("Ana Ruiz <ana@school.org>"). Stored as ``[{"name": ..., "email": ...}]`` on
the application, so a check can match them against other learners' accounts
(duplicate evidence between declared collaborators is not flagged).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

MAX_COLLABORATORS = 20
MAX_LENGTH = 200
_NAMED_EMAIL = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]+)>\s*$")


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text.lower()


def parse_collaborators(text: str) -> list[dict[str, str]]:
    """Entries from what the learner typed (one per line or separated by ";").

    Raises ValidationError with a message for the learner when an entry is too
    long or there are too many; duplicates are dropped, order kept.
    """
    entries: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for raw in re.split(r"[\n;]+", text or ""):
        line = " ".join(raw.split())
        if not line:
            continue
        if len(line) > MAX_LENGTH:
            raise ValidationError(
                gettext("Each colleague fits in %(most)s characters.") % {"most": MAX_LENGTH}
            )
        named = _NAMED_EMAIL.match(line)
        if named and _email(named["email"].strip()):
            entry = {"name": named["name"].strip(), "email": _email(named["email"].strip())}
        elif "@" in line and _email(line):
            entry = {"name": "", "email": _email(line)}
        else:
            entry = {"name": line, "email": ""}
        key = (entry["name"].casefold(), entry["email"])
        if key not in seen:
            seen.add(key)
            entries.append(entry)
    if len(entries) > MAX_COLLABORATORS:
        raise ValidationError(
            gettext("Name at most %(most)s colleagues.") % {"most": MAX_COLLABORATORS}
        )
    return entries


def format_collaborators(entries: list[dict[str, str]]) -> str:
    """The entries as the learner would type them, one per line."""
    lines = []
    for entry in entries or []:
        name, email = entry.get("name", ""), entry.get("email", "")
        lines.append(f"{name} <{email}>" if name and email else name or email)
    return "\n".join(lines)
