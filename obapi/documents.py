"""Documents about the earner: the Open Badges 3.0 Profile, what an imported
credential carries, and the export archive of everything that is theirs."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from badges import baking, documents, images, verifier

from . import selectors
from .models import EarnerProfile, ImportedCredential

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def is_compact_jws(text: str) -> bool:
    text = text.strip()
    return text.count(".") == 2 and not text.startswith(("{", "[")) and " " not in text


def profile_url(profile: EarnerProfile) -> str:
    return settings.SITE_URL + reverse("obapi:public_profile", args=[str(profile.uuid)])


def profile_document(profile: EarnerProfile) -> dict[str, Any]:
    """The earner's Open Badges 3.0 Profile, as the API's getProfile returns it.

    Its id is the profile's public address (which answers 404 until the earner
    publishes it). Only the token holder's own data is in it.
    """
    document: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": profile_url(profile),
        "type": "Profile",
        "name": profile.display_name or profile.user.name or "",
        "email": profile.user.email,
    }
    if profile.description:
        document["description"] = profile.description
    if profile.url:
        document["url"] = profile.url
    return document


def imported_content(imported: ImportedCredential) -> str:
    """The credential text an import carries ('' if an image no longer reads)."""
    if imported.received_text:
        return imported.received_text
    try:
        return verifier.extract(upload=bytes(imported.received_bytes))
    except Exception:  # noqa: BLE001 - an unreadable image has nothing to hand out
        return ""


# --- export -------------------------------------------------------------------------------

RECEIVED_SUFFIX = {"jwt": "jwt", "json": "json", "png": "png", "svg": "svg"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "credential"


def export_archive(*, user: Any) -> bytes:
    """One zip of everything of the learner's own: each award as Open Badges 3.0
    JSON (with its Data Integrity proof) and VC-JWT, the 2.0 assertion, baked
    PNG and SVG images; each imported credential exactly as received with its
    verification report; the profile; and manifest.json listing every file with
    its SHA-256 and the metadata around it."""
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": "earner-export/1",
        "exported_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
        "account": {"email": user.email, "name": user.name},
        "awards": [],
        "imported": [],
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(path: str, data: bytes | str) -> dict[str, str]:
            raw = data.encode() if isinstance(data, str) else data
            archive.writestr(path, raw)
            return {"path": path, "sha256": hashlib.sha256(raw).hexdigest()}

        profile = selectors.profile_of(user=user)
        if profile is not None:
            manifest["profile"] = {
                "settings": {
                    "published": profile.published,
                    "handle": profile.handle,
                    "display_name": profile.display_name,
                    "description": profile.description,
                    "url": profile.url,
                    "address": profile_url(profile),
                },
                "file": put("profile.json", json.dumps(profile_document(profile), indent=2)),
            }
        for badge in selectors.awards_of(user=user):
            award = badge.award
            folder = f"awards/{_slug(award.credential.title)}-{award.uuid}"
            png = images.credential_image(award.credential)
            files = [
                put(f"{folder}/credential.json", badge.ob3_json),
                put(f"{folder}/credential.jwt", badge.ob3_jwt),
                put(f"{folder}/assertion.json", badge.ob2_json),
                put(
                    f"{folder}/badge.png",
                    baking.bake(
                        png, {baking.OB2_KEYWORD: badge.ob2_json, baking.OB3_KEYWORD: badge.ob3_jwt}
                    ),
                ),
                put(f"{folder}/badge.svg", baking.bake_svg_ob3(png, badge.ob3_jwt, images.SIZE)),
                put(
                    f"{folder}/badge-ob2.svg",
                    baking.bake_svg_ob2(
                        png, badge.ob2_json, documents.assertion_url(award), images.SIZE
                    ),
                ),
            ]
            manifest["awards"].append(
                {
                    "award": str(award.uuid),
                    "badge": str(badge.uuid),
                    "credential": award.credential.title,
                    "issuer": award.credential.organization.name,
                    "page": documents.public_url(award),
                    "issued_at": badge.issued_at.isoformat(),
                    "valid_from": badge.valid_from.isoformat(),
                    "valid_until": badge.valid_until.isoformat() if badge.valid_until else None,
                    "status": badge.status(),
                    "revoked_at": badge.revoked_at.isoformat() if badge.revoked_at else None,
                    "revocation_reason": badge.revocation_reason,
                    "visibility": badge.visibility,
                    "display_name": badge.display_name,
                    "files": files,
                }
            )
        for imported in selectors.imported_of(user=user):
            folder = f"imported/{imported.uuid}"
            suffix = RECEIVED_SUFFIX.get(imported.form, "txt")
            received = bytes(imported.received_bytes) or imported.received_text.encode()
            files = [
                put(f"{folder}/received.{suffix}", received),
                put(f"{folder}/verification.json", json.dumps(imported.verification, indent=2)),
            ]
            manifest["imported"].append(
                {
                    "id": str(imported.uuid),
                    "credential_id": imported.key,
                    "name": imported.name,
                    "issuer": imported.issuer_name,
                    "form": imported.form,
                    "filename": imported.filename,
                    "source": imported.source,
                    "client": imported.client_name,
                    "imported_at": imported.imported_at.isoformat(),
                    "updated_at": imported.updated_at.isoformat(),
                    "verified": imported.verified,
                    "verified_at": imported.verified_at.isoformat(),
                    "show_on_profile": imported.show_on_profile,
                    "issued_to": imported.subject_match,
                    "issued_to_email": imported.subject_email,
                    "confirmed_as_mine_at": imported.holder_confirmed_at.isoformat()
                    if imported.holder_confirmed_at
                    else None,
                    "files": files,
                }
            )
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()
