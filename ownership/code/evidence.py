"""The results of a code scan: which unit reads or writes which table, and a per-table summary.

:class:`TableUse` is one piece of evidence (a SQL literal naming a table, an ORM model mapped to a
table, an ORM call on such a model); :class:`CodeScan` holds all of them with the scan's
diagnostics; :func:`table_access` folds them into counts per table and unit, which is what the
ownership inference weighs.

Examples
--------
>>> scan = CodeScan(uses=(
...     TableUse("auth", "users", "write", "sql", "auth/src/db.rs", 12),
...     TableUse("auth", "users", "write", "diesel", "auth/src/schema.rs", 3),
...     TableUse("content", "users", "read", "sql", "content/src/feed.ts", 40),
... ))
>>> summary = table_access(scan)
>>> summary["users"]["auth"]
AccessSummary(writes=2, reads=0, first_write=('auth/src/db.rs', 12), first_read=None)
>>> summary["users"]["content"].reads
1
>>> scan.units_for("users", "write")
('auth',)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Literal

from model.inventory import Diagnostic

__all__ = ["Access", "AccessSummary", "CodeScan", "TableUse", "sorted_uses", "table_access"]

Access = Literal["read", "write"]


@dataclass(frozen=True, slots=True, order=True)
class TableUse:
    """One place where a unit's code reads or writes a table.

    ``unit`` is the unit's path (``""`` for the repository root); ``table`` the lower-case table
    name, ``schema.name`` when the code qualifies it; ``how`` the kind of evidence (``sql``,
    ``sqlx``, ``prisma``, ``sequelize``, ``typeorm``, ``django``, ``sqlalchemy``, ``rails``, ``jpa``,
    ``diesel``, ``gorm``, ``mongoose``, ``mongodb``); ``path`` the file relative to the scanned root in POSIX
    form and ``line`` the 1-based line where the literal, declaration or call starts.
    """

    unit: str
    table: str
    access: Access
    how: str
    path: str
    line: int


_USE_ORDER = attrgetter("unit", "table", "access", "how", "path", "line")


def sorted_uses(uses: Iterable[TableUse]) -> tuple[TableUse, ...]:
    """``uses`` in :class:`TableUse` order (unit, table, access, how, path, line), sorted quickly."""
    return tuple(sorted(uses, key=_USE_ORDER))


@dataclass(frozen=True, slots=True)
class CodeScan:
    """All table uses found in a tree, with the diagnostics and how much code was read."""

    uses: tuple[TableUse, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    files: int = 0
    lines: int = 0
    paths: tuple[str, ...] = ()  # every source file considered, relative to the root

    def units_for(self, table: str, access: Access | None = None) -> tuple[str, ...]:
        """The sorted unit paths that use ``table`` (with ``access``, when given)."""
        return tuple(
            sorted({u.unit for u in self.uses if u.table == table and (access is None or u.access == access)})
        )


@dataclass(frozen=True, slots=True)
class AccessSummary:
    """How often one unit writes and reads one table, and where it does so first.

    ``first_write``/``first_read`` are the smallest ``(path, line)`` of the uses, ``None`` when there
    are none.
    """

    writes: int = 0
    reads: int = 0
    first_write: tuple[str, int] | None = None
    first_read: tuple[str, int] | None = None


def _add(summary: AccessSummary, use: TableUse) -> AccessSummary:
    where = (use.path, use.line)
    if use.access == "write":
        first = where if summary.first_write is None else min(summary.first_write, where)
        return replace(summary, writes=summary.writes + 1, first_write=first)
    first = where if summary.first_read is None else min(summary.first_read, where)
    return replace(summary, reads=summary.reads + 1, first_read=first)


def table_access(scan: CodeScan) -> dict[str, dict[str, AccessSummary]]:
    """``{table: {unit path: AccessSummary}}``, tables and units in sorted order."""
    found: dict[str, dict[str, AccessSummary]] = {}
    for use in sorted_uses(scan.uses):
        per_unit = found.setdefault(use.table, {})
        per_unit[use.unit] = _add(per_unit.get(use.unit, AccessSummary()), use)
    return {table: dict(sorted(units.items())) for table, units in sorted(found.items())}
