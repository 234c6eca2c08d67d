"""The source registry (:mod:`ingest.registry`): which reader reads which source."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ingest import READERS, is_dsn_source, read_source, server_source
from ingest.migrations.sets import ingest_path
from ingest.registry import reader_for
from tests.helpers import modules_after
from tests.ingest.migrations.test_migrations import TREE, write_tree


def test_read_source_dispatches_paths(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    assert read_source(str(tmp_path)) == ingest_path(tmp_path)


def test_read_source_without_catalog_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ingest.catalogs.postgres", None)  # makes the import fail
    inv = read_source("postgresql://app:s3cret@db.invalid:5432/shop")
    assert [(d.severity, d.code) for d in inv.diagnostics] == [("error", "unsupported")]
    assert "s3cret" not in json.dumps(inv.to_dict())
    assert inv.sources[0].kind == "catalog"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("postgresql://app@db/shop", "postgres"),
        ("POSTGRES://db/shop", "postgres"),
        ("host=db dbname=shop", "postgres"),
        ("mysql://app@db/shop", "mysql"),
        ("MariaDB://db/", "mysql"),
        ("sqlite:///app.db", "sqlite"),
        ("services/auth/migrations", "migrations"),
        ("/nonexistent/scan.json", "migrations"),  # a missing file is a path: its reader says so
    ],
)
def test_each_source_has_one_reader(source: str, name: str) -> None:
    assert reader_for(source).name == name
    assert is_dsn_source(source) == (name in ("postgres", "mysql", "sqlite"))


def test_files_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "scan.JSON").write_text("{}")
    (tmp_path / "schema.prisma").write_text("")
    (tmp_path / "host=db.json").write_text("{}")  # a path that exists is no key=value DSN
    names = [reader_for(str(tmp_path / n)).name for n in ("scan.JSON", "schema.prisma", "host=db.json")]
    assert names == ["saved", "prisma", "saved"]


def test_the_last_reader_takes_everything() -> None:
    assert READERS[-1].name == "migrations" and READERS[-1].matches("anything at all")
    assert len({r.name for r in READERS}) == len(READERS)


def test_server_source() -> None:
    assert server_source("postgresql://app:pw@db:5432/shop?sslmode=require") == (
        "postgresql://app:pw@db:5432/?sslmode=require"
    )
    for unchanged in ("host=db dbname=shop", "mysql://app@db/shop", "sqlite:///app.db", "db/migrations"):
        assert server_source(unchanged) == unchanged


HEAVY = ("psycopg", "pymysql", "pglast", "sqlglot", "sqlite3")
READER_MODULES = tuple(r.module for r in READERS)


def test_recognising_a_source_imports_no_reader() -> None:
    """A fresh interpreter matches sources without importing a reader module or a driver."""
    found = modules_after(
        "import ingest\n"
        "assert ingest.is_dsn_source('postgresql://db/x') and not ingest.is_dsn_source('db/migrations')"
    )
    assert sorted(m for m in HEAVY + READER_MODULES if m in found) == []
