"""JSON Schema validation of Open Badges 3.0 credentials and profiles.

The schemas in ``badges/schemas/`` are our own, written from the Open Badges
3.0 (and CLR 2.0) data model; they are loaded once per process. Validation
answers a short list of problems, each a JSON path and a sentence a person can
read, in the order the schema finds them. Crafted input (any JSON value,
nesting deep enough to exhaust recursion) is a problem, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# jsonschema ships no type information (and its stubs package is not installed).
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    best_match,
)
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CREDENTIAL_SCHEMA = "urn:microcredentials:schema:ob-v3p0:achievementcredential"
PROFILE_SCHEMA = "urn:microcredentials:schema:ob-v3p0:profile"
CLR_SCHEMA = "urn:microcredentials:schema:clr-v2p0:clrcredential"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

# How many problems a report lists; the count says how many more there were.
SHOWN = 3
# Validation stops counting here: a hostile document can have millions.
COUNTED = 50

# The schemas name their own explanations (``x-error``) by key, so that the
# sentences go through translation like every other message.
EXPLANATIONS: dict[str, Promise] = {
    "context": gettext_lazy("a context must be a URI or an object"),
    "vc-context": gettext_lazy(
        "the first context must be the Verifiable Credentials context "
        "(https://www.w3.org/ns/credentials/v2, or https://www.w3.org/2018/credentials/v1)"
    ),
    "ob3-context": gettext_lazy(
        "the contexts must include the Open Badges 3.0 context "
        "(https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)"
    ),
    "clr-context": gettext_lazy(
        "the contexts must include the CLR 2.0 context "
        "(https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json)"
    ),
    "types": gettext_lazy("a type must be a string or a non-empty list of strings"),
    "credential-type": gettext_lazy(
        "the types must include OpenBadgeCredential (or AchievementCredential)"
    ),
    "valid-from": gettext_lazy("validFrom (or, in a VC 1.1 credential, issuanceDate) is required"),
    "achievement-type": gettext_lazy(
        "%(value)s is not an Open Badges 3.0 achievement type, nor an extension (ext:Name)"
    ),
    "alignment-type": gettext_lazy(
        "%(value)s is not an Open Badges 3.0 alignment target type, nor an extension (ext:Name)"
    ),
    "identifier-type": gettext_lazy(
        "%(value)s is not an Open Badges 3.0 identifier type, nor an extension (ext:Name)"
    ),
    "result-type": gettext_lazy(
        "%(value)s is not an Open Badges 3.0 result type, nor an extension (ext:Name)"
    ),
    "issuer": gettext_lazy("the issuer must be a URI or a Profile object"),
    "criteria": gettext_lazy("the criteria need an id or a narrative"),
    "typed-objects": gettext_lazy("must be an object with a type, or a list of them"),
    "credential-schema": gettext_lazy(
        "must be a credential schema (id and type), or a list of them"
    ),
    "credential-status": gettext_lazy("must be a status entry with a type, or a list of them"),
    "proof": gettext_lazy("must be a proof with a type, or a list of them"),
    "embedded-credential": gettext_lazy(
        "each verifiable credential must be an Open Badges 3.0 AchievementCredential"
    ),
}
TYPE_NAMES: dict[str, Promise] = {
    "object": gettext_lazy("an object"),
    "array": gettext_lazy("a list"),
    "string": gettext_lazy("a string"),
    "number": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "boolean": gettext_lazy("true or false"),
}


@dataclass(frozen=True)
class Problem:
    """One way a document departs from its schema."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# --- formats -------------------------------------------------------------------------------

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DATE_TIME_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _formats() -> FormatChecker:
    """Our own checks for the four formats the schemas use, so that validation
    never depends on which optional format packages happen to be installed."""
    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(URI.match(value))

    @checker.checks("email")
    def is_email(value: object) -> bool:
        return not isinstance(value, str) or bool(EMAIL.match(value))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not DATE_TIME_Z.match(value):
            return False
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not DATE.match(value):
            return False
        datetime.date.fromisoformat(value)
        return True

    return checker


# --- loading -------------------------------------------------------------------------------


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(contents)
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@functools.cache
def validator(schema_id: str) -> Draft202012Validator:
    """The validator of one of our schemas (by its ``$id``), built once."""
    registry = _registry()
    return Draft202012Validator(
        registry.contents(schema_id), registry=registry, format_checker=_formats()
    )


# --- problems ------------------------------------------------------------------------------


def _path(parts: Any) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            out += f".{part}"
        else:
            out += "[" + json.dumps(str(part)) + "]"
    return out


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, dict | list) else ""
    if not text:
        text = _("an object") if isinstance(value, dict) else _("a list")
    return text if len(text) <= 80 else text[:77] + "…"


def _explanation(error: ValidationError) -> str | None:
    key = error.schema.get("x-error") if isinstance(error.schema, dict) else None
    if isinstance(key, str) and key.startswith("type:"):
        return _("the types must include %(type)s") % {"type": key[len("type:") :]}
    if key in EXPLANATIONS:
        return str(EXPLANATIONS[key]) % {"value": _shown(error.instance)}
    return None


def _problem(error: ValidationError) -> Problem:
    """One error in words, with the path of the value it is about."""
    parts = list(error.absolute_path)
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        explained = _explanation(error)
        if explained is None and error.context:
            return _problem(best_match(error.context))
        return Problem(_path(parts), explained or _("does not have any of the allowed forms"))
    if kind in ("contains", "pattern", "enum", "const", "prefixItems"):
        explained = _explanation(error)
        if explained is not None:
            return Problem(_path(parts), explained)
    if kind == "required":
        names = [n for n in error.validator_value if repr(n) in error.message]
        missing = names[0] if names else "?"
        return Problem(_path([*parts, missing]), _("is required but missing"))
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = _(" or ").join(str(TYPE_NAMES.get(t, t)) for t in expected)
        return Problem(_path(parts), _("must be %(type)s") % {"type": wanted})
    if kind == "format":
        value = _shown(error.instance)
        message = {
            "date-time": _(
                "%(value)s is not a date and time with a time zone (e.g. 2024-01-31T15:00:00Z)"
            ),
            "date": _("%(value)s is not a date (e.g. 2024-01-31)"),
            "uri": _("%(value)s is not a URI"),
            "email": _("%(value)s is not an email address"),
        }.get(str(error.validator_value), _("%(value)s does not have the expected form"))
        return Problem(_path(parts), message % {"value": value})
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value[:8])
        return Problem(
            _path(parts),
            _("%(value)s is not one of: %(allowed)s")
            % {"value": _shown(error.instance), "allowed": allowed},
        )
    if kind == "const":
        return Problem(
            _path(parts), _("must be %(value)s") % {"value": _shown(error.validator_value)}
        )
    if kind == "contains":
        wanted_schema = error.validator_value
        item = wanted_schema.get("const") if isinstance(wanted_schema, dict) else None
        if item is not None:
            return Problem(_path(parts), _("must include %(value)s") % {"value": _shown(item)})
        return Problem(_path(parts), _("no item has the expected form"))
    if kind == "minItems":
        return Problem(
            _path(parts),
            ngettext(
                "must have at least %(count)d item",
                "must have at least %(count)d items",
                error.validator_value,
            )
            % {"count": error.validator_value},
        )
    if kind == "pattern":
        return Problem(
            _path(parts),
            _("%(value)s does not have the expected form") % {"value": _shown(error.instance)},
        )
    return Problem(_path(parts), _("does not match the schema"))


def problems(document: Any, schema_id: str) -> tuple[list[Problem], int]:
    """The first problems of ``document`` against one of our schemas, and how
    many were found (counting stops at COUNTED)."""
    found: list[Problem] = []
    count = 0
    try:
        for error in validator(schema_id).iter_errors(document):
            count += 1
            if len(found) < SHOWN:
                found.append(_problem(error))
            if count >= COUNTED:
                break
    except RecursionError:
        return [Problem("$", _("is nested too deeply to be read"))], max(count, 1)
    return found, count


def schema_for(document: Any) -> str:
    """Which schema a credential is checked against: CLR 2.0 for a
    ClrCredential, Open Badges 3.0 for everything else."""
    kinds = document.get("type") if isinstance(document, dict) else None
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return CLR_SCHEMA if "ClrCredential" in kinds else CREDENTIAL_SCHEMA


def credential_problems(document: Any) -> list[Problem]:
    """Problems of an Open Badges 3.0 credential (or a CLR 2.0 ClrCredential)."""
    return problems(document, schema_for(document))[0]


def profile_problems(document: Any) -> list[Problem]:
    """Problems of an Open Badges 3.0 Profile (the API's getProfile/putProfile body)."""
    return problems(document, PROFILE_SCHEMA)[0]


def from_jwt_claims(payload: dict) -> dict:
    """The credential a VC-JWT payload stands for: a VC 1.1 style token may
    leave the credential's id, issuer, subject id and dates to the registered
    claims (jti, iss, sub, nbf, exp), which then count as those properties."""
    document = dict(payload)
    if "id" not in document and isinstance(payload.get("jti"), str):
        document["id"] = payload["jti"]
    if "issuer" not in document and isinstance(payload.get("iss"), str):
        document["issuer"] = payload["iss"]
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        document["credentialSubject"] = {**subject, "id": payload["sub"]}
    contexts = document.get("@context")
    legacy = isinstance(contexts, list) and bool(contexts) and contexts[0] == VC1_CONTEXT
    for claim, modern, old in (
        ("nbf", "validFrom", "issuanceDate"),
        ("exp", "validUntil", "expirationDate"),
    ):
        moment = payload.get(claim)
        if modern in document or old in document or not isinstance(moment, int | float):
            continue
        try:
            when = datetime.datetime.fromtimestamp(moment, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            continue
        document[old if legacy else modern] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return document


def jwt_payload_problems(payload: dict) -> list[Problem]:
    """Problems of the credential a VC-JWT payload carries: the payload itself
    (VC-JWT as Open Badges 3.0 signs it), or its ``vc`` claim (VC 1.1 style)."""
    if isinstance(payload.get("vc"), dict):
        payload = {**payload["vc"], **{k: v for k, v in payload.items() if k != "vc"}}
    return credential_problems(from_jwt_claims(payload))


def text_problems(text: str) -> list[Problem] | None:
    """Problems of a credential handed over as text, a VC-JWT (the signature
    is not looked at here) or JSON; None when the text is neither, which the
    caller answers in its own words."""
    text = text.strip()
    parts = text.split(".")
    try:
        if len(parts) == 3 and not text.startswith("{"):
            segment = parts[1]
            payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
            return jwt_payload_problems(payload) if isinstance(payload, dict) else None
        document = json.loads(text)
    except (ValueError, binascii.Error, RecursionError):
        return None
    return credential_problems(document) if isinstance(document, dict) else None


def summary(found: list[Problem]) -> str:
    """The problems on one line, as an API error description carries them."""
    return "; ".join(str(p) for p in found)


class _Report(Protocol):
    def add(self, key: str, label: str, passed: bool | None, detail: str) -> None: ...


def check(report: _Report, document: Any, *, from_jwt: bool = False) -> None:
    """Add the "Schema" check to a verification report: passed, or failed with
    the path and message of the first few problems."""
    if from_jwt and isinstance(document, dict):
        document = from_jwt_claims(document)
    schema_id = schema_for(document)
    found, count = problems(document, schema_id)
    name = (
        _("CLR 2.0 ClrCredential")
        if schema_id == CLR_SCHEMA
        else _("Open Badges 3.0 AchievementCredential")
    )
    if not count:
        report.add(
            "json_schema",
            _("Schema"),
            True,
            _("Matches the %(schema)s JSON schema.") % {"schema": name},
        )
        return
    listed = "; ".join(str(p) for p in found)
    more = count - len(found)
    if more > 0:
        listed += " " + (
            ngettext("(and %(count)d more)", "(and %(count)d more)", more)
            if count < COUNTED
            else ngettext("(and at least %(count)d more)", "(and at least %(count)d more)", more)
        ) % {"count": more}
    report.add(
        "json_schema",
        _("Schema"),
        False,
        _("Does not match the %(schema)s JSON schema: %(problems)s")
        % {"schema": name, "problems": listed},
    )
