"""The one word-counting rule, shared by the server and the page's live counter.

A word is a run of characters between whitespace: "student-led" is one word,
"3 x 4" is three, and punctuation standing alone counts as a word. The live
counter in static/js/application.js uses the same rule
(``text.trim().split(/\\s+/)``), so the number a learner sees while typing is
the number the server enforces.
"""


def count_words(text: str | None) -> int:
    return len((text or "").split())


def over_limit(text: str | None, limit: int | None) -> bool:
    return bool(limit) and count_words(text) > limit
