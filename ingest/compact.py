"""One object for each repeated value of an inventory: names, types, table references, columns.

An inventory decoded from MessagePack (the caches: :mod:`ingest.read_cache`,
:mod:`ingest.migrations.cache_codec`) holds a fresh object for every occurrence of a value: the
type ``bigint`` a hundred thousand times, the schema ``public`` and each database label once per
table and per foreign key, each :class:`~model.inventory.TableRef` once per key that names it.
:func:`compact` gives back an equal inventory where equal values are one object. At 20,000 tables
this halves the memory the inventory takes; nothing is mutated (new objects are built).

Examples
--------
>>> from model.inventory import Column, Table, TableRef
>>> a = Table(TableRef("db", "public", "a"), (Column("id", "bigint"),))
>>> b = Table(TableRef("db", "public", "b"), (Column("id", "bigint"),))
>>> inv = compact(Inventory(tables=(a, b)))
>>> inv == Inventory(tables=(a, b)), inv.tables[0].columns[0] is inv.tables[1].columns[0]
(True, True)
"""

from __future__ import annotations

from dataclasses import replace

from ingest.gc_pause import gc_paused
from model.inventory import Column, ForeignKey, Inventory, Location, Table, TableRef

__all__ = ["Sharer", "compact"]


class Sharer:
    """Hands out one object per distinct value it is shown (looked up by plain tuples: a
    dataclass's own hash runs Python code, a tuple's does not)."""

    __slots__ = ("_columns", "_locations", "_refs", "_strings", "_tuples")

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self._refs: dict[tuple[str, str, str], TableRef] = {}
        self._columns: dict[tuple[str, str, bool], Column] = {}
        self._locations: dict[tuple[str, int], Location] = {}

    def text(self, value: str) -> str:
        """``value``, or the equal string seen first."""
        return self._strings.setdefault(value, value)

    def names(self, value: tuple[str, ...]) -> tuple[str, ...]:
        """A tuple of names, shared with its equal ones (its names shared too)."""
        found = self._tuples.get(value)
        if found is None:
            text = self.text
            found = self._tuples[value] = tuple([text(v) for v in value])
        return found

    def ref(self, value: TableRef) -> TableRef:
        """The table reference equal to ``value`` seen first."""
        key = (value.database, value.schema, value.name)
        found = self._refs.get(key)
        if found is None:
            text = self.text
            found = self._refs[key] = TableRef(text(value.database), text(value.schema), value.name)
        return found

    def column(self, value: Column) -> Column:
        """The column equal to ``value`` seen first."""
        key = (value.name, value.type, value.nullable)
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = Column(self.text(value.name), self.text(value.type), value.nullable)
        return found

    def location(self, value: Location | None) -> Location | None:
        """The location equal to ``value`` seen first."""
        if value is None:
            return None
        key = (value.path, value.line)
        found = self._locations.get(key)
        if found is None:
            found = self._locations[key] = Location(self.text(value.path), value.line)
        return found

    def table(self, t: Table) -> Table:
        """``t`` built from shared values."""
        column, location = self.column, self.location
        return Table(
            self.ref(t.ref),
            tuple([column(c) for c in t.columns]),
            self.names(t.primary_key),
            t.external,
            location(t.defined_at),
            location(t.dropped_at),
            self.text(t.service),
            self.text(t.replica_of),
            None if t.resolved_to is None else self.ref(t.resolved_to),
            t.owner_evidence,
        )

    def foreign_key(self, fk: ForeignKey) -> ForeignKey:
        """``fk`` built from shared values."""
        ref, names, location = self.ref, self.names, self.location
        return ForeignKey(
            fk.name,
            ref(fk.table),
            names(fk.columns),
            ref(fk.ref_table),
            names(fk.ref_columns),
            self.text(fk.on_delete),
            self.text(fk.on_update),
            fk.deferrable,
            fk.initially_deferred,
            fk.validated,
            names(fk.on_delete_columns),
            location(fk.added_at),
            location(fk.dropped_at),
            fk.origin,
            fk.fresh_db_failure,
        )


def compact(inv: Inventory) -> Inventory:
    """``inv`` with every repeated value shared (see the module docstring); equal to ``inv``."""
    share = Sharer()
    with gc_paused():
        return replace(
            inv,
            tables=tuple([share.table(t) for t in inv.tables]),
            foreign_keys=tuple([share.foreign_key(fk) for fk in inv.foreign_keys]),
        )
