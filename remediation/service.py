"""What the dashboard's Remediation page and ``fkmap plan`` share, with typed results.

Every function works on a :class:`RemediationView` -- the statuses of one
scan combined with one read of the store -- and returns a typed value, never a
message for the caller to parse:

* :func:`load_view` / :func:`inventory_view` -- statuses and orphaned records
  of a scan against a store (``revision`` changes whenever a record does);
* :func:`save_edit` -- mark or unmark a phase, or save the plan fields, with
  optimistic concurrency: the :class:`SaveResult` says whether it was saved,
  lost a race against someone else's change (``conflict``), or was refused;
  :func:`scan_not_ready` is the answer while the scan is not loaded yet (``retry``);
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from model.inventory import ForeignKey, Inventory
from remediation.phases import phase_label, phases_by_id, statuses_phase_of
from remediation.plan_file import dump_plan, export_plan
from remediation.records import MANUAL_PHASES, Mark, Record
from remediation.status import Status, statuses
from remediation.store.base import SqlStore
from remediation.store.conflict import ConflictError, utc_now
from remediation.store.rows import Snapshot, SnapshotInfo
from remediation.store.schema import StoreError
from remediation.tracking import TrackedFk, new_record, tracked_fks
from remediation.views import Progress, ReviewDelta, progress, review_delta, snapshot_rows, sql_for

__all__ = [
    "NAME_FOR_EDIT",
    "NAME_FOR_REATTACH",
    "NAME_FOR_SNAPSHOT",
    "SCAN_LOADING",
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
    "scan_not_ready",
    "sql_script",
    "take_snapshot",
]

#: What the FK-detail editor changes: a phase mark set or removed, or the plan fields.
Edit = Literal["mark", "unmark", "fields"]

#: Why a change without a name is refused (the audit log records who made each change).
NAME_FOR_EDIT = "Enter your name (top right of the page) so the change can be attributed."
NAME_FOR_SNAPSHOT = "Enter your name (top right of the page) before saving a snapshot."
NAME_FOR_REATTACH = "Enter your name (top right of the page) first."
#: Why a write is refused while the scan is loading (e.g. in a worker that just started).
SCAN_LOADING = "the scan is still loading; try again in a moment"


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
@dataclass(frozen=True)
class SaveResult:
    """What a write to a record did.

    ``ok``: saved, and ``record`` is the stored record. ``conflict``: the
    record changed in the store since it was loaded, nothing was saved, and
    ``record`` is the store's current one (None when it was removed). Neither:
    refused before writing (``message`` says why, e.g. no name given);
    ``retry``: the same edit may succeed in a moment (the scan was loading).
    """

    ok: bool
    message: str
    record: Record | None = None
    conflict: bool = False
    retry: bool = False


def scan_not_ready(error: str = "", *, what: str = "Not saved") -> SaveResult:
    """The answer to a write asked for before the scan is loaded: nothing is saved; ``retry`` while
    it loads, else the scan failed (``error``).

    >>> scan_not_ready().message, scan_not_ready().retry
    ('Not saved: the scan is still loading; try again in a moment.', True)
    """
    if error:
        return SaveResult(False, f"{what}: the scan failed, so nothing can be saved ({error}).")
    return SaveResult(False, f"{what}: {SCAN_LOADING}.", retry=True)


def _refused(message: str) -> SaveResult:
    return SaveResult(False, message)


def _loaded_record(status: Status, loaded: Mapping[str, Any] | None) -> Record:
    """The record as the editor loaded it (``{"uid", "version"}``; version 0: no record yet).

    When the store moved on since, the loaded version is kept so the store
    reports who changed it. The record is re-keyed to the key's current id
    (it may have been matched by structure or name).
    """
    loaded = loaded or {}
    version = int(loaded.get("version") or 0)
    base = status.record if status.record is not None else new_record(status.item)
    if base.version != version or (version and base.uid != loaded.get("uid")):
        base = replace(base, version=version, uid=str(loaded.get("uid") or base.uid))
    return replace(base, fk_id=status.item.id, fk=status.item.info())


@dataclass(frozen=True)
class _Form:
    """What the editor sent besides the kind of edit."""

    phase: int | None
    note: str
    link: str
    owner_team: str | None
    target_date: str | None
    deletion_policy: str | None


def _edited(base: Record, edit: Edit, who: str, form: _Form) -> tuple[Record, str] | str:
    """The changed record and its audit action, or why the edit is refused."""
    phase = form.phase
    if edit == "mark":
        if phase not in MANUAL_PHASES:
            return "Choose phase 1, 3 or 4 (phase 2 is read from the migrations and the live catalog)."
        return base.with_mark(Mark(int(phase), who, utc_now(), form.note.strip(), form.link.strip())), "mark"
    if edit == "unmark":
        if phase is None or base.mark(int(phase)) is None:
            return f"Phase {phase} is not marked on this key."
        return base.without_mark(int(phase)), "unmark"
    changed = base.with_fields(
        owner_team=form.owner_team, target_date=form.target_date, deletion_policy=form.deletion_policy
    )
    return changed, "update"


_DONE = {"mark": "phase {} marked", "unmark": "phase {} unmarked", "fields": "plan saved"}


def save_edit(
    store: SqlStore,
    view: RemediationView,
    fk_id: str,
    loaded: Mapping[str, Any] | None,
    edit: Edit,
    *,
    who: str,
    phase: int | None = None,
    note: str = "",
    link: str = "",
    owner_team: str | None = None,
    target_date: str | None = None,
    deletion_policy: str | None = None,
) -> SaveResult:
    """Apply one edit of the FK-detail editor to the record of ``fk_id``.

    ``loaded`` is what the editor loaded (``{"uid", "version"}``). The record
    is saved with that version, so a change someone else made since is a
    ``conflict``, never overwritten.
    """
    who = (who or "").strip()
    if not who:
        return _refused(NAME_FOR_EDIT)
    status = view.status(fk_id)
    if status is None:
        return _refused("Select a foreign key first.")
    base = _loaded_record(status, loaded)
    form = _Form(phase, note, link, owner_team, target_date, deletion_policy)
    try:
        edited = _edited(base, edit, who, form)
        if isinstance(edited, str):
            return _refused(edited)
        saved = store.save(edited[0], who=who, action=edited[1])
    except ConflictError as exc:
        return SaveResult(False, f"Not saved: {exc}", exc.current, conflict=True)
    except (StoreError, ValueError) as exc:
        return _refused(f"Not saved: {exc}")
    return SaveResult(True, f"Saved ({_DONE[edit].format(phase)}, version {saved.version}).", saved)


def reattach_orphan(store: SqlStore, view: RemediationView, uid: str, fk_id: str, *, who: str) -> SaveResult:
    """Attach the orphaned record ``uid`` to the key ``fk_id`` (a key without a record)."""
    if not who:
        return _refused(NAME_FOR_REATTACH)
    orphan = next((r for r in view.orphans if r.uid == uid), None)
    if orphan is None:
        return _refused("Choose an orphaned record first.")
    status = view.status(fk_id)
    if status is None:
        return _refused("Select, in the table, the key the record belongs to.")
    if status.record is not None:
        return _refused("That key has a record already; choose a key without one.")
    try:
        saved = store.reattach(orphan, status.item.id, status.item.info(), who=who)
    except ConflictError as exc:
        return SaveResult(False, f"Not re-attached: {exc}", exc.current, conflict=True)
    except StoreError as exc:
        return _refused(f"Not re-attached: {exc}")
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
