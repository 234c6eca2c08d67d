"""The Rails, Django, SQLAlchemy and Alembic schemas of a folder, added to what its SQL migrations gave.

:func:`add_orm_py` is called by the folder reader (:func:`ingest.migrations.sets.read`) after
the SQL migration sets and the Prisma schemas: it walks the folder once
(:class:`~ingest.orm.common_py.Tree`), reads every Rails database (:mod:`ingest.orm.rails`),
Django project (:mod:`ingest.orm.django`), Alembic revision folder (:mod:`ingest.orm.alembic`)
and SQLAlchemy project (:mod:`ingest.orm.sqlalchemy`) in it, and adds their tables, keys,
migrations and diagnostics (:func:`~ingest.orm.common_py.combine`). :func:`read_code` does the
same for a folder or one file on its own. Nothing raises: a failure is one ``internal`` error.
"""

from __future__ import annotations

from pathlib import Path

from ingest.orm.common_py import Tree, Unit, combine, diag
from model.inventory import Diagnostic, Inventory, Source

__all__ = ["add_orm_py", "read_code", "units_of"]


def units_of(tree: Tree) -> tuple[list[Unit], list[Diagnostic]]:
    """Every code-declared database of a tree, and the diagnostics of no database.

    The readers are imported here: a missing parser (tree-sitter) fails this step with one
    ``unsupported`` error, never the SQL migrations read before it.
    """
    try:
        from ingest.orm.alembic import read_alembic
        from ingest.orm.django import read_django
        from ingest.orm.rails import read_rails
        from ingest.orm.sqlalchemy import read_sqlalchemy
    except ImportError as exc:
        message = f"schemas declared in code cannot be read: {exc}"
        return [], [diag("error", message, tree.root_label, 0, "unsupported")]
    alembic = read_alembic(tree)
    models, notes = read_sqlalchemy(tree, alembic)
    for unit in models:
        unit.models_only = True
    units = [*read_rails(tree), *read_django(tree), *(u for _, u in alembic), *models]
    return sorted(units, key=lambda u: u.database), notes


def _added(inv: Inventory, tree: Tree, where: str) -> Inventory:
    try:
        units, notes = units_of(tree)
        return combine(inv, units, notes)
    except Exception as exc:  # a bug must not stop the scan
        message = f"internal error reading schemas declared in code: {type(exc).__name__}: {exc}"
        return combine(inv, [], [diag("error", message, where, 0, "internal")])


def add_orm_py(inv: Inventory, root: str | Path) -> Inventory:
    """``inv`` (what directory ``root`` gave so far) plus the schemas its code declares."""
    try:
        tree = Tree.scan(root)
    except Exception as exc:
        message = f"internal error reading schemas declared in code: {type(exc).__name__}: {exc}"
        return combine(inv, [], [diag("error", message, str(root), 0, "internal")])
    return _added(inv, tree, str(root))


def read_code(path: str | Path) -> Inventory:
    """The schemas declared in one file (``schema.rb``, a migration, ``models.py``), or in a folder
    (``alembic.ini`` and ``manage.py`` stand for their folder), on their own."""
    p = Path(path)
    inv = Inventory(sources=(Source("migrations", str(path)),))
    if not p.exists():
        return combine(inv, [], [diag("error", "no such file or directory", str(path), 0, "io-error")])
    if p.is_dir() or p.name in ("alembic.ini", "manage.py"):
        return add_orm_py(inv, p if p.is_dir() else p.parent)
    return _added(inv, Tree.single(p), str(path))
