"""Small literal fixtures for the service map: ingested-looking inventories, code units and table access."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from model.inventory import ForeignKey, Inventory, Location, Migration, Source, Table, TableRef


@dataclass(frozen=True)
class Unit:
    """A code unit as the unit finder reports it (satisfies ``ownership.inputs.UnitLike``)."""

    name: str
    path: str
    kind: str = "service"
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Access:
    """One unit's use of one table (satisfies ``ownership.inputs.AccessLike``)."""

    writes: int = 0
    reads: int = 0
    first_write: tuple[str, int] | None = None
    first_read: tuple[str, int] | None = None


def writes(path: str, line: int, count: int = 1, *, reads: int = 0) -> Access:
    return Access(count, reads, (path, line), (path, line) if reads else None)


def reads(path: str, line: int, count: int = 1) -> Access:
    return Access(0, count, None, (path, line))


def inventory(
    files: Mapping[str, Sequence[str]],
    *,
    root: str = ".",
    key: tuple[str, ...] = ("id",),
    fks: Sequence[ForeignKey] = (),
) -> Inventory:
    """One migration set per folder; a table named ``schema.name`` goes in that schema (else ``public``).

    Tables are created at lines 1, 11, 21... of their file, all with primary key ``key``.
    """
    tables: list[Table] = []
    migrations: list[Migration] = []
    by_set: dict[str, list[str]] = {}
    for path in files:
        by_set.setdefault(posixpath.dirname(path), []).append(path)
    for label in sorted(by_set):
        for ordinal, path in enumerate(sorted(by_set[label])):
            migrations.append(Migration(path, label, ordinal, len(migrations)))
            for i, spec in enumerate(files[path]):
                schema, _, name = spec.rpartition(".")
                ref = TableRef(label, schema or "public", name)
                tables.append(Table(ref, primary_key=key, defined_at=Location(path, 1 + 10 * i)))
    known = {t.ref for t in tables}
    for fk in fks:
        if fk.ref_table not in known:  # a reference to a table its set never creates
            tables.append(Table(fk.ref_table, external=True))
            known.add(fk.ref_table)
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=tuple(fks),
        migrations=tuple(migrations),
        sources=(Source("migrations", root),),
    )


def fk(
    database: str,
    table: str,
    column: str,
    ref_table: str,
    *,
    ref_database: str = "",
    at: tuple[str, int] = ("", 0),
) -> ForeignKey:
    """``database:table.column -> [ref_database:]ref_table.id``, added at ``at``."""
    source = TableRef(database, "public", table)
    target = TableRef(ref_database or database, "public", ref_table)
    where = Location(*at) if at[0] else None
    return ForeignKey(f"{table}_{column}_fkey", source, (column,), target, ("id",), added_at=where)


def owners(inv: Inventory) -> dict[str, str]:
    """``database:name -> service`` of every table."""
    return {f"{t.ref.database}:{t.ref.name}": t.service for t in inv.tables}


def evidence_of(inv: Inventory, name: str, database: str = "") -> list[tuple[str, str]]:
    """``(kind, service)`` of each piece of evidence of the table called ``name``."""
    t = next(t for t in inv.tables if t.ref.name == name and (not database or t.ref.database == database))
    return [(e.kind, e.service) for e in t.owner_evidence]
