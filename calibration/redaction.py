"""Taking the learner out of an anchor's text, so calibrating assessors read it blind."""

from __future__ import annotations

import re

REDACTED = "[educator]"


def redact(text: str, *, names: list[str]) -> str:
    """``text`` with each of ``names`` (a full name, its parts of three letters or
    more, an email address and its local part) replaced by a neutral
    placeholder, in any case."""
    words: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        words.add(name)
        # An address's domain ("school.org") names no one; its local part may.
        if "@" in name:
            name = name.split("@", 1)[0]
            words.add(name)
        words.update(part for part in re.split(r"[\s._-]+", name) if len(part) >= 3)
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text
