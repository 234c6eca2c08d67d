"""The SQLite backend: one file, WAL journal, ``synchronous=FULL``.

WAL lets readers (the dashboard's callbacks) run while one writer commits;
``synchronous=FULL`` syncs the WAL on every commit, so a write that returned
survives a crash of the process or of the machine. Writers take the lock up
front (``BEGIN IMMEDIATE``) and wait up to ``timeout`` seconds for each other.

An existing file is checked *read-only* before anything may write to it
(:meth:`SqliteStore.check`): a file that is no SQLite database, one whose
pages are damaged (``PRAGMA quick_check``) or one written by a newer fkmap is
refused, and stays byte for byte as it was, with no ``-wal``/``-shm`` file
left next to it. Only then is the journal switched to WAL and the layout
upgraded.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from remediation.store.base import SqlStore
from remediation.store.schema import SCHEMA_VERSION, StoreError, damaged_store, newer_store, store_full

__all__ = ["SqliteStore"]

_HEADER = b"SQLite format 3\x00"
#: Free bytes below which an I/O error of the store is taken for a full disk.
_LOW_SPACE = 256 * 1024


class SqliteStore(SqlStore):
    """A store in the SQLite file ``path`` (its folder is created when missing)."""

    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        super().__init__(str(self.path))
        self.check()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            if self._is_full(exc):
                raise store_full(self.label, str(exc)) from exc
            raise StoreError(f"cannot open the remediation store {self.path}: {exc}") from exc

    def check(self) -> None:
        """Refuse (:class:`StoreError`, :class:`StoreVersionError`) an existing file that is damaged
        or newer than this fkmap, reading it without writing anything (see the module docstring)."""
        try:
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"cannot open the remediation store {self.path}: {exc.strerror}") from exc
        if not header or Path(f"{self.path}-journal").exists():  # new, or a hot journal to roll back first
            return
        if not header.startswith(_HEADER):
            raise damaged_store(self.label, "file is not a database")
        conn = sqlite3.connect(self._read_only_uri(wal=header[18] == 2), uri=True, timeout=self.timeout)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = 0
            if "fkmap_schema_version" in tables:
                version = int(
                    conn.execute("SELECT max(version) FROM fkmap_schema_version").fetchone()[0] or 0
                )
            problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise damaged_store(self.label, str(exc)) from exc
        finally:
            conn.close()
        if version > SCHEMA_VERSION:
            raise newer_store(self.label, version)
        if problems != ["ok"]:
            raise damaged_store(self.label, "database disk image is malformed", problems[0])

    def _read_only_uri(self, *, wal: bool) -> str:
        """``mode=ro``; for a WAL file nobody has open (no ``-wal``/``-shm``) also ``immutable=1``, so
        that reading it creates neither file."""
        in_use = Path(f"{self.path}-wal").exists() and Path(f"{self.path}-shm").exists()
        immutable = "&immutable=1" if wal and not in_use else ""
        return f"file:{quote(str(self.path.absolute()))}?mode=ro{immutable}"

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

    def _is_full(self, exc: BaseException) -> bool:
        """SQLITE_FULL ("database or disk is full"), or an I/O error (such as the ``-shm`` file that
        cannot be extended, the first thing a connection to a full disk meets) with no space left."""
        code = getattr(exc, "sqlite_errorcode", None)
        if not isinstance(code, int):
            return super()._is_full(exc)
        if code & 0xFF == sqlite3.SQLITE_FULL:
            return True
        if code & 0xFF != sqlite3.SQLITE_IOERR:
            return False
        try:
            disk = os.statvfs(self.path.absolute().parent)
        except OSError:
            return False
        return disk.f_bavail * disk.f_frsize < _LOW_SPACE

    def integrity_check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check``: ``['ok']`` for a sound file."""
        conn = self._connect()
        try:
            return [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
