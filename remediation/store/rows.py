"""How records, audit entries and snapshots are written to and read from SQL rows.

The store keeps marks and key descriptions as JSON text; :func:`record_of_row`
reads a ``fkmap_records`` row (columns :data:`COLUMNS`) back into a
:class:`~remediation.records.Record`, :func:`dump_record`/:func:`load_record`
do the same for the audit log's before/after. :class:`Cursor` lets every
backend take ``?`` placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from remediation.records import FkInfo, Record, record_from_dict, record_to_dict

__all__ = [
    "COLUMNS",
    "AuditEntry",
    "Cursor",
    "Snapshot",
    "SnapshotInfo",
    "dump_record",
    "fk_json",
    "load_record",
    "maybe_record",
    "record_of_row",
]

COLUMNS = (
    "uid, fk_id, version, service, owner_team, target_date, deletion_policy, marks, fk, "
    "updated_at, updated_by"
)


@dataclass(frozen=True)
class AuditEntry:
    """One change: ``before`` is None for a creation."""

    id: int
    at: str
    who: str
    action: str
    uid: str
    fk_id: str
    before: Record | None
    after: Record | None


@dataclass(frozen=True)
class SnapshotInfo:
    """A saved snapshot's name and when and by whom it was taken."""

    name: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Snapshot(SnapshotInfo):
    """A snapshot with its rows (:func:`remediation.views.snapshot_rows`)."""

    rows: tuple[dict[str, Any], ...] = ()


class Cursor:
    """A DB-API cursor that takes ``?`` placeholders on every backend."""

    def __init__(self, cursor: Any, placeholder: str) -> None:
        self.raw = cursor
        self.placeholder = placeholder

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.placeholder != "?":
            sql = sql.replace("?", self.placeholder)
        self.raw.execute(sql, tuple(params))
        return self

    def one(self) -> Any:
        return self.raw.fetchone()

    def all(self) -> list[Any]:
        return list(self.raw.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self.raw.rowcount)


def dump_record(record: Record | None) -> str | None:
    return None if record is None else json.dumps(record_to_dict(record), sort_keys=True)


def load_record(text: str | None) -> Record | None:
    return None if not text else record_from_dict(json.loads(text))


def record_of_row(row: Sequence[Any]) -> Record:
    uid, fk_id, version, _service, owner, target, policy, marks, fk, updated_at, updated_by = row
    return record_from_dict(
        {
            "fk_id": fk_id,
            "uid": uid,
            "version": version,
            "marks": json.loads(marks or "[]"),
            "owner_team": owner,
            "target_date": target,
            "deletion_policy": policy,
            "fk": json.loads(fk or "{}"),
            "updated_at": updated_at,
            "updated_by": updated_by,
        }
    )


def maybe_record(row: Sequence[Any] | None) -> Record | None:
    return None if row is None else record_of_row(row)


def fk_json(info: FkInfo | None) -> dict[str, Any]:
    if info is None:
        return {}
    data = dict(vars(info))
    data["columns"] = list(info.columns)
    data["ref_columns"] = list(info.ref_columns)
    return data
