"""Connections and transactions of a store, and what their errors mean.

:class:`Transactions` is the base of :class:`~remediation.store.base.SqlStore`: every operation
runs in one explicit transaction (``BEGIN`` ... ``COMMIT``, rolled back on any error) on a
connection of its own. :meth:`Transactions.batch` runs many operations in one transaction
(``fkmap plan import``): each is a savepoint, so a conflict undoes only its own operation, while
any error that leaves the block undoes them all.

Errors are told apart: a full disk (``SQLITE_FULL``, ``ENOSPC``/``EDQUOT``, PostgreSQL's
``53100``) is a :class:`~remediation.store.schema.StoreFullError` that says so; a store that
cannot be read is a damaged store (restore it from a backup); anything else is raised as it is.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from remediation.store.rows import Cursor
from remediation.store.schema import damaged_store, store_full

__all__ = ["Transactions"]


class Transactions:
    """Transactions over connections from :meth:`_connect` (see the module docstring)."""

    placeholder = "?"

    def __init__(self, label: str) -> None:
        self.label = label
        self._batch = threading.local()  # the cursor of this thread's open batch, if any
        self._savepoints = itertools.count(1)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"

    # ------------------------------------------------------------------ backend hooks
    def _connect(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin_sql(self, write: bool) -> str:
        return "BEGIN"

    def _is_integrity_error(self, exc: BaseException) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _is_damage(self, exc: BaseException) -> bool:
        """True when ``exc`` says the store itself cannot be read (a damaged file), not one statement."""
        return False

    def _is_full(self, exc: BaseException) -> bool:
        """True when ``exc`` says there is no space left to write (the backend adds its own codes)."""
        return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run every operation of this thread inside the block in one write transaction: all are
        committed when the block ends, none when an exception leaves it. Each operation is a
        savepoint (a conflict undoes only itself). Nested batches join the outer one."""
        if getattr(self._batch, "cursor", None) is not None:
            yield
            return
        with self._tx(write=True) as cur:
            self._batch.cursor = cur
            try:
                yield
            finally:
                self._batch.cursor = None

    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Cursor]:
        outer: Cursor | None = getattr(self._batch, "cursor", None)
        if outer is not None:
            with self._savepoint(outer) as cur:
                yield cur
            return
        conn = None
        try:
            conn = self._connect()
            cur = Cursor(conn.cursor(), self.placeholder)
            cur.execute(self._begin_sql(write))
            try:
                yield cur
            except BaseException:
                self._rollback(cur)
                raise
            cur.execute("COMMIT")
        except Exception as exc:
            if self._is_full(exc):
                raise store_full(self.label, str(exc).strip().splitlines()[0]) from exc
            if self._is_damage(exc):
                raise damaged_store(self.label, str(exc)) from exc
            raise
        finally:
            if conn is not None:
                conn.close()

    @contextmanager
    def _savepoint(self, cur: Cursor) -> Iterator[Cursor]:
        """One operation inside a :meth:`batch`: undone alone when it raises."""
        name = f"fkmap_op_{next(self._savepoints)}"
        cur.execute(f"SAVEPOINT {name}")
        try:
            yield cur
        except BaseException:
            # When the database already ended the whole transaction (SQLite does on SQLITE_FULL),
            # there is no savepoint left: the original error is the one to report.
            with contextlib.suppress(Exception):
                cur.execute(f"ROLLBACK TO SAVEPOINT {name}")
                cur.execute(f"RELEASE SAVEPOINT {name}")
            raise
        cur.execute(f"RELEASE SAVEPOINT {name}")

    @staticmethod
    def _rollback(cur: Cursor) -> None:
        """Roll back; a transaction the database already ended (SQLite after ``SQLITE_FULL``) is fine."""
        try:
            cur.execute("ROLLBACK")
        except Exception as exc:
            if "no transaction is active" not in str(exc):
                raise
