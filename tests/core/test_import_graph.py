"""docs/architecture.md draws which app imports which; `make lint` fails when
the drawing no longer matches the code (``import_graph --check``), and
`make architecture` redraws it."""

from pathlib import Path

from core.checks import import_graph
from core.checks.import_graph import END, START, Layers, main, picture, read_layers


def _doc(tmp_path: Path, block: str) -> Path:
    doc = tmp_path / "architecture.md"
    doc.write_text(f"# Architecture\n\nWords before.\n\n{START}\n{block}{END}\n\nWords after.\n")
    return doc


def test_a_new_import_makes_the_picture_stale_until_it_is_redrawn(tmp_path, monkeypatch, capsys):
    doc = _doc(tmp_path, import_graph.current_picture())
    assert main(["--check", "--doc", str(doc)]) == 0

    real_imports = import_graph.app_imports
    monkeypatch.setattr(
        import_graph, "app_imports", lambda layers: real_imports(layers) | {("accounts", "audit")}
    )

    assert main(["--check", "--doc", str(doc)]) == 1
    assert "make architecture" in capsys.readouterr().err
    assert main(["--write", "--doc", str(doc)]) == 0
    assert main(["--check", "--doc", str(doc)]) == 0
    redrawn = doc.read_text()
    assert "| 3 | accounts | audit, core |" in redrawn
    assert redrawn.startswith("# Architecture\n\nWords before.\n\n")
    assert redrawn.endswith(f"{END}\n\nWords after.\n")


def test_an_import_the_layers_forbid_is_drawn_dotted_and_listed():
    layers = Layers(floors=[["payments"], ["submissions"], ["accounts"]], ignored=[])

    drawn = picture(layers, {("payments", "submissions"), ("accounts", "payments")})

    assert "  payments --> submissions" in drawn
    assert "  accounts -.->|forbidden| payments" in drawn
    assert "- accounts imports payments" in drawn


def test_an_import_a_chain_of_arrows_implies_is_in_the_table_not_drawn():
    layers = Layers(floors=[["payments"], ["submissions"], ["accounts"]], ignored=[])
    edges = {("payments", "submissions"), ("submissions", "accounts"), ("payments", "accounts")}

    drawn = picture(layers, edges)

    assert "payments --> accounts" not in drawn
    assert "| 2 | payments | accounts, submissions |" in drawn


def test_the_url_root_is_not_an_import_of_config():
    layers = read_layers()

    edges = import_graph.app_imports(layers)

    assert ("config", "payments") not in edges
    assert ("submissions", "credentials") in edges
