"""Every change to an application happens here, one function per use case.

Each function runs in a transaction, takes its arguments by keyword, and is
safe to repeat where the docstring says so: status moves lock the row and
return early when the move already happened, and draft saves use the version
number so two tabs never silently overwrite each other.

Status moves go through ``core.transitions.transition`` along
``TRANSITIONS``, which writes the application's history into the one audit
trail (``audit.AuditEvent``: who, from which status to which, when, with a
note such as "Submitted" or "Paid"); the opening of a draft is its first
event. The application's own ``StatusChange`` table, which only repeated
that and was read by no page, is gone (its rows were copied into the audit
trail): staff read an application's history from the "Audit trail" of its
review in admin, or the audit list filtered to it.

Evidence files follow the transaction (``submissions.storage``): removals
happen once it commits, files stored in a save that rolls back are removed,
and a resubmission copies files by streaming them before it locks anything.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from core.errors import IllegalTransition as IllegalMove
from core.transitions import transition
from credentials.models import EvidenceKind, MicroCredential, Part, Prompt
from notifications.services import email_enqueue

from . import kept, signals
from .attempts import attempt_policy
from .exceptions import (
    AlreadyApplied,
    AttemptLimitReached,
    DraftConflict,
    IllegalTransition,
    IncompleteSubmission,
    InvalidUpload,
    NotEditable,
    SubmissionError,
)
from .models import (
    EDITABLE_STATUSES,
    SUBMITTED_STATUSES,
    TRANSITIONS,
    Attachment,
    Attestation,
    AttestationKind,
    EvidenceLink,
    ExtraAttempt,
    Response,
    Status,
    Submission,
)
from .selectors import submission_current
from .storage import EvidenceFiles, evidence_files
from .uploads import check_upload
from .words import answer_problem, count_words, normalize_answer, over_limit

logger = logging.getLogger(__name__)


# --- drafts ------------------------------------------------------------------


def _prompt_copy(prompt: Prompt) -> dict[str, object]:
    """The fields an answer copies from its prompt."""
    return {
        "part": prompt.part,
        "position": prompt.position,
        "prompt_text": prompt.text,
        "help_text": prompt.help_text,
        "word_limit": prompt.word_limit,
        "required": prompt.required,
    }


def _snapshot_prompts(submission: Submission) -> None:
    """Bring a draft's copies of the prompts up to date with the credential.

    New prompts get an empty answer, changed prompts update their copy, and a
    deleted prompt's answer is kept only if the learner wrote something.
    """
    prompts = list(submission.credential.prompts.all())
    existing = {r.prompt_id: r for r in submission.responses.all()}
    for prompt in prompts:
        response = existing.pop(prompt.pk, None)
        values = _prompt_copy(prompt)
        if response is None:
            Response.objects.create(submission=submission, prompt=prompt, **values)
        elif any(getattr(response, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(response, k, v)
            response.save(update_fields=list(values))
    for orphan in existing.values():
        if orphan.prompt_id is None and not orphan.text.strip():
            orphan.delete()


def submission_apply(*, learner: User, credential: MicroCredential) -> tuple[Submission, bool]:
    """Open the learner's draft for a credential, creating it on the first apply.

    A learner has one application per credential. Safe to repeat: a second
    apply, even a concurrent one, returns the existing draft (a partial unique
    constraint backs this). Once the application is submitted, awarded or
    denied, raises AlreadyApplied naming it, so a second paid attempt can only
    start through Resubmit after a denial. Returns (draft, created).
    """
    if not credential.is_published:
        raise SubmissionError(gettext("This micro-credential is not open for applications."))
    current = submission_current(learner=learner, credential=credential)
    if current is not None:
        if current.status == Status.DRAFT:
            return current, False
        raise AlreadyApplied(current)
    try:
        with transaction.atomic():
            draft = Submission.objects.create(learner=learner, credential=credential)
            _snapshot_prompts(draft)
            _record_draft_started(draft, actor=learner, note="Applied")
    except IntegrityError:
        return Submission.objects.get(
            learner=learner, credential=credential, status=Status.DRAFT
        ), False
    return draft, True


def _copies_current(submission: Submission) -> bool:
    """Whether the draft's copies already match the credential's prompts, judged
    from what the application page read anyway: its answers with their prompts
    joined in and the credential's ``prompt_count`` (see
    ``selectors.draft_page_for_learner``). False when that was not read, so the
    caller takes the full way."""
    prompt_count = getattr(submission, "prompt_count", None)
    if prompt_count is None:
        return False
    matched = 0
    for response in submission.responses.all():
        if response.prompt_id is None:
            if not response.text.strip():
                return False  # an empty answer to a deleted prompt goes
            continue
        if not Response.prompt.is_cached(response):
            return False
        prompt = response.prompt
        if prompt is None or prompt.credential_id != submission.credential_id:
            continue
        if any(getattr(response, k) != v for k, v in _prompt_copy(prompt).items()):
            return False
        matched += 1
    return matched == prompt_count


def draft_refresh_prompts(*, submission: Submission) -> bool:
    """Pick up prompt edits staff made while the learner's draft was open.

    Only drafts change; a submitted application keeps what it was written against.
    Returns whether any copy changed; when the page already read the prompts
    with the answers and nothing changed, no query and no transaction run
    (the page is read on every visit, edits are rare).
    """
    if submission.status != Status.DRAFT or _copies_current(submission):
        return False
    with transaction.atomic():
        _snapshot_prompts(submission)
    return True


@dataclass
class DraftChanges:
    """What one Save draft carries from the page."""

    # Only the answers to change: a response not listed keeps its stored text.
    answers: dict[int, str] = field(default_factory=dict)
    uploads: list = field(default_factory=list)  # [(UploadedFile, requirement or None)]
    new_link: dict | None = None  # {"title", "url", "requirement"}
    remove_attachments: list = field(default_factory=list)  # attachment uuids
    remove_links: list = field(default_factory=list)  # link ids
    # None keeps what is stored (the field did not arrive or was refused).
    collaborators: list[dict[str, str]] | None = None
    resubmission_note: str | None = None


@dataclass
class SaveResult:
    version: int
    saved_at: datetime.datetime
    upload_errors: list[str] = field(default_factory=list)
    over_limit: list[int] = field(default_factory=list)  # response ids
    refused_answers: dict[int, str] = field(default_factory=dict)  # response id -> why


def _bump_version(submission: Submission, version: int) -> int:
    """Claim the next version or explain why not (conflict or no longer a draft).

    The UPDATE only matches the row while its version is still ``version``, so
    when it matched the new version is ``version + 1``: nothing is read back.
    Only a refused claim reads the row, to say whether it was a conflict.
    """
    now = timezone.now()
    updated = Submission.objects.filter(
        pk=submission.pk, status__in=EDITABLE_STATUSES, version=version
    ).update(version=F("version") + 1, updated_at=now)
    if not updated:
        current = Submission.objects.only("status", "version").get(pk=submission.pk)
        if current.status not in EDITABLE_STATUSES:
            raise NotEditable()
        raise DraftConflict(current.version)
    submission.version, submission.updated_at = version + 1, now
    kept.applications_changed(submission.learner_id)
    return version + 1


def draft_save(
    *, submission: Submission, actor: User, version: int, changes: DraftChanges
) -> SaveResult:
    """Save everything on the application page in one transaction.

    Requires a draft whose version still equals ``version`` (the number the
    page was loaded with); otherwise raises DraftConflict and changes nothing.
    Answers over their word limit are kept (nothing a learner typed is ever
    thrown away) and reported; submit refuses them. An answer that cannot be
    stored as it is (a null character, too long) is refused and reported and
    its stored text stays as it was: it is never cut or emptied. A rejected
    upload is reported and skipped while the rest of the save goes through.
    """
    if submission.learner_id != actor.pk:
        raise NotEditable()
    # Files follow the transaction: removed ones go once it commits, stored
    # ones are removed again if it rolls back (submissions.storage).
    with evidence_files() as files, transaction.atomic():
        new_version = _bump_version(submission, version)
        responses = {r.pk: r for r in submission.responses.all()}
        refused: dict[int, str] = {}
        for response_id, posted in changes.answers.items():
            response = responses.get(response_id)
            if response is None or posted is None:
                continue
            text = normalize_answer(posted)
            problem = answer_problem(text)
            if problem:
                refused[response_id] = problem
                continue
            if response.text != text:
                response.text = text
                response.save(update_fields=["text"])
        if changes.remove_attachments:
            for attachment in submission.attachments.filter(uuid__in=changes.remove_attachments):
                files.delete_on_commit(attachment.file.name)
                attachment.delete()
        if changes.remove_links:
            submission.links.filter(pk__in=changes.remove_links).delete()
        if changes.new_link:
            requirement = changes.new_link.get("requirement")
            EvidenceLink.objects.create(
                submission=submission,
                title=changes.new_link["title"],
                url=changes.new_link["url"],
                requirement=requirement,
                requirement_title=requirement.title if requirement else "",
            )
        _save_declarations(submission, changes)
        upload_errors = _store_uploads(submission, changes.uploads, files)
    return SaveResult(
        version=new_version,
        saved_at=submission.updated_at,
        upload_errors=upload_errors,
        over_limit=[r.pk for r in responses.values() if over_limit(r.text, r.word_limit)],
        refused_answers=refused,
    )


# The background save's usual case as one statement, so it commits on its own
# (no transaction around it, one round trip): claim the next version of the
# learner's editable draft, only while every one of its answers was posted,
# then store the posted answers whose text differs. Data-modifying parts of a
# WITH all run once, and the answers are joined to the claim, so they are
# written only when the claim matched.
_SAVE_ANSWERS_SQL = """
WITH claimed AS (
    UPDATE {submission} AS s SET version = s.version + 1, updated_at = %(now)s
    WHERE s.uuid = %(uuid)s AND s.learner_id = %(learner)s AND s.version = %(version)s
      AND s.status = ANY(%(editable)s)
      AND NOT EXISTS (
          SELECT 1 FROM {response} AS r WHERE r.submission_id = s.id AND r.id <> ALL(%(ids)s)
      )
    RETURNING s.id
), changed AS (
    UPDATE {response} AS r SET text = posted.text
    FROM claimed, unnest(%(ids)s::bigint[], %(texts)s::text[]) AS posted (id, text)
    WHERE r.submission_id = claimed.id AND r.id = posted.id AND r.text IS DISTINCT FROM posted.text
    RETURNING r.id
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM changed)
"""


def draft_save_answers(
    *, submission_uuid: uuid.UUID, learner: User, version: int, answers: dict[int, str]
) -> SaveResult | None:
    """The background save when nothing needs explaining, in one statement.

    Requires ``answers`` (response id -> text as posted) to hold only text that
    can be stored (``answer_problem``) and ``version`` to be the page's. Claims
    the next version of the learner's draft and stores the answers that
    changed, only when the draft is the learner's, still editable, still at
    ``version`` and every one of its answers is in ``answers`` (an answer that
    did not arrive is never written, and the page must hear of it). Returns
    None when any of that does not hold: then nothing changed, and
    ``draft_save`` through the page's form says why (conflict, submitted,
    missing answer), as it does on a database other than PostgreSQL. Not safe
    to repeat: a second call with the same version finds it taken and returns
    None.
    """
    if connection.vendor != "postgresql":
        return None  # the statement is PostgreSQL's; elsewhere the full way
    now = timezone.now()
    ids = list(answers)
    sql = _SAVE_ANSWERS_SQL.format(
        submission=connection.ops.quote_name(Submission._meta.db_table),
        response=connection.ops.quote_name(Response._meta.db_table),
    )
    params: dict[str, Any] = {
        "now": now,
        "uuid": submission_uuid,
        "learner": learner.pk,
        "version": version,
        "editable": [str(s) for s in EDITABLE_STATUSES],
        "ids": ids,
        "texts": [answers[pk] for pk in ids],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        claimed, _changed = cursor.fetchone()
    if not claimed:
        return None
    kept.applications_changed(learner.pk)
    return SaveResult(version=version + 1, saved_at=now)


def _save_declarations(submission: Submission, changes: DraftChanges) -> None:
    """The declared collaborators and the resubmission note, when the page sent them."""
    values: dict[str, object] = {}
    if changes.collaborators is not None and changes.collaborators != submission.collaborators:
        values["collaborators"] = changes.collaborators
    if (
        changes.resubmission_note is not None
        and submission.previous_id
        and changes.resubmission_note != submission.resubmission_note
    ):
        values["resubmission_note"] = changes.resubmission_note
    if values:
        Submission.objects.filter(pk=submission.pk).update(**values)
        for name, value in values.items():
            setattr(submission, name, value)


def _store_uploads(submission: Submission, uploads: list, files: EvidenceFiles) -> list[str]:
    from django.conf import settings

    errors: list[str] = []
    if not uploads:
        return errors
    existing = list(submission.attachments.values_list("size", flat=True))
    total, count = sum(existing), len(existing)
    for upload, requirement in uploads:
        if count >= settings.EVIDENCE_MAX_FILES:
            errors.append(
                gettext("“%(name)s” was not added: an application can have at most %(most)s files.")
                % {"name": upload.name, "most": settings.EVIDENCE_MAX_FILES}
            )
            continue
        try:
            checked = check_upload(upload, existing_total=total)
        except InvalidUpload as exc:
            errors.append(str(exc))
            continue
        attachment = Attachment(
            submission=submission,
            requirement=requirement,
            requirement_title=requirement.title if requirement else "",
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        # Stored without its personal metadata; what could not be removed is reported.
        attachment.file.save(checked.name, checked.file, save=False)
        files.written(attachment.file.name)
        attachment.save()
        errors.extend(checked.notices)
        total, count = total + checked.size, count + 1
    return errors


# --- submitting ----------------------------------------------------------------


def submission_problems(submission: Submission) -> list[tuple[str, str]]:
    """What still stops a draft from being submitted: (message, page anchor) pairs,
    in the order the application page shows them (Part 2's evidence comes before
    its prompts)."""
    written: list[tuple[int, tuple[str, str]]] = []
    for response in sorted(submission.responses.all(), key=lambda r: (r.part, r.position, r.pk)):
        label = {"part": response.part, "prompt": _shorten(response.prompt_text)}
        words = count_words(response.text)
        if response.required and words == 0:
            message = gettext("Part %(part)s: “%(prompt)s” needs an answer.") % label
            written.append((response.part, (message, response.anchor)))
        elif over_limit(response.text, response.word_limit):
            message = gettext(
                "Part %(part)s: “%(prompt)s” has %(words)s words; the limit is %(limit)s."
            ) % {**label, "words": words, "limit": response.word_limit}
            written.append((response.part, (message, response.anchor)))
    problems = [problem for part, problem in written if part < Part.EVIDENCE]
    attachments = list(submission.attachments.all())
    links = list(submission.links.all())
    for requirement in submission.credential.evidence_requirements.all():
        if not requirement.required:
            continue
        files = [a for a in attachments if a.requirement_id == requirement.pk]
        urls = [x for x in links if x.requirement_id == requirement.pk]
        ok = {
            EvidenceKind.FILE: bool(files),
            EvidenceKind.LINK: bool(urls),
            EvidenceKind.ANY: bool(files or urls),
        }[EvidenceKind(requirement.kind)]
        if not ok:
            message = {
                "file": gettext("Part 2: add a file for “%(title)s”."),
                "link": gettext("Part 2: add a link for “%(title)s”."),
                "any": gettext("Part 2: add a file or a link for “%(title)s”."),
            }[requirement.kind] % {"title": requirement.title}
            problems.append((message, f"requirement-{requirement.pk}"))
    return problems + [problem for part, problem in written if part >= Part.EVIDENCE]


def _shorten(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _move(
    submission: Submission,
    target: str,
    *,
    actor: User | None,
    note: str,
    changes: dict[str, object] | None = None,
    update_fields: tuple[str, ...] = (),
) -> None:
    """Move a locked submission along TRANSITIONS, save it and audit the move.

    ``changes`` are the fields set with the move (kept in the audit event);
    ``update_fields`` the ones the caller already set that must be saved too.
    A move the table refuses raises this app's IllegalTransition, so callers
    catch one family of errors (SubmissionError).
    """
    try:
        transition(
            submission,
            to=target,
            allowed=TRANSITIONS,
            actor=actor,
            verb=f"submission.{target}",
            changes=changes,
            update_fields=update_fields,
            data={"note": note, "reference": submission.reference},
        )
    except IllegalMove as refused:
        raise IllegalTransition(refused.current, refused.target) from refused


def _record_draft_started(draft: Submission, *, actor: User, note: str) -> None:
    """The first event of an attempt's trail: a draft opened (applied or resubmitted)."""
    record(
        actor=actor,
        verb="submission.draft",
        target=draft,
        after={"status": draft.status},
        data={"note": note, "reference": draft.reference},
    )


def _lock(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update(no_key=True)
        .select_related("credential", "learner")
        .get(pk=submission_id)
    )


def submission_lock(*, submission_id: int) -> Submission:
    """The submission with its credential, organization and learner, its row
    locked until the caller's transaction ends; changes nothing.

    For another app's write that depends on the submission's status (a payment
    attempt starting or completing): the lock serializes it with the
    submission's own moves, which lock the same row. Call it inside
    ``transaction.atomic()``.
    """
    return (
        Submission.objects.select_for_update(no_key=True, of=("self",))
        .select_related("credential", "credential__organization", "learner")
        .get(pk=submission_id)
    )


def submission_submit(*, submission: Submission, actor: User, attestations: set[str]) -> Submission:
    """Submit a complete draft: freeze it and send it to payment or review.

    Requires the draft's owner, every required answer within its limit, the
    required evidence and all three attestations; otherwise raises
    IncompleteSubmission listing every problem, and nothing changes. Safe to
    repeat: a second submit of the same application (double click, two tabs)
    returns it unchanged.
    """
    with transaction.atomic():
        locked = _lock(submission.pk)
        if locked.learner_id != actor.pk:
            raise NotEditable()
        if locked.status == Status.INCOMPLETE:
            return _resubmit_incomplete(locked, actor=actor, attestations=attestations)
        if locked.status != Status.DRAFT:
            return locked
        problems = submission_problems(locked) + _attestation_problems(attestations)
        if problems:
            raise IncompleteSubmission(problems)
        now = timezone.now()
        Attestation.objects.bulk_create(
            [
                Attestation(
                    submission=locked, kind=kind.value, statement=str(kind.label), accepted_at=now
                )
                for kind in AttestationKind
            ]
        )
        locked.rubric_snapshot = [
            {"id": c.pk, "title": c.title, "description": c.description}
            for c in locked.credential.rubric_criteria.all()
        ]
        fee = locked.fee_cents
        _move(
            locked,
            Status.AWAITING_PAYMENT if fee else Status.IN_REVIEW,
            actor=actor,
            note="Submitted",
            changes={"submitted_at": now, "review_started_at": None if fee else now},
            update_fields=("rubric_snapshot",),
        )
        signals.submitted.send(sender=Submission, submission=locked, actor=actor)
        if not fee:
            signals.review_started.send(sender=Submission, submission=locked, actor=actor)
        _queue_received_email(locked)
    return locked


def _attestation_problems(attestations: set[str]) -> list[tuple[str, str]]:
    """One "Confirm: ..." problem per attestation the learner did not tick."""
    problems = []
    for kind in AttestationKind:
        if kind.value not in attestations:
            message = gettext("Confirm: “%(statement)s”") % {
                "statement": _shorten(str(kind.label), 80)
            }
            problems.append((message, f"attestation-{kind.value}"))
    return problems


def _resubmit_incomplete(locked: Submission, *, actor: User, attestations: set[str]) -> Submission:
    """Send an application returned as Incomplete back to its review (inside the
    submit's transaction, on the locked row): the same attempt, no fee, no new
    attempt; the attestations are confirmed again with the new time. Listeners
    of ``resubmitted`` reopen the review with its assessor and re-run the checks.
    """
    problems = submission_problems(locked) + _attestation_problems(attestations)
    if problems:
        raise IncompleteSubmission(problems)
    now = timezone.now()
    Attestation.objects.filter(submission=locked).update(accepted_at=now)
    # The decision clock starts again from the resubmission (see assessments' review_resume).
    _move(
        locked,
        Status.IN_REVIEW,
        actor=actor,
        note="Resubmitted after Incomplete",
        changes={"review_started_at": now},
    )
    signals.resubmitted.send(sender=Submission, submission=locked, actor=actor)
    return locked


def submission_return_incomplete(
    *, submission_id: int, actor: User | None, note: str
) -> Submission:
    """Return an application in review to its learner as Incomplete, with what to fix.

    Not a decision: no fee is charged again and no attempt is counted; the
    learner edits the same application and resubmits it (``submission_submit``),
    and it goes back to the same review. Call it from the review's own service
    (which checks the assessor) inside its transaction. Emails the learner
    through the outbox after the commit. Safe to repeat: an application already
    Incomplete is returned unchanged. Raises IllegalTransition from any status
    but in review.
    """
    note = note.replace("\r\n", "\n").strip()
    if not note:
        raise SubmissionError(gettext("Write what the learner needs to fix."))
    with transaction.atomic():
        locked = _lock(submission_id)
        if locked.status == Status.INCOMPLETE:
            return locked
        now = timezone.now()
        _move(
            locked,
            Status.INCOMPLETE,
            actor=actor,
            note="Returned as incomplete",
            changes={"returned_note": note, "returned_at": now},
        )
        email_enqueue(
            to=[locked.learner.email],
            template="submission_incomplete",
            context={"submission": locked, "learner": locked.learner, "note": note},
            key=f"submission-incomplete:{locked.pk}:{now.isoformat()}",
        )
    return locked


def submission_request_check(*, submission: Submission, actor: User) -> None:
    """Ask for the completeness pre-check of the learner's own editable application
    (its files and links; ``check_requested`` listeners queue it). Raises
    NotEditable for anyone else's or a submitted one. Safe to repeat."""
    if submission.learner_id != actor.pk or submission.status not in EDITABLE_STATUSES:
        raise NotEditable()
    signals.check_requested.send(sender=Submission, submission=submission, actor=actor)


def _queue_received_email(submission: Submission) -> None:
    email_enqueue(
        to=[submission.learner.email],
        template="submission_received",
        context={"submission": submission, "learner": submission.learner},
        key=f"submission-received:{submission.pk}",
    )


def submission_mark_paid(
    *, submission_id: int, actor: User | None = None, note: str = "Paid"
) -> Submission:
    """Move a submission awaiting payment into review once its fee is settled.

    Safe to repeat (a replayed webhook, a coupon and a card racing): a
    submission already in review or decided is returned unchanged. Raises
    IllegalTransition for a draft.
    """
    with transaction.atomic():
        locked = _lock(submission_id)
        if locked.status in (Status.IN_REVIEW, Status.INCOMPLETE, Status.AWARDED, Status.DENIED):
            return locked
        if locked.status != Status.AWAITING_PAYMENT:
            raise IllegalTransition(locked.status, Status.IN_REVIEW)
        _move(
            locked,
            Status.IN_REVIEW,
            actor=actor,
            note=note,
            changes={"review_started_at": timezone.now()},
        )
        signals.review_started.send(sender=Submission, submission=locked, actor=actor)
    return locked


def submission_set_decision_due(*, submission: Submission, due_on: datetime.date) -> Submission:
    """Store the date a decision is due (computed by the review SLA)."""
    Submission.objects.filter(pk=submission.pk).update(decision_due_on=due_on)
    kept.applications_changed(submission.learner_id)
    submission.decision_due_on = due_on
    return submission


def submission_record_decision(
    *, submission_id: int, awarded: bool, actor: User | None
) -> Submission:
    """Move a submission in review to awarded or denied, once.

    Safe to repeat with the same outcome; a different outcome for a decided
    submission raises IllegalTransition (decisions are final).
    """
    target = Status.AWARDED if awarded else Status.DENIED
    with transaction.atomic():
        locked = _lock(submission_id)
        if locked.status == target:
            return locked
        _move(locked, target, actor=actor, note="Decision", changes={"decided_at": timezone.now()})
    return locked


def _resubmission_refused(denied: Submission, actor: User) -> None:
    """Raise why ``actor`` cannot start a next attempt after ``denied``; None if they can.

    An attempt already started after it is not a refusal (resubmit returns it).
    """
    if denied.learner_id != actor.pk:
        raise NotEditable()
    if denied.status != Status.DENIED:
        raise IllegalTransition(denied.status, Status.DRAFT)
    if Submission.objects.filter(previous=denied).exists():
        return
    current = submission_current(learner=actor, credential=denied.credential)
    if current is not None and current.status in (*SUBMITTED_STATUSES, Status.AWARDED):
        raise AlreadyApplied(current)
    policy = attempt_policy(denied)
    if not policy.may_try_again:
        raise AttemptLimitReached(policy.allowed or 0)
    if Submission.objects.filter(
        learner=actor, credential__lineage=denied.credential.lineage, status=Status.DRAFT
    ).exists():
        raise SubmissionError(
            gettext(
                "You already have a draft for this micro-credential; open it from your dashboard."
            )
        )


def submission_resubmit(*, submission: Submission, actor: User) -> Submission:
    """Start the next attempt after a denial: a new draft prefilled from this one.

    Answers are matched to the credential's current prompts; links and files
    are copied (the denied attempt keeps its own). Safe to repeat: returns the
    attempt already started.

    The files are copied first, streamed in chunks, before the transaction
    that locks the denied attempt: copying up to 100 MB must not hold the row
    (or any transaction) open, and a denied attempt's evidence no longer
    changes. The checks run again under the lock; copies that end up unused
    (a refusal, or a double click that lost the race) are removed.
    """
    denied = Submission.objects.select_related("credential").get(pk=submission.pk)
    _resubmission_refused(denied, actor)
    existing = Submission.objects.filter(previous=denied).first()
    if existing:
        return existing
    draft_uuid = uuid.uuid4()
    with evidence_files() as files:
        copies = [
            (old, files.copy(old.file.name, _evidence_key(old, draft_uuid)))
            for old in denied.attachments.all()
        ]
        with transaction.atomic():
            denied = _lock(submission.pk)
            _resubmission_refused(denied, actor)
            existing = Submission.objects.filter(previous=denied).first()
            if existing:
                files.discard()
                return existing
            draft = Submission.objects.create(
                uuid=draft_uuid, learner=actor, credential=denied.credential, previous=denied
            )
            _snapshot_prompts(draft)
            old_answers = {r.prompt_id: r.text for r in denied.responses.all() if r.prompt_id}
            for response in draft.responses.all():
                if response.prompt_id in old_answers:
                    response.text = old_answers[response.prompt_id]
                    response.save(update_fields=["text"])
            EvidenceLink.objects.bulk_create(
                [
                    EvidenceLink(
                        submission=draft,
                        requirement_id=link.requirement_id,
                        requirement_title=link.requirement_title,
                        title=link.title,
                        url=link.url,
                    )
                    for link in denied.links.all()
                ]
            )
            Attachment.objects.bulk_create(
                [
                    Attachment(
                        submission=draft,
                        requirement_id=old.requirement_id,
                        requirement_title=old.requirement_title,
                        file=name,
                        original_name=old.original_name,
                        content_type=old.content_type,
                        size=old.size,
                        sha256=old.sha256,
                    )
                    for old, name in copies
                ]
            )
            _record_draft_started(draft, actor=actor, note=f"Resubmission of {denied.reference}")
    return draft


def _evidence_key(old: Attachment, draft_uuid: uuid.UUID) -> str:
    """A new storage key for a copy of ``old`` in the draft ``draft_uuid``
    (the same random, type-named key every upload gets)."""
    target = Attachment(submission=Submission(uuid=draft_uuid), content_type=old.content_type)
    return Attachment.file.field.generate_filename(target, old.original_name)


def attempt_grant(
    *, learner: User, credential: MicroCredential, actor: User, note: str = ""
) -> ExtraAttempt:
    """Allow a learner one more attempt past the credential's attempt limit.

    For staff with the ``submissions.add_extraattempt`` permission, after the
    conversation the limit asks for. Not idempotent: each call is one more
    attempt, so the admin form is the place to call it, once per decision.
    Audited with the actor and note.
    """
    if not actor.has_perm("submissions.add_extraattempt"):
        raise SubmissionError(gettext("You cannot allow further attempts."))
    with transaction.atomic():
        grant = ExtraAttempt.objects.create(
            learner=learner,
            credential=credential,
            granted_by=actor,
            note=note.strip(),
            granted_at=timezone.now(),
        )
        record(
            actor=actor,
            verb="submission.extra_attempt",
            target=grant,
            data={"learner": learner.email, "credential": credential.slug, "note": grant.note},
        )
    return grant
