"""Helpers of the code-schema tests: write a small project, read it, and the FK set as plain tuples.

>>> fk_row(ForeignKey("fk", TableRef("d", "public", "a"), ("x",), TableRef("d", "public", "b"), ("id",)))
('fk', 'public.a', ('x',), 'public.b', ('id',), 'NO ACTION', 'NO ACTION', '', 'present')
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from model.inventory import ForeignKey, Inventory, TableRef

__all__ = ["FkRow", "fk_row", "fks", "present", "write"]

FkRow = tuple[str, str, tuple[str, ...], str, tuple[str, ...], str, str, str, str]


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text, dedented) under ``root``; returns ``root``."""
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return root


def fk_row(fk: ForeignKey) -> FkRow:
    """name, table, columns, referenced table, referenced columns, actions, where added, state."""
    return (
        fk.name,
        fk.table.qualified,
        fk.columns,
        fk.ref_table.qualified,
        fk.ref_columns,
        fk.on_delete,
        fk.on_update,
        str(fk.added_at) if fk.added_at is not None else "",
        fk.state,
    )


def fks(inv: Inventory) -> set[FkRow]:
    """Every FK of ``inv`` (present and dropped) as rows."""
    return {fk_row(fk) for fk in inv.foreign_keys}


def present(inv: Inventory) -> set[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """The present FKs as (table, columns, referenced table, referenced columns)."""
    return {
        (fk.table.qualified, fk.columns, fk.ref_table.qualified, fk.ref_columns)
        for fk in inv.foreign_keys
        if fk.state == "present"
    }


def table_refs(inv: Inventory) -> set[TableRef]:
    """The refs of the tables defined (not external) in ``inv``."""
    return {t.ref for t in inv.tables if not t.external}
