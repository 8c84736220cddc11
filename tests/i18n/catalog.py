"""The Spanish catalog as the tests read it: the English phrases it translates,
which a page must not show once it is in Spanish."""

from __future__ import annotations

import re
from functools import cache
from html import unescape
from pathlib import Path

from django.conf import settings

from core.checks.translations import read_po

# Placeholders (%(name)s, %s) and HTML tags split a message into the literal
# pieces a reader sees.
_SPLIT = re.compile(r"%\(\w+\)[sdr]|%[sdr]|<[^>]+>|%%")
# A piece this long is a phrase, not a word Spanish may share ("Email", "PDF").
MIN_WORDS = 3


def catalog_path(domain: str = "django") -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / f"{domain}.po"


def _pieces(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _SPLIT.split(text)]


@cache
def english_phrases(domain: str = "django") -> frozenset[str]:
    """Literal pieces of every English message (plural forms too) that its
    Spanish translation does not contain: one on a Spanish page is a sentence
    left in English."""
    phrases = set()
    for message in read_po(catalog_path(domain)):
        if message.is_header:
            continue
        spanish = " ".join(" ".join(message.translations).split())
        for english in filter(None, (message.msgid, message.plural)):
            for piece in _pieces(english):
                if len(piece.split()) >= MIN_WORDS and piece not in spanish:
                    phrases.add(piece)
    return frozenset(phrases)


def page_text(html: str) -> str:
    """What a reader, or a screen reader, meets: the text without tags, with
    entities decoded, plus the attributes read aloud or shown (alt, aria-label,
    placeholder, title, the confirmation sentences)."""
    attributes = re.findall(r'\s(?:alt|aria-label|placeholder|title|data-[\w-]+)="([^"]*)"', html)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(unescape(" ".join([text, *attributes])).split())


def english_left(html: str) -> list[str]:
    """The English phrases of the catalog that ``html`` still shows."""
    text = page_text(html)
    return sorted(phrase for phrase in english_phrases() if phrase in text)
