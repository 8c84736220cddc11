"""``make lint`` refuses a catalog with a message left untranslated or fuzzy,
or whose compiled .mo says something else than its .po."""

import struct
import subprocess
import sys
from pathlib import Path

from core.checks import translations

CATALOG = Path(translations.LOCALE_DIR) / "es" / "LC_MESSAGES"

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def compile_mo(po: Path, mo: Path) -> None:
    """A .mo from a .po, laid out as GNU msgfmt writes it (no gettext tools needed)."""
    entries = {}
    for message in translations.read_po(po):
        key = message.key if message.plural is None else f"{message.key}\0{message.plural}"
        entries[key] = "\0".join(message.translations)
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    start = 7 * 4 + 16 * len(keys)
    offsets, blob = [], b""
    for data in ids:
        offsets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    for data in strs:
        offsets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    table = b"".join(struct.pack("ii", length, offset) for length, offset in offsets)
    mo.write_bytes(header + table + blob)


def write_catalog(root: Path, body: str, *, compile_from: str | None = None) -> Path:
    """A catalog under root/es/LC_MESSAGES; its .mo compiled from ``compile_from``
    (the same text unless given)."""
    folder = root / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(HEADER + (compile_from if compile_from is not None else body), "utf-8")
    compile_mo(po, po.with_suffix(".mo"))
    po.write_text(HEADER + body, "utf-8")
    return po


GOOD = """msgid "Save draft"
msgstr "Guardar borrador"

msgctxt "application"
msgid "Draft"
msgstr "Borrador"

msgid "%(count)s review"
msgid_plural "%(count)s reviews"
msgstr[0] "%(count)s revisión"
msgstr[1] "%(count)s revisiones"
"""


def test_the_committed_catalogs_are_complete_and_compiled():
    assert list(translations.catalogs()), "no catalogs under locale/"
    for po in translations.catalogs():
        assert translations.problems(po) == []


def test_a_complete_catalog_passes(tmp_path):
    write_catalog(tmp_path, GOOD)

    assert translations.main([str(tmp_path)]) == 0


def test_an_untranslated_message_fails(tmp_path, capsys):
    body = GOOD + '\nmsgid "Submit application"\nmsgstr ""\n'
    write_catalog(tmp_path, body)

    assert translations.main([str(tmp_path)]) == 1
    assert '"Submit application" has no translation' in capsys.readouterr().err


def test_a_missing_plural_form_fails(tmp_path, capsys):
    body = GOOD.replace('msgstr[1] "%(count)s revisiones"', 'msgstr[1] ""')
    write_catalog(tmp_path, body, compile_from=GOOD)

    assert translations.main([str(tmp_path)]) == 1
    assert '"%(count)s review" has no translation' in capsys.readouterr().err


def test_a_fuzzy_message_fails(tmp_path, capsys):
    body = GOOD.replace('msgid "Save draft"', '#, fuzzy, python-format\nmsgid "Save draft"')
    write_catalog(tmp_path, body, compile_from=GOOD)

    assert translations.main([str(tmp_path)]) == 1
    assert '"Save draft" is marked fuzzy' in capsys.readouterr().err


def test_a_stale_compiled_catalog_fails(tmp_path, capsys):
    compiled = GOOD.replace("Guardar borrador", "Guardar")
    write_catalog(tmp_path, GOOD, compile_from=compiled)

    assert translations.main([str(tmp_path)]) == 1
    assert "differs from django.po in 1 messages" in capsys.readouterr().err


def test_a_missing_compiled_catalog_fails(tmp_path, capsys):
    po = write_catalog(tmp_path, GOOD)
    po.with_suffix(".mo").unlink()

    assert translations.main([str(tmp_path)]) == 1
    assert "django.mo is missing" in capsys.readouterr().err


def test_the_check_runs_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "core.checks.translations"],
        cwd=Path(translations.__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
