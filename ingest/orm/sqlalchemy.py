"""SQLAlchemy models of a project -> one logical database, or the confirmation of its Alembic history.

Model files are the ``.py`` files that mention SQLAlchemy (``sqlalchemy``, ``sqlmodel``,
``flask_sqlalchemy``) and declare tables (``__tablename__``, ``Table(``, ``table=True``),
outside ``versions/`` and ``migrations/`` folders; :mod:`ingest.orm.sa_models` reads them. A
*project* is the nearest folder above a file holding ``pyproject.toml``, ``setup.py``,
``setup.cfg`` or ``manage.py`` (else the scanned root); every model file of a project shares
one metadata, so ``ForeignKey("users.id")`` and ``ForeignKey(User.id)`` resolve across files.

Alembic revisions carry the history, the models confirm
    When Alembic revision folders (:mod:`ingest.orm.alembic`) lie in the same project, the
    revisions give the tables and keys and the models only confirm them: a key the models
    declare that no revision leaves in place, or the reverse on a table the models define, is
    a ``warning`` (``orm-drift``) at ``path:line``. Without revisions the models are the
    schema: the project's label (``TableRef.database``) is its folder relative to the scanned
    root, tables are created first and keys added after (declarations have no order).

Unnamed keys take the ``"fk"`` template of a literal ``MetaData(naming_convention={...})``
found in the project's model files (``%(table_name)s``, ``%(column_0_name)s``,
``%(column_0_N_name)s``, ``%(referred_table_name)s``, ``%(referred_column_0_name)s``...), else
the database's default name. The dialect is PostgreSQL (schema ``public``) unless an
``alembic.ini`` of the project says otherwise.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

from ingest.migrations import ops as o
from ingest.orm.alembic import AlembicSet, dialect_of
from ingest.orm.common_py import DYNAMIC, FileEntry, Replay, Tree, Unit, confirm, diag
from ingest.orm.py_ast import PyModule, dotted, kwarg, last
from ingest.orm.py_parse import parse_module
from ingest.orm.sa_models import Models, SaClass, read_module
from ingest.orm.sa_schema import create_op
from model.inventory import Diagnostic

__all__ = ["read_sqlalchemy"]

_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "manage.py")
_LIBRARIES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
_DECLARES = ("__tablename__", "Table(", "table=True")
_HISTORY_DIRS = frozenset({"versions", "migrations", "alembic"})


@dataclass
class _Project:
    directory: str
    label: str
    files: list[str] = field(default_factory=list)


def _project_dir(tree: Tree, directory: str) -> str:
    current = directory
    while True:
        if any(tree.has(current, m) for m in _MARKERS):
            return current
        parent = os.path.dirname(current)
        if current == tree.root or parent == current or not parent.startswith(tree.root):
            return tree.root
        current = parent


def _candidates(tree: Tree) -> list[_Project]:
    projects: dict[str, _Project] = {}
    for directory, files in tree.files.items():
        if _HISTORY_DIRS & set(tree.shown(directory).split("/")):
            continue
        for name in files:
            if name.endswith(".py"):
                top = _project_dir(tree, directory)
                projects.setdefault(top, _Project(top, tree.rel(top))).files.append(
                    os.path.join(directory, name)
                )
    return [projects[k] for k in sorted(projects)]


def _modules(tree: Tree, project: _Project, out: list[Diagnostic]) -> list[PyModule]:
    modules = []
    for path in project.files:
        try:
            with open(path, "rb") as f:
                head = f.read(4 * 1024 * 1024)
        except OSError:
            continue
        if not any(lib.encode() in head for lib in _LIBRARIES) or not any(
            d.encode() in head for d in _DECLARES
        ):
            continue
        text = tree.read(path, out)
        if text is None:
            continue
        module = parse_module(text, tree.shown(path), out)
        if module is not None:
            modules.append(module)
    return modules


def _convention(modules: list[PyModule]) -> str:
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and last(dotted(node.func)) == "MetaData":
                conv = module.value(kwarg(node, "naming_convention"))
                if isinstance(conv, dict) and isinstance(conv.get("fk"), str):
                    return str(conv["fk"])
    return ""


def _named(spec: o.FKSpec, table: str, template: str) -> o.FKSpec:
    if spec.name or not template:
        return spec
    tokens = {
        "table_name": table,
        "column_0_name": spec.columns[0],
        "column_0_N_name": "_".join(spec.columns),
        "column_0N_name": "".join(spec.columns),
        "column_0_label": f"{table}_{spec.columns[0]}",
        "referred_table_name": spec.ref_table.name,
        "referred_column_0_name": spec.ref_columns[0] if spec.ref_columns else "",
        "referred_column_0_N_name": "_".join(spec.ref_columns),
    }
    try:
        return o.FKSpec(**{**spec.__dict__, "name": template % tokens})
    except (KeyError, ValueError, TypeError):
        return spec


def _line(module: PyModule, line: int) -> str:
    return module.lines[line - 1].strip() if 0 < line <= len(module.lines) else ""


def _replay(models: Models, replay: Replay, template: str, unit: Unit) -> None:
    tables = models.tables()
    for _, module, table in tables:
        replay.begin(module.path)
        replay.apply(create_op(table, _line(module, table.line), with_fks=False))
    for _, module, table in tables:
        replay.begin(module.path)
        for line, problem in table.problems:
            replay.warn(f"table {table.name}: {problem}", line)
        for spec in table.fks:
            qn = o.QName(table.schema, table.name)
            fk = _named(spec, table.name, template)
            replay.apply(o.AddForeignKey(qn, fk, line=spec.line, text=_line(module, spec.line)))
    for path, line, message, excerpt in models.problems:
        unit.diagnostics.append(diag("warning", message, path, line, DYNAMIC, excerpt))


def _read_project(
    tree: Tree, project: _Project, history: list[Unit], dialect: str
) -> tuple[Unit | None, list[Diagnostic]]:
    """The models of a project: a unit of their own, or drift diagnostics against ``history``."""
    out: list[Diagnostic] = []
    modules = _modules(tree, project, out)
    classes: dict[str, SaClass] = {}
    calls: list[tuple[PyModule, str, ast.Call]] = []
    for module in modules:
        found, tables = read_module(module)
        classes.update({c.name: c for c in found})
        calls.extend((module, var, call) for var, call in tables.items())
    if not classes and not calls:
        return None, out
    models = Models(classes, calls)
    unit = Unit(project.label, diagnostics=out)
    replay = Replay(project.label, dialect)
    _replay(models, replay, _convention(modules), unit)
    if not history:
        unit.files = [FileEntry(m.path, "", "models") for m in modules]
        return unit.take(replay), []
    model_tables, fks, _ = replay.result()
    created = {t.ref.name for u in history for t in u.tables if not t.external}
    declared = {t.ref.name for t in model_tables if not t.external}
    history_fks = [fk for u in history for fk in u.fks]
    out.extend(
        confirm(
            fks,
            history_fks,
            declared_by="the models",
            history_by="the Alembic revisions",
            history_tables=created,
            declared_tables=declared,
        )
    )
    return None, out


def read_sqlalchemy(
    tree: Tree, alembic: list[tuple[AlembicSet, Unit]]
) -> tuple[list[Unit], list[Diagnostic]]:
    """Model units of projects without Alembic revisions, and drift diagnostics of the others."""
    units: list[Unit] = []
    notes: list[Diagnostic] = []
    for project in _candidates(tree):
        inside = [u for s, u in alembic if (s.directory + os.sep).startswith(project.directory + os.sep)]
        first = next((s.directory for s, u in alembic if u in inside), project.directory)
        dialect = dialect_of(tree, first)
        unit, diags = _read_project(tree, project, inside, dialect)
        notes.extend(diags)
        if unit is not None:
            units.append(unit)
    return units, notes
