"""Mutable replay state and its conversion into the frozen model.

:class:`TableState` and :class:`FKState` are the replayer's working records;
:func:`materialize` turns them into sorted :class:`~model.inventory.Table` and
:class:`~model.inventory.ForeignKey` tuples plus the end-of-set diagnostics
(external tables, unresolved ``REFERENCES t`` without columns, folded partitions), built from
the values of an :class:`ingest.compact.Sharer`; :func:`fk_sort_key` orders the keys.
See :mod:`ingest.migrations.replay` for the rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ingest.compact import Sharer
from ingest.migrations.ops import FKSpec
from model.inventory import Column, Diagnostic, ForeignKey, Location, Table, TableRef

__all__ = ["FKState", "IndexState", "Indexes", "TableState", "fk_sort_key", "materialize", "release"]


@dataclass(eq=False, slots=True)
class TableState:
    """A table while the replay runs (identity-hashed; renames mutate it in place)."""

    schema: str
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    constraints: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # non-FK: kind, cols
    fks: dict[str, FKState] = field(default_factory=dict)
    incoming: dict[FKState, None] = field(default_factory=dict)  # live FKs pointing here (ordered set)
    children: dict[TableState, None] = field(default_factory=dict)  # partitions
    partition_of: TableState | None = None
    external: bool = False
    provided_by: str = ""  # an external table created before the migrations: what creates it
    defined_at: Location | None = None
    dropped_at: Location | None = None
    drop_seq: int = 0
    first_ref: tuple[Location, str] | None = None
    refs: int = 0
    indexes: dict[str, IndexState] = field(default_factory=dict)  # unique ones, keys' included

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(eq=False, slots=True)
class FKState:
    """A foreign key while the replay runs; ``dropped_at`` set once dropped (then frozen)."""

    name: str
    table: TableState
    columns: tuple[str, ...]
    ref: TableState
    ref_columns: tuple[str, ...]
    spec: FKSpec
    validated: bool
    added_at: Location
    excerpt: str
    deferrable: bool = False
    initially_deferred: bool = False
    dropped_at: Location | None = None
    index: IndexState | None = None  # the referenced table's unique index it depends on
    fresh_db_failure: bool = False  # its statement fails on an empty server


@dataclass(eq=False, slots=True)
class IndexState:
    """A unique index: of a primary key or unique constraint (``constraint`` is its kind,
    ``'p'`` or ``'u'``; the index has the constraint's name), or ``CREATE UNIQUE INDEX``.
    ``usable`` when a foreign key may depend on it: immediate, no expression, no WHERE."""

    name: str
    table: TableState
    columns: tuple[str, ...]
    usable: bool
    constraint: str
    seq: int


class Indexes:
    """The unique indexes of one database by ``(schema, name)`` (indexes are relations: their
    names are unique in a schema), and which one a new foreign key depends on."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], IndexState] = {}
        self._seq = itertools.count()

    def add(
        self, t: TableState, name: str, columns: tuple[str, ...], usable: bool, constraint: str = ""
    ) -> None:
        idx = IndexState(name, t, columns, usable, constraint, next(self._seq))
        self.by_name[t.schema, name] = idx
        t.indexes[name] = idx

    def remove(self, idx: IndexState) -> None:
        self.by_name.pop((idx.table.schema, idx.name), None)
        idx.table.indexes.pop(idx.name, None)

    def rename(self, idx: IndexState, new: str) -> None:
        self.remove(idx)
        idx.name = new
        self.by_name[idx.table.schema, new] = idx
        idx.table.indexes[new] = idx

    def moved(self, t: TableState, old_schema: str) -> None:
        """``t`` went from ``old_schema`` to ``t.schema``; its indexes with it."""
        for idx in t.indexes.values():
            self.by_name.pop((old_schema, idx.name), None)
            self.by_name[t.schema, idx.name] = idx

    def dropped(self, t: TableState) -> None:
        for idx in list(t.indexes.values()):
            self.remove(idx)

    def used_by(self, ref: TableState, ref_columns: tuple[str, ...], primary: bool) -> IndexState | None:
        """The index a foreign key to ``ref`` depends on, as PostgreSQL picks it: the primary
        key's for ``REFERENCES t`` without columns, else the oldest usable unique index on
        exactly the referenced columns, in any order."""
        if primary:
            return next((i for i in ref.indexes.values() if i.constraint == "p"), None)
        want = set(ref_columns)
        if len(want) != len(ref_columns):
            return None
        fits = [
            i
            for i in ref.indexes.values()
            if i.usable and len(i.columns) == len(want) and set(i.columns) == want
        ]
        return min(fits, key=lambda i: i.seq, default=None)


def release(live: Iterable[TableState], history: Sequence[FKState], indexes: Indexes) -> None:
    """Break the table <-> FK <-> index reference cycles of a finished replay."""
    tables = dict.fromkeys(live)  # each table once, however many keys name it
    for fk in history:
        tables[fk.table] = tables[fk.ref] = None
    for t in tables:
        t.fks.clear()
        t.incoming.clear()
        t.children.clear()
        t.indexes.clear()
        t.partition_of = None
    for fk in history:
        fk.index = None
    indexes.by_name.clear()


def _root(t: TableState) -> TableState:
    for _ in range(64):  # a partition of a partition ...; the bound guards against cycles
        if t.partition_of is None:
            break
        t = t.partition_of
    return t


def _table(ref: TableRef, t: TableState, share: Sharer) -> Table:
    return Table(
        ref=ref,
        columns=share.columns(tuple(t.columns.values())),
        primary_key=share.names(t.primary_key),
        external=t.external,
        provided_by=t.provided_by if t.external else "",
        defined_at=share.location(t.defined_at),
        dropped_at=share.location(t.dropped_at),
    )


def fk_sort_key(fk: ForeignKey, file_order: Mapping[str, int]) -> tuple[object, ...]:
    """Sort key of FKs: ``(table, name, replay position of added_at)``, in plain strings and ints."""
    at = fk.added_at or Location("")
    t = fk.table
    return (t.database, t.schema, t.name, fk.name, file_order.get(at.path, len(file_order)), at.path, at.line)


def materialize(
    database: str, live: Iterable[TableState], history: Sequence[FKState], share: Sharer | None = None
) -> tuple[tuple[Table, ...], tuple[ForeignKey, ...], list[Diagnostic]]:
    """Freeze the state: tables (sorted), FKs (present and dropped, in history order)
    and end-of-set diagnostics, built from the values ``share`` hands out (a new
    :class:`~ingest.compact.Sharer` when None): equal values are one object."""
    share = Sharer() if share is None else share
    refs: dict[TableState, TableRef] = {}

    def ref_of(t: TableState) -> TableRef:
        ref = refs.get(t)
        if ref is None:
            ref = refs[t] = share.table_ref(database, t.schema, t.name)
        return ref

    out: dict[tuple[str, str], TableState] = {}
    partitions: dict[TableState, list[TableState]] = {}
    for t in live:
        if t.partition_of is None:
            out[t.schema, t.name] = t
        else:
            partitions.setdefault(_root(t), []).append(t)
    roots = set(out.values())
    names, text, location = share.names, share.text, share.location
    extra: dict[tuple[str, str], TableState] = {}
    fks: list[ForeignKey] = []
    notes: list[Diagnostic] = []
    present: set[tuple[object, ...]] = set()
    for fk in history:
        table, target = fk.table, fk.ref
        if table.partition_of is not None:
            table = _root(table)
        if target.partition_of is not None:
            target = _root(target)
        for t in (table, target):
            if t not in roots:  # a live table is out already
                _keep_dropped(t, out, extra)
        if fk.dropped_at is None and partitions:  # only folding partitions repeats a present key
            identity = (
                table.schema,
                table.name,
                fk.name,
                fk.columns,
                target.schema,
                target.name,
                fk.ref_columns,
            )
            if identity in present:  # the same FK declared on a partition and on its root
                continue
            present.add(identity)
        spec = fk.spec
        record = ForeignKey(  # positional, in field order (one call per key: keywords cost)
            fk.name,
            refs.get(table) or ref_of(table),
            names(fk.columns),
            refs.get(target) or ref_of(target),
            names(fk.ref_columns),
            text(spec.on_delete),
            text(spec.on_update),
            fk.deferrable,
            fk.initially_deferred,
            fk.validated,
            names(spec.on_delete_columns),
            location(fk.added_at),
            location(fk.dropped_at),
            "declared",
            # a referenced table never created is the graph's to see (graph.build): not repeated here
            fk.fresh_db_failure and not target.external,
            spec.on_delete_enforced_by,
        )
        fks.append(record)
        if not fk.ref_columns:
            notes.append(
                Diagnostic(
                    "warning",
                    f"{record.table.qualified}.{fk.name}: REFERENCES {record.ref_table.qualified} names no "
                    "columns and that table's primary key is unknown; referenced columns left empty",
                    fk.added_at.path,
                    fk.added_at.line,
                    fk.excerpt,
                    "unresolved-reference",
                )
            )
    notes += _set_notes(out, partitions)
    tables = [_table(ref_of(t), t, share) for t in (*out.values(), *extra.values())]
    tables.sort(key=lambda t: (t.ref.database, t.ref.schema, t.ref.name))
    return tuple(tables), tuple(fks), notes


def _keep_dropped(
    t: TableState, out: dict[tuple[str, str], TableState], extra: dict[tuple[str, str], TableState]
) -> None:
    """A dropped table an FK names is kept, unless a live table has its name (the last dropped wins)."""
    key = (t.schema, t.name)
    if key not in out:
        cur = extra.get(key)
        if cur is None or t.drop_seq > cur.drop_seq:
            extra[key] = t


def _set_notes(
    out: dict[tuple[str, str], TableState], partitions: dict[TableState, list[TableState]]
) -> list[Diagnostic]:
    """The end-of-set diagnostics: tables referenced but never created, partitions folded."""
    notes: list[Diagnostic] = []
    for t in out.values():
        if t.external and t.first_ref is not None:
            loc, text = t.first_ref
            notes.append(
                Diagnostic(
                    "warning",
                    f"table {t} is referenced ({t.refs} time(s)) but never created in this "
                    "migration set; those statements fail on a fresh database",
                    loc.path,
                    loc.line,
                    text,
                    "unknown-table",
                )
            )
    for root, parts in partitions.items():
        first = parts[0].defined_at or Location("")
        names = ", ".join(p.name for p in parts[:5]) + (", ..." if len(parts) > 5 else "")
        notes.append(
            Diagnostic(
                "info",
                f"{len(parts)} partition(s) folded into {root}: {names}",
                first.path,
                first.line,
                "",
                "partition",
            )
        )
    return notes
