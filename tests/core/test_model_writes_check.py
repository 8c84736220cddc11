"""The lint rule: an app's rows are written only by that app's services, or by an
explained exception."""

import subprocess
import sys
from pathlib import Path

import pytest

from core.checks import model_writes
from tests.core.scan_projects import write_project

BASE_DIR = Path(__file__).resolve().parent.parent.parent

APPS = {
    "submissions/__init__.py": "",
    "submissions/models.py": "class Submission: ...\n",
    "payments/__init__.py": "",
    "payments/models.py": "class Payment: ...\n",
}


def _project(tmp_path: Path, files: dict[str, str], allowlist: str = "") -> Path:
    return write_project(tmp_path, {**APPS, **files}, allowlist)


def _problems(root: Path) -> list[str]:
    return model_writes.check(root, root / "allowlist.txt")


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from submissions.models import Submission", "Submission.objects.select_for_update()"),
        ("from submissions.models import Submission", "Submission.objects.create(note='x')"),
        ("from submissions.models import Submission as S", "S.objects.filter(pk=1).update(x=1)"),
        ("from submissions.models import Submission", "Submission.objects.all().delete()"),
        ("from submissions.models import Submission", "Submission.objects.get_or_create(pk=1)"),
        ("from submissions.models import Submission", "Submission.objects.bulk_create([])"),
        ("from submissions import models", "models.Submission.objects.update_or_create(pk=1)"),
        ("import submissions.models", "submissions.models.Submission.objects.bulk_update([], [])"),
    ],
)
def test_a_service_writing_another_apps_rows_is_reported(tmp_path, imports, call):
    source = f"{imports}\n\n\ndef payment_start(pk):\n    {call}\n"
    root = _project(tmp_path, {"payments/services/attempts.py": source})

    [problem] = _problems(root)

    assert problem.startswith("payments/services/attempts.py:5: ")
    assert "on submissions's rows in payment_start" in problem
    assert "call a service of the app that owns the model" in problem


def test_a_command_writing_its_own_apps_rows_outside_services_is_reported(tmp_path):
    root = _project(
        tmp_path,
        {
            "payments/management/commands/seed.py": """
                from ...models import Payment

                class Command:
                    def handle(self):
                        Payment.objects.get_or_create(code="DEMO")
                """
        },
    )

    [problem] = _problems(root)

    assert "payments/management/commands/seed.py:6: " in problem
    assert "Payment.objects.get_or_create() on payments's rows in Command.handle" in problem


def test_an_apps_own_services_reads_and_tests_are_fine(tmp_path):
    root = _project(
        tmp_path,
        {
            "payments/services.py": """
                from submissions.models import Submission
                from .models import Payment

                def payment_start(pk):
                    Payment.objects.select_for_update().filter(pk=pk).update(note="x")
                    return Submission.objects.filter(pk=pk).first()
                """,
            "payments/selectors.py": """
                from submissions.models import Submission

                def unpaid():
                    return Submission.objects.filter(paid=False).order_by("pk")
                """,
            "tests/payments/test_services.py": """
                from submissions.models import Submission

                def test_it():
                    Submission.objects.create()
                """,
        },
    )

    assert _problems(root) == []


def test_an_explained_exception_passes_and_a_stale_or_bare_one_fails(tmp_path):
    source = """
        from submissions.models import Submission

        def reset():
            Submission.objects.update(note="")
        """
    files = {"bench/__init__.py": "", "bench/seeding.py": source}
    explained = "bench/seeding.py::reset  Bulk loader for the benchmark database.\n"
    assert _problems(_project(tmp_path / "a", files, explained)) == []

    stale = explained + "bench/gone.py::load  Moved away.\n"
    [problem] = _problems(_project(tmp_path / "b", files, stale))
    assert "`bench/gone.py::load` no longer writes outside services" in problem

    bare, unlisted = _problems(_project(tmp_path / "c", files, "bench/seeding.py::reset\n"))
    assert "the reason is required" in bare
    assert unlisted.startswith("bench/seeding.py:5: Submission.objects.update()")


def test_the_command_fails_on_a_violation_and_passes_on_this_project(tmp_path):
    root = _project(
        tmp_path,
        {
            "payments/services.py": """
                from submissions.models import Submission

                def pay(pk):
                    Submission.objects.select_for_update().get(pk=pk)
                """
        },
    )
    command = [sys.executable, "-m", "core.checks.model_writes"]

    broken = subprocess.run(  # noqa: S603
        [*command, "--root", str(root), "--allowlist", str(root / "allowlist.txt")],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    clean = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, check=False)  # noqa: S603

    assert broken.returncode == 1
    assert "payments/services.py:5: Submission.objects.select_for_update()" in broken.stdout
    assert clean.returncode == 0, clean.stdout
