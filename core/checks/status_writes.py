"""Fails when code sets a ``status`` anywhere but ``core/transitions.py``.

Every status move goes through ``core.transitions.transition``, which checks
the model's table of allowed moves and writes the audit event. This scan
(run by ``make lint``: ``python -m core.checks.status_writes``) reports, in
the application code (not tests, migrations or the virtualenv):

- ``obj.status = ...`` (also annotated, augmented and tuple assignments);
- ``setattr(obj, "status", ...)``;
- ``<queryset>.update(status=...)`` and ``.update(**{"status": ...})``;
- ``<manager>.bulk_update(objs, [..., "status", ...])``.

A write that is right where it is (a set-wise sweep that writes its own audit
rows, a record that is not a state machine) is listed in
``status_writes_allowlist.txt`` as ``path::function  reason``; an entry
without a reason, or one that no longer matches any write, fails the check
too, so the list only ever holds live, explained exceptions.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from pathlib import Path

from .common import Write, python_files, report, run

FIELD = "status"
HELPER = "core/transitions.py"
DEFAULT_ALLOWLIST = Path(__file__).with_name("status_writes_allowlist.txt")


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.scope: list[str] = []
        self.writes: list[Write] = []

    def _add(self, node: ast.AST, what: str) -> None:
        function = ".".join(self.scope) or "<module>"
        self.writes.append(Write(self.path, getattr(node, "lineno", 0), function, what))

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped  # noqa: N815

    def _targets(self, target: ast.expr, node: ast.AST) -> None:
        if isinstance(target, ast.Attribute) and target.attr == FIELD:
            self._add(node, f"assigns .{FIELD}")
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._targets(element, node)
        elif isinstance(target, ast.Starred):
            self._targets(target.value, node)

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        for target in node.targets:
            self._targets(target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:  # noqa: N802
        if node.value is not None:
            self._targets(node.target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:  # noqa: N802
        self._targets(node.target, node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            if _is_field_name(node.args[1]):
                self._add(node, f'setattr(..., "{FIELD}", ...)')
        elif isinstance(func, ast.Attribute) and func.attr == "update":
            if any(_keyword_sets_field(k) for k in node.keywords):
                self._add(node, f".update({FIELD}=...)")
        elif isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            fields = node.args[1] if len(node.args) >= 2 else _keyword(node, "fields")
            if isinstance(fields, ast.List | ast.Tuple | ast.Set) and any(
                _is_field_name(e) for e in fields.elts
            ):
                self._add(node, f'.bulk_update(..., ["{FIELD}"])')
        self.generic_visit(node)


def _is_field_name(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == FIELD


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _keyword_sets_field(keyword: ast.keyword) -> bool:
    if keyword.arg == FIELD:
        return True
    # .update(**{"status": ...})
    return (
        keyword.arg is None
        and isinstance(keyword.value, ast.Dict)
        and any(k is not None and _is_field_name(k) for k in keyword.value.keys)
    )


def find_writes(root: Path) -> list[Write]:
    writes: list[Write] = []
    for path in python_files(root):
        relative = path.relative_to(root).as_posix()
        if relative == HELPER:
            continue
        finder = _Finder(relative)
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
        writes.extend(finder.writes)
    return writes


def check(root: Path, allowlist: Path) -> list[str]:
    """Every problem found, as lines to print; empty when the tree is clean."""
    return report(
        find_writes(root),
        allowlist,
        fix="set statuses with core.transitions.transition",
        stale="no longer writes a status",
    )


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__, DEFAULT_ALLOWLIST, check, "status write")


if __name__ == "__main__":
    sys.exit(main())
