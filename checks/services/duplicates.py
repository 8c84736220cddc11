"""Duplicate evidence: fingerprints at submit, flags, and staff decisions on them.

``submission_fingerprint`` runs once a submit has committed (a Celery task
queued by the ``submitted`` signal): it stores the fingerprints of the
application's files and long answers, asks the key index which other
learners' submitted applications share a key (one indexed query), confirms
each candidate (the whole SHA-256 for files, the estimated similarity for
text), and opens one flag per pair of applications, unless both learners
named each other as collaborators. A learner's own earlier attempts never
count. Nothing is denied: staff decide each flag (``flag_decide``).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from core.errors import UserFacingError
from core.transitions import transition
from submissions.models import Status, Submission

from .. import fingerprints as fp
from ..models import (
    FLAG_TRANSITIONS,
    DuplicateFlag,
    EvidenceFingerprint,
    FingerprintKey,
    FingerprintKind,
    FlagStatus,
)

# A key shared by very many applications (a template every learner was given)
# stops counting after this many rows, so one submit's look-up stays bounded.
MAX_CANDIDATE_ROWS = 2000
# At most this many other applications are flagged against one submission.
MAX_FLAGS_PER_SUBMISSION = 20


class FlagDecisionError(UserFacingError):
    """A decision on a flag that cannot be recorded as asked."""


@dataclass(frozen=True)
class _Print:
    """A fingerprint as the matcher needs it (own or a candidate's)."""

    pk: int
    submission_id: int
    kind: str
    sha256: str
    signature: bytes
    part: int
    label: str


def _label(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _create_fingerprints(submission: Submission) -> None:
    """Store the fingerprints and keys of a submitted application (once)."""
    prints: list[tuple[EvidenceFingerprint, list[int]]] = []
    for attachment in submission.attachments.all():
        if not attachment.sha256:
            continue
        prints.append(
            (
                EvidenceFingerprint(
                    submission=submission,
                    learner_id=submission.learner_id,
                    kind=FingerprintKind.FILE,
                    attachment=attachment,
                    sha256=attachment.sha256,
                ),
                [fp.file_key(attachment.sha256)],
            )
        )
    for response in submission.responses.all():
        tokens = fp.words(response.text)
        if len(tokens) < fp.MIN_WORDS:
            continue
        values = fp.signature(response.text)
        prints.append(
            (
                EvidenceFingerprint(
                    submission=submission,
                    learner_id=submission.learner_id,
                    kind=FingerprintKind.TEXT,
                    response=response,
                    signature=fp.signature_bytes(values),
                    words=len(tokens),
                ),
                fp.band_keys(values),
            )
        )
    created = EvidenceFingerprint.objects.bulk_create([p for p, _keys in prints])
    FingerprintKey.objects.bulk_create(
        [
            FingerprintKey(fingerprint=fingerprint, learner_pk=submission.learner_id, key=key)
            for fingerprint, (_p, keys) in zip(created, prints, strict=True)
            for key in set(keys)
        ],
        batch_size=2000,
    )


_PRINT_FIELDS = (
    "pk",
    "submission_id",
    "kind",
    "sha256",
    "signature",
    "response__part",
    "response__prompt_text",
    "attachment__requirement_title",
)


def _prints(queryset: Any) -> list[_Print]:
    return [
        _Print(
            pk=pk,
            submission_id=submission_id,
            kind=kind,
            sha256=sha,
            signature=bytes(signature or b""),
            part=part or 2,
            label=_label(prompt or requirement or ""),
        )
        for pk, submission_id, kind, sha, signature, part, prompt, requirement in (
            queryset.values_list(*_PRINT_FIELDS)
        )
    ]


def _keys_of(item: _Print) -> list[int]:
    if item.kind == FingerprintKind.FILE:
        return [fp.file_key(item.sha256)]
    return fp.band_keys(fp.signature_from_bytes(item.signature))


def _match(mine: _Print, theirs: _Print) -> float:
    """How alike two fingerprints are (0 when they are not a match)."""
    if mine.kind != theirs.kind:
        return 0.0
    if mine.kind == FingerprintKind.FILE:
        return 1.0 if mine.sha256 == theirs.sha256 else 0.0
    score = fp.similarity(
        fp.signature_from_bytes(mine.signature), fp.signature_from_bytes(theirs.signature)
    )
    return score if score >= fp.TEXT_SIMILARITY else 0.0


def _name_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def names_person(collaborators: list[dict[str, str]], person: User) -> bool:
    """Whether a list of declared collaborators names ``person`` (by email, or by
    their full name when they gave one)."""
    email = person.email.casefold()
    name = _name_key(person.name)
    for entry in collaborators or []:
        if entry.get("email") and entry["email"].strip().casefold() == email:
            return True
        if name and entry.get("name") and _name_key(entry["name"]) == name:
            return True
    return False


def collaboration_declared(a: Submission, b: Submission) -> bool:
    """Both learners named each other as collaborators."""
    return names_person(a.collaborators, b.learner) and names_person(b.collaborators, a.learner)


def find_matches(submission: Submission) -> dict[int, list[dict[str, Any]]]:
    """Other learners' submitted applications that share evidence with this one:
    {other submission id: [match, ...]}, each match as ``DuplicateFlag.matches``
    describes it from this submission's side. Three queries whatever the size
    of the index: this submission's fingerprints, the keys, the candidates."""
    mine = _prints(EvidenceFingerprint.objects.filter(submission=submission))
    by_key: dict[int, list[_Print]] = defaultdict(list)
    for item in mine:
        for key in _keys_of(item):
            by_key[key].append(item)
    if not by_key:
        return {}
    rows = list(
        FingerprintKey.objects.filter(key__in=list(by_key))
        .exclude(learner_pk=submission.learner_id)
        .values_list("key", "fingerprint_id")[:MAX_CANDIDATE_ROWS]
    )
    pairs: dict[int, set[int]] = defaultdict(set)  # their fingerprint -> my fingerprints
    for key, theirs_pk in rows:
        for item in by_key[key]:
            pairs[theirs_pk].add(item.pk)
    if not pairs:
        return {}
    theirs = {
        item.pk: item
        for item in _prints(
            EvidenceFingerprint.objects.filter(pk__in=list(pairs)).exclude(
                submission__status=Status.DRAFT
            )
        )
    }
    mine_by_pk = {item.pk: item for item in mine}
    # {other submission: {(own fingerprint, 0): match}}
    found: dict[int, dict[tuple[int, int], dict[str, Any]]] = defaultdict(dict)
    for theirs_pk, mine_pks in pairs.items():
        other = theirs.get(theirs_pk)
        if other is None:
            continue
        for mine_pk in mine_pks:
            own = mine_by_pk[mine_pk]
            score = _match(own, other)
            if not score:
                continue
            # One line per own file or answer: its closest match in the other application.
            kept = found[other.submission_id].get((own.pk, 0))
            if kept is not None and kept["similarity"] >= round(score, 2):
                continue
            found[other.submission_id][(own.pk, 0)] = {
                "kind": own.kind,
                "part": own.part,
                "label": own.label,
                "other_part": other.part,
                "other_label": other.label,
                "similarity": round(score, 2),
            }
    return {
        other_id: sorted(matches.values(), key=lambda m: (m["part"], -m["similarity"]))
        for other_id, matches in found.items()
    }


def _flipped(match: dict[str, Any]) -> dict[str, Any]:
    return {
        **match,
        "part": match["other_part"],
        "label": match["other_label"],
        "other_part": match["part"],
        "other_label": match["label"],
    }


def submission_fingerprint(*, submission_id: int) -> list[DuplicateFlag]:
    """Fingerprint a submitted application and flag evidence it shares with
    another learner's; return the flags opened now.

    Requires an application past its draft (submitted content no longer
    changes, except after an Incomplete return); a draft is left alone. Safe to
    repeat: the fingerprints are rebuilt from the content as it is, a pair of
    applications has at most one flag (in either direction), and a pair
    already flagged is not flagged again. Each new flag is audited
    with the system as its actor.
    """
    submission = Submission.objects.select_related("learner").get(pk=submission_id)
    if submission.status == Status.DRAFT:
        return []
    with transaction.atomic():
        # Rebuilt each time: an application returned as Incomplete and sent again
        # may have other files or answers than when it was first fingerprinted.
        EvidenceFingerprint.objects.filter(submission=submission).delete()
        _create_fingerprints(submission)
    matches = find_matches(submission)
    if not matches:
        return []
    others = {
        other.pk: other
        for other in Submission.objects.filter(pk__in=list(matches)).select_related("learner")
    }
    opened: list[DuplicateFlag] = []
    ranked = sorted(matches.items(), key=lambda item: -max(m["similarity"] for m in item[1]))
    for other_id, found in ranked[:MAX_FLAGS_PER_SUBMISSION]:
        other = others.get(other_id)
        if other is None or collaboration_declared(submission, other):
            continue
        # One row per pair: the later-created application is ``submission``.
        later, earlier = (submission, other) if submission.pk > other.pk else (other, submission)
        described = found if later is submission else [_flipped(m) for m in found]
        try:
            with transaction.atomic():
                flag, created = DuplicateFlag.objects.get_or_create(
                    submission=later, other=earlier, defaults={"matches": described}
                )
                if created:
                    record(
                        actor=None,
                        verb="duplicate_flag.opened",
                        target=flag,
                        after={"status": flag.status},
                        data={
                            "submission": later.reference,
                            "other": earlier.reference,
                            "kinds": sorted({m["kind"] for m in described}),
                        },
                    )
        except IntegrityError:  # the other submit's look-up opened it at the same moment
            continue
        if created:
            opened.append(flag)
    return opened


def flag_decide(*, flag_id: int, actor: User, status: str, note: str) -> DuplicateFlag:
    """Record staff's decision on an open flag: dismissed or confirmed, with a note.

    Requires the ``checks.decide_duplicateflag`` permission and a note saying
    why. Safe to repeat with the same decision (returns the flag unchanged);
    a different decision on a decided flag raises an error (decisions are
    final). The move, the note and the decider are audited. Nothing else
    changes: a confirmed flag informs the assessor, it does not deny.
    """
    if not actor.has_perm("checks.decide_duplicateflag"):
        raise FlagDecisionError(gettext("You cannot decide flags of shared evidence."))
    if status not in (FlagStatus.DISMISSED, FlagStatus.CONFIRMED):
        raise FlagDecisionError(gettext("Choose dismiss or confirm."))
    note = note.strip()
    if not note:
        raise FlagDecisionError(gettext("Write a note saying why."))
    with transaction.atomic():
        flag = DuplicateFlag.objects.select_for_update(no_key=True).get(pk=flag_id)
        if flag.status == status:
            return flag
        now: datetime.datetime = timezone.now()
        transition(
            flag,
            to=status,
            allowed=FLAG_TRANSITIONS,
            actor=actor,
            verb=f"duplicate_flag.{status}",
            changes={"note": note, "decided_by": actor, "decided_at": now},
            message=gettext("This flag has already been decided."),
        )
    return flag
