"""The scan document's text: msgspec writes what ``json.dumps(indent=2, ensure_ascii=False)`` wrote, and the
saved-scan reader reads what ``json.loads`` read (same values, same errors)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from exports.json_text import Entries, json_text, materialize, write_json
from exports.scan_json import render_json, scan_document, write_scan_json
from ingest.saved import _load_json, load_document, read
from model.inventory import Diagnostic, ForeignKey, Inventory, Location, Table, TableRef
from ownership.scan import scan
from tests.hostile import ALL_NAMES, EVIL_FILE, NEWLINE_FILE, hostile_inventory

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


def _stdlib(inv: Inventory) -> str:
    return json.dumps(scan_document(inv), indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def demo() -> Inventory:
    return scan([str(DEMO)])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    return hostile_inventory(tmp_path_factory.mktemp("hostile"))


def test_demo_text_is_the_stdlib_rendering_byte_for_byte(demo: Inventory) -> None:
    text = render_json(demo)
    assert demo.foreign_keys and demo.shared_access  # a document with every kind of entry
    assert text.encode("utf-8") == _stdlib(demo).encode("utf-8")
    assert render_json(demo) == text


def test_hostile_names_are_written_as_the_stdlib_writes_them(hostile: Inventory) -> None:
    text = render_json(hostile)
    assert text == _stdlib(hostile)
    doc = json.loads(text)
    assert doc == scan_document(hostile)
    names = {t["name"] for t in doc["tables"]} | {c["name"] for t in doc["tables"] for c in t["columns"]}
    names |= {fk["name"] for fk in doc["foreign_keys"]} | {s["name"] for s in doc["services"]}
    names |= {t["schema"] for t in doc["tables"]}
    assert set(ALL_NAMES) <= names
    paths = {fk["added_at"]["path"] for fk in doc["foreign_keys"] if fk["added_at"]}
    assert any(p.endswith(EVIL_FILE) for p in paths) and any(p.endswith(NEWLINE_FILE) for p in paths)
    # non-ASCII stays as it is, control characters are escaped: one JSON line per value
    assert "ユーザー" in text and "😀" in text
    assert "\x1b" not in text and "\r" not in text and "\t" not in text
    assert all(line.startswith(" ") or line in ("{", "}", "") for line in text.split("\n"))


def test_a_lone_surrogate_is_written_as_before() -> None:
    odd = TableRef("db", "public", "bad\udcffname")
    inv = Inventory(
        tables=(Table(odd, service="a"), Table(TableRef("db", "public", "u"), service="b")),
        foreign_keys=(ForeignKey("f", odd, ("u",), TableRef("db", "public", "u"), ("id",)),),
        diagnostics=(Diagnostic("warning", "odd \udcff", "x\udcff.sql", 3),),
    )
    text = render_json(inv)
    assert text == _stdlib(inv)
    assert "bad\udcffname" in text


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [{}], "d": [[]]},
        {"f": [0.0, 1.0, 0.5, 0.0001, 0.3333, 0.9999], "i": [0, -1, 2**63 - 1, 10**30]},
        {"s": "".join(chr(i) for i in range(0x250)) + "\u2028\u2029\ufeff\U0010ffff"},
        {'quote"key\\': "/<>&'", "é": None, "t": True, "f": False},
    ],
    ids=["empty-object", "empty-list", "empty-nested", "numbers", "every-escape", "keys"],
)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_saved_scan_reads_back_as_the_stdlib_reads_it(tmp_path: Path, hostile: Inventory) -> None:
    path = tmp_path / "scan.json"
    path.write_text(render_json(hostile), encoding="utf-8")
    loaded = read(str(path))
    expected = load_document(json.loads(path.read_text(encoding="utf-8")))
    assert loaded.tables == expected.tables and loaded.foreign_keys == expected.foreign_keys
    assert loaded.diagnostics == expected.diagnostics and loaded.tables == hostile.tables


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": [1, 2.5, "\\u00e9", null, true], "a": 2}',
        b'["\\udcff", "\\ud83d\\ude00", 1E2, -0.0]',
        b"[NaN, Infinity, 1e400, 123456789012345678901234567890]",
        b'\xef\xbb\xbf{"bom": 1}',
        b'{\r\r"a": }',
        b"\xff",
        b"",
    ],
    ids=["duplicate-key", "surrogates", "stdlib-only-numbers", "bom", "cr-lines", "not-utf8", "empty"],
)
def test_load_json_gives_what_json_loads_gave(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(raw)
    try:
        expected: Any = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        with pytest.raises(type(exc)) as got:
            _load_json(raw)
        assert str(got.value) == str(exc)
    else:
        got_value = _load_json(raw)
        assert json.dumps(got_value) == json.dumps(expected)


def test_invalid_json_diagnostic_keeps_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{\r\r"a": }')
    inv = read(str(path))
    assert [(d.code, d.message) for d in inv.diagnostics] == [
        ("parse-error", "not valid JSON: Expecting value (line 3)")
    ]


def test_dropped_fk_locations_survive_the_encoder() -> None:
    a, b = TableRef("db", "public", "a"), TableRef("db", "public", "b")
    fk = ForeignKey(
        "a_b", a, ("b",), b, ("id",), added_at=Location("1.sql", 2), dropped_at=Location("2.sql", 5)
    )
    inv = Inventory(tables=(Table(a, service="x"), Table(b, service="y")), foreign_keys=(fk,))
    assert render_json(inv) == _stdlib(inv)
    assert load_document(json.loads(render_json(inv))).foreign_keys == (fk,)


@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_streamed_to_a_file_is_the_same_text(
    which: str, demo: Inventory, hostile: Inventory, tmp_path: Path
) -> None:
    inv = demo if which == "demo" else hostile
    path = tmp_path / "scan.json"
    with open(path, "w", encoding="utf-8") as stream:
        write_scan_json(inv, stream)
    assert path.read_text(encoding="utf-8") == render_json(inv) == _stdlib(inv)


def test_fkmap_scan_writes_the_document_it_renders(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    root = tmp_path / "hostile"
    inv = hostile_inventory(root)
    target = tmp_path / "scan.json"
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render_json(inv)
    shown = CliRunner().invoke(main, ["scan", str(root), "--format", "json"])
    assert shown.output == render_json(inv)


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"only": Entries([], str)},
        {"a": 1, "rows": Entries(["x", "é\n"], lambda s: {"s": s, "l": [s], "e": {}}), "z": {"k": []}},
    ],
    ids=["empty", "empty-entries", "mixed"],
)
def test_write_json_is_json_dumps_in_memory_and_on_disk(doc: dict[str, Any], tmp_path: Path) -> None:
    expected = json.dumps(materialize(doc), indent=2, ensure_ascii=False) + "\n"
    memory = io.StringIO()
    write_json(doc, memory, end="\n")
    path = tmp_path / "x.json"
    with open(path, "w", encoding="utf-8") as stream:
        write_json(doc, stream, end="\n")
    assert memory.getvalue() == path.read_text(encoding="utf-8") == expected
