"""The lint rule: a status is set only by core.transitions, or by an explained exception."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.checks import status_writes
from tests.core.scan_projects import write_project

BASE_DIR = Path(__file__).resolve().parent.parent.parent


_project = write_project


def _problems(root: Path) -> list[str]:
    return status_writes.check(root, root / "allowlist.txt")


@pytest.mark.parametrize(
    "line",
    [
        "payment.status = 'paid'",
        "payment.status: str = 'paid'",
        "payment.status, payment.note = 'paid', ''",
        "setattr(payment, 'status', 'paid')",
        "Payment.objects.filter(pk=1).update(status='paid')",
        "Payment.objects.filter(pk=1).update(**{'status': 'paid'})",
        "Payment.objects.bulk_update(rows, ['note', 'status'])",
        "Payment.objects.bulk_update(rows, fields=['status'])",
    ],
)
def test_each_way_of_setting_a_status_by_hand_is_reported(tmp_path, line):
    root = _project(tmp_path, {"payments/services.py": f"def pay(payment, rows):\n    {line}\n"})

    [problem] = _problems(root)

    assert problem.startswith("payments/services.py:2: ")
    assert "in pay" in problem and "core.transitions.transition" in problem


def test_reading_a_status_creating_a_row_and_other_fields_are_fine(tmp_path):
    root = _project(
        tmp_path,
        {
            "payments/services.py": """
                def pay(payment):
                    if payment.status == "pending":
                        Payment.objects.create(status="pending")
                    payment.note = "status"
                    Payment.objects.filter(status="pending").update(note="x")
            """
        },
    )

    assert _problems(root) == []


def test_the_helper_tests_and_migrations_may_set_statuses(tmp_path):
    write = "def f(obj):\n    obj.status = 'x'\n"
    root = _project(
        tmp_path,
        {
            "core/transitions.py": write,
            "tests/payments/test_x.py": write,
            "payments/migrations/0002_x.py": write,
            ".venv/lib/site.py": write,
        },
    )

    assert _problems(root) == []


def test_an_explained_exception_passes_and_a_stale_or_unexplained_one_fails(tmp_path):
    root = _project(
        tmp_path,
        {
            "payments/webhooks.py": """
                class Handler:
                    def process(self, event):
                        event.status = "processed"
            """
        },
        allowlist="""
            # comments are fine
            payments/webhooks.py::Handler.process  The event is its own record.
        """,
    )
    assert _problems(root) == []

    (root / "allowlist.txt").write_text(
        "payments/webhooks.py::Handler.process  The event is its own record.\n"
        "payments/old.py::gone  Moved long ago.\n"
        "payments/webhooks.py::Handler.other\n"
    )
    problems = _problems(root)

    assert any("payments/old.py::gone` no longer writes a status" in p for p in problems)
    assert any("the reason is required" in p for p in problems)
    assert len(problems) == 2


def test_the_command_fails_on_a_deliberate_violation(tmp_path):
    root = _project(tmp_path, {"notifications/services.py": "def f(q):\n    q.update(status=1)\n"})

    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "core.checks.status_writes",
            "--root",
            str(root),
            "--allowlist",
            str(root / "allowlist.txt"),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "notifications/services.py:2: .update(status=...) in f" in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_lint_runs_the_check():
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "lint"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "-m core.checks.status_writes" in result.stdout
