"""Applications in bulk: a submission with its answers, evidence, attestations
and history, in the state the submission services leave it."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

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


class Applications:
    def __init__(self, bulk: Bulk) -> None:
        self.bulk = bulk
        self.submission_type = ContentType.objects.get_for_model(Submission).pk
        # Translated once: the same text on every row.
        self.attestations = [(kind.value, str(kind.label)) for kind in AttestationKind]
        self.labels = {status.value: str(status.label) for status in Status}
        self.no_status = Encoded("{}")
        self.statuses = {
            status.value: Encoded(json.dumps({"status": status.value})) for status in Status
        }
        self.snapshots: dict[int, Encoded] = {}

    def submission(self, attempt: Attempt, *, heavy: bool) -> None:
        """The submission and its answers, evidence and attestations; sets its id and
        reference on ``attempt``."""
        bulk, rng, rows = self.bulk, self.bulk.rng, attempt.rows
        credential, status, times = attempt.credential, attempt.status, attempt.times
        sub_id = attempt.submission_id = bulk.id(Submission)
        sub_uuid = bulk.uuid()
        reference = attempt.reference = bulk.code("MC-", 8)
        submitted = status != Status.DRAFT
        started = times.get("started") if status != Status.AWAITING_PAYMENT else None
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
        # Written answers: a copy of every prompt; drafts are partly written.
        for prompt in credential.prompts:
            filled = submitted or rng.random() < 0.6
            rows[Response].append(
                bulk.table(Response).row(
                    id=bulk.id(Response),
                    submission_id=sub_id,
                    prompt_id=prompt.pk,
                    part=prompt.part,
                    position=prompt.position,
                    prompt_text=prompt.text,
                    help_text=prompt.help_text,
                    word_limit=prompt.word_limit,
                    required=prompt.required,
                    text=rng.choice(bulk.texts) if filled else "",
                )
            )
        # Evidence: attachment metadata only (the file key points at nothing) and links.
        n_files = 10 if heavy else (rng.randint(1, 4) if submitted else rng.randint(0, 2))
        n_links = 5 if heavy else (rng.randint(0, 2) if submitted else rng.randint(0, 1))
        for _ in range(n_files):
            requirement = rng.choice(credential.requirements)
            name, content_type = rng.choice(FILE_KINDS)
            rows[Attachment].append(
                bulk.table(Attachment).row(
                    id=bulk.id(Attachment),
                    uuid=bulk.uuid(),
                    submission_id=sub_id,
                    requirement_id=requirement.pk,
                    requirement_title=requirement.title,
                    file=f"submissions/{sub_uuid}/{rng.getrandbits(64):016x}/{name}",
                    original_name=name,
                    content_type=content_type,
                    size=rng.randint(20_000, 20_000_000),
                    sha256=rng.choice(bulk.hashes),
                    uploaded_at=times["created"],
                )
            )
        for i in range(n_links):
            requirement = rng.choice(credential.requirements)
            rows[EvidenceLink].append(
                bulk.table(EvidenceLink).row(
                    id=bulk.id(EvidenceLink),
                    submission_id=sub_id,
                    requirement_id=requirement.pk,
                    requirement_title=requirement.title,
                    title=f"Lesson video {i + 1}",
                    url=f"https://video.example.org/watch/{rng.getrandbits(40):010x}",
                    added_at=times["created"],
                )
            )
        if submitted:
            for kind, statement in self.attestations:
                rows[Attestation].append(
                    bulk.table(Attestation).row(
                        id=bulk.id(Attestation),
                        submission_id=sub_id,
                        kind=kind,
                        statement=statement,
                        accepted_at=times["submitted"],
                    )
                )

    def snapshot(self, credential: CredentialInfo) -> Encoded:
        """The credential's rubric as a submission copies it, as JSON (encoded once)."""
        if credential.id not in self.snapshots:
            self.snapshots[credential.id] = Encoded(json.dumps(credential.snapshot))
        return self.snapshots[credential.id]

    def history(
        self, attempt: Attempt, moves: list[tuple[str, str, int | None, str, datetime.datetime]]
    ) -> None:
        """The application's trail in the audit log, as the status moves write it:
        (from, to, actor, note, when) for each move, the first opening the draft."""
        reference = attempt.reference
        label = f"{reference} ({self.labels[attempt.status]})"
        current = ""
        for from_status, to_status, actor, note, when in moves:
            # The same table the services move along: a seed never holds a history
            # the site could not have written.
            if from_status != current or (current and to_status not in TRANSITIONS[current]):
                raise ValueError(f"{reference}: no move from {current!r} to {to_status!r}")
            current = to_status
            attempt.rows[AuditEvent].append(
                self.bulk.table(AuditEvent).row(
                    id=self.bulk.id(AuditEvent),
                    created_at=when,
                    actor_id=actor,
                    actor_label=SYSTEM if actor is None else f"user {actor}",
                    verb=f"submission.{to_status}",
                    target_type_id=self.submission_type,
                    target_id=str(attempt.submission_id),
                    target_label=label,
                    before=self.statuses[from_status] if from_status else self.no_status,
                    after=self.statuses[to_status],
                    data={"note": note, "reference": reference},
                )
            )
