"""Helpers of the code-schema tests: write a small tree, read it, and its foreign keys as plain tuples."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from ingest.orm.scan_py import read_code
from model.inventory import ForeignKey, Inventory

#: (table, columns, referenced table, referenced columns, on delete)
Fk = tuple[str, tuple[str, ...], str, tuple[str, ...], str]


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``; returns ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def read(root: Path, files: dict[str, str]) -> Inventory:
    """Write ``files`` under ``root`` and read the schemas its code declares."""
    return read_code(write(root, files))


def fks(inv: Inventory | list[ForeignKey] | tuple[ForeignKey, ...]) -> set[Fk]:
    """The present, declared keys: ``(table, columns, ref table, ref columns, on delete)``."""
    keys = inv.foreign_keys if isinstance(inv, Inventory) else inv
    return {
        (fk.table.name, fk.columns, fk.ref_table.name, fk.ref_columns, fk.on_delete)
        for fk in keys
        if fk.dropped_at is None and fk.origin == "declared"
    }


def codes(inv: Inventory) -> list[tuple[str, str, int]]:
    """``(code, path, line)`` of every diagnostic."""
    return [(d.code, d.path, d.line) for d in inv.diagnostics]
