"""Remediation records: the phases, and what a person decided about one foreign key.

A :class:`Record` holds the marks of phases 1, 3 and 4 (who, when, note,
link), the owner team, the target date and the deletion policy, plus the
``version`` the store uses for optimistic concurrency and a description of
its key (:class:`FkInfo`) for matching and review. Records are frozen; edits
return copies (:meth:`Record.with_mark`, :meth:`Record.with_fields`).

Examples
--------
>>> r = Record("a.sql:3#x").with_mark(Mark(1, "alice", "2026-11-14T10:42:00Z", "checks live"))
>>> [m.phase for m in r.marks], r.is_blank
([1], False)
>>> record_from_dict(record_to_dict(r)) == r
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "DELETION_POLICIES",
    "EVENT_ACTIONS",
    "MANUAL_PHASES",
    "PHASES",
    "PHASE_LABELS",
    "FkInfo",
    "Mark",
    "Record",
    "fk_info_from_dict",
    "record_from_dict",
    "record_to_dict",
]

PHASES = (1, 2, 3, 4)
#: Phases a person marks; phase 2 is always read from the sources.
MANUAL_PHASES = (1, 3, 4)
PHASE_LABELS = {
    0: "Not started",
    1: "Validation added",
    2: "FK dropped",
    3: "App-layer validation only",
    4: "Eventual consistency",
}
#: ``ON DELETE`` actions whose effect phase 4 must replace with deletion events.
EVENT_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT")
#: What a service does about the parent's deletion when the FK had no action.
DELETION_POLICIES = ("check-before-delete", "handle-missing-parent", "forbid-delete")


@dataclass(frozen=True)
class Mark:
    """Phase ``phase`` marked done by ``by`` at ``at`` (ISO 8601 UTC), with a note and a link."""

    phase: int
    by: str
    at: str
    note: str = ""
    link: str = ""


@dataclass(frozen=True)
class FkInfo:
    """What a record remembers of its key: for matching, orphans and review."""

    name: str
    service: str
    ref_service: str
    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    database: str = ""
    structural: str = ""
    name_key: str = ""

    @property
    def text(self) -> str:
        """``service table(cols) -> ref_service ref_table(cols)``."""
        return (
            f"{self.service} {self.table}({', '.join(self.columns)}) -> "
            f"{self.ref_service} {self.ref_table}({', '.join(self.ref_columns)})"
        )


@dataclass(frozen=True)
class Record:
    """The remediation record of one key. ``version`` 0 means not stored yet.

    ``uid`` never changes (the audit log follows it); ``fk_id`` is the id of
    the key the record is attached to and changes on re-attachment.
    """

    fk_id: str
    uid: str = ""
    version: int = 0
    marks: tuple[Mark, ...] = ()
    owner_team: str = ""
    target_date: str = ""
    deletion_policy: str = ""
    fk: FkInfo | None = None
    updated_by: str = ""
    updated_at: str = ""

    def mark(self, phase: int) -> Mark | None:
        """The mark of ``phase``, or None."""
        return next((m for m in self.marks if m.phase == phase), None)

    def with_mark(self, mark: Mark) -> Record:
        """A copy with ``mark`` set (replacing an earlier mark of that phase).

        Phase 2 is refused: it is read from the sources, never set by hand.
        """
        if mark.phase not in MANUAL_PHASES:
            raise ValueError(
                f"phase {mark.phase} cannot be marked by hand: phase 2 (FK dropped) is read from the "
                "migrations and the live catalog; phases 1, 3 and 4 are marked"
            )
        marks = sorted([*(m for m in self.marks if m.phase != mark.phase), mark], key=lambda m: m.phase)
        return replace(self, marks=tuple(marks))

    def without_mark(self, phase: int) -> Record:
        """A copy with the mark of ``phase`` removed."""
        return replace(self, marks=tuple(m for m in self.marks if m.phase != phase))

    def with_fields(
        self,
        *,
        owner_team: str | None = None,
        target_date: str | None = None,
        deletion_policy: str | None = None,
    ) -> Record:
        """A copy with the given plan fields changed (None keeps a field)."""
        if deletion_policy and deletion_policy not in DELETION_POLICIES:
            raise ValueError(
                f"unknown deletion policy {deletion_policy!r}; use one of {', '.join(DELETION_POLICIES)}"
            )
        return replace(
            self,
            owner_team=self.owner_team if owner_team is None else owner_team.strip(),
            target_date=self.target_date if target_date is None else target_date.strip(),
            deletion_policy=self.deletion_policy if deletion_policy is None else deletion_policy,
        )

    @property
    def content(self) -> tuple[Any, ...]:
        """What a person decided (marks and plan fields): equal content = nothing to save."""
        return (self.marks, self.owner_team, self.target_date, self.deletion_policy)

    @property
    def is_blank(self) -> bool:
        """True when the record says nothing yet."""
        return not (self.marks or self.owner_team or self.target_date or self.deletion_policy)


def record_to_dict(record: Record) -> dict[str, Any]:
    """A JSON-ready dict (lists for tuples); :func:`record_from_dict` reads it back equal.

    >>> r = Record("a.sql:3#x", marks=(Mark(1, "al", "2026-01-01T00:00:00Z"),))
    >>> record_from_dict(record_to_dict(r)) == r
    True
    """
    data: dict[str, Any] = {
        "fk_id": record.fk_id,
        "uid": record.uid,
        "version": record.version,
        "marks": [vars(m).copy() for m in record.marks],
        "owner_team": record.owner_team,
        "target_date": record.target_date,
        "deletion_policy": record.deletion_policy,
        "fk": None if record.fk is None else {**vars(record.fk)},
        "updated_by": record.updated_by,
        "updated_at": record.updated_at,
    }
    if data["fk"] is not None:
        data["fk"]["columns"] = list(record.fk.columns)  # type: ignore[union-attr]
        data["fk"]["ref_columns"] = list(record.fk.ref_columns)  # type: ignore[union-attr]
    return data


def fk_info_from_dict(raw: dict[str, Any] | None) -> FkInfo | None:
    """Rebuild an :class:`FkInfo` (unknown keys ignored, lists become tuples)."""
    if not raw:
        return None
    known = {k: raw[k] for k in FkInfo.__dataclass_fields__ if k in raw}
    for key in ("columns", "ref_columns"):
        known[key] = tuple(str(c) for c in known.get(key, ()))
    for key in ("name", "service", "ref_service", "table", "ref_table"):
        known.setdefault(key, "")
    info = FkInfo(**known)
    if not info.structural:
        info = replace(info, structural=_info_structural(info))
    if not info.name_key and info.name:
        schema = info.table.rsplit(".", 1)[0] if "." in info.table else ""
        info = replace(info, name_key=f"{schema}.{info.name}" if schema else info.name)
    return info


def _info_structural(info: FkInfo) -> str:
    """:func:`remediation.fkid.structural_key` rebuilt from the stored description."""

    def end(table: str, cols: tuple[str, ...]) -> str:
        return f"{table.lstrip('.')}({','.join(cols)})"

    return f"{end(info.table, info.columns)}->{end(info.ref_table, info.ref_columns)}"


def record_from_dict(data: dict[str, Any]) -> Record:
    """Rebuild a record from :func:`record_to_dict` output (missing keys take defaults)."""
    marks = tuple(
        Mark(
            int(m["phase"]),
            str(m.get("by", "")),
            str(m.get("at", "")),
            str(m.get("note", "")),
            str(m.get("link", "")),
        )
        for m in data.get("marks") or ()
    )
    return Record(
        fk_id=str(data["fk_id"]),
        uid=str(data.get("uid", "")),
        version=int(data.get("version", 0)),
        marks=tuple(sorted(marks, key=lambda m: m.phase)),
        owner_team=str(data.get("owner_team", "")),
        target_date=str(data.get("target_date", "")),
        deletion_policy=str(data.get("deletion_policy", "")),
        fk=fk_info_from_dict(data.get("fk")),
        updated_by=str(data.get("updated_by", "")),
        updated_at=str(data.get("updated_at", "")),
    )
