"""Remediation tracking: the four-phase removal plan of every cross-service FK.

The plan teams run by hand today (see the seed inventory) has four phases per
cross-service foreign key:

1. **Validation added** -- the writing service checks that the parent exists
   through the owner's API before inserting; the FK is still there.
2. **FK dropped** -- never set by hand: read from the sources. A migration
   dropped it (``ForeignKey.state == 'dropped'``), or a scanned live catalog
   holds the table but not the key.
3. **Application-layer validation only** -- the check of phase 1 is the only
   guard left.
4. **Eventual consistency** -- what ``ON DELETE CASCADE``/``SET NULL`` did is
   now done by consuming the owner's deletion events (``user_deleted``). Only
   keys with such an action need it; for ``NO ACTION``/``RESTRICT`` a
   *deletion policy* (:data:`DELETION_POLICIES`) is recorded instead.

A :class:`Record` (:mod:`remediation.records`) holds the human part
(marks of phases 1, 3 and 4 with who, when, note and link; owner team, target
date, deletion policy) and a version for optimistic concurrency.
:func:`tracked_fks` lists the keys to track from an inventory;
:func:`match_records` attaches records to them (exact id, then structure, then
name; see :mod:`remediation.fkid`); :func:`derive_status` combines the two into a
:class:`Status`: the phase reached, contradictions and warnings.

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
>>> users, posts = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",), on_delete="CASCADE",
...                 added_at=Location("m/003_posts.sql", 6))
>>> tables = (Table(users, service="auth"), Table(posts, service="content"))
>>> inv = Inventory(tables=tables, foreign_keys=(fk,))
>>> [item] = tracked_fks(inv)
>>> item.id, item.service, item.ref_service, item.dropped
('m/003_posts.sql:6#user_id', 'content', 'auth', False)
>>> record = new_record(item).with_mark(Mark(1, "alice", "2026-11-14T10:42:00Z", "checks live"))
>>> status = derive_status(item, record)
>>> status.phase, PHASE_LABELS[status.phase]
(1, 'Validation added')
>>> derive_status(item, record.with_mark(Mark(3, "bob", "2026-11-15T09:00:00Z"))).contradictions
('phase 3 (application-layer validation only) is marked but the FK is still present',)
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from model.inventory import ForeignKey, Inventory, Location
from remediation.fkid import fkid, from_migrations, name_key, structural_key
from remediation.records import (
    DELETION_POLICIES,
    EVENT_ACTIONS,
    MANUAL_PHASES,
    PHASE_LABELS,
    PHASES,
    FkInfo,
    Mark,
    Record,
    fk_info_from_dict,
    record_from_dict,
    record_to_dict,
)

__all__ = [
    "DELETION_POLICIES",
    "EVENT_ACTIONS",
    "MANUAL_PHASES",
    "PHASES",
    "PHASE_LABELS",
    "FkInfo",
    "Mark",
    "Record",
    "Status",
    "TrackedFk",
    "derive_status",
    "describe",
    "drop_targets",
    "fk_info_from_dict",
    "match_records",
    "new_record",
    "record_from_dict",
    "record_to_dict",
    "statuses",
    "tracked_fks",
]


@dataclass(frozen=True)
class TrackedFk:
    """One cross-service key to remove, as every scanned source sees it.

    Keys of one migration set with the same structure and services are one
    item (a key re-added after a drop, or a duplicate constraint): ``id`` is the
    :func:`~remediation.fkid.fkid` of the first one added, ``aliases`` the others'
    and those of the matching live-catalog keys. ``fk`` is the one to show (the
    present one, else the last dropped); ``constraints`` are the present
    constraints from migrations and ``live`` those of live catalogs (the exact
    names a drop script must use).
    """

    id: str
    fk: ForeignKey
    service: str
    ref_service: str
    aliases: tuple[str, ...] = ()
    constraints: tuple[ForeignKey, ...] = ()
    live: tuple[ForeignKey, ...] = ()
    migration_state: Literal["present", "dropped", ""] = ""
    catalog_state: Literal["present", "absent", ""] = ""
    dropped_at: Location | None = None
    history: tuple[ForeignKey, ...] = field(default=(), repr=False)

    @property
    def dropped(self) -> bool:
        """Phase 2 as the sources say: gone from the live catalog, or dropped by a
        migration while no live catalog still has it."""
        if self.catalog_state == "present":
            return False
        return self.catalog_state == "absent" or self.migration_state == "dropped"

    @property
    def on_delete(self) -> str:
        """The strongest ON DELETE action of any instance (the one phase 4 must replace)."""
        actions = [fk.on_delete for fk in (*self.live, *self.constraints, self.fk)]
        return next((a for a in EVENT_ACTIONS if a in actions), self.fk.on_delete)

    @property
    def needs_events(self) -> bool:
        """True when phase 4 means consuming deletion events (CASCADE / SET NULL / SET DEFAULT)."""
        return self.on_delete in EVENT_ACTIONS

    @property
    def structural(self) -> str:
        return structural_key(self.fk)

    @property
    def name_key(self) -> str:
        return name_key(self.fk)

    def info(self) -> FkInfo:
        """What a record stores about this key."""
        fk = self.fk
        return FkInfo(
            fk.name,
            self.service,
            self.ref_service,
            fk.table.qualified,
            fk.columns,
            fk.ref_table.qualified,
            fk.ref_columns,
            self.on_delete,
            fk.table.database,
            self.structural,
            self.name_key,
        )


def describe(item: TrackedFk) -> str:
    """``service schema.table(cols) -> ref_service schema.table(cols)``, for lists and messages."""
    return item.info().text


def new_record(item: TrackedFk) -> Record:
    """A blank, unsaved record attached to ``item``."""
    return Record(fk_id=item.id, uid=uuid.uuid4().hex, fk=item.info())


def _is_catalog_location(loc: Location | None) -> bool:
    return loc is not None and loc.line == 0 and bool(loc.path)


def tracked_fks(inv: Inventory) -> list[TrackedFk]:
    """The cross-service declared keys of ``inv``, present or dropped, one item each.

    Sorted by service, table and name. See :class:`TrackedFk` for how keys are
    grouped and how live-catalog keys join migration keys (same services and
    :func:`~remediation.fkid.structural_key`, any database).
    """
    from graph.build import build_graph

    G = build_graph(inv, include_dropped=True, origins=("declared",))
    order = {m.path: m.order for m in inv.migrations}

    def added(fk: ForeignKey) -> tuple[int, str, int]:
        loc = fk.added_at or Location("")
        return (order.get(loc.path, len(order)), loc.path, loc.line)

    migration: dict[tuple[str, str, str, str], list[ForeignKey]] = defaultdict(list)
    catalog: dict[tuple[str, str, str], list[ForeignKey]] = defaultdict(list)
    for _, _, data in G.edges(data=True):
        if not data["cross_service"]:
            continue
        fk: ForeignKey = data["fk"]
        svc, ref = data["service"], data["ref_service"]
        if from_migrations(fk):
            migration[(fk.table.database, structural_key(fk), svc, ref)].append(fk)
        elif fk.state == "present":
            catalog[(svc, structural_key(fk), ref)].append(fk)
    covered = {
        (t.service, t.ref.qualified)
        for t in inv.tables
        if _is_catalog_location(t.defined_at) and not t.external
    }
    items: list[TrackedFk] = []
    claimed: set[tuple[str, str, str]] = set()
    for (_, key, svc, ref), fks in migration.items():
        fks.sort(key=added)
        present = tuple(fk for fk in fks if fk.state == "present")
        live = tuple(sorted(catalog.get((svc, key, ref), ()), key=lambda f: (f.table, f.name)))
        if live:
            claimed.add((svc, key, ref))
            catalog_state: Literal["present", "absent", ""] = "present"
        elif (svc, fks[0].table.qualified) in covered:
            catalog_state = "absent"
        else:
            catalog_state = ""
        shown = present[0] if present else fks[-1]
        items.append(
            TrackedFk(
                id=fkid(fks[0]),
                fk=shown,
                service=svc,
                ref_service=ref,
                aliases=tuple(dict.fromkeys(fkid(f) for f in (*fks[1:], *live))),
                constraints=present,
                live=live,
                migration_state="present" if present else "dropped",
                catalog_state=catalog_state,
                dropped_at=None if present else fks[-1].dropped_at,
                history=tuple(fks),
            )
        )
    for (svc, key, ref), fks in catalog.items():
        if (svc, key, ref) in claimed:
            continue
        fks.sort(key=lambda f: (f.table, f.name))
        items.append(
            TrackedFk(
                id=fkid(fks[0]),
                fk=fks[0],
                service=svc,
                ref_service=ref,
                aliases=tuple(fkid(f) for f in fks[1:]),
                live=tuple(fks),
                catalog_state="present",
            )
        )
    items.sort(key=lambda it: (it.service, it.fk.table, it.fk.name, it.id))
    return items


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


def drop_targets(items: Iterable[TrackedFk]) -> list[tuple[ForeignKey, str]]:
    """The constraints a phase-2 script must drop, each with the service it points into.

    Live-catalog constraints (the exact names in production) when a catalog was
    scanned, else the present constraints of the migrations; dropped keys have
    nothing left to drop.
    """
    out = []
    for it in items:
        if it.dropped:
            continue
        for fk in it.live or it.constraints:
            out.append((fk, it.ref_service))
    return out
