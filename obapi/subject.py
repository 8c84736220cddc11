"""Whether an imported credential names the learner who imports it.

A credential says whom it was issued to in a few ways: Open Badges 3.0 gives
``credentialSubject.id`` (an email only as a ``mailto:`` address) and
``credentialSubject.identifier`` (IdentityObjects: an email address in the
clear, or hashed as ``sha256$`` + hex(SHA-256(address + salt))); Open Badges
2.0 gives ``recipient`` (``email``, in the clear or hashed with ``sha256$``
or ``md5$`` and an optional salt). We compare each email identity with the
learner's verified email addresses; nothing else (a DID, a student number)
can be tied to an account here.

Pure functions: no database, no network.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MATCHED = "matched"
MISMATCH = "mismatch"
NO_IDENTIFIER = "no_identifier"


@dataclass(frozen=True)
class EmailIdentity:
    """One email identity a credential states: in the clear or hashed."""

    value: str
    hashed: bool
    salt: str = ""

    def is_of(self, address: str) -> bool:
        if not self.hashed:
            return self.value.strip().lower() == address.strip().lower()
        algorithm, _sep, digest = self.value.partition("$")
        if algorithm.lower() not in ("sha256", "md5") or not digest:
            return False
        # Issuers hash the address as they hold it; most lower-case it first.
        for candidate in {address.strip(), address.strip().lower()}:
            computed = hashlib.new(
                algorithm.lower(), (candidate + self.salt).encode(), usedforsecurity=False
            ).hexdigest()
            if hmac.compare_digest(computed, digest.strip().lower()):
                return True
        return False


@dataclass(frozen=True)
class Match:
    result: str  # MATCHED, MISMATCH or NO_IDENTIFIER
    email: str = ""  # the learner's address that matched


def _subjects(payload: dict) -> list[dict]:
    subject = payload.get("credentialSubject")
    if isinstance(subject, dict):
        return [subject]
    if isinstance(subject, list):
        return [s for s in subject if isinstance(s, dict)]
    return []


def _mailto(value: Any) -> EmailIdentity | None:
    if isinstance(value, str) and value.lower().startswith("mailto:") and "@" in value:
        return EmailIdentity(value=value[len("mailto:") :].split("?")[0], hashed=False)
    return None


def email_identities(payload: dict) -> list[EmailIdentity]:
    """Every email identity the credential states for its subject or recipient."""
    found: list[EmailIdentity] = []
    for subject in _subjects(payload):
        if identity := _mailto(subject.get("id")):
            found.append(identity)
        identifiers = subject.get("identifier")
        if isinstance(identifiers, dict):
            identifiers = [identifiers]
        for item in identifiers if isinstance(identifiers, list) else []:
            if not isinstance(item, dict) or item.get("identityType") != "emailAddress":
                continue
            value = item.get("identityHash")
            if isinstance(value, str) and value.strip():
                found.append(
                    EmailIdentity(
                        value=value.strip(),
                        hashed=item.get("hashed") is True,
                        salt=str(item.get("salt") or ""),
                    )
                )
    if identity := _mailto(payload.get("sub")):
        found.append(identity)
    recipient = payload.get("recipient")
    if isinstance(recipient, dict) and str(recipient.get("type", "email")).lower() == "email":
        value = recipient.get("identity")
        if isinstance(value, str) and value.strip():
            found.append(
                EmailIdentity(
                    value=value.strip(),
                    hashed=recipient.get("hashed") is True,
                    salt=str(recipient.get("salt") or ""),
                )
            )
    return found


def match(payload: dict, addresses: Iterable[str]) -> Match:
    """Whether the credential names one of ``addresses`` (the learner's
    verified email addresses), and which."""
    identities = email_identities(payload)
    if not identities:
        return Match(NO_IDENTIFIER)
    for address in addresses:
        if any(identity.is_of(address) for identity in identities):
            return Match(MATCHED, email=address)
    return Match(MISMATCH)
