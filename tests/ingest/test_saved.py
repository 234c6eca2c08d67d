"""Saved scans as a source (:mod:`ingest.saved`): the scan document and the internal inventory form."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exports.scan_json import scan_document
from ingest import read_source
from ingest.migrations.sets import ingest_path
from ingest.saved import load_document
from model.inventory import ForeignKey, Inventory, Source, Table, TableRef
from tests.ingest.migrations.test_migrations import TREE, write_tree


def test_read_source_loads_saved_inventories(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    inv = ingest_path(tmp_path)
    saved = tmp_path / "inventory.json"
    saved.write_text(inv.to_json())
    loaded = read_source(str(saved))
    assert loaded.foreign_keys == inv.foreign_keys and loaded.tables == inv.tables
    assert loaded.sources == (*inv.sources, Source("inventory", str(saved)))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("{not json", "parse-error"),
        ('{"tables": []}', "unsupported"),
        ('{"format_version": 99}', "unsupported"),
    ],
)
def test_read_source_rejects_bad_json(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    inv = read_source(str(path))
    assert [(d.severity, d.code) for d in inv.diagnostics] == [("error", code)]
    assert inv.sources == (Source("inventory", str(path)),)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"format_version": 2, "foreign_keys": [], "summary": {}}, "unsupported format_version 2"),
        ({"format_version": "1"}, "unsupported format_version '1'"),
        ({"hello": 1}, "not a scan document"),
        ([], "not a scan document"),
        ({"format_version": 1, "foreign_keys": [{"name": "x"}], "summary": {}}, "malformed scan document"),
    ],
    ids=["newer", "string-version", "unrelated", "list", "missing-fields"],
)
def test_load_document_rejects_what_it_cannot_read(doc: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_document(doc)  # type: ignore[arg-type]


def test_a_saved_scan_document_is_a_source(tmp_path: Path) -> None:
    users, posts = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
    fk = ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",))
    inv = Inventory((Table(posts), Table(users)), (fk,), sources=(Source("migrations", "db"),))
    saved = tmp_path / "scan.json"
    saved.write_text(json.dumps(scan_document(inv)))
    loaded = read_source(str(saved))
    assert loaded.foreign_keys == (fk,) and loaded.diagnostics == ()
    assert loaded.sources == (Source("migrations", "db"), Source("inventory", str(saved)))
    saved.write_text(json.dumps(scan_document(loaded)))  # saved again: the file is listed once
    assert read_source(str(saved)).sources == (Source("inventory", str(saved)), Source("migrations", "db"))


def test_a_broken_scan_document_is_one_error(tmp_path: Path) -> None:
    saved = tmp_path / "scan.json"
    saved.write_text('{"format_version": 9, "foreign_keys": [], "summary": {}}')
    inv = read_source(str(saved))
    assert [(d.code, d.message) for d in inv.diagnostics] == [
        ("source-failed", f"{saved}: unsupported format_version 9: this fkmap reads 1")
    ]
    assert inv.sources == (Source("inventory", str(saved)),)
