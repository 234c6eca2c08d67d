"""Drift: the foreign keys two sources disagree on (``fkmap diff``; :mod:`exports.drift_report` writes it).

The usual pair is a migration folder and the live database it is applied to:
``fkmap diff ./migrations postgresql://app@prod/shop`` shows a key that a
merged migration drops but production still has ("only in B"), or one whose
``ON DELETE`` was changed by a migration that has not run yet ("different").

Only present, declared keys count (dropped keys and inferred references are
left out), and none from or to a table matching ``ignore_tables``. Keys are
matched by *structure*, never by name alone:

* the referencing table's schema and name, the referenced table's schema and
  name, and the set of (column, referenced column) pairs;
* database names are ignored by default, because a migration folder labels its
  database with the folder (``services/auth/migrations``) while a catalog uses
  the real name (``auth_db``). Pass ``match_database=True`` to compare them as
  they are, or ``database_map`` (``{"services/auth/migrations": "auth_db"}``,
  applied to both sides) to pair labels, which implies ``match_database``.

Two matched keys *differ* when any of :data:`COMPARED` differs: the name, the
column order (same pairs, other order), ``ON DELETE``/``ON UPDATE`` and its
``SET NULL (col)`` list, deferrability, or ``NOT VALID``. When one side holds
several keys with the same structure, they pair by equal name first, then in
name order; the rest are "only in" their side.

``ON DELETE`` an application carries out (``ForeignKey.on_delete_enforced_by ==
"application"``: Django's ``on_delete=CASCADE``, whose constraint is ``NO ACTION``)
is compared as the database has it when the other side is the database's own
(a live catalog, SQL migrations): a Django ``CASCADE`` against a catalog's
``NO ACTION`` is no drift but an *application-enforced* pair
(:attr:`Drift.application_enforced`), listed apart; against a catalog's
``CASCADE`` it is drift (the database does what the migrations never created).
When both sides come from the application, the declared behaviours are compared.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, TableRef
>>> def fk(db, on_delete="NO ACTION"):
...     return ForeignKey("posts_user_id_fkey", TableRef(db, "public", "posts"), ("user_id",),
...                       TableRef(db, "public", "users"), ("id",), on_delete=on_delete)
>>> drift = diff_inventories(Inventory(foreign_keys=(fk("services/blog"),)),
...                          Inventory(foreign_keys=(fk("blog_db", "CASCADE"),)))
>>> drift.has_drift, [c.fields for c in drift.changed]
(True, [('on_delete',)])
>>> django = ForeignKey("posts_user_id_fkey", TableRef("site", "public", "posts"), ("user_id",),
...                     TableRef("site", "public", "users"), ("id",), on_delete="CASCADE",
...                     on_delete_enforced_by="application")
>>> drift = diff_inventories(Inventory(foreign_keys=(django,)), Inventory(foreign_keys=(fk("blog_db"),)))
>>> drift.has_drift, len(drift.application_enforced)
(False, 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from model.inventory import ForeignKey, Inventory, TableRef
from ownership.patterns import matches_table

__all__ = ["COMPARED", "Drift", "FkChange", "diff_inventories", "match_key"]

#: Attributes compared between two matched keys, in report order.
COMPARED = (
    "name",
    "columns",
    "on_delete",
    "on_delete_columns",
    "on_update",
    "deferrable",
    "initially_deferred",
    "validated",
)

MatchKey = tuple[str, str, str, str, str, str, frozenset[tuple[str, str]]]
_ACTION_FIELDS = ("on_delete", "on_delete_columns")


def _database_action(fk: ForeignKey, name: str) -> Any:
    """``on_delete`` (or its column list) of the constraint in the database."""
    if name == "on_delete":
        return fk.database_on_delete
    return fk.on_delete_columns if fk.on_delete_enforced_by == "database" else ()


@dataclass(frozen=True)
class FkChange:
    """A key present on both sides that differs in ``fields`` (names from :data:`COMPARED`)."""

    a: ForeignKey
    b: ForeignKey
    fields: tuple[str, ...]

    def values(self, name: str) -> tuple[Any, Any]:
        """The attribute on side A and on side B as compared (``columns`` shows both column lists;
        ``on_delete`` the database's action when only one side's is the application's)."""
        if name == "columns":
            return (self.a.columns, self.a.ref_columns), (self.b.columns, self.b.ref_columns)
        if name in _ACTION_FIELDS and self.a.on_delete_enforced_by != self.b.on_delete_enforced_by:
            return _database_action(self.a, name), _database_action(self.b, name)
        return getattr(self.a, name), getattr(self.b, name)


@dataclass(frozen=True)
class Drift:
    """What :func:`diff_inventories` found; ``has_drift`` is False when the sides agree."""

    only_a: tuple[ForeignKey, ...] = ()
    only_b: tuple[ForeignKey, ...] = ()
    changed: tuple[FkChange, ...] = ()
    matched: int = 0
    #: matched keys whose declared ON DELETE differs only because one side's is the application's
    application_enforced: tuple[FkChange, ...] = ()
    label_a: str = "A"
    label_b: str = "B"
    match_database: bool = False
    database_map: tuple[tuple[str, str], ...] = field(default=())

    @property
    def has_drift(self) -> bool:
        """True when a key is on one side only or differs."""
        return bool(self.only_a or self.only_b or self.changed)


def match_key(
    fk: ForeignKey, *, match_database: bool = False, database_map: Mapping[str, str] | None = None
) -> MatchKey:
    """The structural identity used to pair keys across sources.

    >>> from model.inventory import ForeignKey, TableRef
    >>> a = ForeignKey("x", TableRef("d1", "s", "t"), ("b", "a"), TableRef("d1", "s", "u"), ("y", "x"))
    >>> b = ForeignKey("y", TableRef("d2", "s", "t"), ("a", "b"), TableRef("d2", "s", "u"), ("x", "y"))
    >>> match_key(a) == match_key(b), match_key(a, match_database=True) == match_key(b, match_database=True)
    (True, False)
    """
    if match_database or database_map:
        database_map = database_map or {}
        db = database_map.get(fk.table.database, fk.table.database)
        ref_db = database_map.get(fk.ref_table.database, fk.ref_table.database)
    else:
        db = ref_db = ""
    pairs = frozenset(zip(fk.columns, fk.ref_columns, strict=False))
    return (db, fk.table.schema, fk.table.name, ref_db, fk.ref_table.schema, fk.ref_table.name, pairs)


def _order(fk: ForeignKey) -> tuple[TableRef, str, TableRef, tuple[str, ...]]:
    return (fk.table, fk.name, fk.ref_table, fk.columns)


def _counted(inv: Inventory, ignore_tables: Sequence[str]) -> list[ForeignKey]:
    keys = [
        fk
        for fk in inv.foreign_keys
        if fk.origin == "declared"
        and fk.state == "present"
        and not any(matches_table(p, fk.table) or matches_table(p, fk.ref_table) for p in ignore_tables)
    ]
    return sorted(keys, key=_order)


def _differences(a: ForeignKey, b: ForeignKey) -> tuple[str, ...]:
    out = []
    change = FkChange(a, b, ())
    for name in COMPARED:
        va, vb = change.values(name)
        if va != vb:
            out.append(name)
    return tuple(out)


def _application_enforced(a: ForeignKey, b: ForeignKey) -> tuple[str, ...]:
    """The action fields that differ as declared although the databases agree (one side's ORM
    carries them out)."""
    if a.on_delete_enforced_by == b.on_delete_enforced_by:
        return ()
    change = FkChange(a, b, ())
    return tuple(
        n for n in _ACTION_FIELDS if getattr(a, n) != getattr(b, n) and len(set(change.values(n))) == 1
    )


Pairs = list[tuple[ForeignKey, ForeignKey]]


def _pair(
    left: list[ForeignKey], right: list[ForeignKey]
) -> tuple[Pairs, list[ForeignKey], list[ForeignKey]]:
    """Pair keys of one structure: equal names first, then in order."""
    right_left = list(right)
    pairs = []
    unpaired = []
    for fk in left:
        same = next((r for r in right_left if r.name == fk.name), None)
        if same is not None:
            right_left.remove(same)
            pairs.append((fk, same))
        else:
            unpaired.append(fk)
    rest = list(zip(unpaired, right_left, strict=False))
    pairs += rest
    return pairs, unpaired[len(rest) :], right_left[len(rest) :]


def diff_inventories(
    a: Inventory,
    b: Inventory,
    *,
    match_database: bool = False,
    database_map: Mapping[str, str] | None = None,
    ignore_tables: Sequence[str] = (),
    label_a: str = "A",
    label_b: str = "B",
) -> Drift:
    """Compare the present, declared foreign keys of two inventories.

    Parameters
    ----------
    a, b : Inventory
        The two sides (e.g. a migration folder and a live catalog).
    match_database : bool
        Compare database names too (by default only schema + table names).
    database_map : mapping, optional
        Database label -> name to compare under, applied to both sides;
        implies ``match_database``.
    ignore_tables : sequence of str
        ``[database:][schema.]name`` globs (``[scan] ignore_tables``): keys from
        or to a matching table are left out on both sides.
    label_a, label_b : str
        How the report names the sides (masked DSNs or paths).

    Returns
    -------
    Drift
        Keys only in A, only in B, and matched keys that differ, each sorted
        by table and name.
    """
    mapping = dict(database_map or {})
    groups: dict[MatchKey, tuple[list[ForeignKey], list[ForeignKey]]] = {}
    for side, inv in ((0, a), (1, b)):
        for fk in _counted(inv, ignore_tables):
            key = match_key(fk, match_database=match_database, database_map=mapping)
            groups.setdefault(key, ([], []))[side].append(fk)
    only_a: list[ForeignKey] = []
    only_b: list[ForeignKey] = []
    changed: list[FkChange] = []
    by_application: list[FkChange] = []
    matched = 0
    for left, right in groups.values():
        pairs, rest_a, rest_b = _pair(left, right)
        only_a += rest_a
        only_b += rest_b
        for fa, fb in pairs:
            matched += 1
            if fields := _differences(fa, fb):
                changed.append(FkChange(fa, fb, fields))
            if fields := _application_enforced(fa, fb):
                by_application.append(FkChange(fa, fb, fields))
    return Drift(
        only_a=tuple(sorted(only_a, key=_order)),
        only_b=tuple(sorted(only_b, key=_order)),
        changed=tuple(sorted(changed, key=lambda c: _order(c.a))),
        matched=matched,
        application_enforced=tuple(sorted(by_application, key=lambda c: _order(c.a))),
        label_a=label_a,
        label_b=label_b,
        match_database=bool(match_database or mapping),
        database_map=tuple(sorted(mapping.items())),
    )
