"""Server-side verification of an Open Badges 3.0 VC-JWT, check by check.

The token is taken as a stranger would see it: the key is found from the
``kid`` in its header, the revocation bit from the status list its
``credentialStatus`` names, and the dates from its own claims. Only the
lookups are local (the URLs must be on this site), so the result says what
a verifier fetching those URLs would find.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from . import crypto, documents, selectors
from . import status_list as bitstring


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def add(self, key: str, label: str, passed: bool, detail: str) -> None:
        self.checks.append(Check(key=key, label=label, passed=passed, detail=detail))


def _resolve_local(url: object, view_name: str) -> dict[str, Any] | None:
    """The URL's kwargs if it is one of ours and names ``view_name``."""
    if not isinstance(url, str):
        return None
    site, target = urlsplit(settings.SITE_URL), urlsplit(url)
    if (target.scheme, target.netloc) != (site.scheme, site.netloc):
        return None
    prefix = site.path.rstrip("/")
    path = target.path[len(prefix) :] if prefix and target.path.startswith(prefix) else target.path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs if match.view_name == view_name else None


def _day(moment: datetime.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), _("F j, Y"))


def _segment(token: str, number: int) -> dict:
    part = token.split(".")[number]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def verify_token(
    token: str, *, now: datetime.datetime | None = None, show_dates: bool = True
) -> Verification:
    """Check an OpenBadgeCredential VC-JWT: issuer key, signature, contents,
    revocation status and validity dates.

    ``show_dates=False`` checks the dates all the same but leaves them out of
    the wording, for a private award verified by someone other than its earner.
    """
    now = now or timezone.now()
    result = Verification()
    try:
        header, payload = _segment(token, 0), _segment(token, 1)
    except (ValueError, IndexError, TypeError):
        result.add("format", _("Format"), False, _("This is not a compact JWS (VC-JWT)."))
        return result

    # Issuer key: the kid must be a key this site publishes for the issuer.
    kid = header.get("kid")
    key_args = _resolve_local(kid, "badges:key")
    key = selectors.key_get(**key_args) if key_args else None
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if key is None:
        result.add(
            "issuer_key",
            _("Issuer key"),
            False,
            _("The signing key is not one this site publishes."),
        )
    elif (
        issuer_id != documents.issuer_profile_url(key.organization)
        or payload.get("iss") != issuer_id
    ):
        result.add(
            "issuer_key",
            _("Issuer key"),
            False,
            _("The key belongs to %(organization)s, not to the issuer the credential names.")
            % {"organization": key.organization.name},
        )
    else:
        if key.retired_at:
            detail = _(
                "Signed with a published key of %(organization)s (retired, still published)."
            )
        else:
            detail = _("Signed with a published key of %(organization)s (current).")
        result.add(
            "issuer_key",
            _("Issuer key"),
            True,
            detail % {"organization": key.organization.name},
        )

    # Signature.
    signed = False
    if key is None:
        result.add(
            "signature", _("Signature"), False, _("No published key to check the signature.")
        )
    elif header.get("alg") != key.algorithm:
        result.add(
            "signature",
            _("Signature"),
            False,
            _("Unexpected algorithm %(algorithm)r.") % {"algorithm": header.get("alg")},
        )
    else:
        try:
            crypto.verify_jwt(token, key.public_jwk)
        except Exception:  # noqa: BLE001 - any failure to verify is a failed check
            result.add(
                "signature",
                _("Signature"),
                False,
                _("The signature does not match the credential."),
            )
        else:
            signed = True
            result.add(
                "signature",
                _("Signature"),
                True,
                _("The credential is exactly as the issuer signed it (%(algorithm)s).")
                % {"algorithm": key.algorithm},
            )

    # Contents: the registered claims agree with the credential they carry.
    problems = []
    if not {"OpenBadgeCredential", "ClrCredential"} & set(payload.get("type") or []):
        problems.append(_("it is not an OpenBadgeCredential"))
    if payload.get("jti") != payload.get("id"):
        problems.append(_("jti differs from id"))
    subject = payload.get("credentialSubject") or {}
    if payload.get("sub") != subject.get("id"):
        problems.append(_("sub differs from credentialSubject.id"))
    try:
        valid_from = documents.parse_iso(payload["validFrom"])
        if payload.get("nbf") != int(valid_from.timestamp()):
            problems.append(_("nbf differs from validFrom"))
    except (KeyError, ValueError, TypeError, AttributeError):
        valid_from = None
        problems.append(_("validFrom is missing"))
    valid_until = None
    if "validUntil" in payload:
        try:
            valid_until = documents.parse_iso(payload["validUntil"])
        except (ValueError, TypeError, AttributeError):
            problems.append(_("validUntil is not a date"))
        else:
            if payload.get("exp") != int(valid_until.timestamp()):
                problems.append(_("exp differs from validUntil"))
    if problems:
        detail = _("Inconsistent: %(problems)s.") % {"problems": "; ".join(problems)}
    elif not signed:
        detail = _("Not trusted: the signature did not verify.")
    else:
        detail = _("The registered claims (iss, jti, sub, nbf, exp) match the credential.")
    result.add("contents", _("Credential data"), signed and not problems, detail)

    # Revocation: the bit at statusListIndex in the status list named.
    status = payload.get("credentialStatus") or {}
    list_args = _resolve_local(status.get("statusListCredential"), "badges:status_list")
    status_list = selectors.status_list_get(**list_args) if list_args else None
    if status.get("type") != "BitstringStatusListEntry" or status_list is None:
        result.add("not_revoked", _("Not revoked"), False, _("The status list could not be found."))
    else:
        try:
            index = int(status.get("statusListIndex", ""))
            revoked = bitstring.is_set(
                bitstring.decode(selectors.status_list_encoded(status_list)), index
            )
        except (TypeError, ValueError, IndexError):
            result.add(
                "not_revoked", _("Not revoked"), False, _("The status list index is invalid.")
            )
        else:
            result.add(
                "not_revoked",
                _("Not revoked"),
                not revoked,
                _("The issuer has revoked this credential.")
                if revoked
                else _("The issuer's status list does not mark it revoked."),
            )

    # Dates.
    if valid_from is not None and now < valid_from:
        result.add("not_expired", _("Not expired"), False, _("The credential is not valid yet."))
    elif valid_until is not None and now >= valid_until:
        result.add(
            "not_expired",
            _("Not expired"),
            False,
            _("Expired on %(date)s.") % {"date": _day(valid_until)}
            if show_dates
            else _("The credential has expired."),
        )
    elif not show_dates:
        result.add(
            "not_expired", _("Not expired"), True, _("The credential is within its validity.")
        )
    else:
        result.add(
            "not_expired",
            _("Not expired"),
            True,
            _("Valid until %(date)s.") % {"date": _day(valid_until)}
            if valid_until
            else _("Does not expire."),
        )
    return result
