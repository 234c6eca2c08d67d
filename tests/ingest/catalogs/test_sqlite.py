"""The SQLite reader: real files made with Python's sqlite3, read back read-only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import read_source
from ingest.catalogs.sqlite import ingest_sqlite
from model.inventory import Column, Diagnostic, Location, Source, Table, TableRef

SHOP = """
PRAGMA foreign_keys = ON;
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  email TEXT,
  UNIQUE (id, tenant_id)
);
CREATE TABLE orders (
  id INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id)
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE "order items" (
  "order id" INTEGER NOT NULL,
  tenant INTEGER NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (tenant, "order id", line),
  FOREIGN KEY (tenant, "order id") REFERENCES orders ON DELETE RESTRICT
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  author INTEGER CONSTRAINT [note "author"] REFERENCES users ON DELETE SET NULL,
  editor INTEGER REFERENCES users (id) ON DELETE SET DEFAULT,
  reviewer INTEGER REFERENCES Users (id),
  parent INTEGER REFERENCES notes,
  FOREIGN KEY (editor) REFERENCES users (id)
);
CREATE TABLE legacy (id INTEGER, owner INTEGER REFERENCES ghosts);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(body);
CREATE VIEW active AS SELECT id FROM users;
"""


def make_db(tmp_path: Path, sql: str = SHOP, name: str = "shop.db") -> Path:
    path = tmp_path / name
    with sqlite3.connect(path) as conn:
        conn.executescript(sql)
    conn.close()
    return path


def url_of(path: Path) -> str:
    return "sqlite:///" + str(path)  # absolute path: four slashes


def test_exact_foreign_keys(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    inv = ingest_sqlite(url_of(path))
    t = {n: TableRef("shop", "", n) for n in ("users", "orders", "order items", "notes", "legacy", "ghosts")}
    got = {
        (fk.name, fk.table.name, fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update)
        for fk in inv.foreign_keys
    }
    assert got == {
        (
            "orders_user_fk",
            "orders",
            ("user_id", "tenant_id"),
            t["users"],
            ("id", "tenant_id"),
            "CASCADE",
            "CASCADE",
        ),
        # REFERENCES without columns: the parent's (composite) primary key, in key order
        (
            "order items_tenant_order id_fkey",
            "order items",
            ("tenant", "order id"),
            t["orders"],
            ("tenant_id", "id"),
            "RESTRICT",
            "NO ACTION",
        ),
        ('note "author"', "notes", ("author",), t["users"], ("id",), "SET NULL", "NO ACTION"),
        ("notes_editor_fkey", "notes", ("editor",), t["users"], ("id",), "SET DEFAULT", "NO ACTION"),
        ("notes_editor_fkey1", "notes", ("editor",), t["users"], ("id",), "NO ACTION", "NO ACTION"),
        # the parent is spelled 'Users': SQLite matches names case-insensitively
        ("notes_reviewer_fkey", "notes", ("reviewer",), t["users"], ("id",), "NO ACTION", "NO ACTION"),
        ("notes_parent_fkey", "notes", ("parent",), t["notes"], ("id",), "NO ACTION", "NO ACTION"),
        ("legacy_owner_fkey", "legacy", ("owner",), t["ghosts"], (), "NO ACTION", "NO ACTION"),
    }
    label = url_of(path)
    assert {fk.added_at for fk in inv.foreign_keys} == {Location(label)}
    assert inv.sources == (Source("catalog", label),)
    assert [(d.severity, d.code) for d in inv.diagnostics] == [
        ("warning", "unknown-table"),
        ("warning", "unresolved-reference"),
    ]
    assert all(d.path == label for d in inv.diagnostics)


def test_tables_columns_and_primary_keys(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    inv = ingest_sqlite(url_of(path))
    at = Location(url_of(path))
    # no view, no virtual table nor its shadow tables' parent; the missing parent is external
    names = [t.ref.name for t in inv.tables]
    assert "active" not in names and "docs" not in names
    assert {n for n in names if not n.startswith("docs_")} == {
        "ghosts",
        "legacy",
        "notes",
        "order items",
        "orders",
        "users",
    }
    assert inv.table(TableRef("shop", "", "users")) == Table(
        TableRef("shop", "", "users"),
        (
            Column("id", "integer", False),
            Column("tenant_id", "integer", False),
            Column("email", "text", True),
        ),
        ("id",),
        defined_at=at,
    )
    items = inv.table(TableRef("shop", "", "order items"))
    assert items is not None and items.primary_key == ("tenant", "order id", "line")
    ghosts = inv.table(TableRef("shop", "", "ghosts"))
    assert ghosts == Table(TableRef("shop", "", "ghosts"), external=True)


def test_opened_read_only(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    before = (path.stat().st_mtime_ns, path.read_bytes())
    ingest_sqlite(url_of(path))
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    assert sorted(os.listdir(tmp_path)) == ["shop.db"]  # no journal, no WAL files
    # a missing file is reported, never created
    missing = tmp_path / "nope.db"
    inv = ingest_sqlite(url_of(missing))
    assert [(d.severity, d.code, d.path) for d in inv.diagnostics] == [("error", "connect", url_of(missing))]
    assert "\n" not in inv.diagnostics[0].message and not missing.exists()


def test_not_a_database_and_bad_urls(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file at all" * 100)
    inv = ingest_sqlite(url_of(junk))
    assert [d.code for d in inv.diagnostics] == ["connect"]
    assert "not a database" in inv.diagnostics[0].message
    for url in ("sqlite://", "sqlite:///:memory:"):
        bad = ingest_sqlite(url)
        assert [(d.severity, d.code) for d in bad.diagnostics] == [("error", "connect")]


def test_relative_url_and_dispatcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_db(tmp_path, name="auth_db.sqlite")
    monkeypatch.chdir(tmp_path)
    inv = read_source("sqlite:///auth_db.sqlite")
    assert inv.sources == (Source("catalog", "sqlite:///auth_db.sqlite"),)
    assert {t.ref.database for t in inv.tables} == {"auth_db"}
    assert len(inv.foreign_keys) == 8


def test_scan_maps_the_file_to_a_service(tmp_path: Path) -> None:
    from ownership import scan

    make_db(tmp_path, "CREATE TABLE users (id INTEGER PRIMARY KEY);", "auth_db.db")
    make_db(
        tmp_path,
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users ON DELETE CASCADE);",
        "blog.db",
    )
    inv = scan.scan([url_of(tmp_path / "blog.db"), url_of(tmp_path / "auth_db.db")])
    services = {str(t.ref): (t.service, t.external, t.resolved_to) for t in inv.tables}
    # the blog file references a users table it does not hold; the auth file defines it
    assert services == {
        "auth_db:.users": ("auth", False, None),
        "blog:.posts": ("blog", False, None),
        "blog:.users": ("auth", True, TableRef("auth_db", "", "users")),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4096))
def test_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.db"
    path.write_bytes(b"SQLite format 3\x00" + data if data[:1] == b"\x00" else data)
    inv = ingest_sqlite(url_of(path))
    assert all(isinstance(d, Diagnostic) for d in inv.diagnostics)
