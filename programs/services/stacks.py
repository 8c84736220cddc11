"""Stacks: defining them, accepting external achievements, and issuing the
stack award (Open Badges 3.0 and CLR 2.0) exactly once per learner."""

from __future__ import annotations

import base64
import datetime
import json
import logging
import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from badges import documents as badge_documents
from badges import verifier
from badges.exceptions import BadgeError
from badges.models import IssuedBadge
from badges.services import add_months, signer_prepare
from core.errors import UserFacingError
from credentials.models import MicroCredential, Organization

from .. import documents, stacks
from ..models import ExternalAchievement, MemberKind, Stack, StackAward, StackMember, StackRule

logger = logging.getLogger(__name__)


def stack_create(
    *,
    organization: Organization,
    title: str,
    slug: str,
    rule: str = StackRule.ALL,
    count: int = 0,
    credit_hours: Decimal | int = 0,
    validity_months: int | None = None,
    summary: str = "",
    published: bool = True,
    actor: User | None,
) -> Stack:
    """Define a stack (audited); members are added with ``stack_member_add``."""
    with transaction.atomic():
        stack = Stack(
            organization=organization,
            title=title,
            slug=slug,
            rule=rule,
            count=count,
            credit_hours=Decimal(credit_hours),
            validity_months=validity_months,
            summary=summary,
            is_published=published,
        )
        stack.full_clean()
        stack.save()
        record(actor=actor, verb="programs.stack_created", target=stack, after={"rule": rule})
    return stack


def stack_save(*, stack: Stack, actor: User | None, created: bool) -> Stack:
    """Store a stack edited in admin (already validated). Audited."""
    with transaction.atomic():
        stack.save()
        record(
            actor=actor,
            verb="programs.stack_created" if created else "programs.stack_changed",
            target=stack,
            after={"rule": stack.rule, "count": stack.count, "published": stack.is_published},
        )
    return stack


def stack_member_add(
    *,
    stack: Stack,
    credential: MicroCredential | None = None,
    achievement_id: str = "",
    external_name: str = "",
    required: bool = False,
    actor: User | None,
) -> StackMember:
    """Add a micro-credential (any version of its lineage counts) or an
    external achievement id to a stack. Audited."""
    with transaction.atomic():
        member = StackMember(
            stack=stack,
            kind=MemberKind.CREDENTIAL if credential else MemberKind.EXTERNAL,
            credential=credential,
            lineage=credential.lineage if credential else None,
            achievement_id=achievement_id,
            external_name=external_name,
            required=required,
            position=stack.members.count(),
        )
        member.full_clean()
        member.save()
        record(
            actor=actor,
            verb="programs.stack_member_added",
            target=stack,
            after={"member": str(member), "required": required},
        )
    return member


def stack_member_save(*, member: StackMember, actor: User | None) -> StackMember:
    """Store a member edited in admin, keeping its lineage in step with its credential."""
    with transaction.atomic():
        member.kind = MemberKind.CREDENTIAL if member.credential_id else MemberKind.EXTERNAL
        member.lineage = member.credential.lineage if member.credential else None
        member.save()
        record(
            actor=actor,
            verb="programs.stack_member_saved",
            target=member.stack,
            after={"member": str(member), "required": member.required},
        )
    return member


def stack_member_delete(*, member: StackMember, actor: User | None) -> None:
    """Remove a member; awards already issued keep it (they are signed). Audited."""
    with transaction.atomic():
        record(
            actor=actor,
            verb="programs.stack_member_removed",
            target=member.stack,
            before={"member": str(member)},
        )
        member.delete()


# --- external achievements ------------------------------------------------------------------


def _payload(content: str) -> dict[str, Any]:
    """The credential inside a VC-JWT or a JSON document."""
    if content.count(".") == 2 and not content.lstrip().startswith("{"):
        part = content.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        if isinstance(data.get("vc"), dict):
            data = {**data["vc"], **data}
    else:
        data = json.loads(content)
    return data if isinstance(data, dict) else {}


def external_achievement_accept(*, learner: User, text: str) -> ExternalAchievement:
    """Keep an Open Badge from another issuer once the verifier accepts it,
    then issue any stack award it completes. Raises UserFacingError, with the
    reason, when the badge does not verify or no stack counts it."""
    report = verifier.verify(text=text)
    signed = any(c.key == "signature" and c.passed for c in report.checks)
    if report.failed or not signed:
        reasons = "; ".join(str(c.detail) for c in report.checks if c.passed is False)
        raise UserFacingError(
            gettext("This badge did not verify: %(reasons)s")
            % {"reasons": reasons or gettext("its signature could not be checked.")}
        )
    try:
        payload = _payload(verifier.extract(text=text))
        subject = payload.get("credentialSubject") or {}
        achievement = subject.get("achievement") or {}
        achievement_id = str(achievement.get("id") or "")
    except (ValueError, TypeError, AttributeError):
        achievement_id = ""
    counted = StackMember.objects.filter(
        kind=MemberKind.EXTERNAL, achievement_id=achievement_id, stack__is_published=True
    ).exists()
    if not achievement_id or not counted:
        raise UserFacingError(gettext("No stack here counts this badge's achievement."))
    with transaction.atomic():
        external, created = ExternalAchievement.objects.update_or_create(
            learner=learner,
            achievement_id=achievement_id,
            defaults={
                "name": str(achievement.get("name") or "")[:200],
                "issuer_name": report.issuer[:200],
                "credential_text": text,
                "report": report.as_dict(),
                "verified_at": timezone.now(),
            },
        )
        record(
            actor=learner,
            verb="programs.external_achievement_accepted",
            target=external,
            after={"achievement_id": achievement_id},
        )
    stacks_check(learner=learner)
    return external


# --- the stack award ------------------------------------------------------------------------


def _member_credentials(progress: stacks.Progress, learner: User) -> list[dict]:
    """The signed Open Badges 3.0 credentials of the members the learner earned."""
    lineages = [m.lineage for m in progress.earned if m.kind == MemberKind.CREDENTIAL]
    newest: dict[Any, IssuedBadge] = {}
    for badge in (
        IssuedBadge.objects.filter(
            award__learner=learner, award__credential__lineage__in=lineages, revoked_at__isnull=True
        )
        .select_related("award__credential")
        .order_by("issued_at")
    ):
        newest[badge.award.credential.lineage] = badge  # the newest of each lineage
    credentials = [json.loads(b.ob3_json) for b in newest.values()]
    externals = [m.achievement_id for m in progress.earned if m.kind == MemberKind.EXTERNAL]
    for external in ExternalAchievement.objects.filter(
        learner=learner, achievement_id__in=externals
    ):
        try:
            credentials.append(_payload(verifier.extract(text=external.credential_text)))
        except (ValueError, TypeError):
            continue
    return credentials


def stack_award_issue(*, stack: Stack, learner: User) -> StackAward | None:
    """Issue the stack's award to the learner if they completed it; the award
    a learner already has otherwise. Once per learner and stack, even when two
    awards complete it at the same moment (a unique constraint; the loser
    returns the winner's award). None while the stack is incomplete."""
    existing = StackAward.objects.filter(stack=stack, learner=learner).first()
    if existing is not None:
        return existing
    stack = stacks.published_stacks().select_related("organization").get(pk=stack.pk)
    [progress] = stacks.progress_for(learner, [stack])
    if not progress.complete:
        return None
    try:
        with transaction.atomic():
            signer = signer_prepare(organization=stack.organization)
            award_uuid, clr_uuid = uuid.uuid4(), uuid.uuid4()
            now = timezone.now()
            valid_from = now.replace(microsecond=0)
            valid_until: datetime.datetime | None = (
                add_months(valid_from, stack.validity_months) if stack.validity_months else None
            )
            salt = secrets.token_hex(16)
            identity = badge_documents.identity_hash(learner.email, salt)
            subject_id = f"urn:uuid:{uuid.uuid4()}"
            names = [str(m) for m in progress.earned]
            ob3 = documents.ob3_credential(
                stack=stack,
                award_uuid=str(award_uuid),
                subject_id=subject_id,
                identity_hash=identity,
                salt=salt,
                valid_from=valid_from,
                valid_until=valid_until,
                status=signer.status_entry(),
                member_names=names,
            )
            ob3_signed, ob3_jwt = signer.sign(ob3, created=valid_from)
            clr = documents.clr_credential(
                stack=stack,
                clr_uuid=str(clr_uuid),
                stack_credential=ob3_signed,
                members=_member_credentials(progress, learner),
                identity_hash=identity,
                salt=salt,
                subject_id=subject_id,
                valid_from=valid_from,
                valid_until=valid_until,
                status=signer.status_entry(),
            )
            clr_signed, clr_jwt = signer.sign(clr, created=valid_from)
            award = StackAward.objects.create(
                uuid=award_uuid,
                stack=stack,
                learner=learner,
                awarded_at=now,
                valid_until=valid_until,
                status_list=signer.status_list,
                status_index=signer.status_index,
                ob3_json=badge_documents.dumps(ob3_signed),
                ob3_jwt=ob3_jwt,
                clr_json=badge_documents.dumps(clr_signed),
                clr_jwt=clr_jwt,
            )
            record(
                actor=None,
                actor_label="stacks",
                verb="programs.stack_awarded",
                target=award,
                after={"stack": stack.slug, "learner": learner.pk},
            )
    except IntegrityError:
        return StackAward.objects.get(stack=stack, learner=learner)
    return award


def stacks_check(*, learner: User, lineage: uuid.UUID | None = None) -> list[StackAward]:
    """Issue every stack award the learner has completed (only stacks counting
    ``lineage`` when given). A stack whose issuer cannot sign yet is logged
    and left for the next check rather than failing the caller."""
    candidates = (
        stacks.stacks_with_lineage(lineage)
        if lineage is not None
        else list(stacks.published_stacks())
    )
    issued = []
    for progress in stacks.progress_for(learner, candidates):
        if not progress.complete or progress.award is not None:
            continue
        try:
            award = stack_award_issue(stack=progress.stack, learner=learner)
        except BadgeError:
            logger.warning("stack %s: issuer cannot sign yet", progress.stack.slug)
            continue
        if award is not None:
            issued.append(award)
    return issued


def stack_define(
    *,
    organization: Organization,
    title: str,
    summary: str,
    rule: str,
    count: int,
    credit_hours: Decimal,
    validity_months: int | None,
    credentials: list[MicroCredential],
    required: list[MicroCredential],
    externals: list[tuple[str, str]],
    actor: User,
) -> Stack:
    """A designer's new stack with its members, all or nothing. The slug is
    made from the title, numbered when taken."""
    base = slugify(title)[:100] or "stack"
    slug, n = base, 1
    while Stack.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        stack = stack_create(
            organization=organization,
            title=title,
            slug=slug,
            rule=rule,
            count=count,
            credit_hours=credit_hours,
            validity_months=validity_months,
            summary=summary,
            actor=actor,
        )
        for credential in credentials:
            stack_member_add(
                stack=stack, credential=credential, required=credential in required, actor=actor
            )
        for achievement_id, name in externals:
            stack_member_add(
                stack=stack, achievement_id=achievement_id, external_name=name, actor=actor
            )
    return stack


def stack_award_revoke(*, award_id: int, reason: str, actor: User | None) -> StackAward:
    """Revoke a stack award: its bit is set in the issuer's status list, so
    both its Open Badges credential and its CLR stop verifying. Once; audited."""
    with transaction.atomic():
        award = StackAward.objects.select_for_update().get(pk=award_id)
        if award.revoked_at is not None:
            return award
        award.revoked_at = timezone.now()
        award.revocation_reason = reason[:500]
        award.save(update_fields=["revoked_at", "revocation_reason"])
        record(
            actor=actor, verb="programs.stack_award_revoked", target=award, after={"reason": reason}
        )
    return award
