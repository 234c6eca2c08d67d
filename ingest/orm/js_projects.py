"""JavaScript/TypeScript projects under a folder -> one logical database each.

:func:`ingest_js` finds the ``.js``/``.ts`` files (not ``.d.ts``, not build output) that mention
Sequelize, TypeORM or Knex, parses them with tree-sitter and groups them by *project*: the
nearest folder with a ``package.json``, else the scanned folder. A project's database label,
``TableRef.database``, is that folder relative to the scanned root (the root itself is labelled
with its own name), the way migration sets are labelled; :mod:`ingest.orm.js_replay` reads it.

The project's SQL dialect decides default constraint names (``<table>_<column>_fkey`` for
PostgreSQL, ``<table>_ibfk_<n>`` for MySQL) and how raw SQL is parsed: it is read from the
project's configuration when stated as a constant -- Sequelize's ``dialect``, Knex's ``client``,
TypeORM's ``type`` (next to ``entities``/``migrations``/``synchronize``), in code or in
``config/config.json``/``ormconfig.json`` -- else PostgreSQL's names are used and the SQL of each
string is detected from its text. ``SnakeNamingStrategy`` in a project makes TypeORM's default
names snake case.

:func:`read` is the reader of one ``.js``/``.ts`` file given as a source (:mod:`ingest.registry`),
labelled with its folder as given.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path, PurePosixPath

from ingest.orm.common_js import JsFile, language_of, matches, parse_js, text
from ingest.orm.files import candidates, read_bytes, relative
from ingest.orm.js_imports import Modules, bind_imports
from ingest.orm.js_replay import Keys, replay_project
from model.inventory import Diagnostic, Inventory, Source, TableRef

__all__ = ["JS_SUFFIXES", "ingest_js", "project_dialect", "read"]

JS_SUFFIXES = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx")
#: A file is parsed only when it holds one of these.
_TRIGGERS: tuple[bytes, ...] = (
    b"equelize",
    b"queryInterface",
    b"typeorm",
    b"@Entity",
    b"queryRunner",
    b"knex",
    b"createTable",
)
_TRIGGERS += (b"Column(", b"NamingStrategy", b"DataTypes.")
_DIALECTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "cockroachdb": "postgres",
    "mysql": "mysql",
    "mysql2": "mysql",
    "mariadb": "mysql",
    "aurora-mysql": "mysql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "better-sqlite3": "sqlite",
    "mssql": "tsql",
}
_CONFIG_FILES = ("config/config.json", "config/database.json", "ormconfig.json", "database.json")
_TYPEORM_KEYS = frozenset({"entities", "migrations", "synchronize", "migrationsRun"})


def _dialect_hints(f: JsFile) -> list[str]:
    hints = []
    query = "(object (pair key: (_) @k value: (_) @v)) @o"
    for m in matches(f.lang, query, f.root):
        key = text(m["k"]).strip("'\"")
        if key in ("dialect", "client") or (key == "type" and _TYPEORM_KEYS & f.obj(m["o"]).keys()):
            value = f.string(m["v"])
            if value is not None and value.lower() in _DIALECTS:
                hints.append(_DIALECTS[value.lower()])
    return hints


def _json_hints(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [
            _DIALECTS[v.lower()]
            for k, v in value.items()
            if k in ("dialect", "type", "client") and isinstance(v, str) and v.lower() in _DIALECTS
        ]
        return found + [h for v in value.values() for h in _json_hints(v)]
    if isinstance(value, list):
        return [h for v in value for h in _json_hints(v)]
    return []


def project_dialect(folder: str, files: list[JsFile]) -> str | None:
    """The SQL dialect a project's configuration states (the most frequent), ``None`` when none does."""
    hints: list[str] = []
    for name in _CONFIG_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            data, _ = read_bytes(path, name)
            try:
                hints += _json_hints(json.loads(data or b"null"))
            except ValueError:
                continue
    for f in files:
        hints += _dialect_hints(f)
    return Counter(hints).most_common(1)[0][0] if hints else None


class _Projects:
    """Files grouped by the nearest folder with a ``package.json`` (within the scanned root)."""

    def __init__(self, top: str) -> None:
        self.top = top
        self.modules = Modules(top)
        self.cache: dict[str, str] = {}
        self.files: dict[str, list[JsFile]] = {}
        self.snake: set[str] = set()

    def folder_of(self, path: str) -> str:
        directory = os.path.dirname(path)
        trail = []
        while directory not in self.cache:
            trail.append(directory)
            if os.path.isfile(os.path.join(directory, "package.json")) or directory == self.top:
                self.cache[directory] = directory
                break
            parent = os.path.dirname(directory)
            if parent == directory or not parent.startswith(self.top):
                self.cache[directory] = self.top
                break
            directory = parent
        found = self.cache[directory]
        for d in trail:
            self.cache[d] = found
        return found

    def add(self, path: str, rel: str, data: bytes) -> None:
        lang = language_of(rel)
        if lang is None:
            return
        folder = self.folder_of(path)
        f = parse_js(data, rel, lang)
        bind_imports(f, path, self.modules)
        self.files.setdefault(folder, []).append(f)
        if b"SnakeNamingStrategy" in data:
            self.snake.add(folder)


def _label(top: str, folder: str) -> str:
    rel = relative(top, folder)
    return (os.path.basename(top) or ".") if rel in ("", ".") else rel


class _SqlTables:
    """The tables SQL migration sets of the scan create, by name: which database, which keys."""

    def __init__(self, inv: Inventory | None) -> None:
        self.by_name: dict[str, list[tuple[str, set[tuple[tuple[str, ...], str]]]]] = {}
        if inv is None:
            return
        keys: dict[TableRef, set[tuple[tuple[str, ...], str]]] = {}
        for fk in inv.foreign_keys:
            if fk.state == "present":
                keys.setdefault(fk.table, set()).add((fk.columns, fk.ref_table.name))
        for t in inv.tables:
            if not t.external and t.dropped_at is None:
                self.by_name.setdefault(t.ref.name, []).append((t.ref.database, keys.get(t.ref, set())))

    def for_project(self, rel: str) -> Keys:
        """The tables a project's models map onto: a set inside its folder, else the only one."""
        found: Keys = {}
        for name, sets in self.by_name.items():
            inside = [k for db, k in sets if rel in ("", ".") or db == rel or db.startswith(rel + "/")]
            if inside or len(sets) == 1:
                found[name] = (inside or [sets[0][1]])[0]
        return found


def ingest_js(
    root: str | Path, follow_symlinks: bool = False, sql: Inventory | None = None, dialect: str | None = None
) -> Inventory:
    """Every JavaScript/TypeScript project under ``root`` that declares a schema; never raises.
    Links out of ``root`` are followed only with ``follow_symlinks``. ``sql`` is what the SQL
    migrations of the same folder gave: a model of a table they create adds nothing. ``dialect``
    (``--dialect``) chooses among per-engine migration folders before a project's own."""
    top = os.path.abspath(os.fspath(root))
    projects = _Projects(top)
    try:
        for path, rel, data in candidates(top, JS_SUFFIXES, _TRIGGERS, follow_symlinks):
            projects.add(path, rel, data)
        tables = _SqlTables(sql)
        parts = [
            replay_project(
                _label(top, folder),
                files,
                project_dialect(folder, files),
                folder in projects.snake,
                tables.for_project(relative(top, folder)),
                engine=dialect,
            )
            for folder, files in sorted(projects.files.items())
        ]
    except Exception as exc:  # a bug must not stop the scan
        message = f"internal error reading schemas in JavaScript/TypeScript: {type(exc).__name__}: {exc}"
        return Inventory(diagnostics=(Diagnostic("error", message, str(root), code="internal"),))
    parts = [p for p in parts if p.migrations]
    return Inventory(
        tables=tuple(t for p in parts for t in p.tables),
        foreign_keys=tuple(k for p in parts for k in p.foreign_keys),
        diagnostics=tuple(d for p in parts for d in p.diagnostics),
        migrations=tuple(m for p in parts for m in p.migrations),
        sources=tuple(s for p in parts for s in p.sources),
    )


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of one ``.js``/``.ts`` file (:mod:`ingest.registry`): its models or migration on
    its own, labelled with its folder as given; ``dialect`` is the SQL dialect of its raw SQL."""
    shown = PurePosixPath(Path(source)).as_posix()
    label = PurePosixPath(shown).parent.as_posix()
    if label in ("", "."):
        label = Path(os.path.abspath(source)).parent.name or "."
    lang = language_of(shown)
    data, problem = read_bytes(source, shown) if os.path.isfile(source) else (None, None)
    if data is None or lang is None:
        why = problem.message if problem is not None else "not a readable JavaScript/TypeScript file"
        return Inventory(
            diagnostics=(Diagnostic("error", why, shown, code="io-error"),),
            sources=(Source("migrations", shown),),
        )
    f = parse_js(data, shown, lang)
    inv = replay_project(label, [f], dialect or project_dialect(os.path.dirname(source), [f]))
    if not inv.migrations:
        note = Diagnostic(
            "warning", "no Sequelize, TypeORM or Knex schema declaration found", shown, code="no-migrations"
        )
        return Inventory(diagnostics=(note,), sources=(Source("migrations", shown),))
    return inv
