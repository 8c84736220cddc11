"""Evidence checks on submitted applications.

Duplicate evidence (``checks.duplicates``): at submit every file's SHA-256 and
every long answer's MinHash signature is stored as an ``EvidenceFingerprint``;
each fingerprint is cut into a few integer keys (``FingerprintKey``: the
file's hash prefix, or one key per LSH band of the signature) held in one
indexed column, so the submissions that share anything with a new one are
found with one indexed ``key IN (...)`` query however many there are.
A pair of submissions by different learners that share a file or
near-identical text becomes one ``DuplicateFlag`` for staff to decide.

Rows here change only through ``checks.services`` (and the modules it names).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from submissions.models import Attachment, Response, Submission


class FingerprintKind(models.TextChoices):
    FILE = "file", pgettext_lazy("evidence", "File")
    TEXT = "text", pgettext_lazy("evidence", "Written answer")


class EvidenceFingerprint(models.Model):
    """One file or long answer of a submitted application, fingerprinted once."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="fingerprints"
    )
    # Copied from the submission: the look-up leaves out the learner's own attempts.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=4, choices=FingerprintKind.choices)
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    # MinHash hash values (little-endian uint32, one per permutation); empty for files.
    signature = models.BinaryField(blank=True, default=b"")
    words = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "attachment"],
                condition=Q(attachment__isnull=False),
                name="one_fingerprint_per_attachment",
            ),
            models.UniqueConstraint(
                fields=["submission", "response"],
                condition=Q(response__isnull=False),
                name="one_fingerprint_per_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.submission_id}"


class FingerprintKey(models.Model):
    """One indexed key of a fingerprint: two fingerprints that share a key are candidates."""

    fingerprint = models.ForeignKey(
        EvidenceFingerprint, on_delete=models.CASCADE, related_name="keys"
    )
    # The learner (a plain copy, no join): the look-up leaves out their own attempts.
    learner_pk = models.BigIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="fingerprint_key")]

    def __str__(self) -> str:
        return f"{self.key}"


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("flag", "Open")
    DISMISSED = "dismissed", pgettext_lazy("flag", "Dismissed")
    CONFIRMED = "confirmed", pgettext_lazy("flag", "Confirmed")


# A flag is decided once; the decision and its note are audited.
FLAG_TRANSITIONS: dict[str, set[str]] = {
    FlagStatus.OPEN: {FlagStatus.DISMISSED, FlagStatus.CONFIRMED},
    FlagStatus.DISMISSED: set(),
    FlagStatus.CONFIRMED: set(),
}


class DuplicateFlag(models.Model):
    """Two submissions by different learners that share evidence, for staff to decide.

    ``submission`` is the later one (whose submit found the match), ``other``
    the earlier. ``matches`` says which parts matched, without names:
    ``[{"kind": "file"|"text", "part": int, "label": str, "other_part": int,
    "other_label": str, "similarity": float}]``. Nothing is denied because of
    a flag; staff dismiss or confirm it with a note.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    other = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    matches = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "other"], name="one_flag_per_pair"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="duplicate_flag_queue"),
            models.Index(fields=["other"], name="duplicate_flag_other"),
        ]
        permissions = [("decide_duplicateflag", "Can decide duplicate evidence flags")]

    def __str__(self) -> str:
        return f"Shared evidence: {self.submission_id} and {self.other_id}"

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN

    @property
    def kinds(self) -> set[str]:
        return {match["kind"] for match in self.matches}


class PrecheckTrigger(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("check trigger", "Asked for while drafting")
    SUBMIT = "submit", pgettext_lazy("check trigger", "On submit")
    RECHECK = "recheck", pgettext_lazy("check trigger", "Re-check by the assessor")


class Precheck(models.Model):
    """One run of the completeness pre-check over an application's files and links.

    Requested (``requested_at``) and then run in the background; ``finished_at``
    stays empty until the results are in. ``findings`` holds one entry per
    file and link: ``{"kind": "file"|"link", "ref": attachment uuid or link id,
    "code": "ok" or the problem, "provider", "status", "detail"}``; the
    sentences people read come from ``checks.messages`` when a page is drawn.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="prechecks")
    trigger = models.CharField(max_length=10, choices=PrecheckTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    problems = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["submission", "-requested_at"], name="precheck_latest")]

    def __str__(self) -> str:
        return f"Pre-check of {self.submission_id} ({self.trigger})"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
