"""Code evidence: which service's code writes or reads a table (rule 4) and who else touches it.

:class:`CodeUsage` folds the per-unit access counts given to
:func:`ownership.services.assign_services` into per-service uses of each table
name (only units of kind ``service`` count), then answers three questions:

* :meth:`CodeUsage.owner` -- the service that writes a table (``code-write``),
  else the single service that reads it (``code-read``); when a service that
  holds no table of that name writes it, the services that hold their own
  (a copy they write) are left out; several writers is a
  conflict: a warning names every side with its ``path:line`` and the one with
  the most writes wins, then the first by name;
* :meth:`CodeUsage.shared_access` -- every service other than the owner that
  reads or writes a table, with the first place (a
  :class:`~model.inventory.SharedAccess` per table, service and access);
* :meth:`CodeUsage.entities` -- names written by code that no scanned table has
  (an ORM or Mongoose model), with their writer, for replica detection.

Examples
--------
>>> from dataclasses import dataclass
>>> from model.inventory import Table, TableRef
>>> @dataclass(frozen=True)
... class A:
...     writes: int = 0
...     reads: int = 0
...     first_write: tuple[str, int] | None = None
...     first_read: tuple[str, int] | None = None
>>> @dataclass(frozen=True)
... class U:
...     name: str
...     path: str
...     kind: str = "service"
...     depends_on: tuple[str, ...] = ()
>>> units = UnitIndex([U("content-service", "content"), U("feed-service", "feed")])
>>> usage = CodeUsage({"posts": {"content": A(3, 0, ("content/src/db.rs", 41)),
...                               "feed": A(1, 2, ("feed/src/fanout.rs", 88))}}, units)
>>> posts = Table(TableRef("db/migrations", "public", "posts"))
>>> found = usage.owner(posts)
>>> found.decisive.detail
'written by content-service (content/src/db.rs:41)'
>>> found.conflict
'posts: written by content-service (content/src/db.rs:41) and by feed-service (feed/src/fanout.rs:88); \
content-service owns it (most writes, then name)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Literal

from model.inventory import Evidence, SharedAccess, Table, TableRef
from ownership.inputs import TableAccess, UnitIndex, place

__all__ = ["CodeOwner", "CodeUsage", "Use"]

Place = tuple[str, int]


@dataclass
class Use:
    """One service's use of one table name, summed over its units (first places are the smallest)."""

    writes: int = 0
    reads: int = 0
    first_write: Place | None = None
    first_read: Place | None = None

    def add(self, writes: int, reads: int, first_write: Place | None, first_read: Place | None) -> None:
        """Fold in one unit's counts."""
        self.writes += max(writes, 0)
        self.reads += max(reads, 0)
        self.first_write = _first(self.first_write, first_write)
        self.first_read = _first(self.first_read, first_read)


def _first(a: Place | None, b: Place | None) -> Place | None:
    if a is None or b is None:
        return a if b is None else b
    return min(a, b)


@dataclass(frozen=True)
class CodeOwner:
    """What code says of one table: every piece of evidence, the decisive one, a conflict message."""

    evidence: tuple[Evidence, ...] = ()
    decisive: Evidence | None = None
    conflict: str = ""
    writers: tuple[str, ...] = field(default=())


_NOTHING = CodeOwner()


def _written(service: str, use: Use) -> Evidence:
    where = place(use.first_write)
    path, line = use.first_write or ("", 0)
    detail = f"written by {service} ({where})" if where else f"written by {service}"
    return Evidence("code-write", service, detail, path, line)


def _read(service: str, use: Use) -> Evidence:
    where = place(use.first_read)
    path, line = use.first_read or ("", 0)
    detail = f"read by {service} ({where})" if where else f"read by {service}"
    return Evidence("code-read", service, detail, path, line)


class CodeUsage:
    """Per table name, per service: how the services' code uses it."""

    def __init__(
        self,
        access: TableAccess | None,
        units: UnitIndex,
        canon: Callable[[str], str] = str,
        held: Mapping[str, Set[str]] | None = None,
        home: Callable[[Table], str] = lambda t: "",
    ) -> None:
        self.given = access is not None
        self.held = held or {}  # name -> services holding their own table of that name
        self.home = home  # the service whose own unit holds a table, "" for a shared folder
        self.uses: dict[str, dict[str, Use]] = {}
        for name, by_unit in sorted((access or {}).items()):
            for unit_path, summary in sorted(by_unit.items()):
                service = units.service_at(unit_path)
                if not service:
                    continue
                use = self.uses.setdefault(name, {}).setdefault(canon(service), Use())
                use.add(summary.writes, summary.reads, summary.first_write, summary.first_read)
        self._lower: dict[str, str] = {}
        self._names: dict[TableRef, str] = {}  # ref -> name_of(ref)
        for name in sorted(self.uses, reverse=True):
            self._lower[name.lower()] = name

    def name_of(self, ref: TableRef) -> str:
        """The access name meaning ``ref``: its name, its ``schema.name``, or its name in any case."""
        if not self.uses:
            return ""
        found = self._names.get(ref)  # asked for each table up to three times
        if found is None:
            found = self._names[ref] = self._name_of(ref)
        return found

    def _name_of(self, ref: TableRef) -> str:
        for candidate in (ref.name, ref.qualified):
            if candidate in self.uses:
                return candidate
        return self._lower.get(ref.name.lower(), "")

    def owner(self, t: Table) -> CodeOwner:
        """Code evidence for ``t``: writers (most writes first), else readers; the decisive one if any."""
        uses = self.uses.get(self.name_of(t.ref), {})
        if not uses:  # no code names it (most tables): nothing to say
            return _NOTHING
        own_copies = self.held.get(t.ref.name.lower(), set()) - {self.home(t)}
        if any(u.writes and s not in own_copies for s, u in uses.items()):
            # another service writes it too: a service writing its own copy says nothing of this one
            uses = {s: u for s, u in uses.items() if s not in own_copies}
        writers = sorted(((s, u) for s, u in uses.items() if u.writes), key=lambda su: (-su[1].writes, su[0]))
        if writers:
            evidence = tuple(_written(s, u) for s, u in writers)
            conflict = ""
            if len(writers) > 1:
                sides = " and by ".join(e.detail.removeprefix("written by ") for e in evidence)
                conflict = (
                    f"{t.ref.name}: written by {sides}; {writers[0][0]} owns it (most writes, then name)"
                )
            return CodeOwner(evidence, evidence[0], conflict, tuple(s for s, _ in writers))
        readers = sorted((s, u) for s, u in uses.items() if u.reads)
        evidence = tuple(_read(s, u) for s, u in readers)
        return CodeOwner(evidence, evidence[0] if len(evidence) == 1 else None)

    def entities(self, table_names: Iterable[TableRef]) -> list[tuple[str, str, Place | None]]:
        """``(name, top writer, first write)`` of each written name that no table in ``table_names`` has."""
        matched = {self.name_of(ref) for ref in table_names}
        out = []
        for name, uses in sorted(self.uses.items()):
            writers = sorted(
                ((s, u) for s, u in uses.items() if u.writes), key=lambda su: (-su[1].writes, su[0])
            )
            if name not in matched and writers:
                out.append((name, writers[0][0], writers[0][1].first_write))
        return out

    def shared_access(self, tables: Iterable[Table]) -> tuple[SharedAccess, ...]:
        """Every (table, other service, access) with the first place, sorted.

        An access name meaning several tables counts for the original (not a
        replica) first by ref; a service that holds a table of that name itself
        (its own copy) is not sharing it.
        """
        by_name: dict[str, list[Table]] = {}
        for t in tables:
            if (name := self.name_of(t.ref)) and (t.dropped_at is None):
                by_name.setdefault(name, []).append(t)
        out: list[SharedAccess] = []
        for name, found in by_name.items():
            original = min(found, key=lambda t: (bool(t.replica_of), not t.owner, t.ref))
            holders = {t.service for t in found}
            for service, use in self.uses[name].items():
                if not original.owner or service == original.owner or service in holders:
                    continue
                out.extend(_accesses(original, service, use))
        return tuple(sorted(out, key=lambda a: (a.table, a.service, a.access, a.path, a.line)))


def _accesses(t: Table, service: str, use: Use) -> list[SharedAccess]:
    kinds: list[tuple[Literal["read", "write"], int, Place | None]] = [
        ("write", use.writes, use.first_write),
        ("read", use.reads, use.first_read),
    ]
    out = []
    for access, count, where in kinds:
        if count:
            path, line = where or ("", 0)
            out.append(SharedAccess(t.ref, t.owner, service, access, path, line))
    return out
