"""The remediation store: every SQL statement, written once for SQLite and PostgreSQL.

A backend (:mod:`remediation.store.sqlite`, :mod:`remediation.store.postgres`) only opens connections
in autocommit mode and names its placeholder; :class:`SqlStore` runs every
operation in one explicit transaction (``BEGIN`` ... ``COMMIT``, rolled back on
any error), so a crash loses nothing that was confirmed and leaves nothing
half-written.

Concurrency is optimistic: each record carries a ``version``. :meth:`SqlStore.save`
writes ``UPDATE ... SET version = version + 1 WHERE uid = ? AND version = ?``
with the version the caller loaded; when another client saved in between, no
row matches and :class:`ConflictError` says who changed it and when ("changed
by alice at 10:42 UTC on 2026-11-14 since you loaded it; reload"). A new record
is inserted with ``ON CONFLICT DO NOTHING``: two clients creating the record of
one key get one success and one conflict. No update is ever lost.

Every change appends to ``fkmap_audit`` in the same transaction: who, when,
what (``create``, ``mark``, ``unmark``, ``update``, ``reattach``, ``import``),
and the record before and after (JSON).

:meth:`~remediation.store.tx.Transactions.batch` runs many operations in one transaction
(``fkmap plan import``: all or nothing).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from remediation.records import FkInfo, Record, record_from_dict, record_to_dict
from remediation.store.conflict import ConflictError, utc_now, what
from remediation.store.layouts import Layouts
from remediation.store.rows import (
    COLUMNS,
    AuditEntry,
    Cursor,
    Snapshot,
    SnapshotInfo,
    dump_record,
    fk_json,
    load_record,
    maybe_record,
    record_of_row,
)
from remediation.store.schema import (
    SCHEMA_VERSION,
    VERSION_TABLE,
    Dialect,
    StoreError,
    newer_store,
    statements,
)

__all__ = ["SqlStore"]


class SqlStore(Layouts):
    """Remediation records, audit log, snapshots and saved graph layouts (:class:`Layouts`) in a SQL
    database (see the module docstring).

    Subclasses set :attr:`dialect`, :attr:`placeholder` and implement
    :meth:`_connect` (an autocommit DB-API connection). Each operation opens
    its own connection (:class:`~remediation.store.tx.Transactions`), so one store
    object is safe to share between threads.
    """

    dialect: Dialect = "sqlite"
    #: Statement that serialises concurrent schema upgrades inside the upgrade transaction.
    schema_lock: str = ""

    # ------------------------------------------------------------------ schema
    def schema_version(self) -> int:
        """The layout version of the stored data (0 for a database without a store)."""
        try:
            with self._tx() as cur:
                return self._version(cur)
        except _NoVersionTable:
            return 0

    def _version(self, cur: Cursor) -> int:
        try:
            row = cur.execute("SELECT max(version) FROM fkmap_schema_version").one()
        except Exception as exc:
            if (
                "fkmap_schema_version" in str(exc)
                or "no such table" in str(exc)
                or "does not exist" in str(exc)
            ):
                raise _NoVersionTable from exc
            raise
        return int(row[0] or 0)

    def upgrade(self, target: int = SCHEMA_VERSION) -> int:
        """Bring the layout to ``target`` in place (each step in the transaction that records it).

        Raises :class:`~remediation.store.schema.StoreVersionError` when the store is newer
        than this fkmap, and leaves it untouched. Returns the version reached.
        """
        with self._tx(write=True) as cur:
            if self.schema_lock:
                cur.execute(self.schema_lock)
            cur.execute(VERSION_TABLE)
            current = self._version(cur)
            if current > SCHEMA_VERSION:
                raise newer_store(self.label, current)
            for version in range(current + 1, target + 1):
                for sql in statements(version, self.dialect):
                    cur.execute(sql)
            if target > current:
                cur.execute("DELETE FROM fkmap_schema_version")
                cur.execute(
                    "INSERT INTO fkmap_schema_version (version, upgraded_at) VALUES (?, ?)",
                    (target, utc_now()),
                )
            return max(current, target)

    # ------------------------------------------------------------------ records
    def records(self) -> list[Record]:
        """Every record, by ``fk_id``."""
        with self._tx() as cur:
            rows = cur.execute(f"SELECT {COLUMNS} FROM fkmap_records ORDER BY fk_id").all()
        return [record_of_row(r) for r in rows]

    def get(self, fk_id: str) -> Record | None:
        """The record attached to ``fk_id``, or None."""
        with self._tx() as cur:
            row = cur.execute(f"SELECT {COLUMNS} FROM fkmap_records WHERE fk_id = ?", (fk_id,)).one()
        return None if row is None else record_of_row(row)

    def get_uid(self, uid: str) -> Record | None:
        """The record with ``uid``, or None."""
        with self._tx() as cur:
            return self._by_uid(cur, uid)

    def _by_uid(self, cur: Cursor, uid: str) -> Record | None:
        return maybe_record(cur.execute(f"SELECT {COLUMNS} FROM fkmap_records WHERE uid = ?", (uid,)).one())

    def is_empty(self) -> bool:
        """True when no record was ever written."""
        with self._tx() as cur:
            return bool(cur.execute("SELECT count(*) FROM fkmap_records").one()[0] == 0)

    def save(self, record: Record, *, who: str, action: str = "") -> Record:
        """Write ``record`` if nobody changed it since it was loaded; return the stored version.

        ``record.version`` is the version the caller loaded (0: a new record).
        Raises :class:`ConflictError` when the store holds another version, or
        when a new record's key already has one.
        """
        if not record.fk_id:
            raise StoreError("a record needs the id of its foreign key (fk_id)")
        now = utc_now()
        saved = replace(record, uid=record.uid or uuid.uuid4().hex, updated_by=who, updated_at=now)
        saved = record_from_dict(record_to_dict(saved))  # normalised exactly as it will be read back
        values = {
            "uid": saved.uid,
            "fk_id": saved.fk_id,
            "service": saved.fk.service if saved.fk is not None else "",
            "owner_team": saved.owner_team,
            "target_date": saved.target_date,
            "deletion_policy": saved.deletion_policy,
            "marks": json.dumps([vars(m) for m in saved.marks], sort_keys=True),
            "fk": json.dumps(fk_json(saved.fk), sort_keys=True),
            "updated_at": now,
            "updated_by": who,
        }
        current: Record | None = None
        try:
            with self._tx(write=True) as cur:
                if record.version == 0:
                    saved = replace(saved, version=1)
                    row = {**values, "version": 1, "created_at": now}
                    cur.execute(
                        f"INSERT INTO fkmap_records ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) "
                        "ON CONFLICT DO NOTHING",
                        list(row.values()),
                    )
                    if cur.rowcount != 1:
                        found = cur.execute(
                            f"SELECT {COLUMNS} FROM fkmap_records WHERE fk_id = ?", (saved.fk_id,)
                        )
                        current = maybe_record(found.one())
                        raise _Lost
                    before = None
                else:
                    before = self._by_uid(cur, record.uid)
                    if before is None or before.version != record.version:
                        current = before
                        raise _Lost
                    saved = replace(saved, version=record.version + 1)
                    changes = {k: v for k, v in values.items() if k != "uid"}
                    assignments = ", ".join(f"{k} = ?" for k in changes)
                    cur.execute(
                        f"UPDATE fkmap_records SET version = version + 1, {assignments} "
                        "WHERE uid = ? AND version = ?",
                        [*changes.values(), record.uid, record.version],
                    )
                    if cur.rowcount != 1:
                        current = self._by_uid(cur, record.uid)
                        raise _Lost
                cur.execute(
                    "INSERT INTO fkmap_audit (at, who, action, record_uid, fk_id, before, after) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        now,
                        who,
                        action or ("create" if before is None else "update"),
                        saved.uid,
                        saved.fk_id,
                        dump_record(before),
                        dump_record(saved),
                    ),
                )
        except _Lost:
            raise ConflictError(record, current) from None
        except Exception as exc:
            if self._is_integrity_error(exc):
                raise StoreError(
                    f"cannot save {what(record)} as {saved.fk_id!r}: another record is attached to that key"
                ) from exc
            raise
        return saved

    def reattach(self, record: Record, fk_id: str, info: FkInfo | None, *, who: str) -> Record:
        """Attach an (orphaned) record to another key; conflicts like :meth:`save`."""
        return self.save(replace(record, fk_id=fk_id, fk=info or record.fk), who=who, action="reattach")

    # ------------------------------------------------------------------ audit
    def audit(self, *, uid: str | None = None, since: str | None = None, limit: int = 0) -> list[AuditEntry]:
        """Audit entries, oldest first; of one record (``uid``) and/or from ``since`` (ISO) on."""
        where, params = [], []
        if uid is not None:
            where.append("record_uid = ?")
            params.append(uid)
        if since is not None:
            where.append("at >= ?")
            params.append(since)
        sql = "SELECT id, at, who, action, record_uid, fk_id, before, after FROM fkmap_audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self._tx() as cur:
            rows = cur.execute(sql, params).all()
        return [
            AuditEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5], load_record(r[6]), load_record(r[7]))
            for r in rows
        ]

    def record_at(self, uid: str, version: int) -> Record | None:
        """The record as it was at ``version`` (from the audit log), or None."""
        for entry in reversed(self.audit(uid=uid)):
            if entry.after is not None and entry.after.version == version:
                return entry.after
        return None

    # ------------------------------------------------------------------ snapshots
    def save_snapshot(self, name: str, rows: Sequence[dict[str, Any]], *, who: str) -> SnapshotInfo:
        """Keep ``rows`` under ``name``; a name is never reused (:class:`StoreError`)."""
        name = name.strip()
        if not name:
            raise StoreError("a snapshot needs a name, e.g. 'Review 2026-11-14'")
        info = SnapshotInfo(name, utc_now(), who)
        with self._tx(write=True) as cur:
            cur.execute(
                "INSERT INTO fkmap_snapshots (name, created_at, created_by, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (name, info.created_at, who, json.dumps(list(rows), sort_keys=True)),
            )
            if cur.rowcount != 1:
                raise StoreError(f"a snapshot named {name!r} exists already; choose another name")
        return info

    def snapshots(self) -> list[SnapshotInfo]:
        """Saved snapshots, newest first."""
        with self._tx() as cur:
            rows = cur.execute(
                "SELECT name, created_at, created_by FROM fkmap_snapshots ORDER BY created_at DESC, name"
            ).all()
        return [SnapshotInfo(*r) for r in rows]

    def snapshot(self, name: str) -> Snapshot | None:
        """The snapshot called ``name``, or None."""
        with self._tx() as cur:
            row = cur.execute(
                "SELECT name, created_at, created_by, data FROM fkmap_snapshots WHERE name = ?", (name,)
            ).one()
        if row is None:
            return None
        return Snapshot(row[0], row[1], row[2], tuple(json.loads(row[3])))


class _Lost(Exception):
    """Internal: the optimistic check failed (the transaction is rolled back)."""


class _NoVersionTable(StoreError):
    """Internal: the database holds no fkmap store yet."""
