"""Verify a credential anyone hands us: ours or another issuer's.

Accepted: an Open Badges 3.0 VC-JWT, an Open Badges 3.0 JSON credential with
an embedded Data Integrity proof (``eddsa-rdfc-2022``), an Open Badges 2.0
hosted assertion, and a PNG or SVG badge with any of those baked in. Each
check says passed, failed or not checked, and why, in words for a person.

Documents of this site (keys, status lists, assertions) are read from the
database, exactly as a stranger fetching their URLs would see them. Another
issuer's keys (JWKS or key URLs, ``did:web``), status lists and hosted
assertions, and a credential given by its URL, are fetched with
``core.safe_fetch``; ``did:key`` needs no fetch. Whatever cannot be fetched is
reported as not checked. Nothing here raises on crafted input: every problem
becomes a failed check.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from defusedxml import ElementTree
from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import RSAKey

from core.safe_fetch import FetchError, safe_fetch

from . import baking, crypto, data_integrity, documents, images, selectors
from . import status_list as bitstring
from .schema import check as check_json_schema
from .verification import _resolve_local, verify_token

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = 2 * 1024 * 1024
MAX_FETCH_BYTES = 512 * 1024
FETCH_ACCEPT = (
    "application/vc+jwt, application/ld+json, application/json, image/png, image/svg+xml;q=0.9"
)
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


def fetch(url: str, accept: str = "application/json") -> bytes:
    """Another issuer's document, fetched with the SSRF-safe fetcher."""
    try:
        result = safe_fetch(url, max_bytes=MAX_FETCH_BYTES, headers={"Accept": accept})
    except FetchError as exc:
        raise Unavailable(str(exc)) from exc
    if result.status != 200:
        raise Unavailable(_("%(url)s answered %(status)s.") % {"url": url, "status": result.status})
    if result.truncated:
        raise Unavailable(_("%(url)s is too large.") % {"url": url})
    return result.body


def fetch_json(url: str) -> Any:
    try:
        return json.loads(fetch(url))
    except ValueError as exc:
        raise Unavailable(_("%(url)s is not JSON.") % {"url": url}) from exc


def _key_address(url: str) -> bool:
    """Keys are trusted only from https addresses (plain http only where the
    fetcher is opened to local imitation servers, in tests)."""
    return url.startswith("https://") or (
        url.startswith("http://") and bool(getattr(settings, "SAFE_FETCH_ALLOW_PRIVATE", False))
    )


def did_web_url(did: str) -> str:
    """Where a did:web document lives (DID Web method: https, ``:`` for ``/``,
    ``%3A`` for a port)."""
    parts = did[len("did:web:") :].split(":")
    if not parts or not parts[0]:
        raise Unavailable(_("The did:web is malformed."))
    host = unquote(parts[0])
    path = "/".join(unquote(p) for p in parts[1:])
    scheme = "http" if getattr(settings, "SAFE_FETCH_ALLOW_PRIVATE", False) else "https"
    return f"{scheme}://{host}/{path + '/did.json' if path else '.well-known/did.json'}"


def resolve_method(method: str) -> tuple[dict, str]:
    """The public key (as a JWK) a verification method names, and its
    controller: did:key is read from the identifier itself, did:web and https
    methods are fetched."""
    base, _hash, fragment = method.partition("#")
    if base.startswith("did:key:"):
        try:
            key = data_integrity.public_key_from_multikey(base[len("did:key:") :])
        except data_integrity.ProofError as exc:
            raise Unavailable(str(exc)) from exc
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(key.public_bytes_raw())}, base
    if base.startswith("did:web:"):
        document = fetch_json(did_web_url(base))
    elif _key_address(base):
        document = fetch_json(base)
    else:
        raise Unavailable(_("The key %(method)s cannot be resolved.") % {"method": method[:120]})
    if not isinstance(document, dict):
        raise Unavailable(_("The key document is not an object."))
    candidates = [document]
    for name in ("verificationMethod", "assertionMethod", "keys"):
        value = document.get(name)
        if isinstance(value, list):
            candidates.extend(v for v in value if isinstance(v, dict))
    for candidate in candidates:
        ident = str(candidate.get("id") or candidate.get("kid") or "")
        if ident not in (method, f"#{fragment}", fragment) and candidate is not document:
            continue
        controller = str(candidate.get("controller") or document.get("id") or base)
        if isinstance(candidate.get("publicKeyJwk"), dict):
            return _public(candidate["publicKeyJwk"]), controller
        if isinstance(candidate.get("publicKeyMultibase"), str):
            try:
                key = data_integrity.public_key_from_multikey(candidate["publicKeyMultibase"])
            except data_integrity.ProofError as exc:
                raise Unavailable(str(exc)) from exc
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64(key.public_bytes_raw())}, controller
        if candidate.get("kty"):
            return _public(candidate), controller
    raise Unavailable(_("The key %(method)s was not found.") % {"method": method[:120]})


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


def _local_document(url: str) -> bytes | None:
    """A public award's credential, assertion or baked image named by a URL on
    this site, read as an anonymous visitor would get it (None: not ours)."""
    for view in ("badges:ob3_jwt", "badges:ob3_json", "badges:ob2_assertion", "badges:baked_png"):
        match = _resolve_local(url.split("?")[0], view)
        if match is None:
            continue
        badge = selectors.badge_get_by_award_or_none(award_uuid=match["award_uuid"])
        if badge is None or not badge.is_public:
            raise Unavailable(_("%(url)s answered 404.") % {"url": url})
        if view == "badges:ob3_jwt":
            return badge.ob3_jwt.encode()
        if view == "badges:ob3_json":
            return badge.ob3_json.encode()
        if view == "badges:ob2_assertion":
            return badge.ob2_json.encode()
        return baking.bake(
            images.credential_image(badge.award.credential),
            {baking.OB2_KEYWORD: badge.ob2_json, baking.OB3_KEYWORD: badge.ob3_jwt},
        )
    return None


def _never_raises(function):
    """Crafted input (nesting deep enough to exhaust recursion, types where
    none were expected) becomes a failed check, never a server error; an
    unforeseen error is logged with its traceback all the same."""

    @functools.wraps(function)
    def guarded(*args, **kwargs) -> Report:
        try:
            return function(*args, **kwargs)
        except Exception as exc:
            if not isinstance(exc, RecursionError | ValueError | TypeError | KeyError):
                logger.exception("Verifying a credential failed unexpectedly.")
            report = Report(form=_("unreadable"))
            report.add("format", _("Format"), False, _("The input cannot be read."))
            return report

    return guarded


@_never_raises
def verify_url(url: str, *, now=None) -> Report:
    """Fetch a credential (JSON, VC-JWT or baked image) from its URL and verify it."""
    if not url.startswith(("https://", "http://")):
        report = Report(form=_("unreadable"))
        report.add("format", _("Format"), False, _("Give an http or https address."))
        return report
    try:
        body = _local_document(url)
        if body is None:
            body = fetch(url, accept=FETCH_ACCEPT)
    except Unavailable as exc:
        report = Report(form=_("unreadable"))
        report.add("format", _("Format"), False, str(exc))
        return report
    if body.startswith(baking.PNG_SIGNATURE) or body[:512].lstrip().startswith(b"<"):
        return verify(upload=body, now=now)
    return verify(text=body.decode("utf-8", errors="replace"), now=now)


@_never_raises
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
        payload = _jwt_payload(content)
        if payload is not None and "recipient" in payload and "badge" in payload:
            return verify_ob2_signed(content, payload, report)
        return verify_jwt(content, report, now)
    if content.startswith(("https://", "http://")) and upload is not None:
        # An Open Badges 2.0 image may carry only its assertion's address.
        return verify_url(content, now=now)
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


def _jwt_payload(token: str) -> dict | None:
    try:
        return _b64json(token.split(".")[1])
    except (ValueError, TypeError, IndexError):
        return None


def _ob2_key(creator: str) -> tuple[dict, str | None]:
    """The public key (as a JWK) an Open Badges 2.0 ``verification.creator``
    names: a CryptographicKey with a PEM, or a JWK; one of this site's keys is
    read from the database. With it, the issuer the key says it belongs to
    (its ``owner``), if it says so."""
    local = _resolve_local(creator, "badges:key")
    if local:
        key = selectors.key_get(**local)
        if key is None:
            raise Unavailable(_("%(url)s answered 404.") % {"url": creator})
        return key.public_jwk, documents.issuer_ob2_url(key.organization)
    key_document = fetch_json(creator)
    if not isinstance(key_document, dict):
        raise Unavailable(_("The key document has no publicKeyPem."))
    owner = key_document.get("owner")
    owner = owner if isinstance(owner, str) else None
    pem = key_document.get("publicKeyPem")
    if isinstance(pem, str):
        return crypto.public_jwk(RSAKey.import_key(pem.encode())), owner
    jwk = key_document.get("publicKeyJwk", key_document)
    if isinstance(jwk, dict) and jwk.get("kty") == "RSA":
        return _public(jwk), owner
    raise Unavailable(_("The key document has no publicKeyPem."))


def verify_ob2_signed(token: str, payload: dict, report: Report) -> Report:
    """An Open Badges 2.0 signed assertion: a JWS checked with the key its
    ``verification.creator`` names, then looked up in the revocation list
    its issuer publishes."""
    report.form = _("Open Badges 2.0 signed assertion")
    verification = payload.get("verification")
    creator = verification.get("creator") if isinstance(verification, dict) else None
    try:
        if not isinstance(creator, str) or not (
            _key_address(creator) or _resolve_local(creator, "badges:key")
        ):
            raise Unavailable(_("The assertion names no key (verification.creator)."))
        jwk, key_owner = _ob2_key(creator)
    except (Unavailable, ValueError, TypeError) as exc:
        report.add("signature", _("Signature"), False, str(exc) or _("The key cannot be read."))
        return report
    try:
        crypto.verify_jwt(token, jwk)
    except Exception:  # noqa: BLE001 - any failure to verify is a failed check
        report.add(
            "signature", _("Signature"), False, _("The signature does not match the assertion.")
        )
    else:
        report.add(
            "signature", _("Signature"), True, _("Signed with the key %(key)s.") % {"key": creator}
        )
    try:
        issuer = _ob2_issuer(report, payload, key_owner)
    except Unavailable as exc:
        why = _("Not checked: %(why)s") % {"why": exc}
        report.add("issuer_key", _("Issuer key"), None, why)
        report.add("not_revoked", _("Not revoked"), None, why)
        return report
    report.add("issuer_key", _("Issuer key"), *_ob2_key_belongs(creator, key_owner, issuer))
    _check_ob2_revocation_list(report, payload, issuer)
    return report


def _ob2_issuer(report: Report, payload: dict, key_owner: str | None) -> dict:
    """The Issuer profile of a signed assertion: the BadgeClass names it
    (Open Badges 2.0). When the BadgeClass cannot be had, the issuer the
    signing key belongs to is asked instead."""
    try:
        badge_class = _ob2_document(payload.get("badge"))
    except Unavailable:
        if not key_owner:
            raise
        badge_class = {"issuer": key_owner}
    issuer = badge_class.get("issuer")
    # Always the profile its address serves: an issuer embedded in a signed
    # assertion says only what the signer wrote.
    address = issuer.get("id") if isinstance(issuer, dict) else issuer
    issuer = _ob2_document(address)
    if issuer.get("id") != address:
        raise Unavailable(
            _("The issuer profile at %(url)s gives another address as its id.")
            % {"url": str(address)[:120]}
        )
    report.issuer = report.issuer or str(issuer.get("name") or "")[:200]
    report.achievement = report.achievement or str(badge_class.get("name") or "")[:200]
    return issuer


def _ob2_key_belongs(creator: str, key_owner: str | None, issuer: dict) -> tuple[bool, str]:
    """Whether the issuer the badge names authorised the signing key: without
    this, anyone's key could sign an assertion of another issuer's badge. Its
    profile must list the key among its ``publicKey`` (as the Open Badges 2.0
    validator requires), and a key that names an owner must name this issuer;
    one of this site's keys is checked against its organization instead."""
    issuer_id = issuer.get("id")
    if key_owner and key_owner != issuer_id:
        return False, _("The key belongs to %(owner)s, not to the issuer the badge names.") % {
            "owner": key_owner[:200]
        }
    listed = issuer.get("publicKey")
    for entry in listed if isinstance(listed, list) else [listed]:
        if entry == creator or (isinstance(entry, dict) and entry.get("id") == creator):
            return True, _("The issuer's profile lists this key.")
    if key_owner and _resolve_local(creator, "badges:key"):
        return True, _("The key is one this site publishes for the issuer.")
    return False, _("The issuer's profile does not list this key, so it may not be theirs.")


def _local_ob2(url: str) -> dict | None:
    """This site's Open Badges 2.0 BadgeClass, Issuer or RevocationList named
    by ``url``, as a stranger fetching it would get it (None: not ours)."""
    try:
        if match := _resolve_local(url, "badges:badgeclass"):
            credential = selectors.credential_get(**match)
            # Only the issuer is read from a BadgeClass here.
            return {
                "type": "BadgeClass",
                "id": url,
                "issuer": documents.issuer_ob2_url(credential.organization),
            }
        if match := _resolve_local(url, "badges:issuer_ob2"):
            return documents.issuer_ob2(selectors.organization_get(**match))
        if match := _resolve_local(url, "badges:ob2_revocation_list"):
            organization = selectors.organization_get(**match)
            return documents.ob2_revocation_list(
                organization, selectors.ob2_revoked(organization=organization)
            )
    except Http404 as exc:
        raise Unavailable(_("%(url)s answered 404.") % {"url": url}) from exc
    return None


def _ob2_document(value: Any) -> dict:
    """An Open Badges 2.0 document given embedded or by its address (ours read
    from the database, others fetched)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise Unavailable(_("The document's address is missing or not a web address."))
    local = _local_ob2(value)
    document = local if local is not None else fetch_json(value)
    if not isinstance(document, dict):
        raise Unavailable(_("%(url)s is not JSON.") % {"url": value[:120]})
    return document


def _names_assertion(entry: Any, assertion_id: Any, uid: Any) -> bool:
    if isinstance(entry, str):
        return entry == assertion_id
    if not isinstance(entry, dict):
        return False
    return (isinstance(assertion_id, str) and entry.get("id") == assertion_id) or (
        isinstance(uid, str) and bool(uid) and entry.get("uid") == uid
    )


def _check_ob2_revocation_list(report: Report, payload: dict, issuer: dict) -> None:
    """Look the assertion up in the RevocationList its issuer's profile names."""
    label = _("Not revoked")
    list_url = issuer.get("revocationList")
    if not list_url:
        report.add(
            "not_revoked",
            label,
            True,
            _("The issuer publishes no revocation list, so it has revoked no signed badge."),
        )
        return
    try:
        listing = _ob2_document(list_url)
    except Unavailable as exc:
        report.add("not_revoked", label, None, _("Not checked: %(why)s") % {"why": exc})
        return
    issuer_id = issuer.get("id")
    if listing.get("issuer") not in (None, issuer_id) and not (
        isinstance(listing.get("issuer"), dict) and listing["issuer"].get("id") == issuer_id
    ):
        report.add(
            "not_revoked", label, False, _("The revocation list is published by another issuer.")
        )
        return
    entries = listing.get("revokedAssertions", [])
    if not isinstance(entries, list):
        report.add("not_revoked", label, False, _("The revocation list is malformed."))
        return
    for entry in entries:
        if _names_assertion(entry, payload.get("id"), payload.get("uid")):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            report.add(
                "not_revoked",
                label,
                False,
                _("The issuer has revoked this credential: %(reason)s")
                % {"reason": str(reason)[:500]}
                if reason
                else _("The issuer has revoked this credential."),
            )
            return
    report.add(
        "not_revoked", label, True, _("The issuer's revocation list does not name this assertion.")
    )


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
        check_json_schema(report, payload, from_jwt=True)
        return report

    # Another issuer: the key from the header (jwk, a did:key kid, a kid URL) or the issuer's JWKS.
    jwk, bound, source = _foreign_jwt_key(header, payload)
    report.add("issuer_key", _("Issuer key"), bound, source)
    if jwk is None:
        report.add(
            "signature", _("Signature"), False, _("No key was found to check the signature.")
        )
    else:
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
    check_json_schema(report, payload, from_jwt=True)
    _check_status(report, payload)
    _check_dates(report, payload, now)
    return report


def _foreign_jwt_key(header: dict, payload: dict) -> tuple[dict | None, bool | None, str]:
    """The key to check another issuer's token with, whether it is shown to be
    the issuer's (None: cannot be told), and why."""
    kid = header.get("kid")
    issuer_id = _issuer_id(payload)
    if isinstance(header.get("jwk"), dict):
        return (
            _public(header["jwk"]),
            None,
            _("Not checked: the key is embedded in the token, so nothing ties it to the issuer."),
        )
    if not isinstance(kid, str) or not kid:
        return None, False, _("The token names no key.")
    try:
        jwk, controller = resolve_method(kid)
    except Unavailable as exc:
        return None, False, str(exc)
    if issuer_id and controller == issuer_id:
        return jwk, True, _("The key %(kid)s is the issuer's own.") % {"kid": kid[:120]}
    return (
        jwk,
        False,
        _("The key %(kid)s is not shown to belong to the issuer %(issuer)s.")
        % {"kid": kid[:120], "issuer": (issuer_id or "?")[:120]},
    )


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
    elif not {"OpenBadgeCredential", "AchievementCredential", "ClrCredential"} & set(
        map(str, types)
    ):
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
        _check_bitstring(report, entry, _issuer_id(payload))


def _status_list_problem(listing: Any, issuer_id: str | None) -> tuple[str | None, bool]:
    """What is wrong with another issuer's status list credential (None: nothing),
    and whether it carries a proof that verifies."""
    if not isinstance(listing, dict):
        return _("The status list is not a credential."), False
    if _issuer_id(listing) != issuer_id:
        return _("The status list is published by another issuer."), False
    proofs = data_integrity.proofs_of(listing)
    if not proofs:
        return None, False
    try:
        jwk, controller = resolve_method(str(proofs[0].get("verificationMethod", "")))
        raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        data_integrity.verify(listing, proofs[0], Ed25519PublicKey.from_public_bytes(raw))
    except (Unavailable, data_integrity.ProofError, KeyError, ValueError, TypeError):
        return _("The status list's proof does not verify."), False
    if controller != issuer_id:
        return _("The status list is signed by a key that is not the issuer's."), False
    return None, True


def _check_bitstring(report: Report, entry: dict, issuer_id: str | None) -> None:
    label = _("Not revoked")
    url = entry.get("statusListCredential")
    local = _resolve_local(url, "badges:status_list")
    encoded: Any
    signed = True  # ours is signed and read from the database
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
            problem, signed = _status_list_problem(listing, issuer_id)
            if problem:
                report.add("not_revoked", label, False, problem)
                return
            subject = listing.get("credentialSubject")
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
            "not_revoked",
            label,
            True,
            _("The issuer's status list does not mark it revoked.")
            if signed
            else _("The issuer's status list (which is not signed) does not mark it revoked."),
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
        controller = ""
        try:
            jwk, controller = resolve_method(method)
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise data_integrity.ProofError(_("The key is not an Ed25519 key."))
            key = Ed25519PublicKey.from_public_bytes(
                base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
            )
            data_integrity.verify(document, proof, key)
        except (data_integrity.ProofError, Unavailable) as exc:
            report.add("signature", _("Signature"), False, str(exc))
        except (ValueError, TypeError, KeyError):
            report.add("signature", _("Signature"), False, _("The key cannot be read."))
        else:
            report.add(
                "signature",
                _("Signature"),
                True,
                _("The credential is exactly as the key's holder signed it (eddsa-rdfc-2022)."),
            )
        report.add("issuer_key", _("Issuer key"), *_key_belongs(issuer_id, controller))
    _check_context(report, document)
    check_json_schema(report, document)
    _check_status(report, document)
    _check_dates(report, document, now)
    return report


def _key_belongs(issuer_id: str | None, controller: str) -> tuple[bool, str]:
    """Whether the proof's key (held by ``controller``) is shown to be the issuer's."""
    if issuer_id and controller == issuer_id:
        return True, _("The key is the issuer's own.")
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
            _(
                "Not checked: a signed Open Badges 2.0 assertion is verified in its signed "
                "form (the JWS), not from its JSON."
            ),
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
        if badge.is_revoked and badge.is_public:
            # The reason is public, as on the award's page and in its 410 answer.
            why = _("The issuer has revoked this credential: %(reason)s") % {
                "reason": badge.revocation_reason
            }
        elif badge.is_revoked:
            why = _("The issuer has revoked this credential.")
        else:
            why = _("The issuer has not revoked it.")
        report.add("not_revoked", _("Not revoked"), not badge.is_revoked, why)
        return report
    try:
        if not isinstance(url, str):
            raise Unavailable(_("The assertion has no id to fetch."))
        gone, hosted = _fetch_hosted(url)
    except Unavailable as exc:
        report.add("hosted", _("Hosted assertion"), None, _("Not checked: %(why)s") % {"why": exc})
        return report
    same = isinstance(hosted, dict) and hosted.get("id") == url
    if gone and not same:
        report.add(
            "hosted",
            _("Hosted assertion"),
            None,
            _("Not checked: the issuer answers that the assertion is gone (410)."),
        )
    else:
        report.add(
            "hosted",
            _("Hosted assertion"),
            same,
            _("Matches the assertion the issuer hosts.")
            if same
            else _("The issuer hosts no such assertion."),
        )
    # Open Badges 2.0: a hosted assertion is revoked when its host marks it
    # "revoked" or answers 410 Gone.
    revoked = gone or (isinstance(hosted, dict) and hosted.get("revoked") is True)
    reason = hosted.get("revocationReason") if isinstance(hosted, dict) else None
    if revoked and isinstance(reason, str) and reason.strip():
        why = _("The issuer has revoked this credential: %(reason)s") % {"reason": reason[:500]}
    elif revoked:
        why = _("The issuer has revoked this credential.")
    else:
        why = _("The issuer has not revoked it.")
    report.add("not_revoked", _("Not revoked"), not revoked, why)
    return report


def _fetch_hosted(url: str) -> tuple[bool, Any]:
    """A hosted assertion from its host: whether the host answered 410 Gone,
    and the JSON it sent (None when a 410 came without JSON)."""
    try:
        result = safe_fetch(url, max_bytes=MAX_FETCH_BYTES, headers={"Accept": "application/json"})
    except FetchError as exc:
        raise Unavailable(str(exc)) from exc
    if result.status not in (200, 410):
        raise Unavailable(_("%(url)s answered %(status)s.") % {"url": url, "status": result.status})
    if result.truncated:
        raise Unavailable(_("%(url)s is too large.") % {"url": url})
    try:
        body = json.loads(result.body)
    except ValueError as exc:
        if result.status == 410:
            return True, None
        raise Unavailable(_("%(url)s is not JSON.") % {"url": url}) from exc
    return result.status == 410, body
