"""Verify a credential anyone hands us: ours or another issuer's.

Accepted: an Open Badges 3.0 VC-JWT, an Open Badges 3.0 JSON credential with
an embedded Data Integrity proof (``eddsa-rdfc-2022``), an Open Badges 2.0
hosted assertion, and a PNG or SVG badge with any of those baked in. Each
check says passed, failed or not checked, and why, in words for a person.

Documents of this site (keys, status lists, assertions) are read from the
database, exactly as a stranger fetching their URLs would see them. Another
issuer's keys and status lists are fetched with ``core.safe_fetch`` when it is
available; without it they are reported as not checked. Nothing here raises
on crafted input: every problem becomes a failed check.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree
from django.utils import timezone
from django.utils.translation import gettext as _

from . import baking, crypto, data_integrity, documents, selectors
from . import status_list as bitstring
from .verification import _resolve_local, verify_token

MAX_INPUT_BYTES = 2 * 1024 * 1024
MAX_FETCH_BYTES = 512 * 1024
OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
LEGACY_STATUS = {"1EdTechRevocationList", "StatusList2021Entry", "RevocationList2020Status"}


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    passed: bool | None  # None: not checked
    detail: str

    @property
    def state(self) -> str:
        return {True: "passed", False: "failed", None: "unchecked"}[self.passed]


@dataclass
class Report:
    form: str = ""
    issuer: str = ""
    achievement: str = ""
    checks: list[Outcome] = field(default_factory=list)

    def add(self, key: str, label: str, passed: bool | None, detail: str) -> None:
        self.checks.append(Outcome(key=key, label=label, passed=passed, detail=detail))

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> bool:
        return any(c.passed is False for c in self.checks)

    def as_dict(self) -> dict:
        return {
            "verified": self.passed,
            "form": self.form,
            "issuer": self.issuer,
            "achievement": self.achievement,
            "checks": [
                {"check": c.key, "label": c.label, "result": c.state, "detail": c.detail}
                for c in self.checks
            ],
        }


# --- fetching other issuers' documents ---------------------------------------------------


class Unavailable(Exception):
    """The document could not be had; the message says why."""


def fetch_json(url: str) -> Any:
    """Another issuer's JSON document, fetched with the SSRF-safe fetcher."""
    try:
        from core.safe_fetch import FetchError, safe_fetch  # noqa: PLC0415
    except ImportError as exc:  # the fetcher is not installed on this site
        raise Unavailable(_("This site does not fetch other issuers' documents.")) from exc
    try:
        result = safe_fetch(url, max_bytes=MAX_FETCH_BYTES, headers={"Accept": "application/json"})
    except FetchError as exc:
        raise Unavailable(str(exc)) from exc
    if result.status != 200 or result.truncated:
        raise Unavailable(_("%(url)s answered %(status)s.") % {"url": url, "status": result.status})
    try:
        return json.loads(result.body)
    except ValueError as exc:
        raise Unavailable(_("%(url)s is not JSON.") % {"url": url}) from exc


# --- taking the input apart --------------------------------------------------------------


def _b64json(part: str) -> dict:
    value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _is_jwt(text: str) -> bool:
    parts = text.split(".")
    if len(parts) != 3:
        return False
    try:
        _b64json(parts[0])
    except (ValueError, TypeError):
        return False
    return True


def extract_from_png(data: bytes) -> str:
    texts: dict[str, str] = {}
    for kind, body in baking.iter_chunks(data):
        if kind == b"iTXt":
            keyword, _sep, rest = body.partition(b"\x00")
            # flag, method, language\0, translated keyword\0, text
            if len(rest) < 2 or rest[0] != 0:
                continue
            text = rest[2:].split(b"\x00", 2)
            if len(text) == 3:
                texts[keyword.decode("latin-1")] = text[2].decode("utf-8", errors="replace")
    for keyword in (baking.OB3_KEYWORD, baking.OB2_KEYWORD):
        if keyword in texts:
            return texts[keyword].strip()
    raise ValueError(_("The image carries no Open Badges data."))


def extract_from_svg(data: bytes) -> str:
    root = ElementTree.fromstring(data)
    for tag in (f"{{{OB3_NS}}}credential", f"{{{OB2_NS}}}assertion"):
        element = root.find(f".//{tag}")
        if element is not None:
            text = (element.text or "").strip()
            if text:
                return text
            verify = element.get("verify", "").strip()
            if verify:
                return verify
    raise ValueError(_("The image carries no Open Badges data."))


def extract(*, text: str = "", upload: bytes | None = None) -> str:
    """The credential text inside what was given (raises ValueError with a reason)."""
    if upload is not None:
        if len(upload) > MAX_INPUT_BYTES:
            raise ValueError(_("The file is larger than 2 MB."))
        if upload.startswith(baking.PNG_SIGNATURE):
            return extract_from_png(upload)
        head = upload[:512].lstrip()
        if head.startswith(b"<"):
            return extract_from_svg(upload)
        raise ValueError(_("Upload a PNG or SVG badge image."))
    if len(text.encode()) > MAX_INPUT_BYTES:
        raise ValueError(_("The text is longer than 2 MB."))
    return text.strip()


# --- verifying -----------------------------------------------------------------------------


def verify(*, text: str = "", upload: bytes | None = None, now=None) -> Report:
    """Verify what was pasted or uploaded and report each check."""
    report = Report()
    now = now or timezone.now()
    try:
        content = extract(text=text, upload=upload)
    except (ValueError, ElementTree.ParseError, SyntaxError) as exc:
        report.form = _("unreadable")
        report.add("format", _("Format"), False, str(exc) or _("The input cannot be read."))
        return report
    except Exception:  # noqa: BLE001 - defusedxml refuses entities with its own errors
        report.form = _("unreadable")
        report.add("format", _("Format"), False, _("The input cannot be read."))
        return report
    if _is_jwt(content):
        return verify_jwt(content, report, now)
    try:
        document = json.loads(content)
    except ValueError:
        report.form = _("unreadable")
        report.add(
            "format",
            _("Format"),
            False,
            _("This is neither a VC-JWT nor a JSON credential."),
        )
        return report
    if not isinstance(document, dict):
        report.add("format", _("Format"), False, _("The JSON is not a credential object."))
        return report
    if document.get("type") == "Assertion" or "recipient" in document:
        return verify_ob2(document, report)
    return verify_json(document, report, now)


def _describe(report: Report, payload: dict) -> None:
    issuer = payload.get("issuer")
    if isinstance(issuer, dict):
        report.issuer = str(issuer.get("name") or issuer.get("id") or "")[:200]
    elif isinstance(issuer, str):
        report.issuer = issuer[:200]
    subject = payload.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(achievement, dict):
        report.achievement = str(achievement.get("name") or "")[:200]
    elif payload.get("name"):
        report.achievement = str(payload.get("name"))[:200]


def _issuer_id(payload: dict) -> str | None:
    issuer = payload.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def verify_jwt(token: str, report: Report, now) -> Report:
    report.form = _("Open Badges 3.0 VC-JWT")
    try:
        header = _b64json(token.split(".")[0])
        payload = _b64json(token.split(".")[1])
    except (ValueError, TypeError):
        report.add("format", _("Format"), False, _("This is not a compact JWS (VC-JWT)."))
        return report
    if isinstance(payload.get("vc"), dict):  # VC Data Model 1.1 style JWT
        payload = {**payload["vc"], **{k: v for k, v in payload.items() if k != "vc"}}
    _describe(report, payload)
    if _resolve_local(header.get("kid"), "badges:key"):
        ours = verify_token(token, now=now)
        for check in ours.checks:
            report.add(check.key, check.label, check.passed, check.detail)
        _check_context(report, payload)
        return report

    # Another issuer: the key from the header (jwk, a did:key kid, a kid URL) or the issuer's JWKS.
    jwk, source = _foreign_jwt_key(header, payload)
    if jwk is None:
        report.add("issuer_key", _("Issuer key"), False, source)
        report.add(
            "signature", _("Signature"), False, _("No key was found to check the signature.")
        )
    else:
        report.add("issuer_key", _("Issuer key"), True, source)
        alg = header.get("alg")
        if alg != crypto.algorithm_of(jwk):
            report.add(
                "signature",
                _("Signature"),
                False,
                _("Unexpected algorithm %(algorithm)r for this key.") % {"algorithm": alg},
            )
        else:
            try:
                crypto.verify_jwt(token, jwk)
            except Exception:  # noqa: BLE001 - any failure to verify is a failed check
                report.add(
                    "signature",
                    _("Signature"),
                    False,
                    _("The signature does not match the credential."),
                )
            else:
                report.add(
                    "signature",
                    _("Signature"),
                    True,
                    _("The credential is exactly as the key's holder signed it (%(alg)s).")
                    % {"alg": alg},
                )
    issuer_id = _issuer_id(payload)
    if payload.get("iss") is not None and payload.get("iss") != issuer_id:
        report.add("contents", _("Credential data"), False, _("iss differs from the issuer."))
    _check_context(report, payload)
    _check_status(report, payload)
    _check_dates(report, payload, now)
    return report


def _foreign_jwt_key(header: dict, payload: dict) -> tuple[dict | None, str]:
    kid = header.get("kid")
    issuer_id = _issuer_id(payload)
    if isinstance(header.get("jwk"), dict):
        return _public(header["jwk"]), _(
            "The key is embedded in the token; nothing ties it to the issuer beyond the token."
        )
    if isinstance(kid, str) and kid.startswith("did:key:"):
        try:
            key = data_integrity.public_key_from_multikey(kid.split("#")[0][len("did:key:") :])
        except data_integrity.ProofError as exc:
            return None, str(exc)
        raw = key.public_bytes_raw()
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
        if issuer_id and kid.split("#")[0] == issuer_id:
            return jwk, _("The issuer is the did:key that signed it.")
        return jwk, _("Signed with %(kid)s.") % {"kid": kid.split("#")[0][:80]}
    try:
        if isinstance(kid, str) and kid.startswith("https://"):
            document = fetch_json(kid)
            keys = document.get("keys") if isinstance(document, dict) else None
            for jwk in keys if isinstance(keys, list) else [document]:
                if isinstance(jwk, dict) and jwk.get("kty"):
                    return _public(jwk), _("The key %(kid)s was fetched from the issuer.") % {
                        "kid": kid[:120]
                    }
    except Unavailable as exc:
        return None, str(exc)
    return None, _("The token names no key that could be found.")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _public(jwk: dict) -> dict:
    if jwk.get("kty") == "RSA":
        return {"kty": "RSA", "n": jwk.get("n"), "e": jwk.get("e")}
    return {"kty": jwk.get("kty"), "crv": jwk.get("crv"), "x": jwk.get("x")}


def _check_context(report: Report, payload: dict) -> None:
    """Every context must be one we hold, and the credential must be an Open Badge."""
    contexts = payload.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    unknown = [
        str(c)[:120]
        for c in contexts
        if isinstance(c, str) and c not in data_integrity.BUNDLED_CONTEXTS
    ]
    types = payload.get("type")
    types = types if isinstance(types, list) else [types]
    if unknown:
        report.add(
            "schema",
            _("Open Badges structure"),
            False,
            _("Unknown JSON-LD context: %(contexts)s.") % {"contexts": ", ".join(unknown)},
        )
    elif not {"OpenBadgeCredential", "AchievementCredential"} & set(map(str, types)):
        report.add(
            "schema",
            _("Open Badges structure"),
            False,
            _("It is not an OpenBadgeCredential."),
        )
    elif not _issuer_id(payload) or not isinstance(payload.get("credentialSubject"), dict):
        report.add(
            "schema",
            _("Open Badges structure"),
            False,
            _("The issuer or the credential subject is missing."),
        )
    else:
        report.add(
            "schema",
            _("Open Badges structure"),
            True,
            _("An OpenBadgeCredential with Open Badges 3.0 contexts, an issuer and a subject."),
        )


def _check_status(report: Report, payload: dict) -> None:
    label = _("Not revoked")
    status = payload.get("credentialStatus")
    entries = status if isinstance(status, list) else [status] if status else []
    if not entries:
        report.add("not_revoked", label, True, _("The credential has no revocation status."))
        return
    for entry in entries:
        if not isinstance(entry, dict):
            report.add("not_revoked", label, False, _("The status entry is malformed."))
            return
        kind = str(entry.get("type"))
        if kind in LEGACY_STATUS:
            report.add(
                "not_revoked",
                label,
                None,
                _("Not checked: %(type)s is a status method this verifier does not read.")
                % {"type": kind},
            )
            continue
        if kind != "BitstringStatusListEntry":
            report.add(
                "not_revoked",
                label,
                None,
                _("Not checked: unknown status method %(type)s.") % {"type": kind[:60]},
            )
            continue
        _check_bitstring(report, entry)


def _check_bitstring(report: Report, entry: dict) -> None:
    label = _("Not revoked")
    url = entry.get("statusListCredential")
    local = _resolve_local(url, "badges:status_list")
    encoded: Any
    try:
        index = int(entry.get("statusListIndex", ""))
        if local:
            status_list = selectors.status_list_get(**local)
            if status_list is None:
                raise Unavailable(_("The status list could not be found."))
            encoded = selectors.status_list_encoded(status_list)
        else:
            if not isinstance(url, str):
                raise Unavailable(_("The status list could not be found."))
            listing = fetch_json(url)
            subject = listing.get("credentialSubject") if isinstance(listing, dict) else None
            encoded = subject.get("encodedList") if isinstance(subject, dict) else None
            if not isinstance(encoded, str):
                raise Unavailable(_("The status list has no encoded list."))
        revoked = bitstring.is_set(bitstring.decode(encoded), index)
    except Unavailable as exc:
        report.add("not_revoked", label, None, _("Not checked: %(why)s") % {"why": exc})
        return
    except (TypeError, ValueError, IndexError, OSError, EOFError):
        report.add("not_revoked", label, False, _("The status list index is invalid."))
        return
    purpose = entry.get("statusPurpose", "revocation")
    if revoked:
        report.add(
            "not_revoked",
            label,
            False,
            _("The issuer has revoked this credential.")
            if purpose == "revocation"
            else _("The issuer has suspended this credential."),
        )
    else:
        report.add(
            "not_revoked", label, True, _("The issuer's status list does not mark it revoked.")
        )


def _check_dates(report: Report, payload: dict, now: datetime.datetime) -> None:
    label = _("Not expired")
    try:
        valid_from = documents.parse_iso(payload["validFrom"]) if "validFrom" in payload else None
        valid_until = (
            documents.parse_iso(payload["validUntil"]) if "validUntil" in payload else None
        )
        if valid_from and valid_from.tzinfo is None or valid_until and valid_until.tzinfo is None:
            raise ValueError("naive")
    except (ValueError, TypeError, AttributeError):
        report.add("not_expired", label, False, _("The validity dates are not dates."))
        return
    if valid_from and now < valid_from:
        report.add("not_expired", label, False, _("The credential is not valid yet."))
    elif valid_until and now >= valid_until:
        report.add(
            "not_expired",
            label,
            False,
            _("Expired on %(date)s.") % {"date": valid_until.date().isoformat()},
        )
    else:
        report.add(
            "not_expired",
            label,
            True,
            _("Valid until %(date)s.") % {"date": valid_until.date().isoformat()}
            if valid_until
            else _("Does not expire."),
        )


def verify_json(document: dict, report: Report, now) -> Report:
    """An Open Badges 3.0 credential with an embedded Data Integrity proof."""
    report.form = _("Open Badges 3.0 JSON with a Data Integrity proof")
    _describe(report, document)
    proofs = data_integrity.proofs_of(document)
    issuer_id = _issuer_id(document)
    if not proofs:
        report.add("signature", _("Signature"), False, _("The credential has no embedded proof."))
    else:
        proof = proofs[0]
        method = str(proof.get("verificationMethod", ""))
        key = None
        try:
            if not method.startswith("did:key:"):
                raise data_integrity.ProofError(
                    _("Only did:key verification methods are resolved here.")
                )
            multikey = method.split("#")[0][len("did:key:") :]
            key = data_integrity.public_key_from_multikey(multikey)
            data_integrity.verify(document, proof, key)
        except data_integrity.ProofError as exc:
            report.add("signature", _("Signature"), False, str(exc))
        else:
            report.add(
                "signature",
                _("Signature"),
                True,
                _("The credential is exactly as the key's holder signed it (eddsa-rdfc-2022)."),
            )
        report.add("issuer_key", _("Issuer key"), *_key_belongs(issuer_id, method))
    _check_context(report, document)
    _check_status(report, document)
    _check_dates(report, document, now)
    return report


def _key_belongs(issuer_id: str | None, method: str) -> tuple[bool, str]:
    """Whether the proof's key is shown to be the issuer's."""
    controller = method.split("#")[0]
    if issuer_id and controller == issuer_id:
        return True, _("The issuer is the did:key that signed it.")
    local = _resolve_local(issuer_id, "badges:issuer_profile")
    if local and controller.startswith("did:key:"):
        organization = selectors.organization_get_or_none(org_uuid=local["org_uuid"])
        if organization is not None:
            for key in selectors.published_keys(organization=organization):
                if key.public_jwk.get("kty") == "OKP" and controller == "did:key:" + _multikey(
                    key.public_jwk
                ):
                    return True, _("Signed with a published key of %(organization)s.") % {
                        "organization": organization.name
                    }
            return False, _("The key is not one %(organization)s publishes.") % {
                "organization": organization.name
            }
    return False, _("Nothing shows that the signing key belongs to the issuer.")


def _multikey(jwk: dict) -> str:
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    return "z" + data_integrity.base58.b58encode(data_integrity.ED25519_MULTICODEC + raw).decode()


def verify_ob2(document: dict, report: Report) -> Report:
    """An Open Badges 2.0 assertion: hosted ones are checked against their host."""
    report.form = _("Open Badges 2.0 assertion")
    verification = document.get("verification")
    kind = verification.get("type") if isinstance(verification, dict) else None
    if kind not in ("HostedBadge", "hosted"):
        report.add(
            "hosted",
            _("Hosted assertion"),
            None,
            _("Not checked: signed Open Badges 2.0 assertions are not verified here."),
        )
        return report
    url = document.get("id")
    local = _resolve_local(url, "badges:ob2_assertion")
    if local:
        badge = selectors.badge_get_by_award_or_none(award_uuid=local["award_uuid"])
        if badge is None:
            report.add("hosted", _("Hosted assertion"), False, _("The issuer has no such award."))
            return report
        report.issuer = badge.award.credential.organization.name
        report.achievement = badge.award.credential.title
        same = json.loads(badge.ob2_json) == {
            k: v for k, v in document.items() if k not in ("revoked", "revocationReason")
        }
        report.add(
            "hosted",
            _("Hosted assertion"),
            same,
            _("Matches the assertion the issuer hosts.")
            if same
            else _("Differs from the assertion the issuer hosts."),
        )
        report.add(
            "not_revoked",
            _("Not revoked"),
            not badge.is_revoked,
            _("The issuer has revoked this credential.")
            if badge.is_revoked
            else _("The issuer has not revoked it."),
        )
        return report
    try:
        if not isinstance(url, str):
            raise Unavailable(_("The assertion has no id to fetch."))
        hosted = fetch_json(url)
    except Unavailable as exc:
        report.add("hosted", _("Hosted assertion"), None, _("Not checked: %(why)s") % {"why": exc})
        return report
    same = isinstance(hosted, dict) and hosted.get("id") == url
    report.add(
        "hosted",
        _("Hosted assertion"),
        same,
        _("Matches the assertion the issuer hosts.")
        if same
        else _("The issuer hosts no such assertion."),
    )
    revoked = isinstance(hosted, dict) and bool(hosted.get("revoked"))
    report.add(
        "not_revoked",
        _("Not revoked"),
        not revoked,
        _("The issuer has revoked this credential.")
        if revoked
        else _("The issuer has not revoked it."),
    )
    return report
