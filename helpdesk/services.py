"""Every change to help requests: create, assign, answer, reopen or close.

Each function runs in one transaction, locks the ticket it changes, records a
``TicketEvent`` with the actor and time, and queues its email through the
outbox in the same transaction, so an email exists exactly when the change
was committed. FAQ content is plain admin-edited data and has no services.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from notifications.services import email_enqueue
from submissions.models import Submission

from .exceptions import (
    EmptyAnswer,
    IllegalTicketTransition,
    InvalidAssignee,
    NotYourSubmission,
    TicketPermissionDenied,
    TicketThrottled,
)
from .models import (
    TICKET_TRANSITIONS,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketReply,
    TicketStatus,
)

PERMISSION = "helpdesk.change_ticket"
# Creation throttle: per person (account or email address) and per network address.
THROTTLE_WINDOW = timedelta(hours=1)
TICKETS_PER_PERSON = 5
TICKETS_PER_CLIENT = 10
MAX_ANSWER_CHARS = 20_000


def client_key(address: str) -> str:
    """A keyed hash of a network address: enough to count requests, useless to anyone else."""
    if not address:
        return ""
    return salted_hmac("helpdesk.client", address).hexdigest()[:64]


def _throttle_wait(
    *, requester: User | None, email: str, key: str, now: datetime
) -> timedelta | None:
    """How long until one more request is allowed, or None if it is allowed now."""
    since = now - THROTTLE_WINDOW
    person = Q(email=email)
    if requester is not None:
        person |= Q(requester=requester)
    checks = [(person, TICKETS_PER_PERSON)]
    if key:
        checks.append((Q(client_key=key), TICKETS_PER_CLIENT))
    waits = []
    for condition, limit in checks:
        recent = list(
            Ticket.objects.filter(condition, created_at__gt=since)
            .order_by("created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            waits.append(recent[0] + THROTTLE_WINDOW - now)
    return max(waits) if waits else None


def ticket_create(
    *,
    requester: User | None,
    email: str,
    subject: str,
    message: str,
    name: str = "",
    submission: Submission | None = None,
    page_url: str = "",
    client: str = "",
) -> Ticket:
    """Record a help request and tell the helpdesk inbox.

    ``requester`` is the signed-in user or None; a signed-in requester is
    answered at their account's address whatever ``email`` says. The
    submission must be the requester's own (anonymous requests attach none).
    Raises ``TicketThrottled`` past TICKETS_PER_PERSON requests an hour from
    one account or address, or TICKETS_PER_CLIENT from one network address
    (``client``, already hashed by ``client_key``). Not idempotent: each
    call is a new request, which is what the throttle bounds.
    """
    if requester is not None:
        email = requester.email
        name = name or requester.get_full_name()
    email = email.strip().lower()
    if submission is not None and (requester is None or submission.learner_id != requester.pk):
        raise NotYourSubmission()
    now = timezone.now()
    wait = _throttle_wait(requester=requester, email=email, key=client, now=now)
    if wait is not None:
        raise TicketThrottled(wait)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            requester=requester,
            email=email,
            name=name.strip()[:150],
            subject=subject.strip(),
            message=message.strip(),
            submission=submission,
            page_url=page_url[:500],
            client_key=client,
            created_at=now,
            updated_at=now,
        )
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEventKind.CREATED,
            actor=requester,
            to_status=TicketStatus.OPEN,
            created_at=now,
        )
        email_enqueue(
            to=[settings.HELPDESK_EMAIL],
            template="helpdesk_ticket_received",
            context={
                "ticket": ticket,
                "admin_url": settings.SITE_URL
                + reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
            },
            key=f"helpdesk-ticket:{ticket.pk}",
        )
    return ticket


def _require_agent(actor: User | None) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise TicketPermissionDenied()


def _lock(ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update(no_key=True).get(pk=ticket_id)


def _move(
    ticket: Ticket, target: str, *, actor: User | None, now: datetime, note: str = ""
) -> None:
    """Set the status and record the move (the caller saves the ticket)."""
    if target not in TICKET_TRANSITIONS[TicketStatus(ticket.status)]:
        raise IllegalTicketTransition(ticket.status, target)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.ANSWERED
        if target == TicketStatus.ANSWERED
        else TicketEventKind.STATUS,
        actor=actor,
        from_status=ticket.status,
        to_status=target,
        note=note[:300],
        created_at=now,
    )
    ticket.status = target


def ticket_assign(*, ticket_id: int, assignee: User | None, actor: User | None) -> Ticket:
    """Give the ticket to a member of staff who can answer it (None: nobody).

    The actor and the assignee need ``helpdesk.change_ticket``. Safe to
    repeat: assigning the current assignee changes and records nothing.
    """
    _require_agent(actor)
    if assignee is not None and not (
        assignee.is_active and assignee.is_staff and assignee.has_perm(PERMISSION)
    ):
        raise InvalidAssignee(assignee.email)
    with transaction.atomic():
        ticket = _lock(ticket_id)
        if ticket.assignee_id == getattr(assignee, "pk", None):
            return ticket
        now = timezone.now()
        ticket.assignee = assignee
        ticket.updated_at = now
        ticket.save(update_fields=["assignee", "updated_at"])
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEventKind.ASSIGNED,
            actor=actor,
            assignee=assignee,
            note="" if assignee else "Unassigned",
            created_at=now,
        )
    return ticket


def ticket_answer(*, ticket_id: int, body: str, actor: User | None) -> TicketReply:
    """Send the requester an answer: stored, emailed through the outbox, ticket answered.

    Needs ``helpdesk.change_ticket``. Any status may be answered; the ticket
    becomes (or stays) answered. Not idempotent: each call is one more
    answer and one more email.
    """
    _require_agent(actor)
    body = (body or "").strip()
    if not body:
        raise EmptyAnswer()
    with transaction.atomic():
        ticket = _lock(ticket_id)
        now = timezone.now()
        reply = TicketReply.objects.create(ticket=ticket, author=actor, body=body, created_at=now)
        if ticket.status != TicketStatus.ANSWERED:
            _move(ticket, TicketStatus.ANSWERED, actor=actor, now=now)
        else:
            TicketEvent.objects.create(
                ticket=ticket,
                kind=TicketEventKind.ANSWERED,
                actor=actor,
                from_status=ticket.status,
                to_status=ticket.status,
                note="Another answer",
                created_at=now,
            )
        ticket.answered_at = now
        ticket.updated_at = now
        ticket.save(update_fields=["status", "answered_at", "updated_at"])
        requester = ticket.requester
        email_enqueue(
            to=[requester.email if requester else ticket.email],
            template="helpdesk_answer",
            context={
                "ticket": ticket,
                "reply": reply,
                "name": requester.display_name if requester else (ticket.name or ""),
                # Only an account can open the request's page; others read the email.
                "ticket_url": settings.SITE_URL + ticket.get_absolute_url() if requester else "",
            },
            key=f"helpdesk-answer:{reply.pk}",
        )
    return reply


def ticket_set_status(*, ticket_id: int, status: str, actor: User | None, note: str = "") -> Ticket:
    """Reopen or close a ticket (answering is what makes it answered).

    Needs ``helpdesk.change_ticket``. Safe to repeat: setting the current
    status changes and records nothing.
    """
    _require_agent(actor)
    with transaction.atomic():
        ticket = _lock(ticket_id)
        if ticket.status == status:
            return ticket
        if status == TicketStatus.ANSWERED:
            raise IllegalTicketTransition(ticket.status, status)
        now = timezone.now()
        _move(ticket, status, actor=actor, now=now, note=note)
        ticket.updated_at = now
        ticket.save(update_fields=["status", "updated_at"])
    return ticket
