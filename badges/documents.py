"""The Open Badges documents: 3.0 credential and issuer profile, 2.0 assertion,
BadgeClass and Issuer, and the status list credential.

Every id is an absolute URL on SITE_URL (or a ``urn:uuid:``), so documents
mean the same wherever they are copied to. Nothing here names the earner
other than by a salted hash of their email address.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from assessments.models import Award
    from credentials.models import MicroCredential

    from .models import StatusList

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def iso(moment: datetime.datetime) -> str:
    """XML Schema dateTime in UTC to the second, e.g. 2026-01-31T15:00:00Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def identity_hash(email: str, salt: str) -> str:
    """``sha256$`` + hex SHA-256 of the normalised email followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


# --- URLs -----------------------------------------------------------------------------


def issuer_profile_url(organization) -> str:
    return absolute(reverse("badges:issuer_profile", kwargs={"org_uuid": organization.uuid}))


def issuer_ob2_url(organization) -> str:
    return absolute(reverse("badges:issuer_ob2", kwargs={"org_uuid": organization.uuid}))


def revocation_list_url(organization) -> str:
    """The Open Badges 2.0 RevocationList the issuer profile names."""
    return absolute(reverse("badges:ob2_revocation_list", kwargs={"org_uuid": organization.uuid}))


def jwks_url(organization) -> str:
    return absolute(reverse("badges:jwks", kwargs={"org_uuid": organization.uuid}))


def key_url(signing_key) -> str:
    """The key's ``kid``: a URL that resolves to its public JWK."""
    return absolute(
        reverse(
            "badges:key",
            kwargs={"org_uuid": signing_key.organization.uuid, "key_id": signing_key.key_id},
        )
    )


def status_list_url(status_list) -> str:
    return absolute(
        reverse(
            "badges:status_list",
            kwargs={"org_uuid": status_list.organization.uuid, "number": status_list.number},
        )
    )


def achievement_url(credential) -> str:
    return absolute(reverse("badges:achievement", kwargs={"credential_uuid": credential.uuid}))


def badgeclass_url(credential) -> str:
    return absolute(reverse("badges:badgeclass", kwargs={"credential_uuid": credential.uuid}))


def image_url(credential) -> str:
    return absolute(reverse("badges:image", kwargs={"credential_uuid": credential.uuid}))


def public_url(award) -> str:
    return absolute(reverse("badges:detail", kwargs={"award_uuid": award.uuid}))


def assertion_url(award) -> str:
    return absolute(reverse("badges:ob2_assertion", kwargs={"award_uuid": award.uuid}))


# --- issuer -----------------------------------------------------------------------------


def logo_url(organization) -> str:
    """The organization's logo as an absolute URL, or "" when it has none."""
    if not organization.logo:
        return ""
    url = organization.logo.url
    return url if url.startswith(("http://", "https://")) else absolute(url)


def _ob3_logo(organization) -> dict:
    logo = logo_url(organization)
    return {"image": {"id": logo, "type": "Image", "caption": organization.name}} if logo else {}


def _issuer_fields(organization) -> dict:
    fields = {"name": organization.name, "url": organization.url or settings.SITE_URL}
    if organization.email:
        fields["email"] = organization.email
    if organization.description:
        fields["description"] = organization.description
    return fields


def issuer_profile(organization) -> dict:
    """The Open Badges 3.0 Profile of an issuing organization."""
    profile = {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": issuer_profile_url(organization),
        "type": ["Profile"],
        **_issuer_fields(organization),
    }
    profile.update(_ob3_logo(organization))
    return profile


def issuer_ob2(organization) -> dict:
    issuer = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_ob2_url(organization),
        **_issuer_fields(organization),
        "revocationList": revocation_list_url(organization),
    }
    if logo := logo_url(organization):
        issuer["image"] = logo
    return issuer


# --- achievement and badge class --------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    id: int
    title: str
    description: str = ""


@dataclass(frozen=True)
class AlignmentTarget:
    """An alignment staff entered: a CASE item, a Credential Engine CTID..."""

    target_type: str
    name: str
    url: str
    code: str = ""
    framework: str = ""
    description: str = ""


def _ob2_alignment(target: AlignmentTarget) -> dict:
    """The fields Open Badges 2.0 and 3.0 share; empty ones are left out."""
    optional = {
        "targetCode": target.code,
        "targetFramework": target.framework,
        "targetDescription": target.description,
    }
    return {
        "targetName": target.name,
        "targetUrl": target.url,
        **{key: value for key, value in optional.items() if value},
    }


def _ob3_alignment(target: AlignmentTarget) -> dict:
    return {"type": ["Alignment"], **_ob2_alignment(target), "targetType": target.target_type}


@dataclass(frozen=True)
class Score:
    criterion_id: int
    title: str
    met: bool | None


EVIDENCE_HEADING = "**Evidence.** Earners submit evidence of their own work:"


def required_evidence(credential) -> list[str]:
    """The titles of the evidence every earner must submit, in order."""
    return [r.title for r in credential.evidence_requirements.all() if r.required]


def criteria_narrative(
    credential, criteria: list[Criterion], evidence: list[str] | None = None
) -> str:
    """What an earner showed, in Markdown: the competency, the key method, the
    evidence every earner submits and every rubric criterion, each of which
    had to be met."""
    parts = [f"**Competency.** {credential.competency.strip()}"]
    if credential.key_method.strip():
        parts.append(f"**Key method.** {credential.key_method.strip()}")
    evidence = required_evidence(credential) if evidence is None else evidence
    if evidence:
        parts.append(EVIDENCE_HEADING + "\n" + "\n".join(f"- {title}" for title in evidence))
    if criteria:
        lines = [
            f"- {c.title}: {c.description.strip()}" if c.description.strip() else f"- {c.title}"
            for c in criteria
        ]
        parts.append(
            "Earners submit evidence and reflections that an assessor scores against "
            "this rubric; every criterion must be met:\n" + "\n".join(lines)
        )
    return "\n\n".join(parts)


def _alignment(credential) -> dict:
    return {
        "type": ["Alignment"],
        "targetName": f"{credential.title}: competency",
        "targetDescription": credential.competency.strip(),
        "targetUrl": absolute(credential.get_absolute_url()),
        "targetType": "ceasn:Competency",
    }


# --- TrustEd Application Microcredential ---------------------------------------------

# The classification, as the Achievement's ``tag`` carries it (see README, "TrustEd").
TRUSTED_APPLICATION = "TrustEd Application Microcredential"

# The minimum metadata the 1EdTech TrustEd Microcredential Framework asks of an
# Application Microcredential, in its order, as staff and visitors read it.
TRUSTED_ELEMENTS: dict[str, Promise] = {
    "name": gettext_lazy("a name"),
    "description": gettext_lazy("a description"),
    "criteria": gettext_lazy("criteria: the competency the earner demonstrates"),
    "issuer_contact": gettext_lazy("an issuer with a contact email address"),
    "evidence": gettext_lazy("evidence of the learner's work: at least one required piece"),
    "alignment": gettext_lazy(
        "an alignment to a skills or competency framework (Badges: Achievement alignments)"
    ),
    "assessment": gettext_lazy("assessment details: a rubric the evidence is assessed against"),
}


@dataclass(frozen=True)
class TrustEdBasis:
    """What a credential's TrustEd Application Microcredential classification
    rests on, and which required elements it lacks."""

    evidence: list[str]
    criteria: list[str]
    alignments: list[str]
    contact: str
    missing: list[str]

    @property
    def meets(self) -> bool:
        return not self.missing

    @property
    def missing_elements(self) -> list[str]:
        return [str(TRUSTED_ELEMENTS[key]) for key in self.missing]


def trusted_application(
    credential,
    criteria: list[Criterion],
    alignments: list[AlignmentTarget],
    evidence: list[str] | None = None,
) -> TrustEdBasis:
    """Whether the credential has every element of the TrustEd minimum metadata
    for an Application Microcredential. The alignment must be one staff entered
    to an external framework: the alignment to our own competency page that
    every achievement carries does not count."""
    evidence = required_evidence(credential) if evidence is None else evidence
    contact = credential.organization.email or ""
    present = {
        "name": bool(credential.title.strip()),
        "description": bool(credential.summary.strip()),
        "criteria": bool(credential.competency.strip()),
        "issuer_contact": bool(contact),
        "evidence": bool(evidence),
        "alignment": bool(alignments),
        "assessment": bool(criteria),
    }
    return TrustEdBasis(
        evidence=evidence,
        criteria=[c.title for c in criteria],
        alignments=[a.name for a in alignments],
        contact=contact,
        missing=[key for key in TRUSTED_ELEMENTS if not present[key]],
    )


def issued_trusted_application(document: dict) -> TrustEdBasis | None:
    """The classification as an issued credential states it, read back from
    the document itself (None: the credential is not tagged): the evidence
    listed in its criteria, its rubric, its alignments to external frameworks
    and its issuer's contact."""
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict) or TRUSTED_APPLICATION not in (
        achievement.get("tag") or []
    ):
        return None
    criteria = achievement.get("criteria") or {}
    narrative = str(criteria.get("narrative") or "")
    evidence: list[str] = []
    if EVIDENCE_HEADING in narrative:
        section = narrative.split(EVIDENCE_HEADING, 1)[1].split("\n\n", 1)[0]
        evidence = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    own = criteria.get("id")
    issuer = document.get("issuer")
    return TrustEdBasis(
        evidence=evidence,
        criteria=[str(r.get("name")) for r in achievement.get("resultDescription") or []],
        alignments=[
            str(a.get("targetName"))
            for a in achievement.get("alignment") or []
            if a.get("targetUrl") != own
        ],
        contact=str(issuer.get("email") or "") if isinstance(issuer, dict) else "",
        missing=[],
    )


def _result_description_id(credential, criterion_id: int) -> str:
    return f"{achievement_url(credential)}#criterion-{criterion_id}"


def achievement(
    credential, criteria: list[Criterion], alignments: list[AlignmentTarget] | None = None
) -> dict:
    """The Open Badges 3.0 Achievement: what the credential certifies, aligned
    to its competency and to the external frameworks staff entered; tagged a
    TrustEd Application Microcredential when it has that framework's minimum
    metadata."""
    evidence = required_evidence(credential)
    document: dict = {
        "id": achievement_url(credential),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": credential.title,
        "description": credential.summary,
        "criteria": {
            "id": absolute(credential.get_absolute_url()),
            "narrative": criteria_narrative(credential, criteria, evidence),
        },
        "image": {
            "id": image_url(credential),
            "type": "Image",
            "caption": f"Badge: {credential.title}",
        },
        "alignment": [_alignment(credential)] + [_ob3_alignment(a) for a in alignments or []],
    }
    if trusted_application(credential, criteria, alignments or [], evidence).meets:
        document["tag"] = [TRUSTED_APPLICATION]
    if criteria:
        document["resultDescription"] = [
            {
                "id": _result_description_id(credential, c.id),
                "type": ["ResultDescription"],
                "name": c.title,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {
                        "id": f"{_result_description_id(credential, c.id)}-met",
                        "type": ["RubricCriterionLevel"],
                        "name": "Met",
                        **({"description": c.description.strip()} if c.description else {}),
                    },
                    {
                        "id": f"{_result_description_id(credential, c.id)}-not-yet-met",
                        "type": ["RubricCriterionLevel"],
                        "name": "Not yet met",
                    },
                ],
            }
            for c in criteria
        ]
    return document


def results(credential, scores: list[Score]) -> list[dict]:
    """Open Badges 3.0 Results: the level achieved on each rubric criterion.

    Only the marks are published, never the assessor's feedback.
    """
    out = []
    for score in scores:
        if score.met is None:
            continue
        level = "met" if score.met else "not-yet-met"
        rd = _result_description_id(credential, score.criterion_id)
        out.append(
            {
                "type": ["Result"],
                "resultDescription": rd,
                "achievedLevel": f"{rd}-{level}",
                "status": "Completed" if score.met else "InProgress",
            }
        )
    return out


def badgeclass(
    credential, criteria: list[Criterion], alignments: list[AlignmentTarget] | None = None
) -> dict:
    """The Open Badges 2.0 BadgeClass of a micro-credential."""
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badgeclass_url(credential),
        "name": credential.title,
        "description": credential.summary,
        "image": image_url(credential),
        "criteria": {
            "id": absolute(credential.get_absolute_url()),
            "narrative": criteria_narrative(credential, criteria),
        },
        "issuer": issuer_ob2_url(credential.organization),
        "alignment": [
            {
                "targetName": f"{credential.title}: competency",
                "targetUrl": absolute(credential.get_absolute_url()),
                "targetDescription": credential.competency.strip(),
            }
        ]
        + [_ob2_alignment(a) for a in alignments or []],
    }


# --- the credentials --------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """Everything a credential for one award states."""

    badge_uuid: str
    award: Award
    credential: MicroCredential
    subject_id: str
    salt: str
    identity_hash: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None
    status_list: StatusList
    status_index: int
    criteria: list[Criterion]
    scores: list[Score]
    alignments: list[AlignmentTarget] = field(default_factory=list)


def ob3_credential(issue: Issue) -> dict:
    """The OpenBadgeCredential (VC Data Model 2.0), before signing."""
    credential = issue.credential
    organization = credential.organization
    subject = {
        "id": issue.subject_id,
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": issue.identity_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": issue.salt,
            }
        ],
        "achievement": achievement(credential, issue.criteria, issue.alignments),
    }
    earned = results(credential, issue.scores)
    if earned:
        subject["result"] = earned
    document = {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": f"urn:uuid:{issue.badge_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.title,
        "description": credential.summary,
        "issuer": {
            "id": issuer_profile_url(organization),
            "type": ["Profile"],
            **_issuer_fields(organization),
            **_ob3_logo(organization),
        },
        "validFrom": iso(issue.valid_from),
    }
    if issue.valid_until:
        document["validUntil"] = iso(issue.valid_until)
    list_url = status_list_url(issue.status_list)
    document.update(
        {
            "credentialSubject": subject,
            "credentialStatus": {
                "id": f"{list_url}#{issue.status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(issue.status_index),
                "statusListCredential": list_url,
            },
            "credentialSchema": [{"id": OB3_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        }
    )
    return document


def jwt_claims(document: dict) -> dict:
    """The VC-JWT payload: the credential itself plus the registered claims
    Open Badges 3.0 requires (iss, jti, sub, nbf, and exp when it expires)."""
    issuer = document["issuer"]
    claims = {
        **document,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": int(parse_iso(document["validFrom"]).timestamp()),
    }
    if "validUntil" in document:
        claims["exp"] = int(parse_iso(document["validUntil"]).timestamp())
    return claims


def parse_iso(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def ob2_assertion(issue: Issue) -> dict:
    """The Open Badges 2.0 hosted assertion."""
    document = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(issue.award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": issue.salt,
            "identity": issue.identity_hash,
        },
        "badge": badgeclass_url(issue.credential),
        "verification": {"type": "HostedBadge"},
        "issuedOn": iso(issue.valid_from),
    }
    if issue.valid_until:
        document["expires"] = iso(issue.valid_until)
    return document


@dataclass(frozen=True)
class Revoked:
    """A revoked Open Badges 2.0 assertion as the revocation list names it."""

    assertion_id: str
    reason: str


def ob2_revocation_list(organization, revoked: list[Revoked]) -> dict:
    """The issuer's Open Badges 2.0 RevocationList: the assertions it revoked,
    each by its id with the reason (what verifiers of signed assertions read)."""
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": revocation_list_url(organization),
        "issuer": issuer_ob2_url(organization),
        "revokedAssertions": [
            {"id": r.assertion_id, "revocationReason": r.reason} if r.reason else r.assertion_id
            for r in revoked
        ],
    }


def status_list_credential(status_list, encoded_list: str, now: datetime.datetime) -> dict:
    """The BitstringStatusListCredential publishing one revocation list."""
    url = status_list_url(status_list)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile_url(status_list.organization),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
