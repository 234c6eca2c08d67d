"""Rails applications: ``db/schema.rb`` and ``db/migrate/*.rb`` -> one logical database per ``db`` folder.

A Rails database is a folder holding ``schema.rb`` and/or a ``migrate/`` folder of migrations
(``post_migrate/`` too, replayed with them); a multi-database application's
``<name>_schema.rb`` with ``<name>_migrate/`` is the database ``db/<name>``. The label is the
folder relative to the scanned root (``db``, ``services/billing/db``), like a migration set's.
Ruby is parsed with tree-sitter (:mod:`ingest.orm.ruby_calls`) and the statements are applied
by :mod:`ingest.orm.rails_ops`; nothing is run.

``schema.rb`` wins
    ``schema.rb`` is the database dumped after every migration ran, so its tables and keys are
    the schema. The migrations, when there are any, are replayed on the side: their files
    come first in the history (:class:`~model.inventory.Migration` entries, then
    ``schema.rb``), and a key only one side has is a ``warning`` (``orm-drift``) at its
    ``path:line`` -- except keys of tables no kept migration creates (old migrations are
    routinely deleted). Migrations newer than the schema's ``version:`` are reported
    (``info``, ``orm-pending``). Without ``schema.rb`` the migrations are replayed in version
    order (the timestamp of the file name), the ``up``/``change`` methods only.

The dialect is read from ``config/database.yml`` (or its ``.sample``/``.example``) next to
``db/`` (``adapter: mysql2`` or ``trilogy`` -> MySQL, no schema; ``sqlite3`` -> SQLite), else
PostgreSQL (schema ``public``).
Words added in ``config/initializers/inflections.rb`` (``inflect.irregular``,
``inflect.uncountable``) are used for the names Rails derives.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ingest.migrations.layout import order_key, parse_name
from ingest.orm.common_py import DYNAMIC, FileEntry, Replay, Tree, Unit, confirm, diag
from ingest.orm.rails_inflect import Inflector
from ingest.orm.rails_ops import RailsOps
from ingest.orm.ruby_calls import RCall, RubyFile
from model.inventory import Diagnostic

__all__ = ["RailsDb", "discover", "read_rails"]

_SCHEMA = re.compile(r"^(?:(\w+)_)?schema\.rb$")
_MIGRATE = re.compile(r"^(?:(\w+)_)?migrate$")
_ADAPTER = re.compile(r"^\s*adapter:\s*[\"']?(\w+)", re.M)
_DIALECTS = {"mysql2": "mysql", "mysql": "mysql", "trilogy": "mysql", "sqlite3": "sqlite", "sqlite": "sqlite"}
_MIGRATION_METHODS = frozenset({"change", "up"})
_KEPT_CODES = frozenset({DYNAMIC, "parse-error", "io-error", "encoding"})


@dataclass
class RailsDb:
    """One Rails database: its ``db`` folder, label, ``schema.rb`` and migration folders."""

    directory: str
    label: str
    schema: str | None = None
    migrate: list[str] = field(default_factory=list)


def _has_ruby(tree: Tree, directory: str) -> bool:
    return any(f.endswith(".rb") for f in tree.files.get(directory, ()))


def discover(tree: Tree) -> list[RailsDb]:
    """Every Rails database of the tree, sorted by label."""
    found: dict[str, RailsDb] = {}
    for directory, files in tree.files.items():
        parts: dict[str, RailsDb] = {}
        for name in files:
            if (m := _SCHEMA.match(name)) is not None:
                _db(tree, directory, m.group(1), parts).schema = os.path.join(directory, name)
        for sub in tree.subdirs.get(directory, ()):
            base = os.path.basename(sub)
            if (m := _MIGRATE.match(base)) is not None and _has_ruby(tree, sub):
                prefix = None if m.group(1) == "post" else m.group(1)
                _db(tree, directory, prefix, parts).migrate.append(sub)
        found.update({db.label: db for db in parts.values()})
    root = tree.root
    if not found and _MIGRATE.match(os.path.basename(root)) and _has_ruby(tree, root):
        found[tree.root_label] = RailsDb(root, tree.root_label, None, [root])
    return [found[k] for k in sorted(found)]


def _db(tree: Tree, directory: str, prefix: str | None, parts: dict[str, RailsDb]) -> RailsDb:
    key = prefix or ""
    if key not in parts:
        label = tree.rel(directory)
        parts[key] = RailsDb(directory, f"{label}/{prefix}" if prefix else label)
    return parts[key]


def _app_file(db: RailsDb, *parts: str) -> str | None:
    path = os.path.join(os.path.dirname(db.directory), *parts)
    return path if os.path.isfile(path) else None


def _dialect(db: RailsDb) -> str:
    names = ("database.yml", "database.yml.sample", "database.yml.example")
    path = next((p for n in names if (p := _app_file(db, "config", n)) is not None), None)
    if path is None:
        return "postgres"
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            found = _ADAPTER.search(f.read(256 * 1024))
    except OSError:
        return "postgres"
    return _DIALECTS.get(found.group(1), "postgres") if found else "postgres"


def _inflector(db: RailsDb) -> Inflector:
    inflect = Inflector()
    path = _app_file(db, "config", "initializers", "inflections.rb")
    if path is None:
        return inflect
    try:
        with open(path, "rb") as f:
            calls = RubyFile(f.read()).calls()
    except OSError:
        return inflect
    rules = []
    for call in calls:
        words = [
            w for arg in call.args for w in (arg if isinstance(arg, list) else [arg]) if isinstance(w, str)
        ]
        if call.method in ("irregular", "uncountable") and words:
            rules.append((call.method, words))
    inflect.learn(rules)
    return inflect


def _parsed(tree: Tree, path: str, out: list[Diagnostic], dialect: str) -> RubyFile | None:
    text = tree.read(path, out)
    if text is None:
        return None
    ruby = RubyFile(text.encode("utf-8"), dialect)
    if ruby.error_line:
        message = "Ruby syntax error; statements around it may be missed"
        out.append(diag("warning", message, tree.shown(path), ruby.error_line, "parse-error"))
    return ruby


def _migrations(db: RailsDb, tree: Tree) -> list[str]:
    files = [os.path.join(d, f) for d in db.migrate for f in tree.files.get(d, ()) if f.endswith(".rb")]
    return sorted(files, key=lambda p: (order_key(_stem(p)), p))


def _stem(path: str) -> str:
    return os.path.basename(path).removesuffix(".rb")


def _replay_migrations(db: RailsDb, tree: Tree, replay: Replay, inflect: Inflector, unit: Unit) -> None:
    for path in _migrations(db, tree):
        shown = tree.shown(path)
        version, name, timestamp = parse_name(_stem(path))
        unit.files.append(FileEntry(shown, version, name, timestamp))
        ruby = _parsed(tree, path, unit.diagnostics, replay.dialect)
        if ruby is None:
            continue
        replay.begin(shown)
        calls = [c for _, body in ruby.methods(_MIGRATION_METHODS) for c in ruby.calls(body)]
        RailsOps(replay, inflect, schema_file=False).run(calls)


def _schema_version(calls: list[RCall]) -> str:
    define = next((c for c in calls if c.method == "define"), None)
    version = define.option("version") if define is not None else None
    return str(version) if isinstance(version, int) else ""


def _pending(db: RailsDb, tree: Tree, version: str, unit: Unit) -> None:
    if not version:
        return
    newer = [p for p in _migrations(db, tree) if int(parse_name(_stem(p))[0] or 0) > int(version)]
    if newer:
        names = ", ".join(tree.shown(p) for p in newer[:3]) + (", ..." if len(newer) > 3 else "")
        message = (
            f"{len(newer)} migration(s) newer than schema.rb (version {version}) may be pending: {names}"
        )
        shown = tree.shown(db.schema or db.directory)
        unit.diagnostics.append(diag("info", message, shown, 0, "orm-pending"))


def read_db(db: RailsDb, tree: Tree) -> Unit:
    """One Rails database read into a unit (see the module docstring)."""
    unit = Unit(db.label)
    replay = Replay(db.label, _dialect(db))
    inflect = _inflector(db)
    if db.schema is None:
        _replay_migrations(db, tree, replay, inflect, unit)
        return unit.take(replay)
    history = Unit(db.label)
    if db.migrate:
        side = Replay(db.label, replay.dialect)
        _replay_migrations(db, tree, side, inflect, history)
        history.take(side)
    ruby = _parsed(tree, db.schema, unit.diagnostics, replay.dialect)
    shown = tree.shown(db.schema)
    calls = ruby.calls() if ruby is not None else []
    version = _schema_version(calls)
    replay.begin(shown)
    RailsOps(replay, inflect, schema_file=True).run(calls)
    unit.take(replay)
    unit.files = [*history.files, FileEntry(shown, version, "schema")]
    if db.migrate:
        unit.diagnostics.extend(d for d in history.diagnostics if d.code in _KEPT_CODES)
        created = {t.ref.name for t in history.tables if not t.external and t.defined_at is not None}
        unit.diagnostics.extend(
            confirm(
                unit.fks,
                history.fks,
                declared_by=shown,
                history_by="the migrations",
                history_tables=created,
                declared_tables={t.ref.name for t in unit.tables if not t.external},
            )
        )
        _pending(db, tree, version, unit)
    return unit


def read_rails(tree: Tree) -> list[Unit]:
    """Every Rails database of the tree, read."""
    return [read_db(db, tree) for db in discover(tree)]
