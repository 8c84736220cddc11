"""`make run` and `make install`: another port end to end, and uv with pip as
the fallback. The install recipe runs for real against a stand-in Python and
uv that only record how they were called."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SYSTEM_PATH = "/usr/bin:/bin"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", *args],  # noqa: S607
        cwd=BASE_DIR,
        env=env or {"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _local_site_url(**environ: str) -> str:
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            **environ,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_make_run_serves_seeds_and_links_on_the_port_given():
    commands = _make("-n", "run", "PORT=8080").stdout

    assert "serve 127.0.0.1:8080" in commands
    assert "PORT=8080 .venv/bin/python manage.py seed_demo\n" in commands
    assert "PORT=8080 .venv/bin/python manage.py seed_demo_activity" in commands
    assert "serve 127.0.0.1:8000" in _make("-n", "run").stdout


def test_links_in_emails_follow_the_port_unless_site_url_is_set():
    assert _local_site_url(PORT="8080") == "http://127.0.0.1:8080"
    assert _local_site_url() == "http://127.0.0.1:8000"
    assert _local_site_url(PORT="8080", SITE_URL="https://mc.example.org/") == (
        "https://mc.example.org"
    )


# --- the install recipe ------------------------------------------------------------

FAKE_PYTHON = """#!/bin/sh
# Records its arguments; "-m venv DIR" makes DIR/bin/python (this script).
echo "python $*" >> "$LOG"
here=$(dirname "$0")
case "$*" in
  "-m venv "*) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
  *"pip install --quiet --disable-pip-version-check uv")
    [ "$UV_ON_PYPI" = yes ] || exit 1
    printf '#!/bin/sh\\necho "venv-uv $*" >> "$LOG"\\n' > "$here/uv" && chmod +x "$here/uv" ;;
esac
"""
FAKE_UV = """#!/bin/sh
echo "uv $*" >> "$LOG"
[ "$UV_WORKS" = yes ]
"""


def _script(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def install(tmp_path):
    """Run `make install` into a fresh venv folder; return what was called."""
    if shutil.which("uv", path=SYSTEM_PATH):
        pytest.skip("a real uv on the system path would be used")
    python = tmp_path / "python3"
    _script(python, FAKE_PYTHON)
    tools = tmp_path / "tools"
    tools.mkdir()

    def run(*, uv_on_path=False, uv_works=True, uv_on_pypi=True) -> list[str]:
        if uv_on_path:
            _script(tools / "uv", FAKE_UV)
        log = tmp_path / "calls.log"
        log.write_text("")
        venv = tmp_path / "venv"
        shutil.rmtree(venv, ignore_errors=True)
        result = _make(
            "install",
            f"PYTHON={python}",
            f"VENV={venv}",
            env={
                "PATH": f"{tools}:{SYSTEM_PATH}",
                "LOG": str(log),
                "UV_WORKS": "yes" if uv_works else "no",
                "UV_ON_PYPI": "yes" if uv_on_pypi else "no",
            },
        )
        assert result.returncode == 0, result.stderr
        assert (venv / ".installed").exists()
        return [line.replace(str(venv), "VENV") for line in log.read_text().splitlines()]

    return run


def test_install_uses_the_uv_on_the_path(install):
    calls = install(uv_on_path=True)

    assert "uv pip install --quiet --compile-bytecode --python VENV/bin/python .[dev]" in calls
    assert not any("pip install --quiet .[dev]" in call for call in calls)


def test_install_puts_uv_into_the_venv_when_none_is_installed(install):
    calls = install()

    assert "python -m pip install --quiet --disable-pip-version-check uv" in calls
    assert "venv-uv pip install --quiet --compile-bytecode --python VENV/bin/python .[dev]" in calls
    assert not any(call.endswith("-m pip install --quiet .[dev]") for call in calls)


@pytest.mark.parametrize(
    "situation", [{"uv_on_pypi": False}, {"uv_on_path": True, "uv_works": False}]
)
def test_install_falls_back_to_pip_when_uv_cannot_install(install, situation):
    calls = install(**situation)

    assert calls[-1] == "python -m pip install --quiet .[dev]"
