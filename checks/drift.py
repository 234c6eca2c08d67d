"""Drift: the foreign keys two sources disagree on.

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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from model.escape import clean_text
from model.inventory import Diagnostic, ForeignKey, Inventory, TableRef, to_dict
from ownership.patterns import matches_table

__all__ = [
    "COMPARED",
    "Drift",
    "FkChange",
    "diff_inventories",
    "drift_document",
    "match_key",
    "render_drift_json",
    "render_drift_text",
]

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


@dataclass(frozen=True)
class FkChange:
    """A key present on both sides that differs in ``fields`` (names from :data:`COMPARED`)."""

    a: ForeignKey
    b: ForeignKey
    fields: tuple[str, ...]

    def values(self, name: str) -> tuple[Any, Any]:
        """The attribute on side A and on side B (``columns`` shows both column lists)."""
        if name == "columns":
            return (self.a.columns, self.a.ref_columns), (self.b.columns, self.b.ref_columns)
        return getattr(self.a, name), getattr(self.b, name)


@dataclass(frozen=True)
class Drift:
    """What :func:`diff_inventories` found; ``has_drift`` is False when the sides agree."""

    only_a: tuple[ForeignKey, ...] = ()
    only_b: tuple[ForeignKey, ...] = ()
    changed: tuple[FkChange, ...] = ()
    matched: int = 0
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
    for name in COMPARED:
        if name == "columns":
            if (a.columns, a.ref_columns) != (b.columns, b.ref_columns):
                out.append(name)
        elif getattr(a, name) != getattr(b, name):
            out.append(name)
    return tuple(out)


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
    matched = 0
    for left, right in groups.values():
        pairs, rest_a, rest_b = _pair(left, right)
        only_a += rest_a
        only_b += rest_b
        for fa, fb in pairs:
            matched += 1
            fields = _differences(fa, fb)
            if fields:
                changed.append(FkChange(fa, fb, fields))
    return Drift(
        only_a=tuple(sorted(only_a, key=_order)),
        only_b=tuple(sorted(only_b, key=_order)),
        changed=tuple(sorted(changed, key=lambda c: _order(c.a))),
        matched=matched,
        label_a=label_a,
        label_b=label_b,
        match_database=bool(match_database or mapping),
        database_map=tuple(sorted(mapping.items())),
    )


def _describe(fk: ForeignKey, *, database: bool) -> str:
    table = str(fk.table) if database else fk.table.qualified
    ref = str(fk.ref_table) if database else fk.ref_table.qualified
    text = f"{table} ({', '.join(fk.columns)}) -> {ref} ({', '.join(fk.ref_columns)})"
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
        if fk.on_delete_columns:
            text += f" ({', '.join(fk.on_delete_columns)})"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.deferrable:
        text += " DEFERRABLE" + (" INITIALLY DEFERRED" if fk.initially_deferred else "")
    if not fk.validated:
        text += " NOT VALID"
    return f"{text}  [{fk.name}]"


def _shown(name: str, value: Any) -> str:
    if name == "columns":
        columns, ref_columns = value
        return f"({', '.join(columns)}) -> ({', '.join(ref_columns)})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return f"({', '.join(value)})" if value else "()"
    return str(value)


def render_drift_text(drift: Drift, diagnostics: Iterable[Diagnostic] = ()) -> str:
    """A readable report; ends with one summary line."""
    database = drift.match_database
    lines = [f"A: {drift.label_a}", f"B: {drift.label_b}"]
    how = "schema.table, columns and referenced table"
    how += " and database" if database else " (database names ignored)"
    if drift.database_map:
        how += "; databases paired: " + ", ".join(f"{k} = {v}" for k, v in drift.database_map)
    lines.append(f"Foreign keys matched by {how}.")
    for title, fks, mark in (("Only in A", drift.only_a, "-"), ("Only in B", drift.only_b, "+")):
        if fks:
            lines += ["", f"{title} ({len(fks)}):"]
            for fk in fks:
                where = f"  at {fk.added_at}" if fk.added_at is not None and fk.added_at.path else ""
                lines.append(f"  {mark} {_describe(fk, database=database)}{where}")
    if drift.changed:
        lines += ["", f"Different ({len(drift.changed)}):"]
        for change in drift.changed:
            lines.append(f"  ~ {_describe(change.a, database=database)}")
            for name in change.fields:
                va, vb = change.values(name)
                lines.append(f"      {name}: {_shown(name, va)} (A) vs {_shown(name, vb)} (B)")
    notes = [d for d in diagnostics if d.severity != "info"]
    if notes:
        lines += ["", f"Diagnostics ({len(notes)}):"]
        lines += [f"  {d.severity}: {d.message}" for d in notes]
    lines.append("")
    if drift.has_drift:
        lines.append(
            f"Drift: {len(drift.only_a)} only in A, {len(drift.only_b)} only in B, "
            f"{len(drift.changed)} different ({drift.matched} matched)."
        )
    else:
        keys = "1 foreign key matches" if drift.matched == 1 else f"{drift.matched} foreign keys match"
        lines.append(f"No drift: {keys}.")
    return "\n".join(clean_text(line) for line in lines) + "\n"  # a name cannot add a line


def _fk_json(fk: ForeignKey) -> dict[str, Any]:
    return to_dict(fk)


def drift_document(drift: Drift, diagnostics: Iterable[Diagnostic] = ()) -> dict[str, Any]:
    """The JSON report (``format_version`` 1) as a dict."""
    return {
        "format_version": 1,
        "a": drift.label_a,
        "b": drift.label_b,
        "match_database": drift.match_database,
        "database_map": dict(drift.database_map),
        "drift": drift.has_drift,
        "matched": drift.matched,
        "only_a": [_fk_json(fk) for fk in drift.only_a],
        "only_b": [_fk_json(fk) for fk in drift.only_b],
        "changed": [
            {
                "a": _fk_json(c.a),
                "b": _fk_json(c.b),
                "fields": list(c.fields),
                "differences": {name: [_jsonable(v) for v in c.values(name)] for name in c.fields},
            }
            for c in drift.changed
        ],
        "diagnostics": [to_dict(d) for d in diagnostics],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def render_drift_json(drift: Drift, diagnostics: Iterable[Diagnostic] = ()) -> str:
    """:func:`drift_document` as indented JSON text."""
    return json.dumps(drift_document(drift, diagnostics), indent=2, ensure_ascii=False) + "\n"
