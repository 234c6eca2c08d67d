"""What ``fkmap init`` keeps: compare the ownership of two scans of the same sources.

:class:`Ownership` is what a scan decided -- each table's service and
``replica_of``, each foreign key's ``cross_service`` (as the table graph computes
it: the dependent table's service against the owner of the table the key really
points at) -- and :func:`ownership_differences` names, one sentence each, what
differs between two scans: ``fkmap init`` checks the config it wrote with it.

Examples
--------
>>> from model.inventory import Table, TableRef
>>> a = Inventory(tables=(Table(TableRef("db", "public", "users"), service="auth"),))
>>> ownership_differences(a, a)
[]
>>> ownership_differences(a, Inventory(tables=(Table(TableRef("db", "public", "users")),)))
['db:public.users: service auth before, service (none) with the config']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from model.inventory import ForeignKey, Inventory, TableRef

__all__ = ["Ownership", "ownership_differences"]


@dataclass(frozen=True)
class Ownership:
    """What ``fkmap init`` keeps: each table's service and ``replica_of``, each FK's ``cross_service``."""

    tables: Mapping[TableRef, tuple[str, str]]
    cross: Mapping[ForeignKey, bool]

    @classmethod
    def of(cls, inv: Inventory) -> Ownership:
        """The ownership of a scan."""
        by_ref = inv.tables_by_ref()
        cross = {}
        for fk in inv.foreign_keys:
            source = by_ref.get(fk.table)
            written = by_ref.get(fk.ref_table)
            target = (
                written.resolved_to
                if written is not None and written.resolved_to is not None
                else fk.ref_table
            )
            found = by_ref.get(target)
            service, owner = (source.service if source else ""), (found.owner if found else "")
            cross[fk] = bool(service and owner and service != owner)
        return cls({t.ref: (t.service, t.replica_of) for t in inv.tables}, cross)


def ownership_differences(expected: Inventory, got: Inventory) -> list[str]:
    """What differs: tables (service, ``replica_of``) and FKs (``cross_service``), one sentence each."""
    a, b = Ownership.of(expected), Ownership.of(got)
    out = []
    for ref in sorted(set(a.tables) | set(b.tables)):
        was, now = a.tables.get(ref), b.tables.get(ref)
        if was != now:
            out.append(f"{ref}: {_owned(was)} before, {_owned(now)} with the config")
    for fk in sorted(set(a.cross) | set(b.cross), key=lambda fk: (fk.table, fk.name)):
        if (before := a.cross.get(fk)) != (after := b.cross.get(fk)):
            out.append(f"{fk.table} {fk.name}: cross_service {before} before, {after} with the config")
    return out


def _owned(found: tuple[str, str] | None) -> str:
    if found is None:
        return "absent"
    service, replica_of = found
    return f"service {service or '(none)'}" + (f", a copy of {replica_of}'s" if replica_of else "")
