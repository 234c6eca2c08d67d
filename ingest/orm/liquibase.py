"""Liquibase changelogs (XML, YAML, JSON) -> the neutral model, in changelog order.

:func:`ingest_liquibase` finds the changelogs under a folder (files holding ``databaseChangeLog``,
read by :mod:`ingest.orm.liquibase_files`) and replays each *master* changelog -- one no other
changelog includes -- into one logical database labelled with its folder (the scanned root with
its own name), with the same :class:`~ingest.migrations.replay.Replayer` as SQL migrations.
Masters of one folder share its database, replayed in name order.

Order: the elements of a changelog in document order; ``include`` (``file``, with
``relativeToChangelogFile``, else found on the classpath: the changelog's ``resources`` root, the
``src/main/resources`` of the other modules, the scanned root) replays the included changelog
there; ``includeAll`` (``path``) every changelog and ``.sql`` file under that folder, in path order.
A file is read once. A ``changeSet`` gives its changes (:mod:`ingest.orm.liquibase_changes`;
``rollback`` and ``preConditions`` are never applied) unless its ``dbms`` (or a ``context`` naming
databases, ``context="mysql"``) excludes the database; ``sql`` and ``sqlFile`` changes and included
``.sql`` files go through the SQL ingester with their own ``path:line``; ``property`` values
(those of this database) fill ``${...}`` in names.

The database comes from the project's ``jdbc:`` URL (``application*.yml``/``.properties``,
``liquibase.properties`` beside ``src/main/resources``), else PostgreSQL; for PostgreSQL names
are folded to lower case, as Liquibase leaves them unquoted. The ``.sql`` files a changelog
reads are returned too (:func:`ingest_liquibase`), so a folder scan does not also read them as a
migration set of their own.

Every changelog or SQL file replayed is one :class:`~model.inventory.Migration`. A file that
cannot be read, or a document refused (entity declarations, alias bombs), is a diagnostic.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ingest.migrations.files import SKIP_DIRS, parse_name
from ingest.migrations.ops import DropConstraint, Op
from ingest.migrations.replay import Replayer
from ingest.orm.common_js import sql_ops
from ingest.orm.files import BUILD_DIRS, candidates, read_bytes, relative, walk
from ingest.orm.liquibase_changes import CHANGES, Names
from ingest.orm.liquibase_files import LNode, UnsafeDocument, load_text
from model.inventory import Diagnostic, Inventory, Migration, Source

__all__ = ["CHANGELOG_SUFFIXES", "ingest_liquibase", "read"]

CHANGELOG_SUFFIXES = (".xml", ".yaml", ".yml", ".json")
_JDBC = ((b"jdbc:postgresql", "postgres"), (b"jdbc:mysql", "mysql"), (b"jdbc:mariadb", "mysql"))
_DBMS = {"postgres": {"postgresql", "postgres"}, "mysql": {"mysql", "mariadb"}}
_CONFIGS = ("application.yml", "application.yaml", "application.properties", "liquibase.properties")


class _Files:
    """Changelog trees and SQL texts read once, by absolute path; reading problems as diagnostics."""

    def __init__(self, top: str) -> None:
        self.top = top
        self.trees: dict[str, LNode | None] = {}
        self.diagnostics: list[Diagnostic] = []
        self.roots: list[str] | None = None

    def rel(self, path: str) -> str:
        return relative(self.top, path)

    def text(self, path: str) -> str | None:
        data, problem = read_bytes(path, self.rel(path))
        if problem is not None:
            self.diagnostics.append(problem)
        return None if data is None else data.decode("utf-8", "replace").removeprefix("\ufeff")

    def tree(self, path: str) -> LNode | None:
        if path not in self.trees:
            text = self.text(path)
            try:
                self.trees[path] = load_text(path, text) if text is not None else None
            except UnsafeDocument as exc:
                self.trees[path] = None
                self.diagnostics.append(
                    Diagnostic("warning", f"changelog not read: {exc}", self.rel(path), code="parse-error")
                )
        return self.trees[path]

    def classpath(self) -> list[str]:
        """Every ``src/main/resources`` folder of the scanned tree: a multi-module build includes
        the changelogs of its other modules by classpath."""
        if self.roots is None:
            self.roots = []
            for directory, dirs, _ in os.walk(self.top):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS | BUILD_DIRS)
                if directory.endswith(os.sep + os.path.join("src", "main", "resources")):
                    self.roots.append(directory)
                    dirs[:] = []
        return self.roots

    def resolve(self, current: str, target: str, relative_to_file: bool) -> str | None:
        """The file or folder an ``include``/``includeAll`` names, inside the scanned root."""
        target = target.removeprefix("classpath:").removeprefix("classpath*:").lstrip("/")
        here = os.path.dirname(current)
        bases = (
            [here] if relative_to_file else [*_resources(here, self.top), *self.classpath(), self.top, here]
        )
        for base in bases:
            path = os.path.normpath(os.path.join(base, target))
            inside = os.path.realpath(path).startswith(os.path.realpath(self.top) + os.sep)
            if inside and os.path.exists(path):
                return path
        return None


def _resources(here: str, top: str) -> list[str]:
    """The ``resources`` folders above ``here`` (Maven/Gradle classpath roots), innermost first."""
    found = []
    while here.startswith(top) and here != os.path.dirname(here):
        if os.path.basename(here) == "resources":
            found.append(here)
        here = os.path.dirname(here)
    return found


def _dialect(path: str, top: str) -> str:
    """The database of a changelog's project, from a ``jdbc:`` URL in its configuration."""
    here = os.path.dirname(path)
    for base in [*_resources(here, top), here]:
        for name in _CONFIGS:
            data, _ = (
                read_bytes(os.path.join(base, name), name)
                if os.path.isfile(os.path.join(base, name))
                else (None, None)
            )
            for marker, dialect in _JDBC:
                if data is not None and marker in data:
                    return dialect
    return "postgres"


_DBMS_WORDS = frozenset(
    {"postgresql", "postgres", "mysql", "mariadb", "h2", "oracle", "mssql", "hsqldb", "sqlite"}
)


def _context_ok(value: str, dialect: str) -> bool:
    """A ``context`` that names databases (``context="postgresql"``, as projects that pick one
    changeSet per database write) holds only for ours; any other context holds."""
    words = "".join(ch if ch.isalnum() or ch == "!" else " " for ch in value.lower()).split()
    named = [w for w in words if w.lstrip("!") in _DBMS_WORDS]
    return not named or _dbms_ok(",".join(named), dialect)


def _dbms_ok(value: str, dialect: str) -> bool:
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    mine = _DBMS.get(dialect, set())
    if any(i[1:] in mine for i in items if i.startswith("!")):
        return False
    wanted = [i for i in items if not i.startswith("!")]
    return not wanted or "all" in wanted or bool(mine & set(wanted))


class _Replay:
    """One logical database: the changelogs replayed into it, in order."""

    def __init__(self, files: _Files, label: str, dialect: str) -> None:
        self.files, self.label, self.dialect = files, label, dialect
        self.r = Replayer(label)
        self.names = Names(dialect == "postgres", {})
        self.seen: set[str] = set()
        self.order: list[str] = []
        self.sql_files: set[str] = set()

    def apply(self, rel: str, ops: list[Op], diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.r.begin_file(rel, dialect=self.dialect)
        for d in diagnostics:
            self.r.add_diagnostic(d)
        for op in ops:
            self.r.apply(op)
        if rel not in self.order:
            self.order.append(rel)

    def changelog(self, path: str) -> None:
        if path in self.seen:
            return
        self.seen.add(path)
        if path.lower().endswith(".sql"):
            self.sql(path, self.files.text(path) or "", 1)
            return
        root = self.files.tree(path)
        for node in root.children if root is not None else []:
            if (
                node.tag == "property"
                and node.attrs.get("name")
                and _dbms_ok(node.attrs.get("dbms", ""), self.dialect)
            ):
                self.names.properties.setdefault(node.attrs["name"], node.attrs.get("value", ""))
        for node in root.children if root is not None else []:
            self.element(path, node)

    def element(self, path: str, node: LNode) -> None:
        rel = self.files.rel(path)
        relative_to_file = self.names.flag(node, "relativeToChangelogFile")
        if node.tag == "include":
            target = self.files.resolve(path, self.names.value(node, "file"), relative_to_file)
            if target is None or not os.path.isfile(target):
                self.missing(rel, node, "file")
            else:
                self.changelog(target)
        elif node.tag == "includeAll":
            folder = self.files.resolve(path, self.names.value(node, "path"), relative_to_file)
            if folder is None or not os.path.isdir(folder):
                self.missing(rel, node, "path")
            else:
                for target, _ in walk(folder, (*CHANGELOG_SUFFIXES, ".sql")):
                    self.changelog(target)
        elif node.tag == "changeSet" and self.applies(node):
            if rel not in self.order:
                self.order.append(rel)
            for change in node.children:
                self.change(path, change)

    def applies(self, node: LNode) -> bool:
        """Whether a changeSet runs on this database: its ``dbms``, and a ``context`` naming databases."""
        context = self.names.value(node, "context") or self.names.value(node, "contextFilter")
        return _dbms_ok(self.names.value(node, "dbms"), self.dialect) and _context_ok(context, self.dialect)

    def missing(self, rel: str, node: LNode, key: str) -> None:
        message = (
            f"{node.tag} {key}={self.names.value(node, key)!r}: not found in the scanned folder; skipped"
        )
        self.r.add_diagnostic(Diagnostic("warning", message, rel, node.line, code="io-error"))

    def change(self, path: str, node: LNode) -> None:
        rel = self.files.rel(path)
        if node.tag in ("sql", "createProcedure") and _dbms_ok(self.names.value(node, "dbms"), self.dialect):
            text = node.text or node.attrs.get("sql", "")
            self.sql(path, text, node.text_line or node.line)
        elif node.tag == "sqlFile" and _dbms_ok(self.names.value(node, "dbms"), self.dialect):
            target = self.files.resolve(
                path, self.names.value(node, "path"), self.names.flag(node, "relativeToChangelogFile")
            )
            if target is None or not os.path.isfile(target):
                self.missing(rel, node, "path")
            else:
                self.sql(target, self.files.text(target) or "", 1)
        elif node.tag == "dropAllForeignKeyConstraints":
            self.apply(rel, self.drop_all(node))
        elif node.tag in CHANGES:
            self.apply(rel, CHANGES[node.tag](self.names, node))

    def drop_all(self, node: LNode) -> list[Op]:
        table = self.names.table(node, "baseTableName", "baseTableSchemaName")
        if table is None:
            return []
        state = self.r.live.get((table.schema or self.r.default_schema, table.name))
        names = sorted(state.fks) if state is not None else []
        return [DropConstraint(table, n, kind="f", line=node.line) for n in names]

    def sql(self, path: str, text: str, line: int) -> None:
        rel = self.files.rel(path)
        if path.lower().endswith(".sql"):
            self.sql_files.add(rel)
        ops, diags = sql_ops(text, rel, line, self.dialect)
        self.apply(rel, ops, diags)

    def inventory(self) -> Inventory:
        tables, fks, diagnostics = self.r.result()
        migrations = []
        for i, rel in enumerate(self.order):
            version, name, timestamp = parse_name(PurePosixPath(rel).name.rsplit(".", 1)[0])
            migrations.append(Migration(rel, self.label, i, 0, version, name, timestamp))
        return Inventory(
            tables, fks, diagnostics, tuple(migrations), sources=(Source("migrations", self.label),)
        )


def _included(files: _Files, path: str, root: LNode) -> set[str]:
    found: set[str] = set()
    names = Names(False, {})
    for node in root.children:
        key = {"include": "file", "includeAll": "path"}.get(node.tag)
        target = (
            files.resolve(path, names.value(node, key), names.flag(node, "relativeToChangelogFile"))
            if key
            else None
        )
        if target is not None and os.path.isdir(target):
            found.update(p for p, _ in walk(target, CHANGELOG_SUFFIXES))
        elif target is not None:
            found.add(target)
    return found


def _masters(files: _Files, top: str, follow_symlinks: bool) -> list[str]:
    found = []
    for path, _, _ in candidates(top, CHANGELOG_SUFFIXES, (b"databaseChangeLog",), follow_symlinks):
        if files.tree(path) is not None:
            found.append(path)
    included: set[str] = set()
    for path in found:
        included |= _included(files, path, files.tree(path) or LNode(""))
    return [p for p in found if p not in included]


def ingest_liquibase(root: str | Path, follow_symlinks: bool = False) -> tuple[Inventory, set[str]]:
    """Every master changelog under ``root`` replayed, and the ``.sql`` files they read (paths
    relative to ``root``); never raises."""
    top = os.path.abspath(os.fspath(root))
    files = _Files(top)
    try:
        groups: dict[str, list[str]] = {}
        for path in _masters(files, top, follow_symlinks):
            groups.setdefault(os.path.dirname(path), []).append(path)
        parts, sql_files = [], set()
        for folder, masters in sorted(groups.items()):
            rel = relative(top, folder)
            replay = _Replay(
                files, (os.path.basename(top) or ".") if rel in ("", ".") else rel, _dialect(masters[0], top)
            )
            for path in sorted(masters):
                replay.changelog(path)
            parts.append(replay.inventory())
            sql_files |= replay.sql_files
    except Exception as exc:  # a bug must not stop the scan
        message = f"internal error reading Liquibase changelogs: {type(exc).__name__}: {exc}"
        return Inventory(diagnostics=(Diagnostic("error", message, str(root), code="internal"),)), set()
    inv = Inventory(
        tables=tuple(t for p in parts for t in p.tables),
        foreign_keys=tuple(k for p in parts for k in p.foreign_keys),
        diagnostics=(*files.diagnostics, *(d for p in parts for d in p.diagnostics)),
        migrations=tuple(m for p in parts for m in p.migrations),
        sources=tuple(s for p in parts for s in p.sources),
    )
    return inv, sql_files


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of one changelog file given as a source (:mod:`ingest.registry`): it and what it
    includes (found from its folder), labelled with its folder as given."""
    path = os.path.abspath(source)
    shown = PurePosixPath(Path(source)).as_posix()
    label = PurePosixPath(shown).parent.as_posix()
    if label in ("", "."):
        label = Path(path).parent.name or "."
    here = os.path.dirname(path)
    classpath = _resources(here, os.sep)
    top = classpath[-1] if classpath else here
    files = _Files(top)
    replay = _Replay(files, label, dialect or _dialect(path, top))
    if files.tree(path) is None:
        problems = tuple(files.diagnostics) or (
            Diagnostic("error", "not a readable Liquibase changelog", shown, code="io-error"),
        )
        return Inventory(diagnostics=problems, sources=(Source("migrations", shown),))
    replay.changelog(path)
    inv = replay.inventory()
    return Inventory(
        inv.tables,
        inv.foreign_keys,
        (*files.diagnostics, *inv.diagnostics),
        inv.migrations,
        sources=inv.sources,
    )
