"""What the Rails, Django, SQLAlchemy and Alembic readers share: the file index, the replay, the output.

* :class:`Tree` -- the files of one scanned folder, walked once (hidden folders, dependency
  folders such as ``node_modules``/``vendor``/``.venv`` and test folders below the root are
  skipped: ``tests/`` and ``spec/`` hold fixture apps, not the application's schema);
* :class:`Replay` -- one logical database replayed with the SQL reader's own
  :class:`~ingest.migrations.replay.Replayer`: every reader translates what it reads
  (``create_table``, ``op.create_foreign_key``, ``migrations.AddField``...) into the neutral DDL
  operations of :mod:`ingest.migrations.ops`, so renames, drops, default constraint names,
  external tables and their diagnostics behave exactly as for ``.sql`` migrations. Raw SQL
  found in code (``execute``, ``op.execute``, ``RunSQL``) is parsed by the SQL reader at its
  own ``path:line``;
* :class:`Unit` -- what one reader found for one logical database, and :func:`combine`, which
  adds units to the inventory of the SQL migration sets the way Prisma schemas are added;
* :func:`confirm` -- the drift check between a declaration (models, ``schema.rb``) and the
  migrations that carry the history: a key only one side has is a ``warning`` (code
  ``orm-drift``) at its ``path:line``.

Diagnostic codes of the code readers: ``orm-dynamic`` (a table name, option or argument that
is not a literal: nothing is guessed), ``orm-drift``, ``orm-order`` (a migration graph that
cannot be ordered), plus the replay's own (``unknown-table``, ``unknown-constraint``...).

>>> action("nullify"), action("CASCADE"), action("bogus")
('SET NULL', 'CASCADE', '')
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TypeVar

from ingest.migrations import ops as o
from ingest.migrations.layout import SKIP_DIRS
from ingest.migrations.parse import parse_ops
from ingest.migrations.replay import DEFAULT_SCHEMA, Replayer
from ingest.migrations.replay_state import FKState, TableState
from model.inventory import Diagnostic, ForeignKey, Inventory, Migration, Severity, Table

__all__ = [
    "DRIFT",
    "DYNAMIC",
    "FileEntry",
    "Replay",
    "Tree",
    "Unit",
    "action",
    "combine",
    "confirm",
    "diag",
    "qname",
    "topological",
]

K = TypeVar("K", bound=Hashable)
DRIFT = "orm-drift"
DYNAMIC = "orm-dynamic"
#: Folders below the scanned root that hold fixture applications, not the schema.
TEST_DIRS = frozenset({"test", "tests", "spec", "specs", "testing", "__tests__", "fixtures"})
_MAX_BYTES = 32 * 1024 * 1024
_ACTION_WORDS = {
    "cascade": "CASCADE",
    "nullify": "SET NULL",
    "set null": "SET NULL",
    "set_null": "SET NULL",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
    "no_action": "NO ACTION",
    "set default": "SET DEFAULT",
    "set_default": "SET DEFAULT",
}


def action(word: str) -> str:
    """The referential action a Rails symbol or SQLAlchemy string names (``''`` when none)."""
    return _ACTION_WORDS.get(word.strip().lower(), "")


def diag(severity: Severity, message: str, path: str, line: int, code: str, excerpt: str = "") -> Diagnostic:
    """A diagnostic (shorthand)."""
    return Diagnostic(severity, message, path, line, excerpt, code)


def qname(name: str) -> o.QName:
    """``schema.table`` or ``table`` as a :class:`~ingest.migrations.ops.QName`.

    >>> qname("auth.users"), qname("users")
    (QName(schema='auth', name='users'), QName(schema=None, name='users'))
    """
    schema, dot, table = name.rpartition(".")
    return o.QName(schema, table) if dot and schema else o.QName(None, name)


@dataclass
class Tree:
    """The files of a scanned folder: ``files`` maps each directory (absolute) to its file names,
    ``subdirs`` to its walked sub-directories."""

    root: str
    root_label: str
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subdirs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: str | Path) -> Tree:
        """Walk ``root`` once; the root's own label is its name, as for migration sets."""
        top = os.path.abspath(os.fspath(root))
        tree = cls(top, os.path.basename(top) or ".")
        for directory, dirs, files in os.walk(top, onerror=lambda _: None):
            dirs[:] = sorted(d for d in dirs if _walked(d))
            tree.files[directory] = tuple(sorted(files))
            tree.subdirs[directory] = tuple(os.path.join(directory, d) for d in dirs)
        return tree

    @classmethod
    def single(cls, path: str | Path) -> Tree:
        """A tree holding one file; its folder is labelled as given (``app/db`` for ``app/db/schema.rb``)."""
        shown = PurePosixPath(Path(path)).parent.as_posix()
        top = os.path.dirname(os.path.abspath(os.fspath(path)))
        label = shown if shown not in ("", ".") else (os.path.basename(top) or ".")
        return cls(top, label, {top: (os.path.basename(os.fspath(path)),)})

    def rel(self, path: str) -> str:
        """``path`` relative to the root, ``/``-separated (the root's label for the root itself)."""
        rel = PurePosixPath(Path(os.path.relpath(path, self.root))).as_posix()
        return self.root_label if rel == "." else rel

    def shown(self, path: str) -> str:
        """The path of a file as diagnostics and locations show it: relative to the root."""
        return PurePosixPath(Path(os.path.relpath(path, self.root))).as_posix()

    def has(self, directory: str, name: str) -> bool:
        return name in self.files.get(directory, ())

    def subdir(self, directory: str, name: str) -> str | None:
        """``directory/name`` when the walk visited it."""
        path = os.path.join(directory, name)
        return path if path in self.files else None

    def read(self, path: str, out: list[Diagnostic]) -> str | None:
        """The text of a file (bad UTF-8 replaced, with a warning); ``None`` and an error when unreadable."""
        try:
            if os.path.getsize(path) > _MAX_BYTES:
                out.append(diag("warning", "file too large; skipped", self.shown(path), 0, "io-error"))
                return None
            data = Path(path).read_bytes()
        except OSError as exc:
            out.append(diag("error", f"cannot read: {exc.strerror or exc}", self.shown(path), 0, "io-error"))
            return None
        text = data.decode("utf-8", errors="replace")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            out.append(
                diag("warning", "not valid UTF-8; bad bytes replaced", self.shown(path), 0, "encoding")
            )
        return text


def _walked(name: str) -> bool:
    return not name.startswith(".") and name not in SKIP_DIRS and name.lower() not in TEST_DIRS


class Replay:
    """One logical database replayed from code: operations in, tables and foreign keys out."""

    def __init__(self, database: str, dialect: str = "postgres") -> None:
        self.replayer = Replayer(database)
        self.dialect = dialect
        self.schema = DEFAULT_SCHEMA.get(dialect, "")

    def begin(self, path: str) -> None:
        """Start a file: what follows is located in it."""
        self.replayer.begin_file(path, dialect=self.dialect)

    @property
    def path(self) -> str:
        return self.replayer.path

    def apply(self, op: o.Op) -> None:
        self.replayer.apply(op)

    def note(self, diagnostic: Diagnostic) -> None:
        self.replayer.add_diagnostic(diagnostic)

    def warn(self, message: str, line: int, code: str = DYNAMIC, excerpt: str = "") -> None:
        """A warning at ``line`` of the current file."""
        self.note(diag("warning", message, self.path, line, code, excerpt))

    def table(self, name: o.QName) -> TableState | None:
        """The live table ``name`` (unqualified: in the default schema)."""
        return self.replayer.live.get((name.schema or self.schema, name.name))

    def fks_of(self, name: o.QName) -> list[FKState]:
        """The live foreign keys of table ``name``."""
        t = self.table(name)
        return list(t.fks.values()) if t is not None else []

    def sql(self, text: str, line: int) -> None:
        """Replay raw SQL written in code; ``line`` is the line its text starts on."""
        parser = "postgres" if self.schema == "public" else self.dialect
        ops, diags = parse_ops("\n" * max(line - 1, 0) + text, self.path, parser)
        for d in diags:
            self.note(d)
        for op in ops:
            self.apply(op)

    def result(self) -> tuple[tuple[Table, ...], tuple[ForeignKey, ...], tuple[Diagnostic, ...]]:
        return self.replayer.result()


@dataclass(frozen=True)
class FileEntry:
    """A file a reader replayed, in replay order (one :class:`~model.inventory.Migration` each)."""

    path: str
    version: str = ""
    name: str = ""
    timestamp: str = ""


@dataclass
class Unit:
    """What one reader found for one logical database."""

    database: str
    tables: tuple[Table, ...] = ()
    fks: tuple[ForeignKey, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    models_only: bool = False  # models with no migrations of their own (SQLAlchemy without Alembic)

    def take(self, replay: Replay) -> Unit:
        """Fill tables, keys and diagnostics from a finished replay."""
        tables, fks, diags = replay.result()
        self.tables, self.fks = tables, fks
        self.diagnostics.extend(diags)
        return self


def combine(inv: Inventory, units: Sequence[Unit], notes: Sequence[Diagnostic] = ()) -> Inventory:
    """``inv`` plus the units: tables and keys merged and sorted, one migration per replayed file.

    A unit whose database is also a scanned SQL migration set (a Rails ``db/structure.sql``
    next to ``db/migrate``) gives no tables: the SQL carries the schema (``info``, ``orm-sql``)
    and the unit's keys are compared with it (:func:`confirm`).
    ``notes`` are diagnostics of no unit. Returns ``inv`` itself when there is nothing to add.
    """
    if not units and not notes:
        return inv
    sql_sets = {m.database for m in inv.migrations}
    tables, fks, diags, migrations = list(inv.tables), list(inv.foreign_keys), list(notes), []
    order = len(inv.migrations)
    for unit in units:
        diags.extend(unit.diagnostics)
        if unit.models_only:
            unit, note = _without_sql_tables(unit, inv, sql_sets)
            diags.extend(note)
            if not unit.tables:
                continue
        if unit.database in sql_sets:
            message = f"{unit.database}: tables come from its SQL files; the code's schema is not added"
            where = unit.files[0].path if unit.files else unit.database
            diags.append(diag("info", message, where, 0, "orm-sql"))
            dump = [fk for fk in inv.foreign_keys if fk.table.database == unit.database]
            created = {t.ref.name for t in unit.tables if not t.external and t.defined_at is not None}
            diags.extend(
                confirm(
                    dump,
                    unit.fks,
                    declared_by=f"the SQL of {unit.database}",
                    history_by="the code's migrations",
                    history_tables=created,
                    declared_tables={t.ref.name for t in inv.tables if t.ref.database == unit.database},
                )
            )
            continue
        tables.extend(unit.tables)
        fks.extend(unit.fks)
        for ordinal, f in enumerate(unit.files):
            migrations.append(
                Migration(f.path, unit.database, ordinal, order, f.version, f.name, f.timestamp)
            )
            order += 1
    kept = [d for d in inv.diagnostics if d.code != "no-migrations" or not units]
    return replace(
        inv,
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=tuple(sorted(fks, key=lambda f: (f.table, f.name))),
        diagnostics=(*kept, *diags),
        migrations=(*inv.migrations, *migrations),
    )


def _without_sql_tables(unit: Unit, inv: Inventory, sql_sets: set[str]) -> tuple[Unit, list[Diagnostic]]:
    """Models with no migrations of their own: a table that exactly one scanned SQL set creates is
    that set's table (the SQL carries the schema, the model maps onto it), so it is not added twice."""
    definers: dict[str, set[str]] = {}
    for t in inv.tables:
        if not t.external and t.ref.database in sql_sets:
            definers.setdefault(t.ref.name, set()).add(t.ref.database)
    mapped = {t.ref.name for t in unit.tables if not t.external and len(definers.get(t.ref.name, ())) == 1}
    if not mapped:
        return unit, []
    kept = tuple(t for t in unit.tables if t.ref.name not in mapped)
    keys = tuple(fk for fk in unit.fks if fk.table.name not in mapped)
    names = ", ".join(sorted(mapped))
    message = f"{unit.database}: the models of {names} map onto the tables the SQL migrations create"
    where = unit.files[0].path if unit.files else unit.database
    note = diag("info", message, where, 0, "orm-sql")
    return replace(unit, tables=kept if any(not t.external for t in kept) else (), fks=keys), [note]


def topological(needs: Mapping[K, set[K]], rank: Callable[[K], str]) -> tuple[list[K], list[K]]:
    """``needs`` (node -> the nodes it comes after) in order, ties by ``rank``; and the nodes
    left in cycles, by ``rank``.

    >>> topological({"b": {"a"}, "a": set(), "c": {"c2"}, "c2": {"c"}}, str)
    (['a', 'b'], ['c', 'c2'])
    """
    waiting = {k: set(deps) for k, deps in needs.items()}
    users: dict[K, list[K]] = {k: [] for k in waiting}
    for key, deps in waiting.items():
        for dep in deps:
            users[dep].append(key)
    ready = [(rank(k), i, k) for i, k in enumerate(waiting) if not waiting[k]]
    heapq.heapify(ready)
    done: list[K] = []
    order = {k: i for i, k in enumerate(waiting)}
    while ready:
        _, _, key = heapq.heappop(ready)
        done.append(key)
        for user in users[key]:
            waiting[user].discard(key)
            if not waiting[user]:
                heapq.heappush(ready, (rank(user), order[user], user))
    return done, sorted((k for k, deps in waiting.items() if deps), key=rank)


def _key(fk: ForeignKey) -> tuple[object, ...]:
    return (
        fk.table.schema,
        fk.table.name,
        fk.columns,
        fk.ref_table.schema,
        fk.ref_table.name,
        fk.ref_columns,
    )


def _text(fk: ForeignKey) -> str:
    return f"{fk.table.name}({', '.join(fk.columns)}) -> {fk.ref_table.name}({', '.join(fk.ref_columns)})"


def confirm(
    declared: Iterable[ForeignKey],
    history: Iterable[ForeignKey],
    *,
    declared_by: str,
    history_by: str,
    history_tables: set[str] | None = None,
    declared_tables: set[str] | None = None,
) -> list[Diagnostic]:
    """Drift between declared keys and the keys the history leaves present (``warning``, ``orm-drift``).

    A declared key on a table the history never defines (``history_tables``, when given) is
    not reported: the history is partial there (squashed or deleted migrations); nor is a
    history key on a table the declaration does not define (``declared_tables``, default: the
    tables of the declared keys).
    """
    mine = {_key(fk): fk for fk in declared if fk.dropped_at is None and fk.origin == "declared"}
    theirs = {_key(fk): fk for fk in history if fk.dropped_at is None and fk.origin == "declared"}
    if declared_tables is None:
        declared_tables = {fk.table.name for fk in mine.values()}
    out: list[Diagnostic] = []
    for key, fk in mine.items():
        if key in theirs or (history_tables is not None and fk.table.name not in history_tables):
            continue
        at = fk.added_at
        message = f"foreign key {_text(fk)} is declared by {declared_by} but not created by {history_by}"
        out.append(diag("warning", message, at.path if at else "", at.line if at else 0, DRIFT))
    for key, fk in theirs.items():
        if key in mine or fk.table.name not in declared_tables:
            continue
        at = fk.added_at
        message = f"foreign key {_text(fk)} is created by {history_by} but not declared by {declared_by}"
        out.append(diag("warning", message, at.path if at else "", at.line if at else 0, DRIFT))
    return sorted(out, key=lambda d: (d.path, d.line))
