"""Alembic revisions -> one logical database per folder of revision files.

A revision folder is a folder under a ``versions/`` folder (``alembic/versions``,
``migrations/versions``, ``versions/postgresql``) holding ``.py`` files that set ``revision``
and ``down_revision``; its label is the folder relative to the scanned root, like a migration
set's. Revisions are replayed from the base up: a revision after its ``down_revision`` (a
string, a tuple for a merge, ``None`` for a base) and its ``depends_on``, ties by path; a
``down_revision`` the folder lacks starts the history there (``info``, ``orm-order``).

Only ``upgrade()`` is read, with the functions of the same file it calls, ``with
op.batch_alter_table("t") as batch_op:`` blocks and ``if`` blocks (a test on the dialect's name,
``op.get_bind().dialect.name == "sqlite"``, is decided for the dialect read; any other test
reads both branches):

* ``op.create_table`` (``sa.Column``/``sa.ForeignKey``/``sa.ForeignKeyConstraint``/
  ``sa.PrimaryKeyConstraint``, ``schema=``), ``op.drop_table``, ``op.rename_table``;
* ``op.add_column``, ``op.drop_column``, ``op.alter_column(new_column_name=)``;
* ``op.create_foreign_key(name, source, referent, local_cols, remote_cols, ondelete=,
  onupdate=, deferrable=, initially=, source_schema=, referent_schema=)`` and
  ``op.drop_constraint(name, table, type_="foreignkey")`` (names through ``op.f`` too);
* ``op.execute("SQL")`` / ``op.execute(sa.text("SQL"))``, replayed by the SQL reader;
* the same on ``batch_op``, the table implied.

The dialect comes from ``sqlalchemy.url`` of the nearest ``alembic.ini`` above the folder,
else from the folder's path (``sqlite``, ``mysql``), else PostgreSQL.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ingest.orm.alembic_ops import DIALECT_NAMES, AlembicOps, ids
from ingest.orm.common_py import FileEntry, Replay, Tree, Unit, diag, topological
from ingest.orm.py_ast import PyModule
from ingest.orm.py_parse import parse_module
from model.inventory import Diagnostic

__all__ = ["AlembicSet", "dialect_of", "discover", "read_alembic", "read_set"]

_URL = re.compile(r"^\s*sqlalchemy\.url\s*=\s*(\w+)", re.M)


@dataclass
class AlembicSet:
    """One folder of revision files."""

    directory: str
    label: str
    files: list[str] = field(default_factory=list)


@dataclass
class Revision:
    path: str
    module: PyModule
    revision: str
    parents: list[str]


def discover(tree: Tree) -> list[AlembicSet]:
    """Folders under a ``versions/`` folder holding ``.py`` files (revisions are checked when read)."""
    found = []
    for directory, files in tree.files.items():
        parts = tree.shown(directory).split("/")
        py = [os.path.join(directory, f) for f in files if f.endswith(".py") and f != "__init__.py"]
        if py and ("versions" in parts or os.path.basename(tree.root) == "versions"):
            found.append(AlembicSet(directory, tree.rel(directory), py))
    return sorted(found, key=lambda s: s.label)


def dialect_of(tree: Tree, directory: str) -> str:
    """The dialect of the revisions (or models) in ``directory`` (see the module docstring)."""
    current = directory
    while current.startswith(tree.root):
        ini = os.path.join(current, "alembic.ini")
        if os.path.isfile(ini):
            try:
                with open(ini, encoding="utf-8", errors="replace") as f:
                    m = _URL.search(f.read(256 * 1024))
            except OSError:
                m = None
            if m is not None:
                return next(
                    (d for d, names in DIALECT_NAMES.items() if m.group(1).split("+")[0] in names), "postgres"
                )
            break
        if current == tree.root:
            break
        current = os.path.dirname(current)
    parts = tree.shown(directory).lower().split("/")
    return next((d for d in ("sqlite", "mysql") if d in parts), "postgres")


def _revision(tree: Tree, path: str, out: list[Diagnostic]) -> Revision | None:
    text = tree.read(path, out)
    if text is None or "down_revision" not in text:
        return None
    module = parse_module(text, tree.shown(path), out)
    if module is None:
        return None
    revision = module.value(module.constants.get("revision"))
    if not isinstance(revision, str):
        return None
    parents = ids(module.value(module.constants.get("down_revision")))
    parents += ids(module.value(module.constants.get("depends_on")))
    return Revision(tree.shown(path), module, revision, parents)


def _order(revisions: list[Revision], out: list[Diagnostic]) -> list[Revision]:
    by_id: dict[str, Revision] = {}
    for r in sorted(revisions, key=lambda r: r.path):
        if r.revision in by_id:
            out.append(
                diag(
                    "warning",
                    f"revision {r.revision} is defined again (first in {by_id[r.revision].path}); ignored",
                    r.path,
                    0,
                    "orm-order",
                )
            )
            continue
        by_id[r.revision] = r
    needs = {rid: {p for p in r.parents if p in by_id and p != rid} for rid, r in by_id.items()}
    for r in by_id.values():
        for missing in [p for p in r.parents if p not in by_id]:
            out.append(
                diag(
                    "info",
                    f"revision {missing} (before {r.revision}) is not in this folder; history starts here",
                    r.path,
                    0,
                    "orm-order",
                )
            )
    keys, cycle = topological(needs, lambda rid: by_id[rid].path)
    done = [by_id[rid] for rid in keys]
    left = [by_id[rid] for rid in cycle]
    if left:
        out.append(
            diag(
                "warning",
                f"{len(left)} revision(s) form a cycle; replayed by path",
                left[0].path,
                0,
                "orm-order",
            )
        )
    return done + left


def read_set(s: AlembicSet, tree: Tree) -> Unit | None:
    """One revision folder read into a unit; ``None`` when it holds no revision."""
    unit = Unit(s.label)
    revisions = [r for path in s.files if (r := _revision(tree, path, unit.diagnostics)) is not None]
    if not revisions:
        return None
    replay = Replay(s.label, dialect_of(tree, s.directory))
    for rev in _order(revisions, unit.diagnostics):
        unit.files.append(FileEntry(rev.path, rev.revision, os.path.basename(rev.path).removesuffix(".py")))
        replay.begin(rev.path)
        upgrade = rev.module.functions().get("upgrade")
        if upgrade is not None:
            AlembicOps(replay, rev.module).run(upgrade.body, {})
    return unit.take(replay)


def read_alembic(tree: Tree) -> list[tuple[AlembicSet, Unit]]:
    """Every revision folder of the tree, read."""
    return [(s, u) for s in discover(tree) if (u := read_set(s, tree)) is not None]
