"""Small builders shared by the replay tests: expected FKs and tables in one line each.

Every script is replayed as file ``m.sql`` of logical database ``db``.
"""

from __future__ import annotations

from typing import Unpack

from ingest.migrations.sets import ingest_text
from model.inventory import ForeignKey, Inventory, Location, TableRef
from tests.helpers import FkOptions

__all__ = ["FK", "at", "codes", "fks", "ref", "run", "why"]

PATH = "m.sql"
DB = "db"


def ref(name: str, schema: str = "public") -> TableRef:
    """``TableRef('db', schema, name)``; ``'s.t'`` splits into schema and name."""
    if "." in name:
        schema, name = name.split(".", 1)
    return TableRef(DB, schema, name)


def at(line: int, path: str = PATH) -> Location:
    """Location in the test file."""
    return Location(path, line)


def FK(
    name: str,
    table: str,
    columns: tuple[str, ...] | str,
    ref_table: str,
    ref_columns: tuple[str, ...] | str,
    *,
    line: int,
    dropped: int | None = None,
    schema: str = "public",
    **kw: Unpack[FkOptions],
) -> ForeignKey:
    """An expected FK; single column names may be given as strings."""
    cols = (columns,) if isinstance(columns, str) else columns
    rcols = (ref_columns,) if isinstance(ref_columns, str) else ref_columns
    return ForeignKey(
        name=name,
        table=ref(table, schema),
        columns=cols,
        ref_table=ref(ref_table, schema),
        ref_columns=rcols,
        added_at=at(line),
        dropped_at=at(dropped) if dropped is not None else None,
        **kw,
    )


def run(sql: str, dialect: str | None = None) -> Inventory:
    """Replay ``sql`` as ``m.sql`` of database ``db``."""
    return ingest_text(sql, path=PATH, database=DB, dialect=dialect)


def fks(sql: str, dialect: str | None = None) -> tuple[ForeignKey, ...]:
    """All FK records (present and dropped) of ``sql``."""
    return run(sql, dialect).foreign_keys


def codes(inv: Inventory) -> list[tuple[str, str, int]]:
    """``(severity, code, line)`` of each diagnostic."""
    return [(d.severity, d.code, d.line) for d in inv.diagnostics]


def why(inv: Inventory) -> str:
    """Diagnostics, for assertion messages."""
    return "\n".join(
        f"{d.severity} {d.code} {d.path}:{d.line} {d.message} | {d.excerpt}" for d in inv.diagnostics
    )
