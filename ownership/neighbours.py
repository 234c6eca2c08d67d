"""Owners read from a table's neighbours: its name family (rule 6) and its foreign keys (rule 7).

For tables of shared folders that no earlier rule placed:

* **name-family** -- ``story_views`` and ``story_close_friends`` belong with
  ``stories``: the longest leading run of words of the table's name that, in
  singular or plural, is the name of an owned table of the same database (the
  family head) gives its owner;
* **fk-neighbourhood** -- when every foreign key out of the table points into
  tables of one service, that service, ignoring *hub* tables: tables referenced
  from tables of >= 2 services other than their own (``users``). A reference to a
  table without an owner yet says nothing, so the table waits.

Both are repeated until nothing changes (a family head may itself be placed by
its neighbours); in each round the name family goes first.

Examples
--------
>>> from model.inventory import ForeignKey, Table, TableRef
>>> db = "db/migrations"
>>> ref = lambda name: TableRef(db, "public", name)
>>> names = ("users", "stories", "story_views", "streams", "experiments", "exp_events")
>>> tables = [Table(ref(n)) for n in names]
>>> fk = lambda a, b: ForeignKey(f"{a}_{b}_fkey", ref(a), ("x",), ref(b), ("id",))
>>> fks = [fk("stories", "users"), fk("streams", "users"),
...        fk("exp_events", "experiments"), fk("exp_events", "users")]
>>> owners = {ref("users"): "auth", ref("stories"): "content", ref("streams"): "streaming",
...           ref("experiments"): "experiments"}
>>> found = Neighbours(tables, fks).resolve(owners, [ref("story_views"), ref("exp_events")])
>>> [(r.name, e.kind, e.service) for r, e in sorted(found.items())]
[('exp_events', 'fk-neighbourhood', 'experiments'), ('story_views', 'name-family', 'content')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from model.inventory import Evidence, ForeignKey, Location, Table, TableRef
from ownership.infer import normalise_name
from ownership.naming import word_forms

__all__ = ["Neighbours"]


class Neighbours:
    """The name families and foreign-key neighbours of one inventory's tables."""

    def __init__(
        self,
        tables: Sequence[Table],
        foreign_keys: Sequence[ForeignKey],
        effective: Mapping[TableRef, TableRef] | None = None,
    ) -> None:
        self.effective = dict(effective or {})
        self.defined = {t.ref: t.defined_at for t in tables}
        self.family: dict[str, dict[str, TableRef]] = {}
        for t in sorted(tables, key=lambda t: t.ref):
            if not t.external and t.dropped_at is None:
                self.family.setdefault(t.ref.database, {}).setdefault(normalise_name(t.ref.name), t.ref)
        self.out: dict[TableRef, list[tuple[TableRef, Location | None]]] = {}
        self.edges: list[tuple[TableRef, TableRef]] = []
        for fk in sorted(foreign_keys, key=lambda fk: (fk.table, fk.added_at or Location(""), fk.name)):
            if fk.state != "present":
                continue
            source, target = self._eff(fk.table), self._eff(fk.ref_table)
            if source != target:
                self.out.setdefault(source, []).append((target, fk.added_at))
                self.edges.append((source, target))

    def _eff(self, ref: TableRef) -> TableRef:
        return self.effective.get(ref, ref)

    def _where(self, ref: TableRef) -> tuple[str, int]:
        at = self.defined.get(ref)
        return (at.path, at.line) if at is not None else ("", 0)

    def family_head(self, ref: TableRef, owners: Mapping[TableRef, str]) -> Evidence | None:
        """Rule 6: the owner of the longest owned family head of ``ref``'s name."""
        words = normalise_name(ref.name).split("_")
        names = self.family.get(ref.database, {})
        for k in range(len(words) - 1, 0, -1):
            stem = "_".join(words[: k - 1])
            for form in sorted(word_forms(words[k - 1])):
                head = names.get(f"{stem}_{form}" if stem else form)
                if head is not None and head != ref and owners.get(head):
                    service = owners[head]
                    detail = f"named after {head.name!r}, the head of its name family, held by {service}"
                    return Evidence("name-family", service, detail, *self._where(ref))
        return None

    def hubs(self, owners: Mapping[TableRef, str]) -> set[TableRef]:
        """Tables referenced from tables of >= 2 services other than their own."""
        referrers: dict[TableRef, set[str]] = {}
        for source, target in self.edges:
            service = owners.get(source, "")
            if service and service != owners.get(target, ""):
                referrers.setdefault(target, set()).add(service)
        return {target for target, services in referrers.items() if len(services) >= 2}

    def neighbourhood(
        self, ref: TableRef, owners: Mapping[TableRef, str], hubs: set[TableRef]
    ) -> Evidence | None:
        """Rule 7: the one service whose tables all of ``ref``'s non-hub foreign keys point into."""
        out = [(target, at) for target, at in self.out.get(ref, ()) if target not in hubs]
        services = {owners.get(target, "") for target, _ in out}
        if len(services) != 1 or "" in services:
            return None
        service = services.pop()
        names = ", ".join(sorted({target.name for target, _ in out}))
        ignored = sorted({t.name for t, _ in self.out.get(ref, ()) if t in hubs})
        detail = f"its foreign keys point only into {service}'s tables ({names})"
        if ignored:
            detail += f", besides hub tables ({', '.join(ignored)})"
        at = out[0][1]
        return Evidence(
            "fk-neighbourhood", service, detail, *((at.path, at.line) if at else self._where(ref))
        )

    def resolve(
        self, owners: Mapping[TableRef, str], pending: Iterable[TableRef]
    ) -> dict[TableRef, Evidence]:
        """Evidence for each pending table rules 6 and 7 place, given the owners known so far."""
        known = {ref: s for ref, s in owners.items() if s}
        waiting = sorted(set(pending) - set(known))
        found: dict[TableRef, Evidence] = {}
        while waiting:
            placed = self._families(known, waiting)
            if not placed:
                hubs = self.hubs(known)
                placed = {
                    ref: e for ref in waiting if (e := self.neighbourhood(ref, known, hubs)) is not None
                }
            if not placed:
                break
            found.update(placed)
            known.update({ref: e.service for ref, e in placed.items()})
            waiting = [ref for ref in waiting if ref not in placed]
        return found

    def _families(self, known: dict[TableRef, str], waiting: list[TableRef]) -> dict[TableRef, Evidence]:
        """Rule 6 repeated until no more family heads are found."""
        placed: dict[TableRef, Evidence] = {}
        owners = dict(known)
        while True:
            new = {
                ref: e
                for ref in waiting
                if ref not in placed and (e := self.family_head(ref, owners)) is not None
            }
            if not new:
                return placed
            placed.update(new)
            owners.update({ref: e.service for ref, e in new.items()})
