"""Every change to signing keys, status lists and issued badges happens here.

Each function runs in a transaction and takes keyword arguments. Issuing
runs inside the transaction that creates the award; revocation locks the
badge row and stores the learner's email in the outbox with the revocation.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from assessments.models import Award, CriterionScore
from audit.services import record
from credentials.models import Organization
from notifications.services import email_enqueue

from . import crypto, data_integrity, documents, selectors
from .exceptions import BadgeError, NotOwner
from .models import (
    AchievementAlignment,
    BadgeEvent,
    IssuedBadge,
    IssuerKey,
    KeyAlgorithm,
    StatusList,
    Visibility,
)

MAX_DISPLAY_NAME = 150
MAX_REASON = 500


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` plus whole calendar months, clamped to the month's last day
    (Jan 31 + 1 month = Feb 28/29)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


# --- keys ---------------------------------------------------------------------------------


def _create_key(
    organization: Organization, actor: User | None = None, algorithm: str = KeyAlgorithm.EDDSA
) -> IssuerKey:
    pair = crypto.generate_key_pair(str(algorithm))
    return IssuerKey.objects.create(
        organization=organization,
        key_id=pair.key_id,
        algorithm=algorithm,
        public_jwk=pair.public_jwk,
        private_key_encrypted=pair.private_key_encrypted,
        created_by=actor,
    )


def issuer_key_active(*, organization: Organization) -> IssuerKey:
    """The organization's Ed25519 key, generated on first use: it signs the
    Data Integrity proofs, and the VC-JWTs unless an RS256 key is active.

    Safe to repeat and to run concurrently: a partial unique constraint allows
    one active key per organization and algorithm, so a second creator
    re-reads the winner's.
    """
    active = IssuerKey.objects.filter(
        organization=organization, algorithm=KeyAlgorithm.EDDSA, retired_at__isnull=True
    )
    key = active.first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _create_key(organization)
    except IntegrityError:
        return active.get()


def issuer_jwt_key(*, organization: Organization) -> IssuerKey:
    """The key that signs the organization's VC-JWTs: its active RS256 key
    when it has chosen RS256, else its Ed25519 key."""
    rsa_key = IssuerKey.objects.filter(
        organization=organization, algorithm=KeyAlgorithm.RS256, retired_at__isnull=True
    ).first()
    return rsa_key or issuer_key_active(organization=organization)


def issuer_key_rotate(*, organization: Organization, actor: User | None) -> list[IssuerKey]:
    """Retire each of the organization's active keys and replace it with a
    new key of the same algorithm (an organization with none gets an Ed25519 key).

    The retired keys stay published in the organization's key set, so every
    badge they signed keeps verifying. Returns the new keys. Audited.
    """
    with transaction.atomic():
        now = timezone.now()
        active = list(
            IssuerKey.objects.select_for_update()
            .filter(organization=organization, retired_at__isnull=True)
            .order_by("algorithm")
        )
        algorithms = [key.algorithm for key in active] or [str(KeyAlgorithm.EDDSA)]
        IssuerKey.objects.filter(pk__in=[key.pk for key in active]).update(retired_at=now)
        new = [_create_key(organization, actor, algorithm) for algorithm in algorithms]
        record(
            actor=actor,
            verb="badges.keys_rotated",
            target=organization,
            before={"keys": [key.key_id for key in active]},
            after={"keys": [key.key_id for key in new]},
        )
        return new


def issuer_rs256_set(*, organization: Organization, enabled: bool, actor: User | None) -> bool:
    """Choose whether the organization's VC-JWTs are signed with RS256
    (an RSA 2048 key, created now) or EdDSA (its RS256 key is retired and
    stays published). Badges issued earlier keep their signature.

    Safe to repeat: asking for the current choice changes nothing. Returns
    whether anything changed. Audited.
    """
    with transaction.atomic():
        active = IssuerKey.objects.select_for_update().filter(
            organization=organization, algorithm=KeyAlgorithm.RS256, retired_at__isnull=True
        )
        current = active.first()
        if enabled == (current is not None):
            return False
        if enabled:
            key = _create_key(organization, actor, KeyAlgorithm.RS256)
            record(
                actor=actor,
                verb="badges.rs256_enabled",
                target=organization,
                after={"key": key.key_id},
            )
        else:
            assert current is not None  # noqa: S101 - the branch above returned otherwise
            active.update(retired_at=timezone.now())
            record(
                actor=actor,
                verb="badges.rs256_disabled",
                target=organization,
                before={"key": current.key_id},
            )
        return True


# --- status lists -------------------------------------------------------------------------


def _allocate_status_index(organization: Organization) -> tuple[StatusList, int]:
    """The next free index in the organization's current status list, under a
    row lock so two concurrent issues never share one."""
    while True:
        status_list = (
            StatusList.objects.select_for_update()
            .filter(organization=organization)
            .order_by("-number")
            .first()
        )
        if status_list is None or status_list.is_full:
            number = status_list.number + 1 if status_list else 1
            try:
                with transaction.atomic():
                    StatusList.objects.create(organization=organization, number=number)
            except IntegrityError:
                pass  # someone else created it; lock and use theirs
            continue
        index = status_list.next_index
        status_list.next_index = index + 1
        status_list.save(update_fields=["next_index"])
        return status_list, index


# --- issuing ------------------------------------------------------------------------------


def issuer_profile_check(*, organization: Organization) -> None:
    """Raise BadgeError unless the organization has what Open Badges requires
    of an issuer profile: a name and a valid contact email (2.0 requires it;
    earners and verifiers need someone to write to)."""
    try:
        validate_email(organization.email)
    except ValidationError:
        raise BadgeError(
            gettext(
                "%(organization)s cannot issue badges yet: it needs a valid contact email, "
                "which every badge publishes. Add it on the organization's page first."
            )
            % {"organization": organization.name}
        ) from None
    if not organization.name.strip():
        raise BadgeError(gettext("The issuing organization needs a name."))


def sign_document(document: dict, *, key: IssuerKey, created: datetime.datetime) -> dict:
    """``document`` with an embedded Data Integrity proof (eddsa-rdfc-2022)
    by the organization's Ed25519 key, named by its did:key."""
    private = crypto.ed25519_private_key(key.private_key_encrypted)
    multikey = data_integrity.multikey(private.public_key())
    return data_integrity.sign(
        document,
        private_key=private,
        verification_method=f"did:key:{multikey}#{multikey}",
        created=documents.iso(created),
    )


def alignment_save(
    *, alignment: AchievementAlignment, actor: User | None, created: bool
) -> AchievementAlignment:
    """Store an alignment staff entered (already validated by the admin form);
    badges issued from now on carry it. Audited."""
    with transaction.atomic():
        alignment.full_clean()
        alignment.save()
        record(
            actor=actor,
            verb="badges.alignment_added" if created else "badges.alignment_changed",
            target=alignment.credential,
            after={
                "target_type": alignment.target_type,
                "target_url": alignment.target_url,
                "target_code": alignment.target_code,
            },
        )
    return alignment


def alignment_delete(*, alignment: AchievementAlignment, actor: User | None) -> None:
    """Remove an alignment; badges issued earlier keep it (they are signed). Audited."""
    with transaction.atomic():
        record(
            actor=actor,
            verb="badges.alignment_removed",
            target=alignment.credential,
            before={"target_url": alignment.target_url},
        )
        alignment.delete()


def _criteria_and_scores(
    award: Award,
) -> tuple[list[documents.Criterion], list[documents.Score]]:
    """The rubric the submission was assessed against and the marks it got."""
    snapshot = award.submission.rubric_snapshot or []
    criteria = [
        documents.Criterion(
            id=int(c["id"]), title=c.get("title", ""), description=c.get("description", "")
        )
        for c in snapshot
    ]
    scores = [
        documents.Score(criterion_id=s.criterion_id, title=s.title, met=s.met)
        for s in CriterionScore.objects.filter(review__submission_id=award.submission_id).order_by(
            "position", "id"
        )
    ]
    return criteria, scores


def badge_issue(*, award: Award) -> IssuedBadge:
    """Issue the verifiable badge of an award: the signed Open Badges 3.0
    credential and the Open Badges 2.0 assertion.

    Runs inside the transaction that created the award (see receivers), so
    both commit together. Requires the award's learner, credential and
    submission. Safe to repeat: an award has exactly one badge, and a second
    call returns it. A re-award after a revocation is a new award and gets a
    new badge.
    """
    existing = IssuedBadge.objects.filter(award_id=award.pk).first()
    if existing is not None:
        return existing
    award = Award.objects.select_related(
        "learner", "credential", "credential__organization", "submission"
    ).get(pk=award.pk)
    credential = award.credential
    organization = credential.organization
    issuer_profile_check(organization=organization)
    try:
        with transaction.atomic():
            # One read for both keys: the Ed25519 one (proofs, and the JWT unless
            # RS256 was chosen) and the RS256 one if any.
            active = {
                key.algorithm: key
                for key in IssuerKey.objects.filter(
                    organization=organization, retired_at__isnull=True
                )
            }
            proof_key = active.get(KeyAlgorithm.EDDSA) or issuer_key_active(
                organization=organization
            )
            signing_key = active.get(KeyAlgorithm.RS256) or proof_key
            status_list, status_index = _allocate_status_index(organization)
            badge_uuid = uuid.uuid4()
            salt = secrets.token_hex(16)
            valid_from = award.awarded_at.replace(microsecond=0)
            valid_until = (
                add_months(valid_from, credential.validity_months)
                if credential.validity_months
                else None
            )
            criteria, scores = _criteria_and_scores(award)
            issue = documents.Issue(
                badge_uuid=str(badge_uuid),
                award=award,
                credential=credential,
                subject_id=f"urn:uuid:{uuid.uuid4()}",
                salt=salt,
                identity_hash=documents.identity_hash(award.learner.email, salt),
                valid_from=valid_from,
                valid_until=valid_until,
                status_list=status_list,
                status_index=status_index,
                criteria=criteria,
                scores=scores,
                alignments=selectors.alignments_for(credential=credential),
            )
            ob3 = documents.ob3_credential(issue)
            token = crypto.sign_jwt(
                claims=documents.jwt_claims(ob3),
                private_key_encrypted=signing_key.private_key_encrypted,
                kid=documents.key_url(signing_key),
                algorithm=signing_key.algorithm,
            )
            ob3_signed = sign_document(ob3, key=proof_key, created=valid_from)
            badge = IssuedBadge.objects.create(
                uuid=badge_uuid,
                award=award,
                signing_key=signing_key,
                status_list=status_list,
                status_index=status_index,
                subject_id=issue.subject_id,
                identity_salt=salt,
                identity_hash=issue.identity_hash,
                issued_at=timezone.now(),
                valid_from=valid_from,
                valid_until=valid_until,
                ob3_json=documents.dumps(ob3_signed),
                ob3_jwt=token,
                ob2_json=documents.dumps(documents.ob2_assertion(issue)),
                display_name=award.learner.name[:MAX_DISPLAY_NAME],
            )
            BadgeEvent.objects.create(badge=badge, kind=BadgeEvent.Kind.ISSUED)
    except IntegrityError:
        # Issued concurrently for the same award: return that one.
        return IssuedBadge.objects.get(award_id=award.pk)
    return badge


def badge_issue_missing(*, limit: int | None = None) -> int:
    """Issue badges for awards that have none (awards made before badges
    existed). Safe to repeat. Returns how many were issued."""
    awards = Award.objects.filter(badge__isnull=True).order_by("awarded_at", "pk")
    if limit is not None:
        awards = awards[:limit]
    count = 0
    for award in awards:
        with transaction.atomic():
            badge_issue(award=award)
        count += 1
    return count


# --- what the earner chooses --------------------------------------------------------------


def badge_update_settings(
    *, badge_id: int, actor: User | None, display_name: str, visibility: str
) -> IssuedBadge:
    """Change the name shown with a badge and whether its page is public.

    Only the earner may (NotOwner otherwise). The signed documents never carry
    the name, so nothing is re-signed. Safe to repeat.
    """
    if visibility not in Visibility.values:
        raise BadgeError(gettext("Choose public or private."))
    display_name = " ".join((display_name or "").split())[:MAX_DISPLAY_NAME]
    with transaction.atomic():
        badge = (
            IssuedBadge.objects.select_for_update(of=("self",))
            .select_related("award")
            .get(pk=badge_id)
        )
        if actor is None or badge.award.learner_id != actor.pk:
            raise NotOwner()
        if badge.display_name == display_name and badge.visibility == visibility:
            return badge
        badge.display_name = display_name
        badge.visibility = visibility
        badge.save(update_fields=["display_name", "visibility"])
        BadgeEvent.objects.create(
            badge=badge,
            kind=BadgeEvent.Kind.SETTINGS,
            actor=actor,
            note=f"Visibility {visibility}",
        )
    return badge


# --- revocation ---------------------------------------------------------------------------


def badge_revoke(*, badge_id: int, reason: str, actor: User | None) -> IssuedBadge:
    """Revoke a badge with a reason that the public page and the learner see.

    Requires a non-empty reason (BadgeError otherwise). The public page, the
    status list and verification read the revocation from this row, so they
    reflect it as soon as the transaction commits; the learner's email is
    queued for after the commit. Safe to repeat: revoking a revoked badge
    changes nothing and sends nothing.
    """
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise BadgeError(
            gettext("Give a reason for the revocation: the earner and the public see it.")
        )
    with transaction.atomic():
        badge = (
            IssuedBadge.objects.select_for_update(no_key=True, of=("self",))
            .select_related(
                "award__learner", "award__credential", "award__credential__organization"
            )
            .get(pk=badge_id)
        )
        if badge.is_revoked:
            return badge
        badge.revoked_at = timezone.now()
        badge.revocation_reason = reason
        badge.revoked_by = actor
        badge.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
        BadgeEvent.objects.create(
            badge=badge, kind=BadgeEvent.Kind.REVOKED, actor=actor, note=reason
        )
        award = badge.award
        email_enqueue(
            to=[award.learner.email],
            template="badge_revoked",
            context={
                "learner": award.learner,
                "badge": badge,
                "credential": award.credential,
                "organization": award.credential.organization,
                "reason": reason,
                "public_url": documents.public_url(award),
            },
            key=f"badge-revoked:{badge.pk}",
        )
    return badge


# --- credentials that higher apps compose (stack awards, learner records) -------------------


class Signer:
    """The keys and the revocation status entry one credential issued by a
    higher app is signed with: the same keys, status lists and proofs as a
    badge, so one verifier and one status list serve both."""

    def __init__(
        self, *, jwt_key: IssuerKey, proof_key: IssuerKey, status_list: StatusList, index: int
    ) -> None:
        self.jwt_key = jwt_key
        self.proof_key = proof_key
        self.status_list = status_list
        self.status_index = index

    def status_entry(self) -> dict:
        """The ``credentialStatus`` (BitstringStatusListEntry) of the credential."""
        list_url = documents.status_list_url(self.status_list)
        return {
            "id": f"{list_url}#{self.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(self.status_index),
            "statusListCredential": list_url,
        }

    def sign(self, document: dict, *, created: datetime.datetime) -> tuple[dict, str]:
        """The document with its Data Integrity proof, and its VC-JWT."""
        token = crypto.sign_jwt(
            claims=documents.jwt_claims(document),
            private_key_encrypted=self.jwt_key.private_key_encrypted,
            kid=documents.key_url(self.jwt_key),
            algorithm=self.jwt_key.algorithm,
        )
        return sign_document(document, key=self.proof_key, created=created), token


def signer_prepare(*, organization: Organization) -> Signer:
    """Keys and a fresh status list index for a credential the organization
    issues from a higher app. Call inside the issuing transaction: the index
    is taken under the status list's row lock and is never handed out twice.
    Raises BadgeError when the organization cannot issue yet."""
    issuer_profile_check(organization=organization)
    proof_key = issuer_key_active(organization=organization)
    jwt_key = issuer_jwt_key(organization=organization)
    status_list, index = _allocate_status_index(organization)
    return Signer(jwt_key=jwt_key, proof_key=proof_key, status_list=status_list, index=index)
