"""Saved scans as a source (:mod:`ingest.saved`): the scan document and the internal inventory form."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from exports.scan_json import render_json, scan_document
from ingest import read_source
from ingest.migrations.sets import ingest_path
from ingest.saved import load_document
from model.inventory import ForeignKey, Inventory, Source, Table, TableRef
from ownership.config import Config
from ownership.scan import scan
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


def _scanned_with_code(tmp_path: Path) -> Inventory:
    """A real scan of a small repository, with code units and usage: evidence of every kind, shared access."""
    from ownership.resolve import merge, resolve_external
    from ownership.services import assign_services
    from tests.cli.ownership_repos import REPLICA, SHARED_MONOLITH, write_repo
    from tests.ownership.builders import Unit, reads, writes

    orphan = {"db/migrations/004_misc.sql": "CREATE TABLE misc (id INT PRIMARY KEY);\n"}  # no rule places it
    files = {**SHARED_MONOLITH, **orphan, **{f"x/{k}": v for k, v in REPLICA.items()}}
    repo = write_repo(tmp_path / "repo", files)
    inv = resolve_external(merge([read_source(str(repo))]))
    units = [Unit("root", "", "root"), Unit("auth", "services/auth"), Unit("chat", "services/chat")]
    access = {
        "settings": {
            "services/auth": writes("services/auth/src/s.py", 4),
            "services/chat": reads("services/chat/c.py", 9),
        },
        "users": {"services/chat": reads("services/chat/u.py", 2)},
    }
    return assign_services(inv, Config(), units=units, access=access)


def test_a_saved_scan_is_a_lossless_source(tmp_path: Path) -> None:
    inv = _scanned_with_code(tmp_path)
    assert inv.shared_access and any(len(t.owner_evidence) > 1 for t in inv.tables)
    assert any(t.replica_of for t in inv.tables) and any(not t.owner for t in inv.tables)
    saved = tmp_path / "scan.json"
    saved.write_text(render_json(inv), encoding="utf-8")
    loaded = read_source(str(saved))
    assert loaded.tables == inv.tables  # services, replica_of, owner_evidence included
    assert loaded.foreign_keys == inv.foreign_keys
    assert loaded.shared_access == inv.shared_access
    assert (loaded.diagnostics, loaded.services) == (inv.diagnostics, inv.services)
    assert loaded.sources == (*inv.sources, Source("inventory", str(saved)))
    # and through a whole scan of the file (no config: the saved service map is kept)
    again = scan([str(saved)])
    assert (again.tables, again.foreign_keys, again.shared_access) == (
        inv.tables,
        inv.foreign_keys,
        inv.shared_access,
    )
    assert render_json(again) == render_json(replace(inv, sources=again.sources))


def test_evidence_and_shared_access_of_older_documents_default_to_empty() -> None:
    doc = {
        "format_version": 1,
        "tables": [{"database": "db", "schema": "public", "name": "t", "service": "a"}],
        "foreign_keys": [],
        "summary": {},
    }
    inv = load_document(doc)
    assert (inv.tables[0].owner_evidence, inv.shared_access) == ((), ())


def test_a_shared_access_entry_without_a_table_is_a_malformed_document() -> None:
    doc = {"format_version": 1, "foreign_keys": [], "summary": {}, "shared_access": [{"table": None}]}
    with pytest.raises(ValueError, match="malformed scan document"):
        load_document(doc)
