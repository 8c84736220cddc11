"""Every write of the earner profile, imported credentials and connected apps.

Imports verify with ``badges.verifier`` (the same checks as the public verify
page) and keep the report and its time with what was received. Revoking a
connected app deletes its tokens and pending codes, so the next request with
an old token gets 401.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from accounts.models import User
from audit.services import record
from badges import baking, verifier
from core.errors import UserFacingError

from . import selectors, subject
from .models import EarnerProfile, ImportedCredential, ImportForm, ImportSource

MAX_IMPORT_BYTES = verifier.MAX_INPUT_BYTES


class NotACredential(UserFacingError):
    """What was given cannot be read as a credential at all (safe to show)."""


def profile_for(*, user: User) -> EarnerProfile:
    """The user's earner profile, made (private) on first use. Safe to repeat."""
    profile, _created = EarnerProfile.objects.get_or_create(user=user)
    return profile


PROFILE_FIELDS = ("published", "handle", "display_name", "description", "url")


@transaction.atomic
def profile_update(*, user: User, actor: User, **changes: Any) -> EarnerProfile:
    """Change the owner's profile settings (only the fields given).

    Before: ``changes`` were validated by the form or the API. Validates the
    model again (handle format and uniqueness) and raises ValidationError.
    Records what changed; a call that changes nothing records nothing.
    """
    profile = EarnerProfile.objects.select_for_update().get(pk=profile_for(user=user).pk)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"Unknown profile field {name}")
        if name == "handle":
            value = (value or "").strip().lower() or None
        if getattr(profile, name) != value:
            before[name] = getattr(profile, name)
            after[name] = value
            setattr(profile, name, value)
    if not after:
        return profile
    profile.updated_at = timezone.now()
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save(update_fields=[*after.keys(), "updated_at"])
    except IntegrityError as exc:
        raise ValidationError({"handle": _("This address is taken.")}) from exc
    record(actor=actor, verb="earner_profile.update", target=profile, before=before, after=after)
    return profile


# --- imported credentials -----------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What was handed over, read far enough to know its form and identity."""

    form: str
    text: str
    raw: bytes
    payload: dict


def _jwt_payload(token: str) -> dict:
    try:
        part = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError, binascii.Error, RecursionError) as exc:
        raise NotACredential(_("This VC-JWT cannot be read.")) from exc
    if not isinstance(data, dict):
        raise NotACredential(_("This VC-JWT cannot be read."))
    # Older VC-JWTs carry the credential in a "vc" claim.
    inner = data.get("vc")
    return inner if isinstance(inner, dict) else data


def read_received(*, text: str = "", upload: bytes | None = None) -> Received:
    """The form and the credential inside what was given; NotACredential if unreadable."""
    if upload is not None and len(upload) > MAX_IMPORT_BYTES:
        raise NotACredential(_("The file is larger than 2 MB."))
    if upload is not None and not upload.startswith(baking.PNG_SIGNATURE):
        head = upload[:512].lstrip()
        if not head.startswith(b"<"):
            # A JSON or JWT file: read as text.
            try:
                text, upload = upload.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                raise NotACredential(
                    _("Upload a PNG or SVG image, a JSON file or a VC-JWT.")
                ) from exc
    form: str
    if upload is not None:
        form = ImportForm.PNG if upload.startswith(baking.PNG_SIGNATURE) else ImportForm.SVG
        try:
            content = verifier.extract(upload=upload)
        except Exception as exc:  # noqa: BLE001 - any unreadable image is the same answer
            raise NotACredential(str(exc) or _("The image carries no Open Badges data.")) from exc
    else:
        content = text.strip()
        if len(content.encode()) > MAX_IMPORT_BYTES:
            raise NotACredential(_("The text is longer than 2 MB."))
    if content.count(".") == 2 and not content.startswith("{"):
        payload = _jwt_payload(content)
        form = form if upload is not None else ImportForm.JWT
    else:
        try:
            payload = json.loads(content)
        except (ValueError, RecursionError) as exc:
            raise NotACredential(_("This is neither a VC-JWT nor a JSON credential.")) from exc
        if not isinstance(payload, dict):
            raise NotACredential(_("The JSON is not a credential object."))
        form = form if upload is not None else ImportForm.JSON
    return Received(
        form=form, text=content if upload is None else "", raw=upload or b"", payload=payload
    )


def _name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("id") or ""
    return str(value or "")[:500]


def _describe(payload: dict) -> tuple[str, str]:
    """The achievement's and the issuer's names, as the credential gives them."""
    subject = payload.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    name = _name(achievement) or _name(payload.get("name")) or _name(payload.get("badge"))
    return name, _name(payload.get("issuer"))


def credential_key(received: Received) -> str:
    """The credential's own id, or a hash of what was received when it has none."""
    ident = received.payload.get("id") or received.payload.get("jti")
    if isinstance(ident, str) and ident.strip():
        return ident.strip()[:500]
    digest = hashlib.sha256(received.raw or received.text.encode()).hexdigest()
    return f"sha256:{digest}"


def credential_import(
    *,
    owner: User,
    text: str = "",
    upload: bytes | None = None,
    filename: str = "",
    source: str = ImportSource.UPLOAD,
    client_name: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> tuple[ImportedCredential, bool]:
    """Verify a credential from elsewhere and keep it for its owner.

    Raises NotACredential when nothing credential-like can be read. Anything
    readable is kept, verified or not, with the report and its time, and with
    whether it names the owner (one of their verified email addresses): that
    does not stop the import, but one not shown to be theirs stays off their
    public profile until they confirm it. The same credential (same ``id``)
    sent again replaces the earlier copy and reports ``created=False``; so
    repeating the call is safe. A replacement with other contents needs
    confirming again.
    """
    received = read_received(text=text, upload=upload)
    now = now or timezone.now()
    if received.raw:
        report = verifier.verify(upload=received.raw, now=now)
    else:
        report = verifier.verify(text=received.text, now=now)
    name, issuer_name = _describe(received.payload)
    found = subject.match(received.payload, selectors.verified_emails(user=owner))
    fields = {
        "source": source,
        "client_name": client_name[:255],
        "form": received.form,
        "received_text": received.text,
        "received_bytes": received.raw,
        "filename": filename[:255],
        "name": name or report.achievement[:500],
        "issuer_name": issuer_name or report.issuer[:500],
        "verified": report.passed,
        "verification": report.as_dict(),
        "verified_at": now,
        "updated_at": now,
        "subject_match": found.result,
        "subject_email": found.email,
    }
    key = credential_key(received)
    with transaction.atomic():
        existing = (
            ImportedCredential.objects.select_for_update().filter(owner=owner, key=key).first()
        )
        if existing is None:
            imported = ImportedCredential.objects.create(owner=owner, key=key, **fields)
            created = True
        else:
            changed = (
                existing.received_text != received.text
                or bytes(existing.received_bytes) != received.raw
            )
            update = dict(fields)
            if changed:
                # The owner confirmed what they had imported, not this.
                update["holder_confirmed_at"] = None
            for attr, value in update.items():
                setattr(existing, attr, value)
            existing.save(update_fields=list(update))
            imported, created = existing, False
        record(
            actor=actor,
            verb="imported_credential.create" if created else "imported_credential.replace",
            target=imported,
            data={
                "source": source,
                "client": client_name,
                "verified": report.passed,
                "subject": found.result,
            },
        )
    return imported, created


@transaction.atomic
def imported_credential_set_shown(
    *, imported: ImportedCredential, shown: bool, actor: User
) -> ImportedCredential:
    """Show or hide one imported credential on the public profile. Safe to repeat."""
    row = ImportedCredential.objects.select_for_update().get(pk=imported.pk)
    if row.show_on_profile == shown:
        return row
    row.show_on_profile = shown
    row.save(update_fields=["show_on_profile"])
    record(
        actor=actor,
        verb="imported_credential.visibility",
        target=row,
        before={"show_on_profile": not shown},
        after={"show_on_profile": shown},
    )
    return row


@transaction.atomic
def imported_credential_confirm_holder(
    *, imported: ImportedCredential, actor: User, now: datetime.datetime | None = None
) -> ImportedCredential:
    """The owner confirms that a credential not shown to be issued to them is
    theirs, and shows it on their public profile. Only the owner may (the
    caller found the row by owner). Safe to repeat: a confirmed one is left
    as it is.
    """
    row = ImportedCredential.objects.select_for_update().get(pk=imported.pk)
    if row.holder_confirmed_at is not None and row.show_on_profile:
        return row
    before = {"show_on_profile": row.show_on_profile, "confirmed": bool(row.holder_confirmed_at)}
    row.holder_confirmed_at = row.holder_confirmed_at or now or timezone.now()
    row.show_on_profile = True
    row.save(update_fields=["holder_confirmed_at", "show_on_profile"])
    record(
        actor=actor,
        verb="imported_credential.confirm_holder",
        target=row,
        before=before,
        after={"show_on_profile": True, "confirmed": True},
        data={"subject": row.subject_match},
    )
    return row


# --- connected apps -----------------------------------------------------------------------


def consent_record(*, user: User, application: Any, scopes: list[str]) -> None:
    """Record that the user approved a client for these scopes (audit only)."""
    record(
        actor=user,
        verb="connected_app.approve",
        target=application,
        data={"client": application.name, "scopes": scopes},
    )


@transaction.atomic
def connected_app_revoke(*, user: User, application_id: int, actor: User) -> int:
    """Take back every right the user gave one client: its access and refresh
    tokens and unused authorization codes are deleted, so its next request is
    401. Returns how many tokens went; 0 when none were left (safe to repeat).
    """
    application = get_application_model().objects.get(pk=application_id)
    access = get_access_token_model().objects.filter(user=user, application=application)
    refresh = get_refresh_token_model().objects.filter(user=user, application=application)
    grants = get_grant_model().objects.filter(user=user, application=application)
    # Refresh tokens point at access tokens: delete them first.
    count = refresh.delete()[0]
    count += access.delete()[0]
    grants.delete()
    if count:
        record(
            actor=actor,
            verb="connected_app.revoke",
            target=application,
            data={"client": application.name, "tokens": count},
        )
    return count


# --- demo data ----------------------------------------------------------------------------


@transaction.atomic
def demo_client_connect(
    *, user: User, name: str, redirect_uri: str, scopes: list[str]
) -> tuple[Any, bool]:
    """A registered public client already approved by ``user`` (demo data only:
    real clients register at /o/register/ and learners approve them on the
    consent page). Returns (application, created); safe to repeat."""
    applications = get_application_model().objects
    application = applications.filter(name=name, user__isnull=True).first()
    created = application is None
    if application is None:
        application = applications.create(
            name=name,
            client_type="public",
            authorization_grant_type="authorization-code",
            redirect_uris=redirect_uri,
            client_secret="",
        )
    tokens = get_access_token_model().objects
    if not tokens.filter(user=user, application=application).exists():
        access = tokens.create(
            user=user,
            application=application,
            token=secrets.token_urlsafe(32),
            scope=" ".join(scopes),
            expires=timezone.now() + datetime.timedelta(hours=1),
        )
        get_refresh_token_model().objects.create(
            user=user, application=application, token=secrets.token_urlsafe(32), access_token=access
        )
        consent_record(user=user, application=application, scopes=scopes)
    return application, created
