"""The documents of a stack award: the Open Badges 3.0 credential whose
achievement is the stack, and the CLR 2.0 credential bundling the member
credentials. Ids are absolute URLs on SITE_URL or ``urn:uuid:``; the earner
is named only by a salted hash of their email address."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from badges import documents as badge_documents

from .models import Stack

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CLR_SCHEMA = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)


def stack_url(stack: Stack) -> str:
    return badge_documents.absolute(reverse("stacks:stack", args=[stack.slug]))


def achievement(stack: Stack, member_names: list[str]) -> dict:
    """The stack as an Open Badges 3.0 Achievement."""
    document: dict[str, Any] = {
        "id": badge_documents.absolute(reverse("stacks:achievement", args=[stack.uuid])),
        "type": ["Achievement"],
        "achievementType": "LearningProgram",
        "name": stack.title,
        "description": stack.summary or stack.title,
        "criteria": {
            "id": stack_url(stack),
            "narrative": "Earned by completing the stack: " + "; ".join(member_names) + ".",
        },
    }
    if stack.credit_hours:
        document["creditsAvailable"] = float(stack.credit_hours)
    return document


def _issuer(stack: Stack) -> dict:
    profile = badge_documents.issuer_profile(stack.organization)
    profile.pop("@context", None)
    return profile


def _identity(identity_hash: str, salt: str) -> dict:
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def ob3_credential(
    *,
    stack: Stack,
    award_uuid: str,
    subject_id: str,
    identity_hash: str,
    salt: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None,
    status: dict,
    member_names: list[str],
) -> dict:
    """The OpenBadgeCredential of the stack award, before signing."""
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "identifier": [_identity(identity_hash, salt)],
        "achievement": achievement(stack, member_names),
    }
    if stack.credit_hours:
        subject["creditsEarned"] = float(stack.credit_hours)
    document: dict[str, Any] = {
        "@context": [badge_documents.VC_CONTEXT, badge_documents.OB3_CONTEXT],
        "id": f"urn:uuid:{award_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": stack.title,
        "description": stack.summary or stack.title,
        "issuer": _issuer(stack),
        "validFrom": badge_documents.iso(valid_from),
    }
    if valid_until:
        document["validUntil"] = badge_documents.iso(valid_until)
    document["credentialSubject"] = subject
    document["credentialStatus"] = status
    document["credentialSchema"] = [
        {"id": badge_documents.OB3_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    return document


def clr_credential(
    *,
    stack: Stack,
    clr_uuid: str,
    stack_credential: dict,
    members: list[dict],
    identity_hash: str,
    salt: str,
    subject_id: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None,
    status: dict,
) -> dict:
    """The ClrCredential: the stack's credential and each member's signed
    Open Badges 3.0 credential embedded as ``verifiableCredential``, with an
    ``isPartOf`` association from each member achievement to the stack."""
    stack_achievement = stack_credential["credentialSubject"]["achievement"]
    member_achievements = [m["credentialSubject"]["achievement"] for m in members]
    document: dict[str, Any] = {
        "@context": [badge_documents.VC_CONTEXT, CLR_CONTEXT, badge_documents.OB3_CONTEXT],
        "id": f"urn:uuid:{clr_uuid}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": stack.title,
        "description": stack.summary or stack.title,
        "issuer": _issuer(stack),
        "validFrom": badge_documents.iso(valid_from),
    }
    if valid_until:
        document["validUntil"] = badge_documents.iso(valid_until)
    document["credentialSubject"] = {
        "id": subject_id,
        "type": ["ClrSubject"],
        "identifier": [_identity(identity_hash, salt)],
        "achievement": [stack_achievement, *member_achievements],
        "verifiableCredential": [stack_credential, *members],
        "association": [
            {
                "type": "Association",
                "associationType": "isPartOf",
                "sourceId": a["id"],
                "targetId": stack_achievement["id"],
            }
            for a in member_achievements
        ],
    }
    document["credentialStatus"] = status
    document["credentialSchema"] = [{"id": CLR_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]
    return document
