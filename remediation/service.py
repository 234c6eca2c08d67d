"""What the dashboard's Remediation page and ``fkmap plan`` share, with typed results.

Every function works on a :class:`RemediationView` -- the statuses of one
scan combined with one read of the store -- and returns a typed value, never a
message for the caller to parse:

* :func:`load_view` / :func:`inventory_view` -- statuses and orphaned records
  of a scan against a store (``revision`` changes whenever a record does);
* :func:`save_edit` / :func:`save_edits` -- mark or unmark a phase, or save the plan
  fields, of one key or several in one transaction, with optimistic concurrency and a
  confirmation before a mark that contradicts the sources (kept in :mod:`remediation.edits`,
  named here too); :func:`scan_not_ready` is the answer while the scan is not loaded yet;
* :func:`reattach_orphan` -- attach an orphaned record to a key without one;
* :func:`take_snapshot` / :func:`review_since` -- keep the state under a name,
  list what changed since;
* :func:`progress_by_phase`, :func:`sql_script`, :func:`plan_text` -- the
  stacked bars, the phase-2 SQL and the plan file of what the view holds;
* :func:`phase_by_fk` / :func:`report_phase_of` -- the real phase of every
  tracked key, for the HTML/Markdown report.

Examples
--------
>>> import os, tempfile
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from remediation.store import open_store
>>> users, posts = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",),
...                 added_at=Location("m/003_posts.sql", 6))
>>> inv = Inventory(tables=(Table(users, service="auth"), Table(posts, service="content")),
...                 foreign_keys=(fk,))
>>> key = "m/003_posts.sql:6#user_id"
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = open_store(os.path.join(tmp, "state.db"))
...     view = inventory_view(inv, store)  # nothing stored yet: the editor loaded version 0
...     first = save_edit(store, view, key, None, "mark", who="al", phase=1)
...     stale = save_edit(store, view, key, None, "fields", who="bo", owner_team="core")
...     phases = phase_by_fk(inv, store)
>>> first.ok, first.message, first.record.version
(True, 'Saved (phase 1 marked, version 1).', 1)
>>> stale.ok, stale.conflict, stale.record.updated_by
(False, True, 'al')
>>> phases
{'m/003_posts.sql:6#user_id': 1}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from model.inventory import ForeignKey, Inventory
from remediation.edits import (
    NAME_FOR_EDIT,
    SCAN_LOADING,
    BulkResult,
    Edit,
    SaveResult,
    save_edit,
    save_edits,
    scan_not_ready,
)
from remediation.phases import phase_label, phases_by_id, statuses_phase_of
from remediation.plan_file import dump_plan, export_plan
from remediation.records import Record
from remediation.status import Status, statuses
from remediation.store.base import SqlStore
from remediation.store.conflict import ConflictError
from remediation.store.rows import Snapshot, SnapshotInfo
from remediation.store.schema import StoreError
from remediation.tracking import TrackedFk, tracked_fks
from remediation.views import Progress, ReviewDelta, progress, review_delta, snapshot_rows, sql_for

__all__ = [
    "NAME_FOR_EDIT",
    "NAME_FOR_REATTACH",
    "NAME_FOR_SNAPSHOT",
    "SCAN_LOADING",
    "BulkResult",
    "Edit",
    "RemediationView",
    "Review",
    "SaveResult",
    "SnapshotResult",
    "inventory_view",
    "load_view",
    "phase_by_fk",
    "phase_label",
    "plan_text",
    "progress_by_phase",
    "reattach_orphan",
    "report_phase_of",
    "review_since",
    "save_edit",
    "save_edits",
    "scan_not_ready",
    "sql_script",
    "take_snapshot",
]

#: Why a change without a name is refused (the audit log records who made each change).
NAME_FOR_SNAPSHOT = "Enter your name (top right of the page) before saving a snapshot."
NAME_FOR_REATTACH = "Enter your name (top right of the page) first."


@dataclass(frozen=True)
class RemediationView:
    """The statuses of one scan (all services) with one read of the store, and the orphaned records.

    ``revision`` names the scan and every record's version: equal revisions
    mean nothing changed since the last read.
    """

    statuses: tuple[Status, ...]
    orphans: tuple[Record, ...]
    revision: str

    def status(self, fk_id: str | None) -> Status | None:
        """The status of the tracked key ``fk_id`` (None when there is no such key)."""
        return next((s for s in self.statuses if s.id == fk_id), None) if fk_id else None

    def of(self, service: str) -> list[Status]:
        """The statuses of ``service``'s keys ('' for every service)."""
        return [s for s in self.statuses if not service or s.service == service]

    @property
    def services(self) -> list[str]:
        """The dependent services of the tracked keys, sorted."""
        return sorted({s.service for s in self.statuses})


def load_view(items: Sequence[TrackedFk], store: SqlStore | None, *, scan: str = "") -> RemediationView:
    """Read ``store`` (nothing when None) and combine its records with ``items``.

    ``scan`` names the scan in the revision (the dashboard gives its fingerprint).
    """
    records = store.records() if store is not None else []
    rows, orphans = statuses(items, records)
    revision = ",".join(f"{r.uid}:{r.version}" for r in sorted(records, key=lambda r: r.uid))
    return RemediationView(tuple(rows), tuple(orphans), f"{scan}|{revision}")


def inventory_view(inv: Inventory, store: SqlStore | None) -> RemediationView:
    """:func:`load_view` of the keys :func:`~remediation.tracking.tracked_fks` finds in ``inv``."""
    return load_view(tracked_fks(inv), store)


# ---------------------------------------------------------------------------------------------- writes
def reattach_orphan(store: SqlStore, view: RemediationView, uid: str, fk_id: str, *, who: str) -> SaveResult:
    """Attach the orphaned record ``uid`` to the key ``fk_id`` (a key without a record)."""
    if not who:
        return SaveResult(False, NAME_FOR_REATTACH)
    orphan = next((r for r in view.orphans if r.uid == uid), None)
    if orphan is None:
        return SaveResult(False, "Choose an orphaned record first.")
    status = view.status(fk_id)
    if status is None:
        return SaveResult(False, "Select, in the table, the key the record belongs to.")
    if status.record is not None:
        return SaveResult(False, "That key has a record already; choose a key without one.")
    try:
        saved = store.reattach(orphan, status.item.id, status.item.info(), who=who)
    except ConflictError as exc:
        return SaveResult(False, f"Not re-attached: {exc}", exc.current, conflict=True)
    except StoreError as exc:
        return SaveResult(False, f"Not re-attached: {exc}")
    return SaveResult(True, f"Re-attached to {status.item.info().text} (version {saved.version}).", saved)


# ---------------------------------------------------------------------------------------------- reviews
@dataclass(frozen=True)
class SnapshotResult:
    """What saving a snapshot did: ``ok`` and the saved ``snapshot``, or why it was not saved."""

    ok: bool
    message: str
    snapshot: SnapshotInfo | None = None


def take_snapshot(store: SqlStore, view: RemediationView, name: str, *, who: str) -> SnapshotResult:
    """Keep every key's state and phase under ``name`` (names are never reused)."""
    if not who:
        return SnapshotResult(False, NAME_FOR_SNAPSHOT)
    try:
        info = store.save_snapshot(name or "", snapshot_rows(view.statuses), who=who)
    except StoreError as exc:
        return SnapshotResult(False, f"Snapshot not saved: {exc}")
    return SnapshotResult(True, f"Snapshot “{info.name}” saved ({len(view.statuses)} keys).", info)


@dataclass(frozen=True)
class Review:
    """A snapshot and what changed since in the view."""

    snapshot: Snapshot
    delta: ReviewDelta


def review_since(store: SqlStore, view: RemediationView, name: str) -> Review | None:
    """What changed since the snapshot ``name`` (None when there is no such snapshot)."""
    snapshot = store.snapshot(name)
    if snapshot is None:
        return None
    return Review(snapshot, review_delta(snapshot.rows, view.statuses))


# ---------------------------------------------------------------------------------------------- reads
def progress_by_phase(view: RemediationView, service: str = "") -> tuple[Progress, list[Progress]]:
    """Keys per phase reached for ``service`` ('' for all), overall and per dependent service."""
    return progress(view.of(service))


def sql_script(view: RemediationView, kind: str = "drop", *, fk_id: str = "", service: str = "") -> str:
    """The ``kind`` script (drop, rollback, orphans) of the key ``fk_id``, else of ``service``'s keys."""
    chosen = view.status(fk_id)
    if chosen is not None:
        return sql_for([chosen], kind, title=chosen.item.fk.name)
    return sql_for(view.of(service), kind)


def plan_text(view: RemediationView, *, json_format: bool = False) -> str:
    """The plan file of the view: every tracked key with its record, then the orphaned records."""
    return dump_plan(export_plan(view.statuses, view.orphans), json_format=json_format)


# ---------------------------------------------------------------------------------------------- report
def phase_by_fk(inv: Inventory, store: SqlStore | None) -> dict[str, int]:
    """``{fkid: phase reached}`` of every tracked cross-service key of ``inv``, by ``store``'s records.

    Every instance of a tracked key is listed: its id, the ids of its
    migration history and those of the live-catalog keys it stands for
    (:func:`~remediation.fkid.fkid` of each).
    """
    return phases_by_id(inventory_view(inv, store).statuses)


def report_phase_of(inv: Inventory, store: SqlStore | None) -> Callable[[ForeignKey], str]:
    """A ``phase_of`` for :func:`exports.report.build_report`: the real phase of each key.

    A tracked key gets :func:`phase_label` of the phase its record and the
    sources give (``Phase 2: FK dropped`` is the report's ``DROPPED``); a key
    that is not tracked (within one service, inferred) gets phase 2 when
    dropped, else phase 0. One read of the store when called.

    >>> import os, tempfile
    >>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
    >>> from remediation.store import open_store
    >>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
    >>> fk = ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",), added_at=Location("m/1.sql", 3))
    >>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=(fk,))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = open_store(os.path.join(tmp, "state.db"))
    ...     view = inventory_view(inv, store)
    ...     saved = save_edit(store, view, "m/1.sql:3#user_id", None, "mark", who="al", phase=1)
    ...     phase_of = report_phase_of(inv, store)
    >>> phase_of(fk)
    'Phase 1: Validation added'
    """
    return statuses_phase_of(inventory_view(inv, store).statuses)
