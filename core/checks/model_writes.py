"""Fails when code outside an app's services writes that app's models.

Apps talk to each other through services and selectors, and every write to
an app's rows goes through ``<app>/services.py`` (or its ``services/``
package), the one place that checks the rules and records the change. This
scan (run by ``make lint``: ``python -m core.checks.model_writes``) reports,
in the application code (not tests or migrations), a call that starts at a
model's manager and writes or locks rows:

    Model.objects.create(...)  .get_or_create  .update_or_create  .bulk_create
    .bulk_update  .update(...)  .delete()  .select_for_update()

anywhere along ``Model.objects.filter(...)...``, where ``Model`` comes from
``<app>.models`` (``from <app>.models import Model``, a relative import, or
``<app>.models.Model``) and the calling module is not ``<app>.services``.
Import-linter cannot say this: it sees imports, and reading another app's
models (foreign keys, choices, querysets in selectors) is allowed.

Writes through an instance (``obj.save()``, ``obj.delete()``) are not traced:
the scan does not know types. Exceptions are listed in
``model_writes_allowlist.txt`` as ``path::function  reason`` (see
``core.checks.common``).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from pathlib import Path

from .common import Write, python_files, report, run

DEFAULT_ALLOWLIST = Path(__file__).with_name("model_writes_allowlist.txt")
WRITES = frozenset(
    {
        "create",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "update",
        "delete",
        "select_for_update",
    }
)


def _module_name(relative: Path) -> str:
    parts = relative.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The absolute name an ``ImportFrom`` imports from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


class _Finder(ast.NodeVisitor):
    """Collects ``Model.<manager>...<write>(...)`` calls with the app owning ``Model``."""

    def __init__(self, path: str, module: str, is_package: bool, apps: frozenset[str]) -> None:
        self.path = path
        self.module = module
        self.app = module.split(".")[0]
        self.is_package = is_package
        self.apps = apps
        self.scope: list[str] = []
        self.models: dict[str, str] = {}  # local name -> owning app
        self.models_modules: dict[str, str] = {}  # local name of an <app>.models module -> app
        self.packages: dict[str, str] = {}  # local name of an app package -> app
        self.writes: list[Write] = []

    # Names first (imports may sit inside functions), then the calls.
    def scan(self, tree: ast.Module) -> list[Write]:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self._import_from(node)
            elif isinstance(node, ast.Import):
                self._import(node)
        if self.module == f"{self.app}.models":
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    self.models.setdefault(node.name, self.app)
        self.visit(tree)
        return self.writes

    def _import_from(self, node: ast.ImportFrom) -> None:
        source = _absolute(self.module, node, self.is_package).split(".")
        for alias in node.names:
            local = alias.asname or alias.name
            if len(source) == 2 and source[0] in self.apps and source[1] == "models":
                self.models[local] = source[0]
            elif len(source) == 1 and source[0] in self.apps and alias.name == "models":
                self.models_modules[local] = source[0]

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] not in self.apps:
                continue
            if alias.asname and parts[1:] == ["models"]:
                self.models_modules[alias.asname] = parts[0]
            elif not alias.asname:
                self.packages[parts[0]] = parts[0]

    def _owner(self, chain: list[str], root: str) -> str | None:
        """The app whose model starts ``root.chain`` (read left to right), if any."""
        if root in self.models and chain:
            return self.models[root]
        if root in self.models_modules and len(chain) >= 2:
            return self.models_modules[root]
        if root in self.packages and chain[:1] == ["models"] and len(chain) >= 3:
            return self.packages[root]
        return None

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped  # noqa: N815

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITES:
            chain: list[str] = []  # attribute names from the root outwards
            current: ast.expr = func.value
            while isinstance(current, ast.Call | ast.Attribute):
                if isinstance(current, ast.Attribute):
                    chain.insert(0, current.attr)
                    current = current.value
                else:
                    current = current.func
            if isinstance(current, ast.Name):
                owner = self._owner(chain, current.id)
                if owner is not None and not self._owned_service(owner):
                    function = ".".join(self.scope) or "<module>"
                    what = f"{'.'.join([current.id, *chain])}.{func.attr}() on {owner}'s rows"
                    self.writes.append(Write(self.path, node.lineno, function, what))
        self.generic_visit(node)

    def _owned_service(self, owner: str) -> bool:
        return self.module == f"{owner}.services" or self.module.startswith(f"{owner}.services.")


def apps_in(root: Path) -> frozenset[str]:
    """The project's apps: top-level packages with a models module."""
    return frozenset(
        path.parent.name
        for path in [*root.glob("*/models.py"), *root.glob("*/models/__init__.py")]
        if (path.parent / "__init__.py").exists() or path.name == "__init__.py"
    )


def find_writes(root: Path) -> list[Write]:
    apps = apps_in(root)
    writes: list[Write] = []
    for path in python_files(root):
        relative = path.relative_to(root)
        module = _module_name(relative)
        finder = _Finder(relative.as_posix(), module, path.name == "__init__.py", apps)
        writes.extend(finder.scan(ast.parse(path.read_text(encoding="utf-8"))))
    return writes


def check(root: Path, allowlist: Path) -> list[str]:
    """Every problem found, as lines to print; empty when the tree is clean."""
    return report(
        find_writes(root),
        allowlist,
        fix="call a service of the app that owns the model",
        stale="no longer writes outside services",
    )


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__, DEFAULT_ALLOWLIST, check, "model write")


if __name__ == "__main__":
    sys.exit(main())
