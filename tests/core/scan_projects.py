"""A throwaway project for the house-rule scans: files and an allowlist in a folder."""

from pathlib import Path
from textwrap import dedent


def write_project(tmp_path: Path, files: dict[str, str], allowlist: str = "") -> Path:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(source))
    (tmp_path / "allowlist.txt").write_text(dedent(allowlist))
    return tmp_path
