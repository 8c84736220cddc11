"""Partners, cohorts, invitations and consent.

A teacher's progress reaches a partner only through an accepted enrollment:
``enrollment_accept`` records the consent, ``enrollment_withdraw`` takes it
back, and every selector the partner reads filters on ACCEPTED. Each function
runs in one transaction, records its actor, and says whether it is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.selectors import holds_email
from audit.services import Actor, record, record_many
from core.errors import UserFacingError
from core.transitions import transition
from credentials.models import MicroCredential, Organization
from notifications.services import DeferredEmail, email_enqueue, email_enqueue_deferred
from payments.models import Coupon
from payments.services import coupon_generate_batch

from ..cohort_models import (
    ENROLLMENT_TRANSITIONS,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Partner,
    PartnerMember,
    PartnerRole,
)
from ..cohort_versions import cohorts_changed

# Sent after a teacher's acceptance commits, with ``enrollment``; the partner
# API turns it into a webhook. Only ever sent for a consenting teacher.
member_joined = Signal()


def partner_create(*, organization: Organization, kind: str, actor: Actor) -> Partner:
    """Make ``organization`` a partner (safe to repeat: the existing one is returned)."""
    with transaction.atomic():
        partner, created = Partner.objects.get_or_create(
            organization=organization, defaults={"kind": kind}
        )
        if created:
            record(actor=actor, verb="partner.created", target=partner, after={"kind": kind})
    return partner


def partner_member_add(*, partner: Partner, user: User, role: str, actor: Actor) -> PartnerMember:
    """Give ``user`` a role at ``partner`` (safe to repeat)."""
    with transaction.atomic():
        member, created = PartnerMember.objects.get_or_create(partner=partner, user=user, role=role)
        if created:
            record(actor=actor, verb="partner.member_added", target=member, after={"role": role})
    return member


def cohort_create(
    *,
    partner: Partner,
    name: str,
    credentials: Iterable[MicroCredential],
    due_on: date | None = None,
    actor: Actor,
) -> Cohort:
    """A new cohort following ``credentials``."""
    with transaction.atomic():
        cohort = Cohort.objects.create(partner=partner, name=name, due_on=due_on)
        cohort.credentials.set(list(credentials))
        record(actor=actor, verb="cohort.created", target=cohort, after={"name": name})
    return cohort


def cohort_code_create(*, cohort: Cohort, percent_off: int = 100, actor: Actor) -> Coupon:
    """The cohort's prepaid code: bound to its credentials, and (through the
    ``coupon_checking`` receiver) usable only by its accepted members. Safe to
    repeat: a cohort has one code."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.coupon_id:
            return Coupon.objects.get(pk=cohort.coupon_id)
        (coupon,) = coupon_generate_batch(
            count=1,
            prefix="COHORT",
            template={
                "percent_off": percent_off,
                "max_per_learner": 1,
                "description": f"Cohort code: {cohort.name}"[:200],
                "credentials": list(cohort.credentials.all()),
            },
            batch=f"cohort-{cohort.uuid}",
        )
        cohort.coupon = coupon
        cohort.save(update_fields=["coupon"])
        record(actor=actor, verb="cohort.code_created", target=cohort, after={"code": coupon.code})
    return coupon


def _invite_link(enrollment: Enrollment) -> str:
    path = reverse("cohorts:accept", kwargs={"token": enrollment.token})
    return f"{getattr(settings, 'SITE_URL', '')}{path}"


def enrollment_invite(*, cohort: Cohort, emails: Sequence[str], actor: Actor) -> list[Enrollment]:
    """Invite each address to ``cohort`` and email it a link to accept.

    An address already invited is left as it is (no second email): safe to
    repeat, so a CSV uploaded twice invites nobody twice.
    """
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    with transaction.atomic():
        existing = set(
            Enrollment.objects.filter(cohort=cohort, email__in=wanted).values_list(
                "email", flat=True
            )
        )
        fresh = Enrollment.objects.bulk_create(
            [Enrollment(cohort=cohort, email=e) for e in wanted if e not in existing]
        )
        if fresh:
            record_many(actor=actor, verb="cohort.invited", targets=fresh)
            # Created in bulk, without signals: the dashboard counts invitations.
            cohorts_changed([cohort.pk])
        for enrollment in fresh:
            email_enqueue(
                to=[enrollment.email],
                template="cohort_invitation",
                context={
                    "cohort": cohort.name,
                    "partner": str(cohort.partner.organization),
                    "link": _invite_link(enrollment),
                },
                key=f"cohort-invitation:{enrollment.token}",
            )
    return fresh


class InvitationUnavailable(UserFacingError):
    """Safe to show: the link is used by someone else or the cohort is gone."""


def invited_elsewhere(email: str) -> str:
    """What to tell someone signed in under another address than the invited
    one: the address half hidden (the link may have been forwarded) and how
    to make it theirs."""
    local, _, domain = email.partition("@")
    hidden = f"{local[:1]}***@{domain}" if domain else "***"
    return gettext(
        "This invitation was sent to %(address)s. Sign in with that address, or add it "
        "to your account under Email addresses and confirm it, then open the link again."
    ) % {"address": hidden}


def enrollment_accept(*, token: str, teacher: User) -> Enrollment:
    """The teacher accepts (or accepts again after withdrawing): from now the
    partner sees their progress. Safe to repeat."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(no_key=True)
            .select_related("cohort")
            .filter(token=token)
            .first()
        )
        if enrollment is None or (
            enrollment.teacher_id is not None and enrollment.teacher_id != teacher.pk
        ):
            raise InvitationUnavailable(gettext("This invitation is not available."))
        if enrollment.teacher_id is None and not holds_email(teacher, enrollment.email):
            # A forwarded link must not put someone else's progress under the
            # invited teacher's name on the coaches' dashboard.
            raise InvitationUnavailable(invited_elsewhere(enrollment.email))
        if (
            enrollment.teacher_id is None
            and Enrollment.objects.filter(cohort=enrollment.cohort, teacher=teacher).exists()
        ):
            raise InvitationUnavailable(gettext("You are already in this cohort."))
        enrollment.teacher = teacher
        enrollment.accepted_at = timezone.now()
        moved = transition(
            enrollment,
            to=EnrollmentStatus.ACCEPTED,
            allowed=ENROLLMENT_TRANSITIONS,
            actor=teacher,
            verb="cohort.accepted",
            update_fields=["teacher", "accepted_at"],
            idempotent=True,
        )
        if moved:
            transaction.on_commit(
                lambda: member_joined.send(sender=Enrollment, enrollment=enrollment)
            )
    return enrollment


def enrollment_withdraw(*, enrollment: Enrollment, teacher: User) -> Enrollment:
    """The teacher takes back consent: the partner no longer sees them. Safe to repeat."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update(no_key=True).get(
            pk=enrollment.pk, teacher=teacher
        )
        enrollment.withdrawn_at = timezone.now()
        transition(
            enrollment,
            to=EnrollmentStatus.WITHDRAWN,
            allowed=ENROLLMENT_TRANSITIONS,
            actor=teacher,
            verb="cohort.withdrawn",
            update_fields=["withdrawn_at"],
            idempotent=True,
        )
    return enrollment


def cohort_nudge_overdue(*, now: datetime | None = None) -> int:
    """Email each accepted teacher of a cohort past its due date who still has
    a credential not awarded, at most once a day. Set-wise; safe to repeat."""
    from ..cohort_selectors import overdue_enrollment_ids

    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        ids = list(
            Enrollment.objects.select_for_update(skip_locked=True)
            .filter(pk__in=overdue_enrollment_ids(today=today))
            .exclude(last_nudged_on=today)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Enrollment.objects.filter(pk__in=ids).update(last_nudged_on=today)
        email_enqueue_deferred(
            emails=[
                DeferredEmail(
                    template="cohort_nudge",
                    builder="programs.cohort_emails.build_nudge",
                    params={"enrollment": pk},
                    key=f"cohort-nudge:{pk}:{today.isoformat()}",
                )
                for pk in ids
            ]
        )
    return len(ids)


def coach_digest_send(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every coach and partner admin (one per
    person per ISO week, so safe to repeat)."""
    year, week, _ = timezone.localdate(now or timezone.now()).isocalendar()
    members = list(
        PartnerMember.objects.filter(role__in=[PartnerRole.COACH, PartnerRole.ADMIN])
        .values_list("user_id", flat=True)
        .distinct()
    )
    email_enqueue_deferred(
        emails=[
            DeferredEmail(
                template="cohort_digest",
                builder="programs.cohort_emails.build_digest",
                params={"user": user_id},
                key=f"cohort-digest:{user_id}:{year}-{week}",
            )
            for user_id in members
        ]
    )
    return len(members)


def partner_save(*, partner: Partner, actor: Actor, created: bool) -> Partner:
    """Store a partner staff edited in admin, with its audit event."""
    with transaction.atomic():
        partner.save()
        record(
            actor=actor,
            verb="partner.created" if created else "partner.changed",
            target=partner,
            after={"kind": partner.kind},
        )
    return partner


def partner_member_save(*, member: PartnerMember, actor: Actor) -> PartnerMember:
    """Store a partner membership staff edited in admin."""
    with transaction.atomic():
        member.save()
        record(actor=actor, verb="partner.member_saved", target=member, after={"role": member.role})
    return member


def partner_member_remove(*, member: PartnerMember, actor: Actor) -> None:
    """Take a role away (staff, in admin)."""
    with transaction.atomic():
        record(
            actor=actor, verb="partner.member_removed", target=member, before={"role": member.role}
        )
        member.delete()
