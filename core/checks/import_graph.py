"""The picture of which app imports which, kept in ``docs/architecture.md``.

    python -m core.checks.import_graph           print the picture
    python -m core.checks.import_graph --write   redraw it in the doc (``make architecture``)
    python -m core.checks.import_graph --check   fail when the doc's is stale (``make lint``)

The picture is read from the code with grimp (the import graph import-linter
builds) and from the layers contract in ``pyproject.toml``: one box per app,
grouped by floor, top floor first, and an arrow from each app to every app it
imports. It counts the imports the contract counts: those made only for type
checking are left out, and so are the contract's ignored imports (the URL
root including every app's URLs). An arrow the contract forbids (upward, or
between two apps of one floor) is drawn dotted and labelled, so a broken
layer shows in the picture as well as in ``lint-imports``.

The doc holds the picture between two marker lines; ``--write`` replaces what
is between them and nothing else.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PYPROJECT = BASE_DIR / "pyproject.toml"
DOC = BASE_DIR / "docs" / "architecture.md"
START = "<!-- import-graph: start (drawn by `make architecture`; do not edit by hand) -->"
END = "<!-- import-graph: end -->"


@dataclass(frozen=True)
class Layers:
    """The layers contract: floors top first, each a list of apps, and its ignored imports."""

    floors: list[list[str]]
    ignored: list[tuple[str, str]]

    def floor_of(self, app: str) -> int:
        """0 for the bottom floor."""
        for number, apps in enumerate(reversed(self.floors)):
            if app in apps:
                return number
        raise KeyError(app)

    @property
    def apps(self) -> list[str]:
        return sorted(app for apps in self.floors for app in apps)


def read_layers(pyproject: Path = PYPROJECT) -> Layers:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    floors = [[app.strip() for app in layer.split("|")] for layer in contract["layers"]]
    ignored = []
    for rule in contract.get("ignore_imports", []):
        importer, _, imported = rule.partition("->")
        ignored.append((importer.strip(), imported.strip()))
    return Layers(floors=floors, ignored=ignored)


def _matches(pattern: str, module: str) -> bool:
    """import-linter's wildcards: ``*`` is one name, ``**`` any number of them."""
    parts = [
        ".+" if p == "**" else "[^.]+" if p == "*" else re.escape(p) for p in pattern.split(".")
    ]
    return re.fullmatch(r"\.".join(parts), module) is not None


def app_imports(layers: Layers) -> set[tuple[str, str]]:
    """(importer app, imported app) for every app that imports another at run time."""
    import grimp

    graph = grimp.build_graph(*layers.apps, exclude_type_checking_imports=True, cache_dir=None)
    edges: set[tuple[str, str]] = set()
    for module in graph.modules:
        importer = module.split(".")[0]
        for imported_module in graph.find_modules_directly_imported_by(module):
            imported = imported_module.split(".")[0]
            if imported == importer or imported not in layers.apps:
                continue
            if any(
                _matches(source, module) and _matches(target, imported_module)
                for source, target in layers.ignored
            ):
                continue
            edges.add((importer, imported))
    return edges


def picture(layers: Layers, edges: Iterable[tuple[str, str]]) -> str:
    """A Mermaid diagram of the floors and their arrows, then every import as a table."""
    lines = ["```mermaid", "flowchart TB"]
    top = len(layers.floors) - 1
    for index, apps in enumerate(layers.floors):
        floor = top - index
        lines.append(f'  subgraph floor{floor}["floor {floor}"]')
        lines.append("    direction LR")
        lines.extend(f"    {app}" for app in apps)
        lines.append("  end")
    allowed = {(a, b) for a, b in edges if layers.floor_of(a) > layers.floor_of(b)}
    forbidden = sorted(set(edges) - allowed)
    lines.extend(f"  {importer} --> {imported}" for importer, imported in _reduced(allowed))
    lines.extend(f"  {importer} -.->|forbidden| {imported}" for importer, imported in forbidden)
    lines.append("```")
    lines += ["", "| floor | app | imports |", "| --- | --- | --- |"]
    by_app: dict[str, list[str]] = {app: [] for app in layers.apps}
    for importer, imported in edges:
        by_app[importer].append(imported)
    for index, apps in enumerate(layers.floors):
        for app in apps:
            imports = ", ".join(sorted(by_app[app])) or "nothing"
            lines.append(f"| {top - index} | {app} | {imports} |")
    if forbidden:
        lines += ["", "Forbidden imports (fix them, `lint-imports` fails on them):"]
        lines += [f"- {importer} imports {imported}" for importer, imported in forbidden]
    return "\n".join(lines) + "\n"


def _reduced(edges: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The arrows a reader needs: an import that a chain of other arrows already
    implies is left out (the table lists every import)."""
    targets: dict[str, set[str]] = {}
    for importer, imported in edges:
        targets.setdefault(importer, set()).add(imported)

    def reachable(start: str, skip: tuple[str, str]) -> set[str]:
        seen: set[str] = set()
        stack = [b for b in targets.get(start, ()) if (start, b) != skip]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(targets.get(node, ()))
        return seen

    return sorted((a, b) for a, b in edges if b not in reachable(a, skip=(a, b)))


def current_picture() -> str:
    layers = read_layers()
    return picture(layers, app_imports(layers))


def replace_block(text: str, block: str) -> str:
    """``text`` with what lies between the markers replaced by ``block``."""
    start, end = text.find(START), text.find(END)
    if start == -1 or end < start:
        raise ValueError(f"the markers are missing: {START} ... {END}")
    return text[: start + len(START)] + "\n" + block + text[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help=f"redraw the picture in {DOC.name}")
    action.add_argument("--check", action="store_true", help="fail when the picture is stale")
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    drawn = current_picture()
    if not (args.write or args.check):
        sys.stdout.write(drawn)
        return 0
    text = args.doc.read_text(encoding="utf-8")
    fresh = replace_block(text, drawn)
    if args.write:
        if fresh != text:
            args.doc.write_text(fresh, encoding="utf-8")
        return 0
    if fresh != text:
        sys.stderr.write(
            f"{args.doc}: the import graph is stale (the apps import differently now); "
            "run `make architecture` and commit the result.\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
