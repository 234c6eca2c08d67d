"""Applying a plan file to the store: ``fkmap plan import``, and the seeding of an empty store.

Import rules (per entry)
    * content (marks, owner team, target date, deletion policy) equal to the
      store's: nothing to do -- so a second import of the same file changes
      nothing;
    * the store still has the file's ``version``: the entry is written; a
      record the store does not have is created (with the file's ``uid``, so a
      plan moves records from one store to another);
    * the store moved on but the entry equals the record *as it was at the
      file's version* (read from the audit log): the file did not touch this
      record, nothing to do (a stale file never reverts newer edits);
    * otherwise a **conflict** is reported and the entry is skipped: the record
      changed in the store since the file's version; re-export and edit again.
    A mark without ``by``/``at`` gets the importing user and the current time;
    such fields are not compared. Phase 2 is never read from a file.

All or nothing
    The whole import is one transaction (:meth:`~remediation.store.tx.Transactions.batch`):
    when any write fails (a full disk, a lost connection, a key attached to another
    record), nothing of the file is in the store and the error says so. Conflicts are
    not failures: they are skipped and reported, the other entries are written.

Examples
--------
>>> import tempfile, os
>>> from remediation.plan_file import parse_plan
>>> from remediation.store import open_store
>>> doc = {"format": "fkmap-plan", "format_version": 1, "records": [
...     {"id": "a.sql:3#x", "owner_team": "core", "marks": [{"phase": 1, "by": "al"}]}]}
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = open_store(os.path.join(tmp, "state.db"))
...     first = import_plan(store, parse_plan(doc), who="bo").summary()
...     again = import_plan(store, parse_plan(doc), who="bo").summary()
>>> first, again
('1 created, 0 updated, 0 unchanged, 0 conflicts', '0 created, 0 updated, 1 unchanged, 0 conflicts')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from remediation.plan_file import PlanEntry, read_plan
from remediation.records import Mark, Record
from remediation.store.base import SqlStore
from remediation.store.conflict import ConflictError, utc_now
from remediation.store.schema import StoreError

__all__ = ["ImportReport", "import_plan", "same_content", "seed_store_from_plan"]


def _same_marks(file: Sequence[Mark], stored: Sequence[Mark]) -> bool:
    if [m.phase for m in file] != [m.phase for m in stored]:
        return False
    for f, s in zip(file, stored, strict=True):
        if (f.note, f.link) != (s.note, s.link):
            return False
        if (f.by and f.by != s.by) or (f.at and f.at != s.at):
            return False
    return True


def same_content(file: Record, stored: Record) -> bool:
    """True when a file entry says what ``stored`` says (a mark's missing by/at match anything)."""
    return (file.owner_team, file.target_date, file.deletion_policy) == (
        stored.owner_team,
        stored.target_date,
        stored.deletion_policy,
    ) and _same_marks(file.marks, stored.marks)


@dataclass
class ImportReport:
    """What an import did: ids created, updated, unchanged; conflicts as messages."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated)

    def summary(self) -> str:
        """One line: ``2 created, 1 updated, 40 unchanged, 1 conflict``."""
        n = len(self.conflicts)
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{n} conflict{'' if n == 1 else 's'}"
        )


def _filled(file: Record, who: str, now: str) -> tuple[Mark, ...]:
    return tuple(replace(m, by=m.by or who, at=m.at or now) for m in file.marks)


def import_plan(store: SqlStore, entries: Iterable[PlanEntry], *, who: str) -> ImportReport:
    """Apply plan entries to ``store`` (rules in the module docstring), in one transaction.

    Never raises on a conflict; raises :class:`~remediation.store.schema.StoreError` (of the
    cause's class, e.g. ``StoreFullError``) when a write fails, and then nothing was imported.
    """
    report = ImportReport()
    try:
        with store.batch():
            for entry in entries:
                _apply(store, entry.record, who, report)
    except StoreError as exc:
        raise type(exc)(f"nothing was imported, the store is as it was: {exc}") from exc
    return report


def _apply(store: SqlStore, file: Record, who: str, report: ImportReport) -> None:
    """Apply one file entry (see the module docstring), noting what happened in ``report``."""
    stored = (store.get_uid(file.uid) if file.uid else None) or store.get(file.fk_id)
    if stored is None:
        if file.is_blank:
            report.unchanged.append(file.fk_id)
            return
        new = replace(file, version=0, marks=_filled(file, who, utc_now()))  # keeps the uid: a moved store
        _save(store, new, who, file.fk_id, report.created, report)
        return
    if same_content(file, stored) or (file.version == 0 and file.is_blank):
        report.unchanged.append(file.fk_id)
        return
    if file.version != stored.version:
        base = store.record_at(stored.uid, file.version) if file.version > 0 else None
        if base is not None and same_content(file, base):
            report.unchanged.append(file.fk_id)
            return
        report.conflicts.append(
            f"{file.fk_id}: changed in the store since the file's version {file.version} (now version "
            f"{stored.version}, by {stored.updated_by or 'someone'} at {stored.updated_at}); "
            "re-export the plan and apply the edit again"
        )
        return
    changed = replace(
        stored,
        marks=_filled(file, who, utc_now()),
        owner_team=file.owner_team,
        target_date=file.target_date,
        deletion_policy=file.deletion_policy,
        fk=stored.fk or file.fk,
    )
    _save(store, changed, who, file.fk_id, report.updated, report)


def _save(
    store: SqlStore, record: Record, who: str, fk_id: str, done: list[str], report: ImportReport
) -> None:
    """Save an imported record; ``fk_id`` (the file's) goes to ``done``, or a conflict to ``report``."""
    try:
        store.save(record, who=who, action="import")
        done.append(fk_id)
    except ConflictError as exc:
        report.conflicts.append(f"{fk_id}: {exc}")


def seed_store_from_plan(
    store: SqlStore, path: str | Path, *, who: str = "fkmap-plan"
) -> ImportReport | None:
    """Import the plan file ``path`` into ``store`` when the store is empty and the file exists.

    What ``create_app`` does for the demo: a fresh default store shows the
    bundled plan. Returns None when nothing was done.
    """
    if not Path(path).is_file() or not store.is_empty():
        return None
    return import_plan(store, read_plan(path), who=who)
