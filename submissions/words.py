"""The rules for an answer's text: the one word-counting rule, shared by the server
and the page's live counter, and what an answer may not contain.

A word is a run of characters between whitespace: "student-led" is one word,
"3 x 4" is three, and punctuation standing alone counts as a word. The live
counter in static/js/application.js uses the same rule
(``text.trim().split(/\\s+/)``), so the number a learner sees while typing is
the number the server enforces.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext


def count_words(text: str | None) -> int:
    return len((text or "").split())


def over_limit(text: str | None, limit: int | None) -> bool:
    if not limit:
        return False
    return count_words(text) > limit


# The longest answer stored. Longer text is refused with a message, never cut.
MAX_ANSWER_CHARS = 50_000


def normalize_answer(text: str) -> str:
    """Browsers post a textarea's line breaks as CRLF; the page counts each as one character."""
    return text.replace("\r\n", "\n")


def answer_problem(text: str) -> str | None:
    """Why an answer cannot be stored as it is, in words for the learner; None if it can.

    The answer is refused whole rather than cleaned or cut, so what is stored
    is always exactly what the learner sees on their page.
    """
    if "\x00" in text:
        return gettext(
            "This answer contains an invisible null character (it may show as �), often "
            "pasted from another program, so it was not saved. Delete that character and "
            "save again."
        )
    if len(text) > MAX_ANSWER_CHARS:
        return gettext(
            "This answer has %(count)s characters; the limit is %(limit)s. "
            "It was not saved: shorten it and save again. Your whole text is still here."
        ) % {
            "count": number_format(len(text), force_grouping=True),
            "limit": number_format(MAX_ANSWER_CHARS, force_grouping=True),
        }
    return None
