"""Applications in bulk: a submission with its answers, evidence, attestations
and history, in the state the submission services leave it."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from audit.models import SYSTEM, AuditEvent
from submissions.models import (
    TRANSITIONS,
    Attachment,
    Attestation,
    AttestationKind,
    EvidenceLink,
    Response,
    Status,
    Submission,
)

from .base import Bulk, Encoded
from .credentials import CredentialInfo

FILE_KINDS = [
    ("lesson-plan.pdf", "application/pdf"),
    ("student-work-sample.jpg", "image/jpeg"),
    ("classroom-video.mp4", "video/mp4"),
    (
        "reflection-notes.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("data-summary.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("anchor-chart.png", "image/png"),
]


@dataclass
class Attempt:
    """One attempt being built: where its rows go, and what each app's builder reads."""

    rows: dict[type[models.Model], list[tuple]]  # plain rows (``Table.row``) by table
    learner_id: int
    credential: CredentialInfo
    status: str
    times: dict[str, Any]  # created, submitted, started, decided; due_on, remind_on
    previous: int | None
    submission_id: int = 0
    reference: str = ""


EMPTY_LIST = Encoded("[]")


def _draw(key: str, salt: int) -> str:
    """SQL for a uniform draw in [0, 1) that depends only on ``key`` and ``salt``."""
    return f"((hashint8extended({key}, {salt}) & 2147483647)::float8 / 2147483648.0)"


def _uuid(key: str, salt: int) -> str:
    """SQL for a version 4 UUID that depends only on ``key`` and ``salt``."""
    return (
        f"overlay(overlay(md5(({key})::text || ':{salt}') placing '4' from 13) "
        f"placing '8' from 17)::uuid"
    )


# How many files and links an application carries, as the Python seed drew them:
# a heavy application 10 and 5; a submitted one 1-4 and 0-2; a draft 0-2 and 0-1.
_FILES = (
    "CASE WHEN s.id = ANY(%(heavy)s) THEN 10 "
    f"WHEN s.status <> %(draft)s THEN 1 + floor({_draw('s.id', 1)} * 4)::int "
    f"ELSE floor({_draw('s.id', 1)} * 3)::int END"
)
_LINKS = (
    "CASE WHEN s.id = ANY(%(heavy)s) THEN 5 "
    f"WHEN s.status <> %(draft)s THEN floor({_draw('s.id', 2)} * 3)::int "
    f"ELSE floor({_draw('s.id', 2)} * 2)::int END"
)
# A file's or link's own key: its submission and its number there.
_ITEM = "(s.id * 16 + i)"


def moves(status: str, *, paid: bool) -> list[tuple[str, str, str, str, str]]:
    """An application's trail in the audit log as the status moves write it, by its
    status and whether it owed a fee: (from, to, actor, note, time) for each move,
    the first opening the draft. The actor is the learner, the review's assessor
    or "" (the system); the time names one of the submission's own (``_AUDIT``)."""
    trail: list[tuple[str, str, str, str, str]] = [
        ("", Status.DRAFT, "learner", "Applied", "created")
    ]
    if status != Status.DRAFT:
        first = Status.AWAITING_PAYMENT if paid else Status.IN_REVIEW
        trail.append((Status.DRAFT, first, "learner", "Submitted", "submitted"))
        if paid and status != Status.AWAITING_PAYMENT:
            trail.append((first, Status.IN_REVIEW, "", "Paid", "started"))
    if status == Status.INCOMPLETE:
        trail.append((Status.IN_REVIEW, status, "assessor", "Returned", "returned"))
    elif status in (Status.AWARDED, Status.DENIED):
        trail.append((Status.IN_REVIEW, status, "assessor", "Decision", "decided"))
    # The same table the services move along: a seed never holds a history the
    # site could not have written.
    current = ""
    for from_status, to_status, *_ in trail:
        if from_status != current or (current and to_status not in TRANSITIONS[current]):
            raise ValueError(f"{status}: no move from {current!r} to {to_status!r}")
        current = to_status
    if current != status:
        raise ValueError(f"{status}: the trail ends at {current!r}")
    return trail


# The submissions in the order of their ids, with what their children read: the
# children come out in that order with no sort of their own rows (the table has
# no primary key while the seed loads it, and sorting a million answers spills to disk).
_SUBMISSIONS = """(
    SELECT id, uuid, reference, status, credential_id, learner_id, previous_id,
           created_at, submitted_at, review_started_at, decided_at
    FROM submissions_submission ORDER BY id
)"""

# Each credential's evidence requirements, in order: an item is for one of them.
_REQUIREMENTS = """WITH requirements AS (
    SELECT credential_id, array_agg(id ORDER BY position, id) AS ids,
           array_agg(title ORDER BY position, id) AS titles
    FROM credentials_evidencerequirement GROUP BY credential_id
)"""

# Each prompt copied into an answer; a draft has written about 60% of them.
_RESPONSES = f"""
INSERT INTO submissions_response
    (submission_id, prompt_id, part, position, prompt_text, help_text, word_limit,
     required, text)
SELECT s.id, p.id, p.part, p.position, p.text, p.help_text, p.word_limit, p.required,
       CASE WHEN s.status <> %(draft)s OR {_draw("s.id * 64 + p.part * 8 + p.position", 3)} < 0.6
            THEN (%(texts)s::text[])[1 + floor({
    _draw("s.id * 64 + p.part * 8 + p.position", 4)
} * cardinality(%(texts)s::text[]))::int]
            ELSE '' END
FROM {_SUBMISSIONS} s
JOIN credentials_prompt p ON p.credential_id = s.credential_id
ORDER BY s.id, p.id
"""  # noqa: S608  (built from the module's own constants)

# Attachment metadata: the file key names an object that does not exist.
_ATTACHMENTS = f"""
{_REQUIREMENTS}
INSERT INTO submissions_attachment
    (uuid, submission_id, requirement_id, requirement_title, file, original_name,
     content_type, size, sha256, uploaded_at)
SELECT {_uuid(_ITEM, 5)}, s.id, r.id, r.title,
       'submissions/' || s.uuid::text || '/'
           || lpad(to_hex(hashint8extended({_ITEM}, 6)), 16, '0') || '/' || f.name,
       f.name, f.type,
       20000 + floor({_draw(_ITEM, 7)} * 19980001)::bigint,
       encode(sha256(floor({_draw(_ITEM, 8)} * 1000)::int::text::bytea), 'hex'),
       s.created_at
FROM {_SUBMISSIONS} s
CROSS JOIN LATERAL generate_series(1, {_FILES}) AS i
JOIN requirements q ON q.credential_id = s.credential_id
CROSS JOIN LATERAL (
    SELECT q.ids[k] AS id, q.titles[k] AS title
    FROM (SELECT 1 + floor({_draw(_ITEM, 9)} * cardinality(q.ids))::int AS k) AS pick
) AS r
CROSS JOIN LATERAL (
    SELECT (%(file_names)s::text[])[k] AS name, (%(file_types)s::text[])[k] AS type
    FROM (SELECT 1 + floor({_draw(_ITEM, 10)} * cardinality(%(file_names)s::text[]))::int
          AS k) AS pick
) AS f
ORDER BY s.id, i
"""  # noqa: S608  (built from the module's own constants)

# Links to lesson videos.
_LINKS_SQL = f"""
{_REQUIREMENTS}
INSERT INTO submissions_evidencelink
    (submission_id, requirement_id, requirement_title, title, url, added_at)
SELECT s.id, r.id, r.title, 'Lesson video ' || i,
       'https://video.example.org/watch/'
           || lpad(to_hex(hashint8extended({_ITEM}, 11) & 1099511627775), 10, '0'),
       s.created_at
FROM {_SUBMISSIONS} s
CROSS JOIN LATERAL generate_series(1, {_LINKS}) AS i
JOIN requirements q ON q.credential_id = s.credential_id
CROSS JOIN LATERAL (
    SELECT q.ids[k] AS id, q.titles[k] AS title
    FROM (SELECT 1 + floor({_draw(_ITEM, 12)} * cardinality(q.ids))::int AS k) AS pick
) AS r
ORDER BY s.id, i
"""  # noqa: S608  (built from the module's own constants)

# Every attestation, accepted when the application was submitted.
_ATTESTATIONS = f"""
INSERT INTO submissions_attestation (submission_id, kind, statement, accepted_at)
SELECT s.id, a.kind, a.statement, s.submitted_at
FROM {_SUBMISSIONS} s
CROSS JOIN unnest(%(kinds)s::text[], %(statements)s::text[]) WITH ORDINALITY
    AS a(kind, statement, n)
WHERE s.status <> %(draft)s
ORDER BY s.id, a.n
"""  # noqa: S608  (built from the module's own constants)

# Each application's trail (``moves``): a row per move, at the time the move names;
# an assessor's move is made by the review's assessor; "returned" two days into
# review (or now).
_AUDIT = f"""
WITH fees AS (
    SELECT * FROM unnest(%(fee_credentials)s::bigint[], %(fee_resubmissions)s::boolean[],
                         %(fees)s::int[]) AS f(credential_id, resubmission, fee)
), trails AS (
    SELECT * FROM unnest(%(move_status)s::text[], %(move_paid)s::boolean[], %(move_n)s::int[],
                         %(move_from)s::text[], %(move_to)s::text[], %(move_actor)s::text[],
                         %(move_note)s::text[], %(move_time)s::text[])
        AS m(status, paid, n, from_status, to_status, actor, note, time)
), labels AS (
    SELECT * FROM unnest(%(statuses)s::text[], %(labels)s::text[]) AS l(status, label)
), events AS (
    SELECT s.id, m.n, s.reference, l.label, m.from_status, m.to_status, m.note,
           CASE m.time WHEN 'created' THEN s.created_at
                       WHEN 'submitted' THEN s.submitted_at
                       WHEN 'started' THEN s.review_started_at
                       WHEN 'returned' THEN least(s.review_started_at + interval '2 days', %(now)s)
                       ELSE s.decided_at END AS created_at,
           CASE m.actor WHEN 'learner' THEN s.learner_id
                        WHEN 'assessor' THEN r.assessor_id END AS actor_id
    FROM {_SUBMISSIONS} s
    JOIN fees f ON f.credential_id = s.credential_id
               AND f.resubmission = (s.previous_id IS NOT NULL)
    JOIN trails m ON m.status = s.status AND m.paid = (f.fee > 0)
    JOIN labels l ON l.status = s.status
    LEFT JOIN assessments_review r ON r.submission_id = s.id
)
INSERT INTO audit_auditevent
    (created_at, actor_id, actor_label, verb, target_type_id, target_id, target_label,
     before, after, data, request_id)
SELECT created_at, actor_id,
       CASE WHEN actor_id IS NULL THEN %(system)s ELSE 'user ' || actor_id END,
       'submission.' || to_status, %(submission_type)s, id::text,
       reference || ' (' || label || ')',
       CASE WHEN from_status = '' THEN '{{}}'::jsonb
            ELSE jsonb_build_object('status', from_status) END,
       jsonb_build_object('status', to_status),
       jsonb_build_object('note', note, 'reference', reference),
       ''
FROM events
ORDER BY events.id, events.n
"""  # noqa: S608  (built from the module's own constants)

CHILDREN: tuple[tuple[type[models.Model], str], ...] = (
    (Response, _RESPONSES),
    (Attachment, _ATTACHMENTS),
    (EvidenceLink, _LINKS_SQL),
    (Attestation, _ATTESTATIONS),
    (AuditEvent, _AUDIT),
)


class Applications:
    def __init__(self, bulk: Bulk) -> None:
        self.bulk = bulk
        self.submission_type = ContentType.objects.get_for_model(Submission).pk
        # Translated once: the same text on every row.
        self.attestations = [(kind.value, str(kind.label)) for kind in AttestationKind]
        self.labels = {status.value: str(status.label) for status in Status}
        self.snapshots: dict[int, Encoded] = {}
        self.heavy: set[int] = set()

    def submission(self, attempt: Attempt, *, heavy: bool) -> None:
        """The submission; sets its id and reference on ``attempt``. Its answers,
        evidence and attestations follow in SQL (``children``); a heavy one has the
        most evidence an application carries."""
        bulk, rng, rows = self.bulk, self.bulk.rng, attempt.rows
        credential, status, times = attempt.credential, attempt.status, attempt.times
        sub_id = attempt.submission_id = bulk.id(Submission)
        sub_uuid = bulk.uuid()
        reference = attempt.reference = bulk.code("MC-", 8)
        submitted = status != Status.DRAFT
        started = times.get("started") if status != Status.AWAITING_PAYMENT else None
        if heavy:
            self.heavy.add(sub_id)
        rows[Submission].append(
            bulk.table(Submission).row(
                id=sub_id,
                uuid=sub_uuid,
                reference=reference,
                learner_id=attempt.learner_id,
                credential_id=credential.id,
                status=status,
                version=rng.randint(1, 40) if not submitted else rng.randint(5, 60),
                previous_id=attempt.previous,
                rubric_snapshot=self.snapshot(credential) if submitted else EMPTY_LIST,
                collaborators=EMPTY_LIST,
                created_at=times["created"],
                updated_at=times["updated"],
                submitted_at=times.get("submitted"),
                review_started_at=started,
                decision_due_on=times.get("due_on") if started else None,
                decided_at=times.get("decided"),
            )
        )

    def snapshot(self, credential: CredentialInfo) -> Encoded:
        """The credential's rubric as a submission copies it, as JSON (encoded once)."""
        if credential.id not in self.snapshots:
            self.snapshots[credential.id] = Encoded(json.dumps(credential.snapshot))
        return self.snapshots[credential.id]

    def children(self, fees: dict[tuple[int, bool], int], now: datetime.datetime) -> None:
        """Every submission's answers, evidence, attestations and trail in the audit
        log, written in SQL from the submissions (and reviews) already in the tables
        (``CHILDREN``): no row of these, the bulk of the seed, passes through Python.
        The draws are hashes of the submission's id (``_draw``), so a seed is the
        same every time. ``fees`` holds what an attempt owes, by credential and
        whether it is a resubmission."""
        trails = [
            (status, paid, n, *move)
            for status in Status.values
            for paid in (False, True)
            if paid or status != Status.AWAITING_PAYMENT
            for n, move in enumerate(moves(status, paid=paid))
        ]
        params: dict[str, Any] = {
            "draft": Status.DRAFT,
            "now": now,
            "system": SYSTEM,
            "submission_type": self.submission_type,
            "fee_credentials": [credential for credential, _ in fees],
            "fee_resubmissions": [resubmission for _, resubmission in fees],
            "fees": list(fees.values()),
            "statuses": list(self.labels),
            "labels": list(self.labels.values()),
            **{
                f"move_{name}": [trail[i] for trail in trails]
                for i, name in enumerate(
                    ("status", "paid", "n", "from", "to", "actor", "note", "time")
                )
            },
            "heavy": sorted(self.heavy) or [0],
            "texts": self.bulk.texts,
            "file_names": [name for name, _ in FILE_KINDS],
            "file_types": [content_type for _, content_type in FILE_KINDS],
            "kinds": [kind for kind, _ in self.attestations],
            "statements": [statement for _, statement in self.attestations],
        }
        with connection.cursor() as cursor:
            # Sorts in memory; no JIT compilation, which took longer than the rows.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
            for model, sql in CHILDREN:
                cursor.execute(sql, params)
                self.bulk.counts.add(model._meta.label, cursor.rowcount)
