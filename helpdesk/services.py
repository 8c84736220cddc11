"""Every change to help requests: create, assign, answer, reopen or close.

Each function runs in one transaction, locks the ticket it changes, writes
an audit event with the actor and time (status moves through
``core.transitions.transition`` along ``TICKET_TRANSITIONS``), and queues
its email through the outbox in the same transaction, so an email exists
exactly when the change was committed. The ticket's history in admin is read
from that one audit trail: the ticket's own ``TicketEvent`` table, which
repeated it, is gone (its rows were copied into the trail). FAQ content is
plain admin-edited data and has no services.
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
from audit.services import Actor, record
from core.errors import IllegalTransition
from core.transitions import transition
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
        record(
            actor=requester,
            verb="ticket.created",
            target=ticket,
            after={"status": ticket.status},
            data={"reference": ticket.reference},
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
    ticket: Ticket,
    target: str,
    *,
    actor: Actor,
    now: datetime,
    changes: dict[str, object] | None = None,
    data: dict[str, object] | None = None,
) -> None:
    """Move a locked ticket along TICKET_TRANSITIONS, save it and audit the move.

    ``changes`` are the fields set with the move (kept in the audit event).
    A move the table refuses raises IllegalTicketTransition, a HelpdeskError
    like every other refusal here.
    """
    ticket.updated_at = now
    try:
        transition(
            ticket,
            to=target,
            allowed=TICKET_TRANSITIONS,
            actor=actor,
            verb=f"ticket.{target}",
            changes=changes,
            update_fields=["updated_at"],
            data={"reference": ticket.reference, **(data or {})},
        )
    except IllegalTransition as refused:
        raise IllegalTicketTransition(refused.current, refused.target) from refused


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
        before = ticket.assignee_id
        ticket.assignee = assignee
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=["assignee", "updated_at"])
        record(
            actor=actor,
            verb="ticket.assigned" if assignee else "ticket.unassigned",
            target=ticket,
            before={"assignee": before},
            after={"assignee": ticket.assignee_id},
            data={"reference": ticket.reference},
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
            _move(
                ticket,
                TicketStatus.ANSWERED,
                actor=actor,
                now=now,
                changes={"answered_at": now},
                data={"reply": reply.pk},
            )
        else:
            # Another answer: no move, but the trail still says who wrote it.
            ticket.answered_at = ticket.updated_at = now
            ticket.save(update_fields=["answered_at", "updated_at"])
            record(
                actor=actor,
                verb="ticket.answered",
                target=ticket,
                data={"reference": ticket.reference, "reply": reply.pk, "note": "Another answer"},
            )
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
        _move(
            ticket,
            status,
            actor=actor,
            now=timezone.now(),
            data={"note": note[:300]} if note else None,
        )
    return ticket
