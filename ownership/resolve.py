"""Combine inventories and connect references that cross databases.

:func:`merge` joins the inventories of several sources into one;
:func:`resolve_external` then links each external table (referenced by a
database that never creates it) to the one table of another scanned database
that defines it. Such a foreign key fails when the referencing database's
migrations run on a fresh server. Call order in a scan:
``merge -> resolve_external -> assign_services``.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> users = Table(TableRef("services/auth/migrations", "public", "users"))
>>> stub = Table(TableRef("services/chat/migrations", "public", "users"), external=True)
>>> inv = resolve_external(merge([Inventory(tables=(users,)), Inventory(tables=(stub,))]))
>>> str(inv.table(stub.ref).resolved_to)
'services/auth/migrations:public.users'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields, replace
from operator import attrgetter, itemgetter
from typing import TypeVar

from model.inventory import (
    Diagnostic,
    ForeignKey,
    Inventory,
    Location,
    Migration,
    Service,
    Source,
    Table,
    TableRef,
)
from ownership.config import Config
from ownership.patterns import matches_table

__all__ = ["merge", "resolve_external"]

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_NOWHERE = Location("")
T = TypeVar("T")


_BUT_ORDER = attrgetter(*(f.name for f in fields(Migration) if f.name != "order"))


def _loc(loc: Location | None) -> Location:
    return loc if loc is not None else _NOWHERE


def _fk_key(fk: ForeignKey) -> tuple[object, ...]:
    """Table, name, where added, columns, referenced table and columns, where dropped, the rest: the
    refs and locations spelled out field by field (the order their dataclasses compare in, without a
    tuple built per comparison)."""
    t, r = fk.table, fk.ref_table
    added, dropped = _loc(fk.added_at), _loc(fk.dropped_at)
    return (
        t.database,
        t.schema,
        t.name,
        fk.name,
        added.path,
        added.line,
        fk.columns,
        r.database,
        r.schema,
        r.name,
        fk.ref_columns,
        dropped.path,
        dropped.line,
        fk.origin,
        fk.on_delete,
        fk.on_update,
        fk.on_delete_columns,
        fk.on_delete_enforced_by,
        fk.deferrable,
        fk.initially_deferred,
        fk.validated,
    )


def _diag_key(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    return (d.path, d.line, _SEVERITY_RANK.get(d.severity, 3), d.code, d.message, d.excerpt)


def _unique(items: list[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _sorted_fks(fks: list[ForeignKey]) -> list[ForeignKey]:
    """``sorted(_unique(fks), key=_fk_key)``: equal keys have equal sort keys, so a key's copies
    are among the keys of its sort key (almost always itself alone), and only there are keys
    compared whole (hashing tens of thousands of them is what cost)."""
    out: list[ForeignKey] = []
    run: list[ForeignKey] = []  # the keys of one sort key, once each
    last: tuple[object, ...] | None = None
    for key, fk in sorted([(_fk_key(fk), fk) for fk in fks], key=itemgetter(0)):
        if key != last:
            out += run
            run, last = [fk], key
        elif fk not in run:
            run.append(fk)
    return out + run


def _databases(inv: Inventory) -> set[str]:
    dbs = {t.ref.database for t in inv.tables} | {m.database for m in inv.migrations}
    return dbs | {r.database for fk in inv.foreign_keys for r in (fk.table, fk.ref_table)}


def _prefix(inv: Inventory, index: int) -> str:
    labels = sorted(s.label for s in inv.sources)
    label = labels[0].replace("\\", "/").rstrip("/") if labels else ""
    while label.startswith("./"):
        label = label[2:]
    return label if label not in ("", ".") else f"source{index + 1}"


def _reroot(inv: Inventory, prefix: str) -> Inventory:
    """Prefix databases and relative file paths of ``inv`` with ``prefix/``."""

    def db(name: str) -> str:
        return prefix if name in ("", ".") else f"{prefix}/{name}"

    def ref(r: TableRef) -> TableRef:
        return TableRef(db(r.database), r.schema, r.name)

    def path(p: str) -> str:
        if not p or "://" in p or p.startswith("/") or "=" in p:
            return p  # a DSN, an absolute path or a connection string stays as it is
        return db(p)

    def loc(x: Location | None) -> Location | None:
        return None if x is None else Location(path(x.path), x.line)

    tables = tuple(
        replace(
            t,
            ref=ref(t.ref),
            defined_at=loc(t.defined_at),
            dropped_at=loc(t.dropped_at),
            resolved_to=None if t.resolved_to is None else ref(t.resolved_to),
        )
        for t in inv.tables
    )
    fks = tuple(
        replace(
            fk,
            table=ref(fk.table),
            ref_table=ref(fk.ref_table),
            added_at=loc(fk.added_at),
            dropped_at=loc(fk.dropped_at),
        )
        for fk in inv.foreign_keys
    )
    diagnostics = tuple(replace(d, path=path(d.path)) for d in inv.diagnostics)
    migrations = tuple(replace(m, path=path(m.path), database=db(m.database)) for m in inv.migrations)
    shared = tuple(replace(a, table=ref(a.table)) for a in inv.shared_access)
    return replace(
        inv,
        tables=tables,
        foreign_keys=fks,
        diagnostics=diagnostics,
        migrations=migrations,
        shared_access=shared,
    )


def _disambiguate(invs: list[Inventory]) -> tuple[list[Inventory], list[Diagnostic]]:
    """Re-root inventories of different sources that use the same database name."""
    origin = [frozenset(inv.sources) for inv in invs]
    owners: dict[str, set[frozenset[Source]]] = defaultdict(set)
    for inv, src in zip(invs, origin, strict=True):
        for name in _databases(inv):
            owners[name].add(src)
    clashing = {name for name, srcs in owners.items() if len(srcs) > 1}
    if not clashing:
        return invs, []
    out, notes, used = [], [], set[str]()
    for i, inv in enumerate(invs):
        if not (_databases(inv) & clashing):
            out.append(inv)
            continue
        prefix = _prefix(inv, i)
        while prefix in used:
            prefix = f"{prefix}~{i + 1}"
        used.add(prefix)
        out.append(_reroot(inv, prefix))
        names = ", ".join(repr(n) for n in sorted(_databases(inv) & clashing))
        notes.append(
            Diagnostic(
                "info",
                f"database name(s) {names} occur in several sources; the ones of {prefix!r} are "
                f"shown as '{prefix}/<name>' and its file paths as '{prefix}/<path>'",
                code="renamed",
            )
        )
    return out, notes


def _merge_tables(tables: list[Table]) -> tuple[list[Table], list[Diagnostic]]:
    by_ref: dict[TableRef, list[Table]] = defaultdict(list)
    for t in tables:
        by_ref[t.ref].append(t)
    out, notes = [], []
    for ref in sorted(by_ref, key=lambda r: (r.database, r.schema, r.name)):
        versions = by_ref[ref]
        if len(versions) > 1:  # identical copies count once (equal tables have equal refs)
            versions = sorted(_unique(versions), key=lambda t: (t.external, repr(t)))
        out.append(versions[0])
        if len(versions) > 1 and not versions[1].external:
            where = _loc(versions[0].defined_at)
            notes.append(
                Diagnostic(
                    "warning",
                    f"table {ref} is described differently by {len(versions)} sources; kept one",
                    where.path,
                    where.line,
                    ref.qualified,
                    "duplicate-table",
                )
            )
    return out, notes


def merge(invs: Sequence[Inventory]) -> Inventory:
    """Join inventories into one, sorted, with identical items kept once.

    Migrations are renumbered (``order``) so that sets follow each other in
    database order. Inventories of different sources that use the same database
    name (two scanned folders that both hold ``migrations/``) are told apart by
    prefixing each one's databases and relative paths with its source label
    (an ``info`` diagnostic says so). A table two sources describe differently
    is kept once: the defined version rather than an external reference.

    >>> from model.inventory import Inventory, Source
    >>> a = Inventory(sources=(Source("migrations", "a"),))
    >>> merge([a, a]) == a
    True
    """
    parts, notes = _disambiguate(list(invs))
    tables, table_notes = _merge_tables([t for inv in parts for t in inv.tables])
    fks = _sorted_fks([fk for inv in parts for fk in inv.foreign_keys])
    diagnostics = _unique([d for inv in parts for d in inv.diagnostics] + notes + table_notes)
    seen: dict[tuple[object, ...], Migration] = {}  # by every field but `order`: replace(m, order=0)
    for m in (m for inv in parts for m in inv.migrations):
        seen.setdefault(_BUT_ORDER(m), m)
    ordered = sorted(seen.values(), key=lambda m: (m.database, m.ordinal, m.path, m.version, m.name))
    migrations = tuple(m if m.order == i else replace(m, order=i) for i, m in enumerate(ordered))
    services: dict[str, Service] = {}
    every = {s for inv in parts for s in inv.services}
    for service in sorted(every, key=lambda s: (s.name, not s.description, s.description)):
        services.setdefault(service.name, service)
    sources = sorted({s for inv in parts for s in inv.sources}, key=lambda s: (s.kind, s.label))
    return Inventory(
        tables=tuple(tables),
        foreign_keys=tuple(fks),
        diagnostics=tuple(sorted(diagnostics, key=_diag_key)),
        migrations=migrations,
        services=tuple(services[name] for name in sorted(services)),
        sources=tuple(sources),
        shared_access=tuple(
            sorted(
                {a for inv in parts for a in inv.shared_access},
                key=lambda a: (a.table, a.service, a.access, a.path, a.line, a.owner),
            )
        ),
    )


def _candidates(
    t: Table, definers: dict[str, list[Table]], set_dbs: set[str], copies: Sequence[str]
) -> list[Table]:
    """Tables of other databases that may be the one ``t`` references."""
    others = [d for d in definers.get(t.ref.name, []) if d.ref.database != t.ref.database]
    found = [d for d in others if d.ref.schema == t.ref.schema] or others
    if len(found) > 1:  # a copy ([[replicas]]) gives way to the original
        found = [d for d in found if not any(matches_table(p, d.ref) for p in copies)] or found
    if len(found) > 1:  # a migration set refers to migration sets, a catalog to catalogs
        same_kind = [d for d in found if (d.ref.database in set_dbs) == (t.ref.database in set_dbs)]
        found = same_kind or found
    if len(found) > 1:  # copies of one application (app/, app-copy/): the referrer's copy
        found = _same_copy(t.ref.database, found)
    return found


def _same_copy(database: str, found: list[Table]) -> list[Table]:
    """When ``found`` is one set copied under sibling folders (``app/x/migrations``,
    ``app-copy/x/migrations``) and ``database`` lies in one of them, the copy in that folder."""
    parts = [d.ref.database.split("/") for d in found]
    if len({len(p) for p in parts}) > 1:
        return found
    differ = [i for i in range(len(parts[0])) if len({p[i] for p in parts}) > 1]
    mine = database.split("/")
    if len(differ) != 1 or mine[: differ[0]] != parts[0][: differ[0]]:
        return found
    at = differ[0]
    return [d for d, p in zip(found, parts, strict=True) if at < len(mine) and p[at] == mine[at]] or found


def _first_uses(fks: Sequence[ForeignKey], refs: set[TableRef]) -> dict[TableRef, Location]:
    """Where each of ``refs`` is first referenced: the FK added first (by place, then :func:`_fk_key`)."""
    first: dict[TableRef, tuple[Location, tuple[object, ...]]] = {}
    if not refs:
        return {}
    for fk in fks:
        if fk.added_at is not None and fk.ref_table in refs:
            key = (fk.added_at, _fk_key(fk))
            if fk.ref_table not in first or key < first[fk.ref_table]:
                first[fk.ref_table] = key
    return {ref: key[0] for ref, key in first.items()}


def resolve_external(inv: Inventory, *, config: Config | None = None) -> Inventory:
    """Set ``resolved_to`` on each external table exactly one other database defines.

    A defining table has the same schema and name, or, when none has the same
    schema, the same name. Several candidates in different databases are
    narrowed to the originals -- tables that no ``[[replicas]]`` glob of
    ``config`` matches -- then to those of the same kind (migration sets or
    catalogs), then, when they are one set copied under sibling folders (two
    copies of an application, ``app/`` and ``app-copy/``), to the copy the
    referencing database lies in; if still several remain, the table stays unresolved and one
    ``ambiguous-external`` warning lists them. Dropped tables define nothing.
    Running it again recomputes everything (stale links and warnings go), so
    :func:`ownership.services.assign_services` re-runs it with its config.
    """
    copies = tuple(r.table for r in config.copies) if config is not None else ()
    definers: dict[str, list[Table]] = defaultdict(list)
    for t in inv.tables:
        if not t.external and t.dropped_at is None:
            definers[t.ref.name].append(t)
    set_dbs = {m.database for m in inv.migrations}
    diagnostics = [d for d in inv.diagnostics if d.code != "ambiguous-external"]
    tables = []
    ambiguous: list[tuple[Table, list[Table]]] = []
    for t in inv.tables:
        if not t.external:
            tables.append(t)
            continue
        found = _candidates(t, definers, set_dbs, copies)
        resolved_to = found[0].ref if len(found) == 1 else None
        tables.append(t if t.resolved_to == resolved_to else replace(t, resolved_to=resolved_to))
        if len(found) > 1:
            ambiguous.append((t, found))
    first_use = _first_uses(inv.foreign_keys, {t.ref for t, _ in ambiguous})
    for t, found in ambiguous:
        where = first_use.get(t.ref, _NOWHERE)
        listed = ", ".join(str(d.ref) for d in sorted(found, key=lambda d: d.ref))
        diagnostics.append(
            Diagnostic(
                "warning",
                f"{t.ref.qualified} referenced in {t.ref.database} is defined by {len(found)} other "
                f"databases ({listed}); it is left unresolved, so its foreign keys are not linked "
                "to any of them (declare the copies as [[replicas]] in fkmap.toml to pick the original)",
                where.path,
                where.line,
                t.ref.qualified,
                "ambiguous-external",
            )
        )
    return replace(inv, tables=tuple(tables), diagnostics=tuple(sorted(diagnostics, key=_diag_key)))
