"""One object for each repeated value of an inventory: names, types, table references, columns.

An inventory decoded from MessagePack (the caches: :mod:`ingest.read_cache`,
:mod:`ingest.migrations.cache_codec`) holds a fresh object for every occurrence of a value: the
type ``bigint`` a hundred thousand times, the schema ``public`` and each database label once per
table and per foreign key, each :class:`~model.inventory.TableRef` once per key that names it.
:func:`compact` gives back an equal inventory where equal values are one object. At 20,000 tables
this halves the memory the inventory takes; nothing is mutated (new objects are built). A replay
builds its tables and keys from a :class:`Sharer`'s values in the first place
(:func:`ingest.migrations.replay_state.materialize`), so they are never built twice; a value
seen first is kept as it is when its strings are the shared ones.

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

from collections.abc import Callable
from dataclasses import fields, replace
from operator import attrgetter
from typing import Any, TypeVar

from ingest.gc_pause import gc_paused
from model.inventory import Column, ForeignKey, Inventory, Location, Table, TableRef

__all__ = ["Sharer", "compact"]

T = TypeVar("T")
_REF = attrgetter(*(f.name for f in fields(TableRef)))
_COLUMN = attrgetter(*(f.name for f in fields(Column)))
_LOCATION = attrgetter(*(f.name for f in fields(Location)))


def _plan(
    cls: type, kinds: dict[str, str]
) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[int, str], ...]]:
    """A getter of every field of ``cls`` in order, and ``(position, kind)`` of the fields to share:
    the fields not named in ``kinds`` (and any field added later) are passed on as they are."""
    names = [f.name for f in fields(cls)]
    return attrgetter(*names), tuple((names.index(n), kind) for n, kind in kinds.items())


_TABLE = _plan(
    Table,
    {
        "ref": "ref",
        "columns": "columns",
        "primary_key": "names",
        "defined_at": "location",
        "dropped_at": "location",
        "service": "text",
        "replica_of": "text",
        "resolved_to": "ref",
    },
)
_FK = _plan(
    ForeignKey,
    {
        "table": "ref",
        "columns": "names",
        "ref_table": "ref",
        "ref_columns": "names",
        "on_delete": "text",
        "on_update": "text",
        "on_delete_columns": "names",
        "added_at": "location",
        "dropped_at": "location",
    },
)


class Sharer:
    """Hands out one object per distinct value it is shown (looked up by plain tuples of the
    fields: a dataclass's own hash runs Python code, a tuple's does not). An object whose parts
    already are the shared ones is handed out as it is, not copied."""

    __slots__ = ("_columns", "_locations", "_refs", "_strings", "_tuples")

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self._refs: dict[tuple[Any, ...], TableRef] = {}
        self._columns: dict[tuple[Any, ...], Column] = {}
        self._locations: dict[tuple[Any, ...], Location] = {}
        # no bound method of its own is kept: a Sharer is no reference cycle, so it (and all it
        # holds) goes as soon as its last user does, not at the next full collection

    def text(self, value: str) -> str:
        """``value``, or the equal string seen first."""
        return self._strings.setdefault(value, value)

    def _texts(self, values: tuple[Any, ...]) -> list[Any]:
        text = self.text
        return [text(v) if type(v) is str else v for v in values]

    def _canonical(self, value: T, key: tuple[Any, ...], make: Callable[..., T]) -> T:
        """The object to hand out for ``value`` (fields ``key``), seen for the first time: ``value``
        itself when its strings already are the shared ones (a fresh replay's often are), else a copy
        built from them."""
        strings = self._strings
        for part in key:
            if type(part) is str and strings.setdefault(part, part) is not part:
                return make(*self._texts(key))
        return value

    def names(self, value: tuple[str, ...]) -> tuple[str, ...]:
        """A tuple of names, shared with its equal ones (its names shared too)."""
        found = self._tuples.get(value)
        if found is None:
            found = self._tuples[value] = self._canonical(value, value, _tuple)
        return found

    def ref(self, value: TableRef | None) -> TableRef | None:
        """The table reference equal to ``value`` seen first."""
        if value is None:
            return None
        key = _REF(value)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = self._canonical(value, key, TableRef)
        return found

    def table_ref(self, database: str, schema: str, name: str) -> TableRef:
        """``TableRef(database, schema, name)``, the one seen first."""
        key = (database, schema, name)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = TableRef(*self._texts(key))
        return found

    def column(self, value: Column) -> Column:
        """The column equal to ``value`` seen first."""
        key = _COLUMN(value)
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = self._canonical(value, key, Column)
        return found

    def columns(self, value: tuple[Column, ...]) -> tuple[Column, ...]:
        """Each column shared."""
        column = self.column
        shared = [column(c) for c in value]
        for new, old in zip(shared, value, strict=True):
            if new is not old:
                return tuple(shared)
        return value

    def location(self, value: Location | None) -> Location | None:
        """The location equal to ``value`` seen first."""
        if value is None:
            return None
        key = _LOCATION(value)
        found = self._locations.get(key)
        if found is None:
            found = self._locations[key] = self._canonical(value, key, Location)
        return found

    def _rebuilt(
        self, value: T, plan: tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[int, str], ...]]
    ) -> T:
        get, shared = plan
        values = list(get(value))
        changed = False
        for at, kind in shared:
            old = values[at]
            values[at] = new = _KINDS[kind](self, old)
            changed = changed or new is not old
        return type(value)(*values) if changed else value

    def table(self, t: Table) -> Table:
        """``t`` built from shared values."""
        return self._rebuilt(t, _TABLE)

    def foreign_key(self, fk: ForeignKey) -> ForeignKey:
        """``fk`` built from shared values."""
        return self._rebuilt(fk, _FK)


def _tuple(*values: Any) -> tuple[Any, ...]:
    return values


#: The sharing method of each kind of field in :data:`_TABLE` and :data:`_FK` (here, not a dict
#: of bound methods on each Sharer: that would be a reference cycle kept until the process ends).
_KINDS: dict[str, Callable[[Sharer, Any], Any]] = {
    "ref": Sharer.ref,
    "columns": Sharer.columns,
    "names": Sharer.names,
    "location": Sharer.location,
    "text": Sharer.text,
}


def compact(inv: Inventory) -> Inventory:
    """``inv`` with every repeated value shared (see the module docstring); equal to ``inv``."""
    share = Sharer()
    with gc_paused():
        return replace(
            inv,
            tables=tuple([share.table(t) for t in inv.tables]),
            foreign_keys=tuple([share.foreign_key(fk) for fk in inv.foreign_keys]),
        )
