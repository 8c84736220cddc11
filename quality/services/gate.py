"""The publishing gate and the quality mark."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from audit.services import Actor, record
from credentials.models import MemberRole, MicroCredential
from credentials.selectors import member_has_role
from credentials.services import credential_publish, credential_quality_mark_set

from .. import selectors
from ..exceptions import NotAllowed, OverrideNotAllowed, QualityGateClosed
from ..models import GateOverride, ReviewRound, RoundStatus


def version_publish(
    *, credential: MicroCredential, actor: User, override_reason: str = ""
) -> MicroCredential:
    """Publish a credential version through ``credentials.services.credential_publish``,
    if the quality gate allows it; return the credential.

    Allowed when the version's latest review round met every required
    component (the version then carries the quality mark), or when the
    organization's gate is advisory, or when ``override_reason`` is given by
    a user holding ``quality.override_gate`` (a GateOverride row and an
    audit event keep the actor and the reason). Otherwise QualityGateClosed;
    a reason from someone without the permission raises OverrideNotAllowed;
    someone who is neither a designer nor an admin of the organization nor
    staff allowed to change credentials raises NotAllowed. The credential row
    is locked first, so two clicks publish once and record one override;
    publishing a published version changes nothing. Errors from
    ``credential_publish`` (NotPublishable) pass through.
    """
    organization = credential.organization
    reason = (override_reason or "").strip()
    if not (
        actor.has_perm("credentials.change_microcredential")
        or member_has_role(
            user=actor, organization=organization, roles=(MemberRole.DESIGNER, MemberRole.ADMIN)
        )
    ):
        raise NotAllowed()
    if reason and not actor.has_perm("quality.override_gate"):
        raise OverrideNotAllowed(
            gettext("Only staff allowed to override the gate can give a reason.")
        )
    with transaction.atomic():
        # A read lock on another app's row: credential_publish writes it, below.
        locked = MicroCredential.objects.select_for_update(no_key=True).get(pk=credential.pk)
        if locked.is_published:
            credential.is_published, credential.published_at = True, locked.published_at
            return credential
        latest = selectors.round_latest(credential=locked)
        passed = latest is not None and latest.status == RoundStatus.PASSED
        advisory = selectors.setting_for(organization=organization).advisory
        if not passed and not advisory:
            if not reason:
                if latest is None:
                    message = gettext(
                        "This version has not been reviewed yet: submit it for review first."
                    )
                elif latest.status == RoundStatus.REVISE:
                    message = gettext(
                        "Round %(number)s asked for revisions: revise the version and submit "
                        "it for another round."
                    ) % {"number": latest.number}
                else:
                    message = gettext(
                        "Round %(number)s is still in review: publish when it has passed."
                    ) % {"number": latest.number}
                raise QualityGateClosed(message)
            override = GateOverride.objects.create(credential=locked, actor=actor, reason=reason)
            record(
                actor=actor,
                verb="quality.gate_overridden",
                target=locked,
                data={
                    "reason": reason,
                    "override": override.pk,
                    "latest_round": latest.number if latest else None,
                },
            )
        elif not passed:
            record(
                actor=actor,
                verb="quality.gate_advisory",
                target=locked,
                data={"latest_round": latest.number if latest else None},
            )
        credential_publish(credential=locked, actor=actor)
        if passed and latest is not None:
            _mark(locked, latest, actor=actor)
    credential.is_published, credential.published_at = locked.is_published, locked.published_at
    return credential


def _mark(credential: MicroCredential, review_round: ReviewRound, *, actor: Actor) -> None:
    credential_quality_mark_set(
        credential=credential,
        framework_label=review_round.framework.label,
        reviewed_at=review_round.closed_at,
        summary_uuid=review_round.uuid,
        actor=actor,
    )


def mark_if_published(review_round: ReviewRound, *, actor: Actor) -> None:
    """A round that passes on a version already published gives it the mark at once."""
    if MicroCredential.objects.filter(pk=review_round.credential_id, is_published=True).exists():
        _mark(review_round.credential, review_round, actor=actor)
