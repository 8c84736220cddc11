"""What the house-rule scans share: the files they read, the allowlist of
explained exceptions (``path::function  reason``, stale entries fail too), the
report and the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "build",
    "var",
    "tests",
    "migrations",
    "__pycache__",
}


@dataclass(frozen=True)
class Write:
    path: str
    line: int
    function: str
    what: str

    @property
    def key(self) -> str:
        return f"{self.path}::{self.function}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} in {self.function}"


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in parts[:-1]):
            continue
        yield path


def read_allowlist(path: Path) -> tuple[dict[str, str], list[str]]:
    """The entries (key -> reason) and the problems with the file itself."""
    entries: dict[str, str] = {}
    problems: list[str] = []
    if not path.exists():
        return entries, problems
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        if "::" not in key or not reason.strip():
            problems.append(
                f"{path.name}:{number}: write `path::function  reason` (the reason is required)"
            )
            continue
        entries[key] = reason.strip()
    return entries, problems


def report(writes: Sequence[Write], allowlist: Path, *, fix: str, stale: str) -> list[str]:
    """Each write the allowlist does not explain (``fix`` says what to do instead),
    each allowlist entry that no longer matches a write, and any malformed entry."""
    entries, problems = read_allowlist(allowlist)
    for write in writes:
        if write.key not in entries:
            problems.append(
                f"{write}: {fix} (or list `{write.key}` with a reason in {allowlist.name})"
            )
    used = {write.key for write in writes}
    for key in entries:
        if key not in used:
            problems.append(f"{allowlist.name}: `{key}` {stale}; remove it")
    return problems


def run(
    argv: Sequence[str] | None,
    doc: str | None,
    default_allowlist: Path,
    check: Callable[[Path, Path], list[str]],
    noun: str,
) -> int:
    """The command line of a scan: print each problem, exit 1 if there is any."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project directory")
    parser.add_argument("--allowlist", type=Path, default=default_allowlist)
    args = parser.parse_args(argv)
    problems = check(args.root, args.allowlist)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} {noun} problem(s).", file=sys.stderr)
        return 1
    return 0
