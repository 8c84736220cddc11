"""Fails when a translation catalog is incomplete or its compiled file is stale.

Every page, message and email goes through gettext, and readers who chose
Spanish must never meet a sentence left in English. This check (run by
``make lint``: ``python -m core.checks.translations``) reads each
``locale/<language>/LC_MESSAGES/*.po`` and reports:

- a message whose translation is empty (any plural form counts);
- a message marked fuzzy (a guess ``makemessages`` made that nobody checked);
- a ``.po`` whose committed ``.mo`` is missing or says something else, so the
  site would not show what the catalog says (``make messages`` compiles it).

It needs no GNU gettext tools: the ``.po`` is parsed here and the ``.mo`` is
read with Python's own ``gettext``, so it runs wherever the tests run.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


@dataclass
class Message:
    """One catalog entry: its English, its translations (one per plural form)."""

    line: int
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.context is None

    @property
    def key(self) -> str:
        """How a compiled catalog names it (gettext joins a context with EOT)."""
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid

    def where(self, path: Path) -> str:
        label = f'"{self.msgid[:60]}"' + (f" ({self.context})" if self.context else "")
        return f"{path}:{self.line}: {label}"


def read_po(path: Path) -> list[Message]:
    """The entries of a .po file, obsolete ones (``#~``) left out."""
    messages: list[Message] = []
    current: Message | None = None
    target = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            continue
        # An entry ends once it has a translation and a blank line, a comment
        # or the next msgctxt/msgid begins.
        opens = not line or line.startswith(("#", "msgctxt ", "msgid "))
        if current is not None and current.translations and opens:
            messages.append(current)
            current = None
        if not line:
            continue
        if current is None:
            current = Message(line=number)
        if line.startswith("#,"):
            current.fuzzy = "fuzzy" in (flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(current, target, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword == "msgctxt":
                current.context = value
            elif keyword == "msgid":
                current.msgid, current.line = value, number
            elif keyword == "msgid_plural":
                current.plural = value
            elif keyword.startswith("msgstr"):
                current.translations.append(value)
            else:
                raise ValueError(f"{path}:{number}: cannot read {line[:40]!r}")
            target = keyword
    if current is not None and current.translations:
        messages.append(current)
    return messages


def _append(message: Message, keyword: str, text: str) -> None:
    """A continuation line: more of the string the last keyword opened."""
    if keyword == "msgctxt":
        message.context = (message.context or "") + text
    elif keyword == "msgid":
        message.msgid += text
    elif keyword == "msgid_plural":
        message.plural = (message.plural or "") + text
    elif keyword.startswith("msgstr"):
        message.translations[-1] += text
    else:
        raise ValueError(f"a string continues nothing: {text[:40]!r}")


def catalogs(root: Path = LOCALE_DIR) -> Iterator[Path]:
    yield from sorted(root.glob("*/LC_MESSAGES/*.po"))


def problems(po_path: Path) -> list[str]:
    """What is wrong with one catalog and its compiled file (empty when nothing is)."""
    found: list[str] = []
    messages = [m for m in read_po(po_path) if not m.is_header]
    for message in messages:
        if message.fuzzy:
            found.append(f"{message.where(po_path)} is marked fuzzy: check it, then drop the flag")
        elif not message.translations or not all(message.translations):
            found.append(f"{message.where(po_path)} has no translation")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [*found, f"{mo_path} is missing: run `make messages`"]
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = 0
    for message in messages:
        if message.fuzzy:
            continue
        if message.plural is None:
            stale += compiled.get(message.key) != message.translations[0]
        else:
            stale += any(
                compiled.get((message.key, index)) != text
                for index, text in enumerate(message.translations)
            )
    if stale:
        found.append(
            f"{mo_path} differs from {po_path.name} in {stale} messages: run `make messages`"
        )
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=LOCALE_DIR)
    args = parser.parse_args(argv)
    found = [problem for po in catalogs(args.root) for problem in problems(po)]
    for problem in found:
        print(problem, file=sys.stderr)
    if not any(catalogs(args.root)):
        print(f"No catalogs under {args.root}", file=sys.stderr)
        return 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
