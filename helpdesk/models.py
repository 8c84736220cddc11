"""The help center: answers staff write (FAQ) and the requests learners send (tickets).

FAQ topics and entries are content that staff edit in the admin; their slugs
are addresses other pages link to, so they are fixed once saved. A ticket is
written by ``helpdesk.services`` only: its status moves along
``TICKET_TRANSITIONS`` and every change (created, assigned, answered, status)
leaves an event with its actor and time in the one audit trail
(``audit.AuditEvent``).
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from submissions.models import REFERENCE_ALPHABET

# Topic slugs share /help/<slug>/ with the help center's own pages.
RESERVED_TOPIC_SLUGS = frozenset({"contact", "requests", "answers"})


def validate_topic_slug(value: str) -> None:
    if value in RESERVED_TOPIC_SLUGS:
        raise ValidationError(f"“{value}” is the address of another help page; choose another.")


def new_ticket_reference() -> str:
    return "HD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class FaqTopic(models.Model):
    title = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[validate_topic_slug],
        help_text="The topic's address, /help/<slug>/. "
        "Pages link to it, so it is fixed once saved.",
    )
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence shown under the title."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "FAQ topic"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:topic", kwargs={"slug": self.slug})


class FaqEntry(models.Model):
    topic = models.ForeignKey(FaqTopic, on_delete=models.PROTECT, related_name="entries")
    question = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The answer's anchor (/help/answers/<slug>/ always finds it, whatever its "
        "topic). Pages link to it, so it is fixed once saved.",
    )
    answer = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; lines starting with "
        "“- ” or “1. ” make a list; **bold**; `code`; [link text](https://… or /path/). "
        "HTML is shown as typed, never run."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}#{self.slug}"


class TicketStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("help request", "Open")
    ANSWERED = "answered", pgettext_lazy("help request", "Answered")
    CLOSED = "closed", pgettext_lazy("help request", "Closed")


# The only status moves; ``helpdesk.services`` refuses anything else. Answering
# moves a ticket to answered from any status (a closed one included).
TICKET_TRANSITIONS: dict[str, set[str]] = {
    TicketStatus.OPEN: {TicketStatus.ANSWERED, TicketStatus.CLOSED},
    TicketStatus.ANSWERED: {TicketStatus.OPEN, TicketStatus.CLOSED},
    TicketStatus.CLOSED: {TicketStatus.OPEN, TicketStatus.ANSWERED},
}


class Ticket(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        max_length=12, unique=True, default=new_ticket_reference, editable=False
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_tickets",
        help_text="Empty when sent without signing in.",
    )
    email = models.EmailField(help_text="Where the answer is sent.")
    name = models.CharField(max_length=150, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField()
    submission = models.ForeignKey(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_tickets",
        help_text="The requester's own application the request is about.",
    )
    page_url = models.CharField(
        "sent from page", max_length=500, blank=True, help_text="The page the requester was on."
    )
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_help_tickets",
    )
    # A keyed hash of the sender's network address, for the creation throttle only.
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_recent"),
            models.Index(fields=["email", "created_at"], name="ticket_email_recent"),
            models.Index(fields=["client_key", "created_at"], name="ticket_client_recent"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:ticket_detail", kwargs={"uuid": self.uuid})


class TicketReply(models.Model):
    """A staff answer; each one is emailed to the requester."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "answer"

    def __str__(self) -> str:
        return f"{self.ticket.reference} answer {self.created_at:%Y-%m-%d %H:%M}"
