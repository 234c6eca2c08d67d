"""Schemas declared in code, added to a folder scan: JavaScript/TypeScript ORMs and Liquibase.

:func:`add_code_schemas` is what the folder reader (:func:`ingest.migrations.sets.read`) calls
after the SQL migrations and Prisma schemas: it adds the databases of the Sequelize, TypeORM and
Knex projects (:mod:`ingest.orm.js_projects`) and of the Liquibase changelogs
(:mod:`ingest.orm.liquibase`) found under the folder, each labelled with its own folder. The
``.sql`` files a changelog reads (``sqlFile``, ``include``) are its: a migration set made only of
such files is dropped from the SQL part, so their tables are not counted twice; likewise a model
whose table the scanned SQL migrations create maps onto that table and adds none.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.orm.js_projects import ingest_js
from ingest.orm.liquibase import ingest_liquibase
from model.inventory import Inventory

__all__ = ["add_code_schemas", "combine"]


def _without_sets(inv: Inventory, files: set[str]) -> Inventory:
    """``inv`` without the migration sets all of whose files are in ``files``."""
    by_set: dict[str, list[str]] = {}
    for m in inv.migrations:
        by_set.setdefault(m.database, []).append(m.path)
    gone = {label for label, paths in by_set.items() if all(p in files for p in paths)}
    if not gone:
        return inv
    return replace(
        inv,
        tables=tuple(t for t in inv.tables if t.ref.database not in gone),
        foreign_keys=tuple(k for k in inv.foreign_keys if k.table.database not in gone),
        diagnostics=tuple(d for d in inv.diagnostics if d.path not in files),
        migrations=tuple(m for m in inv.migrations if m.database not in gone),
    )


def combine(inv: Inventory, extra: Inventory) -> Inventory:
    """``inv`` with the databases of ``extra`` (their migrations ordered after ``inv``'s)."""
    if not extra.migrations and not extra.diagnostics:
        return inv
    base = len(inv.migrations)
    migrations = tuple(replace(m, order=base + i) for i, m in enumerate(extra.migrations))
    found = bool(extra.migrations)
    diagnostics = tuple(d for d in inv.diagnostics if not (found and d.code == "no-migrations"))
    return replace(
        inv,
        tables=tuple(sorted((*inv.tables, *extra.tables), key=lambda t: t.ref)),
        foreign_keys=tuple(sorted((*inv.foreign_keys, *extra.foreign_keys), key=lambda k: (k.table, k.name))),
        diagnostics=(*diagnostics, *extra.diagnostics),
        migrations=(*inv.migrations, *migrations),
    )


def add_code_schemas(
    inv: Inventory, root: str | Path, follow_symlinks: bool = False, dialect: str | None = None
) -> Inventory:
    """``inv`` (read from folder ``root``) plus the schemas its code and changelogs declare;
    ``dialect`` (configured, normalized) chooses among per-engine migration folders."""
    changelogs, sql_files = ingest_liquibase(root, follow_symlinks)
    inv = combine(_without_sets(inv, sql_files), changelogs)
    return combine(inv, ingest_js(root, follow_symlinks, inv, dialect))
