"""Remediation tracking: the cross-service keys to remove, as every scanned source sees them.

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
   *deletion policy* (:data:`~remediation.records.DELETION_POLICIES`) is recorded instead.

A :class:`~remediation.records.Record` holds the human part (marks of phases 1,
3 and 4 with who, when, note and link; owner team, target date, deletion
policy) and a version for optimistic concurrency. :func:`tracked_fks` lists
the keys to track from an inventory (:class:`TrackedFk`);
:mod:`remediation.status` attaches records to them and derives the phase
reached; :func:`drop_targets` names the constraints a phase-2 script drops.

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
>>> [(f.name, service) for f, service in drop_targets([item])]
[('posts_user_id_fkey', 'auth')]
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from model.inventory import ForeignKey, Inventory, Location
from remediation.fkid import fkid, from_migrations, name_key, structural_key
from remediation.records import EVENT_ACTIONS, FkInfo, Record

__all__ = ["TrackedFk", "describe", "drop_targets", "new_record", "tracked_fks"]


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


def tracked_fks(inv: Inventory, *, graph: nx.MultiDiGraph | None = None) -> list[TrackedFk]:
    """The cross-service declared keys of ``inv``, present or dropped, one item each.

    Sorted by service, table and name. See :class:`TrackedFk` for how keys are
    grouped and how live-catalog keys join migration keys (same services and
    :func:`~remediation.fkid.structural_key`, any database). ``graph``: the graph of
    ``inv`` built with dropped FKs (any origins), when the caller has it already.
    """
    from graph.build import build_graph

    G = graph if graph is not None else build_graph(inv, include_dropped=True, origins=("declared",))
    order = {m.path: m.order for m in inv.migrations}

    def added(fk: ForeignKey) -> tuple[int, str, int]:
        loc = fk.added_at or Location("")
        return (order.get(loc.path, len(order)), loc.path, loc.line)

    migration: dict[tuple[str, str, str, str], list[ForeignKey]] = defaultdict(list)
    catalog: dict[tuple[str, str, str], list[ForeignKey]] = defaultdict(list)
    for _, _, data in G.edges(data=True):
        if not data["cross_service"] or data["origin"] != "declared":
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
