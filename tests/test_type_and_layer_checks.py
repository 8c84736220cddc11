"""``make lint`` runs mypy and import-linter with the project's configuration;
each fails on a deliberate violation and every app has a floor in the layers."""

import subprocess
import sys
import tomllib
from pathlib import Path
from textwrap import dedent

import pytest
from django.apps import apps

BASE_DIR = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
BIN = Path(sys.executable).parent

UNTYPED = "def order_create(*, customer, note=''):\n    return customer\n"
TYPED = "def order_create(*, customer: str, note: str = '') -> str:\n    return customer\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(source))


def _mypy_config(root: Path) -> Path:
    """The project's mypy settings and per-room strictness, without the Django
    plugin (the sample code is plain Python, and the plugin needs our settings)."""
    settings = {k: v for k, v in PYPROJECT["tool"]["mypy"].items() if k not in ("plugins", "files")}
    lines = ["[mypy]"]
    lines += [f"{key} = {_ini(value)}" for key, value in settings.items() if key != "overrides"]
    for override in settings.get("overrides", []):
        lines.append(f"[mypy-{','.join(override['module'])}]")
        lines += [f"{key} = {_ini(value)}" for key, value in override.items() if key != "module"]
    config = root / "mypy.ini"
    config.write_text("\n".join(lines) + "\n")
    return config


def _ini(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _mypy(root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [
            str(BIN / "mypy"),
            "--config-file",
            str(_mypy_config(root)),
            "--cache-dir",
            str(root / ".mypy_cache"),
            *targets,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_untyped_parameters_fail_in_models_services_selectors_and_forms(tmp_path):
    rooms = ["models.py", "services.py", "selectors.py", "forms.py"]
    _write(tmp_path, {"shop/__init__.py": "", **{f"shop/{room}": UNTYPED for room in rooms}})
    _write(tmp_path, {"till/__init__.py": "", "till/services/__init__.py": ""})
    _write(tmp_path, {"till/services/refunds.py": UNTYPED, "shop/views.py": UNTYPED})

    result = _mypy(tmp_path, "shop", "till")

    assert result.returncode == 1
    flagged = {
        line.split(":")[0] for line in result.stdout.splitlines() if "[no-untyped-def]" in line
    }
    assert flagged == {f"shop/{room}" for room in rooms} | {"till/services/refunds.py"}


def test_typed_services_pass(tmp_path):
    _write(tmp_path, {"shop/__init__.py": "", "shop/services.py": TYPED})

    result = _mypy(tmp_path, "shop")

    assert result.returncode == 0, result.stdout


ROOTS = PYPROJECT["tool"]["importlinter"]["root_packages"]
[LAYERS] = [c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]


def _lint_imports(root: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """import-linter with the project's contracts, over empty stand-ins of every
    app plus ``files``."""
    _write(root, {f"{package}/__init__.py": "" for package in ROOTS})
    _write(root, files)
    return subprocess.run(  # noqa: S603
        [str(BIN / "lint-imports"), "--config", str(BASE_DIR / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_import_from_a_higher_floor_breaks_the_layers(tmp_path):
    result = _lint_imports(
        tmp_path,
        {
            "assessments/selectors.py": "def is_assessor(user): ...\n",
            "accounts/selectors.py": "from assessments.selectors import is_assessor\n",
        },
    )

    assert result.returncode == 1
    assert "accounts is not allowed to import assessments" in result.stdout
    assert "accounts.selectors -> assessments.selectors" in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("dashboard/views.py", "payments"),  # downwards
        ("config/urls.py", "dashboard"),  # the URL root includes every app
    ],
)
def test_imports_from_lower_floors_and_the_url_root_are_allowed(tmp_path, importer, imported):
    result = _lint_imports(tmp_path, {importer: f"import {imported}\n"})

    assert result.returncode == 0, result.stdout


def test_every_app_of_the_project_has_exactly_one_floor():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == BASE_DIR
    }
    floors = [
        {name.strip(" ()") for name in layer.replace("|", ":").split(":")}
        for layer in LAYERS["layers"]
    ]
    placed = [name for floor in floors for name in floor]

    assert ours <= set(ROOTS), "add the new app to root_packages in pyproject.toml"
    assert sorted(placed) == sorted(ROOTS), "each root package sits on exactly one floor"
