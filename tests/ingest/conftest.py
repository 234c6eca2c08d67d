"""Fixtures of the ingest tests: the machine's real MariaDB (``mariadb`` marker).

Like the fixtures of ``tests/conftest.py``, a missing server skips the test on a
developer machine and fails it in CI (``CI=true``). Start it with
``start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

import pytest

from tests.conftest import missing

#: root with an empty password over TCP, as the machine's MariaDB is set up.
MARIADB_DSN = os.environ.get("FKMAP_TEST_MARIADB", "mysql://root@127.0.0.1:3306/")


class Cursor(Protocol):
    """What the fixtures use of a PyMySQL cursor (PyMySQL ships no type hints)."""

    def execute(self, query: str, args: object = None) -> int: ...


class Connection(Protocol):
    """What the fixtures use of a PyMySQL connection."""

    def cursor(self) -> AbstractContextManager[Cursor]: ...

    def close(self) -> None: ...


def _connect(dsn: str) -> Connection:
    import pymysql

    from ingest.catalogs.mysql_dsn import parse_mysql_dsn

    d = parse_mysql_dsn(dsn)
    conn: Connection = pymysql.connect(
        host=d.host,
        port=d.port or 3306,
        user=d.user or None,
        password=d.password,
        connect_timeout=5,
        autocommit=True,
        charset="utf8mb4",
    )
    return conn


@pytest.fixture(scope="session")
def mariadb_dsn() -> str:
    """DSN (no database) of an administrator connection to the machine's MariaDB/MySQL."""
    try:
        conn = _connect(MARIADB_DSN)
        conn.close()
    except Exception as exc:  # any failure means "not available"
        missing("MariaDB", f"{type(exc).__name__}: {exc}")
    return MARIADB_DSN


@pytest.fixture
def mariadb_database(mariadb_dsn: str) -> Iterator[Callable[..., str]]:
    """Factory: ``mariadb_database(sql="...", name=None)`` creates a throw-away database,
    runs the ``;``-separated ``sql`` in it and returns its DSN. All are dropped afterwards."""
    created: list[str] = []
    conn = _connect(mariadb_dsn)

    def make(sql: str = "", name: str | None = None) -> str:
        dbname = name or f"fkmap_test_{uuid.uuid4().hex[:10]}"
        quoted = "`" + dbname.replace("`", "``") + "`"
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cur.execute(f"CREATE DATABASE {quoted} CHARACTER SET utf8mb4")
            created.append(quoted)
            cur.execute(f"USE {quoted}")
            for statement in (s for s in sql.split(";\n") if s.strip()):
                cur.execute(statement)
        from urllib.parse import quote

        return mariadb_dsn.rstrip("/") + "/" + quote(dbname, safe="")

    yield make
    with conn.cursor() as cur:
        cur.execute("SET SESSION foreign_key_checks = 0")  # keys across the test databases
        for quoted in reversed(created):
            cur.execute(f"DROP DATABASE IF EXISTS {quoted}")
    conn.close()
