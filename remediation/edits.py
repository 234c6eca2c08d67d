"""Edits of remediation records, one key or several at once, with typed results.

* :func:`save_edit` -- mark or unmark a phase, or save the plan fields, of one key, with optimistic
  concurrency: the :class:`SaveResult` says whether it was saved, lost a race against someone
  else's change (``conflict``), was refused, or waits for a confirmation (``needs_confirmation``:
  the mark contradicts the sources, e.g. phase 3 marked while the FK is still present);
* :func:`save_edits` -- the same edit on several keys in one store transaction (each key a
  savepoint: a conflict undoes only its own key); the :class:`BulkResult` holds each key's result;
* :func:`scan_not_ready` -- the answer while the scan is not loaded yet (``retry``).

A mark that would add a contradiction is never saved silently: without ``confirmed=True`` nothing
is written and the result names the contradictions it would add.

Examples
--------
>>> import os, tempfile
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from remediation.service import inventory_view
>>> from remediation.store import open_store
>>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",), added_at=Location("m/1.sql", 3))
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=(fk,))
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = open_store(os.path.join(tmp, "state.db"))
...     view = inventory_view(inv, store)
...     asked = save_edit(store, view, "m/1.sql:3#user_id", None, "mark", who="al", phase=3)
...     empty = store.is_empty()
...     done = save_edit(store, view, "m/1.sql:3#user_id", None, "mark", who="al", phase=3, confirmed=True)
>>> asked.ok, asked.needs_confirmation, empty, done.ok
(False, True, True, True)
>>> asked.contradictions
('phase 3 (application-layer validation only) is marked but the FK is still present',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from remediation.records import MANUAL_PHASES, Mark, Record
from remediation.status import Status, derive_status
from remediation.store.base import SqlStore
from remediation.store.conflict import ConflictError, utc_now
from remediation.store.schema import StoreError
from remediation.tracking import new_record

__all__ = [
    "NAME_FOR_EDIT",
    "SCAN_LOADING",
    "BulkResult",
    "Edit",
    "SaveResult",
    "added_contradictions",
    "save_edit",
    "save_edits",
    "scan_not_ready",
]

#: What the FK-detail editor changes: a phase mark set or removed, or the plan fields.
Edit = Literal["mark", "unmark", "fields"]

#: Why a change without a name is refused (the audit log records who made each change).
NAME_FOR_EDIT = "Enter your name (top right of the page) so the change can be attributed."
#: Why a write is refused while the scan is loading (e.g. in a worker that just started).
SCAN_LOADING = "the scan is still loading; try again in a moment"


class Statuses(Protocol):
    """What an edit reads of a :class:`~remediation.service.RemediationView`: each key's status."""

    def status(self, fk_id: str | None) -> Status | None: ...


@dataclass(frozen=True)
class SaveResult:
    """What a write to a record did.

    ``ok``: saved, and ``record`` is the stored record. ``conflict``: the
    record changed in the store since it was loaded, nothing was saved, and
    ``record`` is the store's current one (None when it was removed). Neither:
    refused before writing (``message`` says why, e.g. no name given);
    ``retry``: the same edit may succeed in a moment (the scan was loading);
    ``needs_confirmation``: not saved because the edit would add ``contradictions``
    with the sources -- the same edit with ``confirmed=True`` saves it.
    """

    ok: bool
    message: str
    record: Record | None = None
    conflict: bool = False
    retry: bool = False
    needs_confirmation: bool = False
    contradictions: tuple[str, ...] = ()


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
    note: str = ""
    link: str = ""
    owner_team: str | None = None
    target_date: str | None = None
    deletion_policy: str | None = None


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


def added_contradictions(status: Status, record: Record) -> tuple[str, ...]:
    """The contradictions with the sources that saving ``record`` would add to ``status``."""
    after = derive_status(status.item, record, status.matched_by).contradictions
    return tuple(c for c in after if c not in status.contradictions)


_DONE = {"mark": "phase {} marked", "unmark": "phase {} unmarked", "fields": "plan saved"}


def _prepare(
    view: Statuses, fk_id: str, loaded: Mapping[str, Any] | None, edit: Edit, who: str, form: _Form
) -> tuple[Status, Record, str] | SaveResult:
    """The key's status, the edited record and its audit action, or why nothing is saved."""
    status = view.status(fk_id)
    if status is None:
        return _refused("Select a foreign key first.")
    try:
        edited = _edited(_loaded_record(status, loaded), edit, who, form)
    except ValueError as exc:
        return _refused(f"Not saved: {exc}")
    if isinstance(edited, str):
        return _refused(edited)
    return status, edited[0], edited[1]


def _confirm(status: Status, record: Record) -> SaveResult | None:
    added = added_contradictions(status, record)
    if not added:
        return None
    return SaveResult(
        False,
        f"Not saved yet: this contradicts the sources ({'; '.join(added)}). "
        "Confirm to save it anyway; the key will count as a contradiction.",
        needs_confirmation=True,
        contradictions=added,
    )


def _write(store: SqlStore, record: Record, action: str, who: str, done: str) -> SaveResult:
    try:
        saved = store.save(record, who=who, action=action)
    except ConflictError as exc:
        return SaveResult(False, f"Not saved: {exc}", exc.current, conflict=True)
    except StoreError as exc:
        return _refused(f"Not saved: {exc}")
    return SaveResult(True, f"Saved ({done}, version {saved.version}).", saved)


def save_edit(
    store: SqlStore,
    view: Statuses,
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
    confirmed: bool = False,
) -> SaveResult:
    """Apply one edit of the FK-detail editor to the record of ``fk_id``.

    ``loaded`` is what the editor loaded (``{"uid", "version"}``). The record
    is saved with that version, so a change someone else made since is a
    ``conflict``, never overwritten. An edit that adds a contradiction with the
    sources is saved only when ``confirmed``.
    """
    who = (who or "").strip()
    if not who:
        return _refused(NAME_FOR_EDIT)
    form = _Form(phase, note, link, owner_team, target_date, deletion_policy)
    prepared = _prepare(view, fk_id, loaded, edit, who, form)
    if isinstance(prepared, SaveResult):
        return prepared
    status, record, action = prepared
    asked = None if confirmed else _confirm(status, record)
    return asked or _write(store, record, action, who, _DONE[edit].format(phase))


@dataclass(frozen=True)
class BulkResult:
    """What an edit of several keys did: each key's :class:`SaveResult`, in the order asked."""

    results: tuple[tuple[str, SaveResult], ...]
    message: str = ""

    @property
    def saved(self) -> tuple[str, ...]:
        return tuple(k for k, r in self.results if r.ok)

    @property
    def conflicts(self) -> tuple[tuple[str, SaveResult], ...]:
        return tuple((k, r) for k, r in self.results if r.conflict)

    @property
    def needs_confirmation(self) -> bool:
        """True when nothing was saved because some keys would contradict the sources."""
        return any(r.needs_confirmation for _, r in self.results)

    @property
    def ok(self) -> bool:
        """Every key saved."""
        return bool(self.results) and all(r.ok for _, r in self.results)


def _summary(result: BulkResult, done: str) -> str:
    n, saved = len(result.results), len(result.saved)
    if result.needs_confirmation:
        asking = sum(1 for _, r in result.results if r.needs_confirmation)
        return (
            f"Nothing saved yet: on {asking} of {n} keys this contradicts the sources. "
            "Confirm to save all of them anyway; those keys will count as contradictions."
        )
    if saved == n:
        return f"Saved ({done}) on {n} keys in one transaction."
    conflicts = len(result.conflicts)
    return (
        f"Saved ({done}) on {saved} of {n} keys; {conflicts} conflict(s) and "
        f"{n - saved - conflicts} refused, left unchanged (see each key below)."
    )


def save_edits(
    store: SqlStore,
    view: Statuses,
    targets: Sequence[Mapping[str, Any]],
    edit: Edit,
    *,
    who: str,
    phase: int | None = None,
    note: str = "",
    link: str = "",
    owner_team: str | None = None,
    target_date: str | None = None,
    confirmed: bool = False,
) -> BulkResult:
    """Apply one edit to several keys in one store transaction.

    ``targets`` are what the editor loaded of each key (``{"fk_id", "uid", "version"}``). Each key
    is saved with its loaded version inside a savepoint: a key changed by someone else since is
    a conflict and stays as the store has it; the others are committed together. When any key
    would contradict the sources and ``confirmed`` is false, nothing is saved.
    """
    who = (who or "").strip()
    if not who:
        return BulkResult((), NAME_FOR_EDIT)
    if not targets:
        return BulkResult((), "Select one or more foreign keys first.")
    form = _Form(phase, note, link, owner_team, target_date)
    prepared = [
        (str(t.get("fk_id", "")), _prepare(view, str(t.get("fk_id", "")), t, edit, who, form))
        for t in targets
    ]
    asked: dict[str, SaveResult] = {}
    if not confirmed:
        for key, p in prepared:
            if not isinstance(p, SaveResult) and (need := _confirm(p[0], p[1])) is not None:
                asked[key] = need
    done = _DONE[edit].format(phase)
    results: list[tuple[str, SaveResult]] = []
    if asked:
        results = [
            (k, asked.get(k) or SaveResult(False, "Not saved: waiting for the confirmation."))
            for k, _ in prepared
        ]
        return BulkResult(tuple(results), _summary(BulkResult(tuple(results)), done))
    with store.batch():
        for key, p in prepared:
            results.append((key, p if isinstance(p, SaveResult) else _write(store, p[1], p[2], who, done)))
    return BulkResult(tuple(results), _summary(BulkResult(tuple(results)), done))
