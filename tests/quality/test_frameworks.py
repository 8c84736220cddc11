"""Frameworks are data: the default one loads, and JSON and CSV exports import back
to the same framework."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from quality import selectors, services
from quality.exceptions import FrameworkInUse, InvalidFramework
from quality.models import Component, Framework, Mark, Standard
from tests.credentials.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_default_framework_has_13_standards_and_29_components_in_our_words():
    framework = services.framework_import_default()
    assert framework.is_default
    assert framework.standards.count() == 13
    assert Component.objects.filter(standard__framework=framework).count() == 29
    assert "not their text" in framework.description
    # Loading again changes nothing.
    again = services.framework_import_default()
    assert again.pk == framework.pk
    assert Component.objects.count() == 29


def test_json_export_imports_back_unchanged(tmp_path):
    framework = services.framework_import_default()
    exported = selectors.framework_export(framework=framework)
    path = tmp_path / "framework.json"
    call_command("quality_framework_export", framework.name, framework.version, "-o", str(path))
    assert json.loads(path.read_text()) == exported

    # Imported as a new version, it has the same content.
    data = json.loads(path.read_text())
    data.update(version="2.0", default=False)
    copy = services.framework_import(data=data)
    again = selectors.framework_export(framework=copy)
    assert again["standards"] == exported["standards"]
    assert again["name"] == exported["name"] and again["version"] == "2.0"

    # A change in the file is brought in by code, in place.
    data["standards"][0]["components"][0]["title"] = "A sharper title"
    call_path = tmp_path / "changed.json"
    call_path.write_text(json.dumps(data))
    call_command("quality_framework_import", str(call_path))
    assert Component.objects.get(standard__framework=copy, code="1.1").title == "A sharper title"
    assert Framework.objects.count() == 2


def test_csv_export_imports_back_unchanged(tmp_path):
    framework = services.framework_import_default()
    path = tmp_path / "framework.csv"
    call_command(
        "quality_framework_export",
        framework.name,
        framework.version,
        "--format",
        "csv",
        "-o",
        str(path),
    )
    call_command(
        "quality_framework_import",
        str(path),
        "--name",
        "From CSV",
        "--framework-version",
        "1.0",
    )
    copy = Framework.objects.get(name="From CSV")
    assert (
        selectors.framework_export(framework=copy)["standards"]
        == selectors.framework_export(framework=framework)["standards"]
    )


def test_organization_adds_components_on_top_of_a_base():
    base = services.framework_import_default()
    organization = OrganizationFactory(slug="state-board", name="State Board")
    additions = services.framework_import(
        data={
            "format": "quality-framework",
            "format_version": 1,
            "name": "State licensure additions",
            "version": "2026",
            "organization": "state-board",
            "base": {"name": base.name, "version": base.version},
            "standards": [
                {
                    "code": "S1",
                    "title": "Licensure",
                    "components": [
                        {"code": "S1.1", "title": "Renewal hours", "description": "States hours."}
                    ],
                }
            ],
        }
    )
    assert additions.organization == organization
    components = list(selectors.framework_components(framework=additions))
    assert len(components) == 30
    assert components[-1].code == "S1.1"  # the additions come after the base


def test_invalid_files_say_where():
    with pytest.raises(InvalidFramework, match="format"):
        services.framework_import(data={"name": "x"})
    with pytest.raises(InvalidFramework, match=r"standards\[1\].components\[1\].description"):
        services.framework_import(
            data={
                "format": "quality-framework",
                "format_version": 1,
                "name": "Broken",
                "version": "1",
                "standards": [
                    {"code": "1", "title": "T", "components": [{"code": "1.1", "title": "C"}]}
                ],
            }
        )
    assert not Framework.objects.exists()


def test_components_used_by_reviews_cannot_be_dropped(world):
    world.self_assess()
    data = selectors.framework_export(framework=world.framework)
    data["standards"][0]["components"].pop(0)
    with pytest.raises(FrameworkInUse):
        services.framework_import(data=data)
    assert Standard.objects.filter(framework=world.framework).count() == 2
    assert world.self_assess(Mark.NOT_MET)


def test_admin_exports_and_imports(staff_client, tmp_path):
    framework = services.framework_import_default()
    response = staff_client.post(
        reverse("admin:quality_framework_changelist"),
        {"action": "export_json", "_selected_action": [framework.pk]},
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data["standards"]) == 13
    data["version"], data["default"] = "1.1", False
    upload = tmp_path / "f.json"
    upload.write_text(json.dumps(data))
    with upload.open("rb") as file:
        response = staff_client.post(reverse("admin:quality_framework_import"), {"file": file})
    assert response.status_code == 302
    assert Framework.objects.filter(version="1.1").exists()
