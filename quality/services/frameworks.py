"""Loading frameworks from their documented JSON or CSV form (docs/quality-framework.md).

The reverse (``quality.selectors.framework_export``) writes the same shape,
so an export imported again changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import User
from audit.services import record
from credentials.models import Organization

from ..exceptions import FrameworkInUse, InvalidFramework
from ..models import (
    Component,
    ComponentResult,
    Framework,
    ReviewScore,
    SelfAssessmentEntry,
    Standard,
)

FORMAT = "quality-framework"
FORMAT_VERSION = 1
DEFAULT_FRAMEWORK_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "default_framework.json"
CSV_COLUMNS = (
    "standard_code",
    "standard_title",
    "standard_description",
    "component_code",
    "component_title",
    "component_description",
    "guidance",
    "required",
)


def _text(value: Any, where: str, *, required: bool = True, limit: int | None = None) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidFramework(f"{where}: a text is required.")
    if limit is not None and len(value) > limit:
        raise InvalidFramework(f"{where}: at most {limit} characters.")
    return value.strip()


def _validated(data: Any) -> dict[str, Any]:
    """The framework document checked field by field; InvalidFramework names the first fault."""
    if not isinstance(data, Mapping):
        raise InvalidFramework("The file must hold one JSON object.")
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise InvalidFramework(
            f'Expected "format": "{FORMAT}" and "format_version": {FORMAT_VERSION}.'
        )
    out: dict[str, Any] = {
        "name": _text(data.get("name"), "name", limit=200),
        "version": _text(data.get("version"), "version", limit=40),
        "description": _text(data.get("description"), "description", required=False),
        "organization": data.get("organization") or None,
        "base": data.get("base") or None,
        "default": bool(data.get("default", False)),
        "standards": [],
    }
    standards = data.get("standards")
    if not isinstance(standards, list) or not standards:
        raise InvalidFramework("standards: a list with at least one standard is required.")
    seen_standards: set[str] = set()
    seen_components: set[str] = set()
    for i, standard in enumerate(standards, start=1):
        where = f"standards[{i}]"
        if not isinstance(standard, Mapping):
            raise InvalidFramework(f"{where}: an object is required.")
        code = _text(standard.get("code"), f"{where}.code", limit=20)
        if code in seen_standards:
            raise InvalidFramework(f"{where}.code: {code} appears twice.")
        seen_standards.add(code)
        components = standard.get("components")
        if not isinstance(components, list):
            raise InvalidFramework(f"{where}.components: a list is required.")
        checked = []
        for j, component in enumerate(components, start=1):
            cwhere = f"{where}.components[{j}]"
            if not isinstance(component, Mapping):
                raise InvalidFramework(f"{cwhere}: an object is required.")
            ccode = _text(component.get("code"), f"{cwhere}.code", limit=20)
            if ccode in seen_components:
                raise InvalidFramework(f"{cwhere}.code: {ccode} appears twice.")
            seen_components.add(ccode)
            required = component.get("required", True)
            if not isinstance(required, bool):
                raise InvalidFramework(f"{cwhere}.required: true or false.")
            checked.append(
                {
                    "code": ccode,
                    "title": _text(component.get("title"), f"{cwhere}.title", limit=200),
                    "description": _text(component.get("description"), f"{cwhere}.description"),
                    "guidance": _text(
                        component.get("guidance"), f"{cwhere}.guidance", required=False
                    ),
                    "required": required,
                }
            )
        out["standards"].append(
            {
                "code": code,
                "title": _text(standard.get("title"), f"{where}.title", limit=200),
                "description": _text(
                    standard.get("description"), f"{where}.description", required=False
                ),
                "components": checked,
            }
        )
    return out


def _resolve_organization(slug: Any) -> Organization | None:
    if slug is None:
        return None
    organization = Organization.objects.filter(slug=str(slug)).first()
    if organization is None:
        raise InvalidFramework(f"organization: no organization with the slug {slug!r}.")
    return organization


def _resolve_base(base: Any) -> Framework | None:
    if base is None:
        return None
    if not isinstance(base, Mapping):
        raise InvalidFramework('base: an object {"name": ..., "version": ...} or null.')
    found = Framework.objects.filter(
        organization__isnull=True, name=base.get("name"), version=base.get("version")
    ).first()
    if found is None:
        raise InvalidFramework(
            f"base: import the framework {base.get('name')} {base.get('version')} first."
        )
    return found


def framework_import(*, data: Any, actor: User | None = None) -> Framework:
    """Create or bring up to date the framework ``data`` describes (JSON-shaped).

    The framework is found by organization, name and version; its standards
    and components by code. Fields that differ are written, standards and
    components missing from ``data`` are removed, unless a self-assessment
    or review has used them (FrameworkInUse: publish a new version instead).
    One transaction, so a file loads whole or not at all; importing the same
    file twice changes nothing the second time. Audited with the actor.
    """
    spec = _validated(data)
    with transaction.atomic():
        organization = _resolve_organization(spec["organization"])
        base = _resolve_base(spec["base"])
        framework = (
            Framework.objects.select_for_update()
            .filter(organization=organization, name=spec["name"], version=spec["version"])
            .first()
        )
        created = framework is None
        if framework is None:
            framework = Framework(
                organization=organization, name=spec["name"], version=spec["version"]
            )
        framework.description = spec["description"]
        framework.base = base
        if spec["default"] and not framework.is_default:
            if organization is not None:
                raise InvalidFramework("default: only a shared framework can be the default.")
            Framework.objects.filter(is_default=True).update(is_default=False)
            framework.is_default = True
        framework.save()
        _sync_standards(framework, spec["standards"])
        record(
            actor=actor,
            verb="quality.framework_imported",
            target=framework,
            data={
                "created": created,
                "standards": len(spec["standards"]),
                "components": sum(len(s["components"]) for s in spec["standards"]),
            },
        )
    return framework


def _sync_standards(framework: Framework, standards: list[dict[str, Any]]) -> None:
    existing = {s.code: s for s in Standard.objects.filter(framework=framework)}
    components = {
        (c.standard.code, c.code): c
        for c in Component.objects.filter(standard__framework=framework).select_related("standard")
    }
    kept: set[int] = set()
    for position, spec in enumerate(standards, start=1):
        standard = existing.get(spec["code"]) or Standard(framework=framework, code=spec["code"])
        _assign(standard, position=position, title=spec["title"], description=spec["description"])
        for cposition, cspec in enumerate(spec["components"], start=1):
            component = components.get((spec["code"], cspec["code"])) or Component(
                standard=standard, code=cspec["code"]
            )
            _assign(
                component,
                position=cposition,
                title=cspec["title"],
                description=cspec["description"],
                guidance=cspec["guidance"],
                required=cspec["required"],
            )
            kept.add(component.pk)
    stale = [c.pk for c in components.values() if c.pk not in kept]
    if stale and (
        SelfAssessmentEntry.objects.filter(component__in=stale).exists()
        or ReviewScore.objects.filter(component__in=stale).exists()
        or ComponentResult.objects.filter(component__in=stale).exists()
    ):
        raise FrameworkInUse(
            "The file leaves out components that self-assessments or reviews have used. "
            "Import it as a new version of the framework instead."
        )
    Component.objects.filter(pk__in=stale).delete()
    wanted = {spec["code"] for spec in standards}
    Standard.objects.filter(framework=framework).exclude(code__in=wanted).delete()


def _assign(obj: Standard | Component, **values: Any) -> None:
    """Save ``obj`` only when something differs (or it is new)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if obj.pk is None:
        obj.save()
    elif changed:
        obj.save(update_fields=changed)


def framework_import_default(*, actor: User | None = None) -> Framework:
    """Load the platform's default framework (quality/fixtures/default_framework.json)."""
    return framework_import(
        data=json.loads(DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8")), actor=actor
    )


def framework_data_from_csv(
    *,
    text: str,
    name: str,
    version: str,
    description: str = "",
    organization: str | None = None,
    base: Mapping[str, str] | None = None,
    default: bool = False,
) -> dict[str, Any]:
    """The JSON-shaped document for a CSV of one component a row (columns CSV_COLUMNS).

    The framework's own fields are not in the CSV, so they come as arguments.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidFramework(f"CSV columns missing: {', '.join(missing)}.")
    standards: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        required = (row["required"] or "").strip().lower()
        if required not in ("true", "false", "yes", "no", "1", "0"):
            raise InvalidFramework(f"CSV line {line}: required must be true or false.")
        standard = standards.setdefault(
            row["standard_code"],
            {
                "code": row["standard_code"],
                "title": row["standard_title"],
                "description": row["standard_description"],
                "components": [],
            },
        )
        standard["components"].append(
            {
                "code": row["component_code"],
                "title": row["component_title"],
                "description": row["component_description"],
                "guidance": row["guidance"],
                "required": required in ("true", "yes", "1"),
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "version": version,
        "description": description,
        "organization": organization,
        "base": dict(base) if base else None,
        "default": default,
        "standards": list(standards.values()),
    }
