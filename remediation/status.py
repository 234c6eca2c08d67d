"""The status of each tracked key: records attached to keys, and the phase each key reached.

:func:`match_records` attaches records to tracked keys (exact id, then
structure, then name; see :mod:`remediation.fkid`); :func:`derive_status`
combines a key and its record into a :class:`Status`: the phase reached,
contradictions and warnings; :func:`statuses` does both for a whole scan.

Rules of :func:`derive_status`
    * phase 1 is done when marked; phase 2 when the sources say the key is gone
      (a live catalog that still has it wins over a migration that drops it:
      that is a contradiction, "marked done in migrations, still present in
      production"); phase 3 when marked *and* the key is gone (marked while the
      key is present is a contradiction); phase 4 when marked (event actions)
      or when a deletion policy is recorded (``NO ACTION``/``RESTRICT``).
    * The phase reached counts from the start: 1 if phase 1 is done or the key
      is gone (a drop is a fact; a missing phase-1 mark is a warning), 2 if the
      key is gone, 3 if also phase 3 is done, 4 if also phase 4 is done.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from remediation.records import PHASE_LABELS, Mark
>>> from remediation.tracking import new_record, tracked_fks
>>> users, posts = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",), on_delete="CASCADE",
...                 added_at=Location("m/003_posts.sql", 6))
>>> tables = (Table(users, service="auth"), Table(posts, service="content"))
>>> inv = Inventory(tables=tables, foreign_keys=(fk,))
>>> [item] = tracked_fks(inv)
>>> record = new_record(item).with_mark(Mark(1, "alice", "2026-11-14T10:42:00Z", "checks live"))
>>> status = derive_status(item, record)
>>> status.phase, PHASE_LABELS[status.phase]
(1, 'Validation added')
>>> derive_status(item, record.with_mark(Mark(3, "bob", "2026-11-15T09:00:00Z"))).contradictions
('phase 3 (application-layer validation only) is marked but the FK is still present',)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from remediation.records import PHASES, Mark, Record
from remediation.tracking import TrackedFk

__all__ = ["MatchedBy", "Status", "derive_status", "match_records", "statuses"]


MatchedBy = Literal["id", "alias", "structure", "name"]


def match_records(
    items: Sequence[TrackedFk], records: Iterable[Record]
) -> tuple[dict[str, tuple[Record, MatchedBy]], list[Record]]:
    """Attach records to items: exact id (or alias), then structure, then name.

    Each item takes at most one record and each record one item; records are
    considered in ``fk_id`` order so the result is deterministic. Structure and
    name only attach to a *unique* free candidate (narrowed to the record's
    service when several share the key).

    Returns
    -------
    (dict, list)
        ``{item.id: (record, how)}`` and the orphaned records (their key vanished
        without being dropped).
    """
    free = {it.id: it for it in items}
    by_id: dict[str, TrackedFk] = {}
    for it in items:
        for alias in it.aliases:
            by_id.setdefault(alias, it)
    for it in items:
        by_id[it.id] = it
    out: dict[str, tuple[Record, MatchedBy]] = {}
    left: list[Record] = []
    for record in sorted(records, key=lambda r: (r.fk_id, r.uid)):
        hit = by_id.get(record.fk_id)
        if hit is not None and hit.id in free:
            out[hit.id] = (record, "id" if record.fk_id == hit.id else "alias")
            del free[hit.id]
        else:
            left.append(record)
    tiers: tuple[tuple[MatchedBy, str], ...] = (("structure", "structural"), ("name", "name_key"))
    for how, attr in tiers:
        index: dict[str, list[TrackedFk]] = defaultdict(list)
        for it in free.values():
            index[getattr(it, attr)].append(it)
        still: list[Record] = []
        for record in left:
            wanted = getattr(record.fk, attr, "") if record.fk is not None else ""
            candidates = [c for c in index.get(wanted, ()) if c.id in free] if wanted else []
            if len(candidates) > 1 and record.fk is not None:
                candidates = [c for c in candidates if c.service == record.fk.service]
            if len(candidates) == 1:
                out[candidates[0].id] = (record, how)
                del free[candidates[0].id]
            else:
                still.append(record)
        left = still
    return out, left


@dataclass(frozen=True)
class Status:
    """A tracked key with its record: the phase reached and what is wrong.

    ``done`` holds the phases that count as done; ``record`` is None when
    nobody has written anything about the key yet.
    """

    item: TrackedFk
    record: Record | None
    phase: int
    done: frozenset[int]
    contradictions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    matched_by: str = ""

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def service(self) -> str:
        return self.item.service

    def mark(self, phase: int) -> Mark | None:
        """The record's mark of ``phase`` (None for phase 2 and for unmarked phases)."""
        return self.record.mark(phase) if self.record is not None else None


def derive_status(item: TrackedFk, record: Record | None, matched_by: str = "") -> Status:
    """Combine what the sources say with what people marked (rules in the module docstring)."""
    marked = {m.phase for m in record.marks} if record is not None else set()
    policy = record.deletion_policy if record is not None else ""
    contradictions: list[str] = []
    warnings: list[str] = []
    gone = item.dropped
    if item.migration_state == "dropped" and item.catalog_state == "present":
        where = f" ({item.dropped_at})" if item.dropped_at is not None else ""
        contradictions.append(f"marked done in migrations{where}, still present in production (live catalog)")
    if item.migration_state == "present" and item.catalog_state == "absent":
        warnings.append("absent from the live catalog, but no migration drops it yet")
    if 3 in marked and not gone:
        contradictions.append(
            "phase 3 (application-layer validation only) is marked but the FK is still present"
        )
    done = set()
    if 1 in marked:
        done.add(1)
    if gone:
        done.add(2)
        if 1 not in marked:
            warnings.append("the FK is dropped but phase 1 (validation added) was never marked")
    if 3 in marked and gone:
        done.add(3)
    if item.needs_events:
        if 4 in marked:
            done.add(4)
        if policy:
            warnings.append(
                f"ON DELETE {item.on_delete}: phase 4 needs a consumer of the owner's deletion events; "
                "a deletion policy does not replace it"
            )
    elif policy or 4 in marked:
        done.add(4)
    phase = 0
    for p in PHASES:
        if p in done or (p == 1 and gone):
            phase = p
        else:
            break
    if 4 in done and phase < 3:
        warnings.append("phase 4 is recorded; it counts once phases 2 and 3 are done")
    return Status(item, record, phase, frozenset(done), tuple(contradictions), tuple(warnings), matched_by)


def statuses(items: Sequence[TrackedFk], records: Iterable[Record]) -> tuple[list[Status], list[Record]]:
    """The status of every item (in item order) and the orphaned records."""
    matched, orphans = match_records(items, records)
    out = []
    for it in items:
        record, how = matched.get(it.id, (None, ""))
        out.append(derive_status(it, record, how))
    return out, orphans
