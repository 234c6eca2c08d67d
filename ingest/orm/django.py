"""Django projects: apps' ``models.py`` and ``migrations/`` -> one logical database per project.

An *app* is a folder with ``models.py`` (or a ``models/`` package) mentioning Django, and/or
a ``migrations/`` folder of Django migrations (any ``.py`` file there with a ``Migration``
class); its label is ``label = "..."`` of its ``apps.py``, else the folder name. A
*project* is the nearest folder above the apps holding ``manage.py`` (else the scanned
root); its label (``TableRef.database``) is that folder relative to the scanned root. Its
settings files (``settings.py``, ``settings/*.py``) give ``AUTH_USER_MODEL``,
``DEFAULT_AUTO_FIELD`` and the database ``ENGINE``s, read as literals: PostgreSQL (schema
``public``) when one of them is PostgreSQL or none is given, else MySQL or SQLite (no schema).

Migrations carry the history, the models confirm
    The migrations of every app are replayed in dependency order
    (:mod:`ingest.orm.django_migrations`); an app without migrations gets its tables from
    its models (:mod:`ingest.orm.django_models`) first, as ``migrate --run-syncdb`` does. The models
    of migrated apps are read too and compared: a key the models declare that no migration
    creates, or the reverse, is a ``warning`` (``orm-drift``) at ``path:line``.

Tables of apps outside the scan (``auth_user``, ``django_content_type``) are external tables;
one ``info`` (code ``orm-external``) lists them instead of the replay's ``unknown-table``
warnings. Once a replayed migration declares a dependency on such an app
(``swappable_dependency(settings.AUTH_USER_MODEL)``, ``("contenttypes", "0002_...")``), Django
migrates that app first: its tables are ``provided_by`` it and keys into them do not fail on a
fresh database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ingest.orm.common_py import FileEntry, Replay, Tree, Unit, confirm, diag
from ingest.orm.django_migrations import DjangoMigration, apply, load, order
from ingest.orm.django_models import ClassDecl, read_classes, resolve_models
from ingest.orm.django_state import DjangoState, ModelState
from ingest.orm.py_ast import PyModule
from ingest.orm.py_parse import parse_module
from model.inventory import Diagnostic

__all__ = ["DjangoApp", "DjangoProject", "discover", "read_django"]

_MIGRATION_FILE = re.compile(r"^(?!__)\w+\.py$")
_LABEL = re.compile(r"^\s+label\s*=\s*[\"'](\w+)[\"']", re.M)
_USER = re.compile(r"^AUTH_USER_MODEL\s*=\s*[\"'](\w+\.\w+)[\"']", re.M)
_AUTO = re.compile(r"^DEFAULT_AUTO_FIELD\s*=\s*[\"']([\w.]+)[\"']", re.M)
_ENGINE = re.compile(r"[\"']ENGINE[\"']\s*:\s*[\"']([\w.]+)[\"']")


@dataclass
class DjangoApp:
    """One app: label, folder, models files and migration files."""

    label: str
    directory: str
    models: list[str] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)


@dataclass
class DjangoProject:
    """The apps of one project folder."""

    directory: str
    label: str
    apps: list[DjangoApp] = field(default_factory=list)


def _py(tree: Tree, directory: str | None, recursive: bool = False) -> list[str]:
    if directory is None:
        return []
    out = [os.path.join(directory, f) for f in tree.files.get(directory, ()) if f.endswith(".py")]
    if recursive:
        for sub in tree.subdirs.get(directory, ()):
            out.extend(_py(tree, sub, True))
    return out


def _app(tree: Tree, directory: str) -> DjangoApp | None:
    models = [os.path.join(directory, "models.py")] if tree.has(directory, "models.py") else []
    package = tree.subdir(directory, "models")
    if package is not None and tree.has(package, "__init__.py"):
        models += _py(tree, package, recursive=True)
    folder = tree.subdir(directory, "migrations")
    migrations = [p for p in _py(tree, folder) if _MIGRATION_FILE.match(os.path.basename(p))]
    if not models and not migrations:
        return None
    label = os.path.basename(directory)
    if tree.has(directory, "apps.py"):
        found = _LABEL.search(_head(os.path.join(directory, "apps.py")))
        label = found.group(1) if found else label
    return DjangoApp(label, directory, models, migrations)


def _head(path: str, size: int = 256 * 1024) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(size)
    except OSError:
        return ""


def _project_dir(tree: Tree, directory: str) -> str:
    current = directory
    while True:
        if tree.has(current, "manage.py"):
            return current
        parent = os.path.dirname(current)
        if current == tree.root or parent == current or not parent.startswith(tree.root):
            return tree.root
        current = parent


def discover(tree: Tree) -> list[DjangoProject]:
    """The Django projects of a tree (apps not yet confirmed to be Django's: see :func:`read_project`)."""
    projects: dict[str, DjangoProject] = {}
    for directory in tree.files:
        app = _app(tree, directory)
        if app is None:
            continue
        top = _project_dir(tree, directory)
        project = projects.setdefault(top, DjangoProject(top, tree.rel(top)))
        project.apps.append(app)
    return [projects[k] for k in sorted(projects, key=lambda d: tree.rel(d))]


def _settings(project: DjangoProject, tree: Tree) -> tuple[str, str, str]:
    """``(AUTH_USER_MODEL, auto field type, dialect)`` from the project's settings files."""
    user, auto, dialect = "auth.User", "integer", "postgres"
    engines: set[str] = set()
    for directory, files in tree.files.items():
        if not (directory + os.sep).startswith(project.directory + os.sep):
            continue
        in_settings = os.path.basename(directory) == "settings"
        for name in files:
            if name.endswith(".py") and ("settings" in name or in_settings):
                text = _head(os.path.join(directory, name))
                if m := _USER.search(text):
                    user = m.group(1)
                if m := _AUTO.search(text):
                    auto = "bigint" if m.group(1).endswith("BigAutoField") else "integer"
                engines.update(m.group(1) for m in _ENGINE.finditer(text))
    if engines and not any("postg" in e for e in engines):
        dialect = (
            "mysql"
            if any("mysql" in e for e in engines)
            else "sqlite"
            if any("sqlite" in e for e in engines)
            else dialect
        )
    return user, auto, dialect


def _module(tree: Tree, path: str, must: str, out: list[Diagnostic]) -> PyModule | None:
    text = tree.read(path, out)
    if text is None or must not in text:
        return None
    return parse_module(text, tree.shown(path), out)


@dataclass
class _Read:
    """What a project's files hold."""

    decls: list[ClassDecl] = field(default_factory=list)
    migrations: list[DjangoMigration] = field(default_factory=list)
    migrated: set[str] = field(default_factory=set)
    model_files: dict[str, list[str]] = field(default_factory=dict)


def _read_files(project: DjangoProject, tree: Tree, user_app: str, out: list[Diagnostic]) -> _Read:
    got = _Read()
    for app in project.apps:
        for path in app.models:
            module = _module(tree, path, "django", out)
            if module is not None:
                got.decls.extend(read_classes(module, app.label, tree.shown(path), out))
                got.model_files.setdefault(app.label, []).append(tree.shown(path))
        for path in app.migrations:
            module = _module(tree, path, "Migration", out)
            name = os.path.basename(path).removesuffix(".py")
            mig = (
                load(module, app.label, name, tree.shown(path), user_app, out) if module is not None else None
            )
            if mig is not None:
                got.migrations.append(mig)
                got.migrated.add(app.label)
    return got


def _models_only(state: DjangoState, models: list[ModelState], where: dict[str, str]) -> None:
    """Tables first, then keys: models are declarations, not an ordered history."""
    for m in models:
        state.r.begin(where[m.key])
        state.create_model(m, 0, "", with_fks=False)
    for m in models:
        state.r.begin(where[m.key])
        state.add_keys(m, 0, "")


def _external_note(unit: Unit, state: DjangoState) -> None:
    ours = {m.table for m in state.models.values()}
    external = sorted(t.ref.name for t in unit.tables if t.external and t.ref.name not in ours)
    if not external:
        return
    prefixes = tuple(
        f"table {state.r.schema}.{name} is referenced" if state.r.schema else f"table {name} is referenced"
        for name in external
    )
    unit.diagnostics = [
        d for d in unit.diagnostics if not (d.code == "unknown-table" and d.message.startswith(prefixes))
    ]
    shown = ", ".join(external[:8]) + (", ..." if len(external) > 8 else "")
    message = f"{len(external)} table(s) of apps outside the scan are referenced: {shown}"
    unit.diagnostics.append(
        diag("info", message, unit.files[0].path if unit.files else unit.database, 0, "orm-external")
    )


def read_project(project: DjangoProject, tree: Tree) -> Unit | None:
    """One project read into a unit; ``None`` when none of its apps turns out to be Django's."""
    unit = Unit(project.label)
    user, auto, dialect = _settings(project, tree)
    got = _read_files(project, tree, user.split(".")[0], unit.diagnostics)
    if not got.decls and not got.migrations:
        return None
    replay = Replay(project.label, dialect)
    state = DjangoState(replay, user_model=user, auto_type=auto)
    aliases = {os.path.basename(a.directory): a.label for a in project.apps}
    state.aliases = aliases
    models = resolve_models(got.decls, state.default_table, auto, unit.diagnostics)
    paths = {d.key: d.path for d in got.decls}
    where = {m.key: paths.get(m.key) or next(d.path for d in got.decls if d.name == m.name) for m in models}
    unmigrated = [m for m in models if m.app not in got.migrated]
    _models_only(state, unmigrated, where)  # migrate --run-syncdb creates them before any migration
    for app in sorted({m.app for m in unmigrated}):
        unit.files.extend(FileEntry(p, "", "models") for p in got.model_files.get(app, []))
    ours = got.migrated | {m.app for m in models} | {a.label for a in project.apps}
    for mig in order(got.migrations, unit.diagnostics):
        replay.begin(mig.path)
        state.dependencies_outside.update(app for app, _ in mig.dependencies if app not in ours)
        unit.files.append(FileEntry(mig.path, mig.name.split("_")[0], mig.name))
        apply(state, mig)
    field_paths = {
        (m.key, f.name): where.get(m.key, "") for m in state.models.values() for f in m.fields.values()
    }
    unit.take(replay)
    unit.fks = (*unit.fks, *state.inferred(project.label, field_paths))
    _external_note(unit, state)
    migrated = [m for m in models if m.app in got.migrated]
    if migrated:
        side = DjangoState(Replay(project.label, dialect), user_model=user, auto_type=auto)
        side.aliases = aliases
        _models_only(side, models, where)
        _, declared, _ = side.r.result()
        tables = {m.table for m in migrated if m.managed and not m.proxy_of}
        unit.diagnostics.extend(
            confirm(
                [fk for fk in declared if fk.table.name in tables],
                unit.fks,
                declared_by="the models",
                history_by="the migrations",
                declared_tables=tables,
            )
        )
    return unit


def read_django(tree: Tree) -> list[Unit]:
    """Every Django project of the tree, read."""
    units = [read_project(p, tree) for p in discover(tree)]
    return [u for u in units if u is not None]
