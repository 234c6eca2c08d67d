"""The SQLite backend: one file, WAL journal, ``synchronous=FULL``.

WAL lets readers (the dashboard's callbacks) run while one writer commits;
``synchronous=FULL`` syncs the WAL on every commit, so a write that returned
survives a crash of the process or of the machine. Writers take the lock up
front (``BEGIN IMMEDIATE``) and wait up to ``timeout`` seconds for each other.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from remediation.store.base import SqlStore
from remediation.store.schema import StoreError

__all__ = ["SqliteStore"]


class SqliteStore(SqlStore):
    """A store in the SQLite file ``path`` (its folder is created when missing)."""

    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        super().__init__(str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the remediation store {self.path}: {exc}") from exc

    def _connect(self) -> Any:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        return conn

    def _begin_sql(self, write: bool) -> str:
        return "BEGIN IMMEDIATE" if write else "BEGIN"

    def _is_integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def _is_damage(self, exc: BaseException) -> bool:
        # "file is not a database", "database disk image is malformed", a lock never released...
        return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.IntegrityError)

    def integrity_check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check``: ``['ok']`` for a sound file."""
        conn = self._connect()
        try:
            return [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
