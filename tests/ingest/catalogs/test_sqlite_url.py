"""SQLite URLs (:mod:`ingest.catalogs.sqlite_url`)."""

from __future__ import annotations

from ingest.catalogs.sqlite_url import sqlite_path


def test_sqlite_path() -> None:
    assert sqlite_path("sqlite:///rel/app.db") == "rel/app.db"
    assert sqlite_path("sqlite:////abs/app.db") == "/abs/app.db"
    assert sqlite_path("sqlite:///my%20app.db?mode=rw") == "my app.db"
    assert sqlite_path("sqlite:app.db") == "app.db"
    assert sqlite_path("sqlite:///:memory:") == sqlite_path("sqlite://") == ""
