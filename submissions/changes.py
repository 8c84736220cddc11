"""What changed between an attempt and the attempt before it.

For the assessor of a resubmission: each answer as a word-level diff
(``difflib``; whitespace kept, so paragraphs read as written), files added,
removed or unchanged by their SHA-256 (a renamed file is unchanged, an edited
one with the same name is removed and added), and links added, removed,
retitled or unchanged. A chain of attempts is always compared with the
immediately previous attempt. Reads only; two queries per attempt.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .models import Attachment, EvidenceLink, Response, Submission

_TOKEN = re.compile(r"\s+|[^\s]+")

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"


@dataclass
class AnswerChange:
    part: int
    prompt_text: str
    status: str  # added / removed / changed / unchanged
    segments: list[tuple[str, str]] = field(default_factory=list)  # (equal|insert|delete, text)
    anchor: str = ""

    @property
    def words_added(self) -> int:
        return sum(len(text.split()) for op, text in self.segments if op == INSERT)

    @property
    def words_removed(self) -> int:
        return sum(len(text.split()) for op, text in self.segments if op == DELETE)


@dataclass
class FileChange:
    status: str  # added / removed / unchanged
    attachment: Attachment  # the current attempt's file (the previous one's if removed)
    number: int  # its position in its own attempt's list (for neutral names)


@dataclass
class LinkChange:
    status: str  # added / removed / changed (new title) / unchanged
    link: EvidenceLink
    previous_title: str = ""


@dataclass
class AttemptChanges:
    submission: Submission
    previous: Submission
    answers: list[AnswerChange]
    files: list[FileChange]
    links: list[LinkChange]

    @property
    def changed_answers(self) -> int:
        return sum(1 for a in self.answers if a.status != UNCHANGED)

    def count(self, kind: str, status: str) -> int:
        items: list[FileChange] | list[LinkChange] = self.files if kind == "files" else self.links
        return sum(1 for item in items if item.status == status)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The two texts as runs of equal, deleted and inserted words (whitespace kept)."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    segments: list[tuple[str, str]] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(EQUAL, a[i1:i2])
        else:
            # A changed run reads best as the old words, then the new ones.
            if tag in ("delete", "replace"):
                add(DELETE, a[i1:i2])
            if tag in ("insert", "replace"):
                add(INSERT, b[j1:j2])
    return segments


def _key(response: Response) -> tuple:
    return ("prompt", response.prompt_id) if response.prompt_id else ("text", response.prompt_text)


def _answers(previous: list[Response], current: list[Response]) -> list[AnswerChange]:
    before = {_key(r): r for r in previous}
    changes = []
    for response in current:
        old = before.pop(_key(response), None)
        old_text = old.text if old else ""
        if old is None:
            status = ADDED
        elif old_text == response.text:
            status = UNCHANGED
        else:
            status = CHANGED
        changes.append(
            AnswerChange(
                part=response.part,
                prompt_text=response.prompt_text,
                status=status,
                segments=word_diff(old_text, response.text),
                anchor=response.anchor,
            )
        )
    for old in before.values():
        changes.append(
            AnswerChange(
                part=old.part,
                prompt_text=old.prompt_text,
                status=REMOVED,
                segments=[(DELETE, old.text)] if old.text else [],
            )
        )
    return sorted(changes, key=lambda c: c.part)


def _files(previous: list[Attachment], current: list[Attachment]) -> list[FileChange]:
    before = {a.sha256 for a in previous}
    now = {a.sha256 for a in current}
    changes = [
        FileChange(status=UNCHANGED if a.sha256 in before else ADDED, attachment=a, number=n)
        for n, a in enumerate(current, start=1)
    ]
    changes += [
        FileChange(status=REMOVED, attachment=a, number=n)
        for n, a in enumerate(previous, start=1)
        if a.sha256 not in now
    ]
    return changes


def _links(previous: list[EvidenceLink], current: list[EvidenceLink]) -> list[LinkChange]:
    before = {link.url: link for link in previous}
    changes = []
    for link in current:
        old = before.pop(link.url, None)
        if old is None:
            changes.append(LinkChange(status=ADDED, link=link))
        elif old.title != link.title:
            changes.append(LinkChange(status=CHANGED, link=link, previous_title=old.title))
        else:
            changes.append(LinkChange(status=UNCHANGED, link=link))
    changes += [LinkChange(status=REMOVED, link=old) for old in before.values()]
    return changes


def attempt_changes(submission: Submission) -> AttemptChanges | None:
    """What changed since the attempt immediately before ``submission``; None for a
    first attempt."""
    if not submission.previous_id:
        return None
    previous = Submission.objects.select_related("credential").get(pk=submission.previous_id)

    def content(attempt: Submission) -> tuple[list, list, list]:
        return (
            list(attempt.responses.all()),
            list(attempt.attachments.all()),
            list(attempt.links.all()),
        )

    old_responses, old_files, old_links = content(previous)
    responses, files, links = content(submission)
    return AttemptChanges(
        submission=submission,
        previous=previous,
        answers=_answers(old_responses, responses),
        files=_files(old_files, files),
        links=_links(old_links, links),
    )
