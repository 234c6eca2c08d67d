"""Migration folders -> one raw :class:`~graph.model.Inventory`.

:func:`ingest_path` discovers the migration sets under a path
(:mod:`ingest.layout`), replays each set into its own logical database — the
set's label (``services/auth/migrations``, or a single file's name) is
``TableRef.database`` — and returns tables, foreign keys with their history,
one :class:`~graph.model.Migration` per replayed file and every diagnostic.
Services are not assigned here.

Each file is read in its dialect: the ``dialect`` argument when given, else
detected from the text (backtick identifiers, ``ENGINE=`` or ``AUTO_INCREMENT``
mean MySQL; anything else is PostgreSQL). PostgreSQL goes through
:mod:`ingest.pg` (pglast), every other dialect through :mod:`ingest.mysql`
(sqlglot); both emit :mod:`ingest.ops` that :mod:`ingest.replay` applies.
Nothing raises: unexpected failures become ``internal`` diagnostics.

Examples
--------
>>> inv = ingest_text("CREATE TABLE users (id int PRIMARY KEY);\\n"
...                   "CREATE TABLE posts (id int, user_id int REFERENCES users);", path="001.sql")
>>> [(fk.name, str(fk.table), fk.ref_columns, str(fk.added_at)) for fk in inv.foreign_keys]
[('posts_user_id_fkey', 'inline:public.posts', ('id',), '001.sql:2')]
>>> detect_dialect("CREATE TABLE `t` (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;")
'mysql'
"""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.model import Diagnostic, ForeignKey, Inventory, Migration, Source, Table
from ingest import mysql, pg
from ingest.layout import discover, read_up_text
from ingest.ops import Op
from ingest.replay import Replayer, fk_sort_key

__all__ = ["DIALECTS", "detect_dialect", "ingest_path", "ingest_text", "normalize_dialect", "parse_ops"]

_MYSQL_HINTS = re.compile(r"`[^`\n]+`|\bENGINE\s*=|\bAUTO_INCREMENT\b", re.IGNORECASE)
_LINE_COMMENT = re.compile(r"--[^\n]*")
_ALIASES = {"postgresql": "postgres", "pg": "postgres", "psql": "postgres", "mariadb": "mariadb"}


def _known_dialects() -> list[str]:
    from sqlglot.dialects import DIALECTS as SQLGLOT

    return sorted({"postgres", "mysql", "mariadb", *(d.lower() for d in SQLGLOT)})


#: Dialect names ``dialect=`` accepts (PostgreSQL is read by pglast, the others by sqlglot).
DIALECTS: tuple[str, ...] = tuple(_known_dialects())


def normalize_dialect(dialect: str) -> tuple[str | None, str]:
    """``(name, '')`` for a known dialect, else ``(None, message)`` naming the closest one.

    >>> normalize_dialect("PostgreSQL")
    ('postgres', '')
    >>> normalize_dialect("postgress")[1]
    "unknown dialect 'postgress'; did you mean postgres?"
    """
    name = dialect.strip().lower()
    name = _ALIASES.get(name, name)
    if name in DIALECTS:
        return name, ""
    close = difflib.get_close_matches(name, DIALECTS, n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(DIALECTS)}"
    return None, f"unknown dialect {dialect!r}{hint}"


def detect_dialect(text: str) -> str:
    """``'mysql'`` for backtick identifiers, ``ENGINE=`` or ``AUTO_INCREMENT``, else ``'postgres'``.

    ``--`` comments are ignored, so a backtick in a comment does not count.

    >>> detect_dialect("-- the `users` table\\nCREATE TABLE users (id serial);")
    'postgres'
    """
    sample = text if len(text) <= 2_000_000 else text[:2_000_000]
    return "mysql" if _MYSQL_HINTS.search(_LINE_COMMENT.sub("", sample)) else "postgres"


def parse_ops(text: str, path: str, dialect: str) -> tuple[list[Op], list[Diagnostic]]:
    """Operations of one file's text in ``dialect``."""
    if dialect == "postgres":
        return pg.parse(text, path)
    return mysql.parse(text, path, dialect=dialect)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: parse trees are millions of small dicts
    and collections triggered by their allocation cost more than the parse itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _replay_file(r: Replayer, text: str, rel: str, dialect: str | None) -> None:
    name = dialect or detect_dialect(text)
    r.begin_file(rel, dialect=name)
    try:
        ops, diags = parse_ops(text, rel, name)
    except Exception as exc:
        r.add_diagnostic(
            Diagnostic(
                "error", f"internal error parsing file: {type(exc).__name__}: {exc}", rel, 0, "", "internal"
            )
        )
        return
    for d in diags:
        r.add_diagnostic(d)
    for op in ops:
        r.apply(op)


def ingest_path(path: str | Path, *, dialect: str | None = None) -> Inventory:
    """Replay every migration set under ``path`` (a directory or one ``.sql`` file)."""
    source = Source("migrations", str(path))
    with _gc_paused():
        try:
            return _ingest_path(path, dialect, source)
        except Exception as exc:
            message = f"internal error reading migrations: {type(exc).__name__}: {exc}"
            return Inventory(
                diagnostics=(Diagnostic("error", message, str(path), code="internal"),), sources=(source,)
            )


def _ingest_path(path: str | Path, dialect: str | None, source: Source) -> Inventory:
    diagnostics: list[Diagnostic] = []
    if dialect is not None:
        dialect, problem = normalize_dialect(dialect)
        if problem:
            diagnostics.append(
                Diagnostic("error", problem + "; detecting per file instead", str(path), code="config")
            )
    sets, layout_diags = discover(path)
    diagnostics += layout_diags
    tables: list[Table] = []
    fks: list[ForeignKey] = []
    migrations: list[Migration] = []
    for s in sets:
        r = Replayer(s.label)
        for ordinal, f in enumerate(s.files):
            try:
                text, read_diags = read_up_text(f)
                for d in read_diags:
                    r.add_diagnostic(d)
                _replay_file(r, text, f.rel, dialect)
            except Exception as exc:
                r.add_diagnostic(
                    Diagnostic(
                        "error", f"internal error: {type(exc).__name__}: {exc}", f.rel, code="internal"
                    )
                )
            migrations.append(
                Migration(f.rel, s.label, ordinal, len(migrations), f.version, f.name, f.timestamp)
            )
        set_tables, set_fks, set_diags = r.result()
        tables += set_tables
        fks += set_fks
        diagnostics += set_diags
    tables.sort(key=lambda t: (t.ref.database, t.ref.schema, t.ref.name))
    file_order = {m.path: m.order for m in migrations}
    fks.sort(key=lambda fk: fk_sort_key(fk, file_order))
    return Inventory(
        tables=tuple(tables),
        foreign_keys=tuple(fks),
        diagnostics=tuple(diagnostics),
        migrations=tuple(migrations),
        sources=(source,),
    )


def ingest_text(
    text: str, *, path: str = "inline.sql", database: str = "inline", dialect: str | None = None
) -> Inventory:
    """Replay one script as a migration set of one file (handy in tests and notebooks)."""
    with _gc_paused():
        r = Replayer(database)
        name, problem = normalize_dialect(dialect) if dialect else (None, "")
        if problem:
            r.add_diagnostic(
                Diagnostic("error", problem + "; detected from the text instead", path, code="config")
            )
        _replay_file(r, text, path, name)
        tables, fks, diags = r.result()
    return Inventory(
        tables=tables,
        foreign_keys=fks,
        diagnostics=diags,
        migrations=(Migration(path, database, 0, 0),),
        sources=(Source("migrations", path),),
    )
