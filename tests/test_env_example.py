""".env.example lists every variable the settings read."""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read_by_settings():
    """Names passed to env(...), env.bool(...), env.list(...) and friends."""
    names = set()
    for module in (BASE_DIR / "config" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func.value if isinstance(node.func, ast.Attribute) else node.func
            first = node.args[0]
            if (
                isinstance(func, ast.Name)
                and func.id in ("env", "env_required")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names.add(first.value)
    return names


def test_env_example_documents_every_setting_variable():
    documented = set(DOCUMENTED.findall((BASE_DIR / ".env.example").read_text()))
    read = variables_read_by_settings()

    assert "DJANGO_SECRET_KEY" in read  # the parser finds them
    assert sorted(read - documented) == []
