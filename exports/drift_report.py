"""The ``drift-text`` and ``drift-json`` formats: what ``fkmap diff`` prints about a drift.

The drift is a :class:`checks.drift.Drift` (the comparison lives there).
:func:`render_drift_text` is a readable report ending in one summary line;
:func:`drift_document` is the JSON report (``format_version`` 1). Both take
the diagnostics met while reading the two sides.

Examples
--------
>>> from checks.drift import diff_inventories
>>> from model.inventory import ForeignKey, Inventory, TableRef
>>> posts, users = TableRef("d", "public", "posts"), TableRef("d", "public", "users")
>>> fk = ForeignKey("p_fkey", posts, ("user_id",), users, ("id",))
>>> print(render_drift_text(diff_inventories(Inventory(foreign_keys=(fk,)), Inventory())), end="")
A: A
B: B
Foreign keys matched by schema.table, columns and referenced table (database names ignored).
<BLANKLINE>
Only in A (1):
  - public.posts (user_id) -> public.users (id)  [p_fkey]
<BLANKLINE>
Drift: 1 only in A, 0 only in B, 0 different (0 matched).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from checks.drift import Drift, FkChange
from model.escape import clean_text
from model.inventory import Diagnostic, ForeignKey, to_dict

__all__ = ["drift_document", "render_drift_json", "render_drift_text", "write_drift_json", "write_drift_text"]


def _describe(fk: ForeignKey, *, database: bool) -> str:
    table = str(fk.table) if database else fk.table.qualified
    ref = str(fk.ref_table) if database else fk.ref_table.qualified
    text = f"{table} ({', '.join(fk.columns)}) -> {ref} ({', '.join(fk.ref_columns)})"
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
        if fk.on_delete_columns:
            text += f" ({', '.join(fk.on_delete_columns)})"
        if fk.on_delete_enforced_by == "application":
            text += " (by the application)"
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
    if drift.application_enforced:
        lines += ["", _BY_APPLICATION.format(len(drift.application_enforced))]
        for change in drift.application_enforced:
            lines.append(f"  = {_describe(change.a, database=database)}")
            for name in change.fields:
                (va, vb), db = (getattr(change.a, name), getattr(change.b, name)), change.values(name)[0]
                lines.append(
                    f"      {name}: {_shown(name, va)} (A) vs {_shown(name, vb)} (B); "
                    f"in the database {_shown(name, db)} on both sides"
                )
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


_BY_APPLICATION = (
    "ON DELETE carried out by the application, not the database ({}; not drift: the ORM "
    "deletes or updates the dependent rows itself and the constraint has NO ACTION):"
)


def _change_json(c: FkChange) -> dict[str, Any]:
    return {
        "a": _fk_json(c.a),
        "b": _fk_json(c.b),
        "fields": list(c.fields),
        "differences": {name: [_jsonable(v) for v in c.values(name)] for name in c.fields},
    }


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
        "changed": [_change_json(c) for c in drift.changed],
        "application_enforced": [
            {
                "a": _fk_json(c.a),
                "b": _fk_json(c.b),
                "fields": list(c.fields),
                "declared": {
                    name: [_jsonable(getattr(c.a, name)), _jsonable(getattr(c.b, name))] for name in c.fields
                },
                "database": {name: _jsonable(c.values(name)[0]) for name in c.fields},
            }
            for c in drift.application_enforced
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


def write_drift_text(drift: Drift, stream: TextIO, *, diagnostics: Iterable[Diagnostic] = ()) -> None:
    """Write :func:`render_drift_text`."""
    stream.write(render_drift_text(drift, diagnostics))


def write_drift_json(drift: Drift, stream: TextIO, *, diagnostics: Iterable[Diagnostic] = ()) -> None:
    """Write :func:`render_drift_json`."""
    stream.write(render_drift_json(drift, diagnostics))
