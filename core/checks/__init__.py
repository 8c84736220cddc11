"""House rules checked by ``make lint`` (plain AST scans; no Django needed)."""
