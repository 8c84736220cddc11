"""Applications: a learner's answers, evidence and attestations for one credential.

The status moves only through ``submissions.services`` along ``TRANSITIONS``.
Responses keep a copy of their prompt (text, part, word limit) so the
application a learner submitted reads the same after staff edit the credential.
"""

import secrets
import uuid
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credentials.models import EvidenceRequirement, MicroCredential, Prompt

from .privacy import link_identity_warning
from .uploads import evidence_extension

# Unambiguous characters for the reference learners read to the helpdesk.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "MC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class EvidenceStorage(LazyObject):
    """``storages["evidence"]``, looked up on first use and again after STORAGES
    changes: the file field keeps this proxy, so it follows the setting instead
    of holding the backend that was configured when models were loaded."""

    _wrapped: Any  # the storage, or Django's ``empty`` marker until first use

    def _setup(self) -> None:
        self._wrapped = storages["evidence"]


_evidence_storage = EvidenceStorage()


@receiver(setting_changed)
def _evidence_storage_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _evidence_storage._wrapped = empty


def evidence_storage() -> Storage:
    """The private storage for evidence (local folder or private S3 bucket)."""
    return cast(Storage, _evidence_storage)  # a proxy that stands for the storage


def evidence_upload_to(instance: "Attachment", filename: str) -> str:
    """A random key named only by the file's type: the name the learner gave the
    file (often their own) must not show in a storage URL an assessor follows."""
    suffix = evidence_extension(instance.content_type, filename)
    return f"submissions/{instance.submission.uuid}/{uuid.uuid4().hex}/evidence{suffix}"


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application", "Draft")
    AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("application", "Awaiting payment")
    IN_REVIEW = "in_review", pgettext_lazy("application", "In review")
    AWARDED = "awarded", pgettext_lazy("application", "Awarded")
    DENIED = "denied", pgettext_lazy("application", "Denied")
    # Returned by the assessor for the learner to complete: not a decision, no fee,
    # not a new attempt; resubmitting sends the same attempt back to its review.
    INCOMPLETE = "incomplete", pgettext_lazy("application", "Incomplete")


# The only moves a submission can make; services refuse anything else.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.AWAITING_PAYMENT, Status.IN_REVIEW},
    Status.AWAITING_PAYMENT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.AWARDED, Status.DENIED, Status.INCOMPLETE},
    Status.INCOMPLETE: {Status.IN_REVIEW},
    Status.AWARDED: set(),
    Status.DENIED: set(),
}

SUBMITTED_STATUSES = (Status.AWAITING_PAYMENT, Status.IN_REVIEW, Status.INCOMPLETE)
# The learner may change the application: a draft, or one returned as Incomplete.
EDITABLE_STATUSES = (Status.DRAFT, Status.INCOMPLETE)


class Submission(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    credential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Incremented on every save of a draft; a save carrying an older number is a conflict.
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_attempt"
    )
    rubric_snapshot = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the assessor asked the learner to fix when returning it as Incomplete.
    returned_note = models.TextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # "What I changed": written by the learner on a resubmission, read by the assessor.
    resubmission_note = models.TextField(blank=True)
    # Colleagues the learner worked with, as they named them: [{"name": ..., "email": ...}]
    # (either may be empty). Shared evidence among declared collaborators is not flagged.
    collaborators = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "credential"],
                condition=models.Q(status="draft"),
                name="one_draft_per_learner_and_credential",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("submissions:detail", kwargs={"uuid": self.uuid})

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_incomplete(self) -> bool:
        return self.status == Status.INCOMPLETE

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def fee_cents(self) -> int:
        """The assessment fee this attempt owes: a resubmission has its own fee."""
        if self.previous_id:
            return self.credential.resubmission_fee_cents
        return self.credential.fee_cents


class Response(models.Model):
    """A written answer, with a copy of the prompt it answers."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="responses")
    prompt = models.ForeignKey(
        Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    part = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    prompt_text = models.TextField()
    help_text = models.TextField(blank=True)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField(default=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["part", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "prompt"], name="one_response_per_prompt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission.reference} part {self.part}.{self.position}"

    @property
    def anchor(self) -> str:
        return f"response-{self.pk}"


class Attachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(
        EvidenceRequirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requirement_title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, storage=evidence_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:attachment",
            kwargs={"uuid": self.submission.uuid, "attachment_uuid": self.uuid},
        )


class EvidenceLink(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="links")
    requirement = models.ForeignKey(
        EvidenceRequirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requirement_title = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=1000)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def identity_warning(self) -> str:
        """Why this address may tell a blind reviewer who the learner is ("" when
        nothing does, or when the organization does not review blind)."""
        submission = self.submission
        if not submission.credential.organization.blind_review:
            return ""
        return link_identity_warning(self.url, learner=submission.learner)


class AttestationKind(models.TextChoices):
    READY = "ready", _("This application is complete and ready for review.")
    RELEASE = (
        "release",
        _(
            "My evidence contains no personally identifiable student information, "
            "and I have the releases needed for everyone who appears in it."
        ),
    )
    ORIGINAL = (
        "original",
        _("This is my original work, and I have stated any collaboration with others."),
    )


class Attestation(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="attestations"
    )
    kind = models.CharField(max_length=10, choices=AttestationKind.choices)
    statement = models.TextField()
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind"], name="one_attestation_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.submission.reference}: {self.kind}"


class ExtraAttempt(models.Model):
    """One further attempt staff allow a learner past the credential's attempt limit.

    The limit sends the learner to a conversation with staff first; this row is
    its outcome, so the next Resubmit is allowed (``submissions.services.attempt_grant``).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extra_attempts"
    )
    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="extra_attempts"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["granted_at", "id"]
        indexes = [models.Index(fields=["learner", "credential"])]

    def __str__(self) -> str:
        return f"Extra attempt for {self.learner} at {self.credential}"
