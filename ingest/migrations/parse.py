"""One migration file's text -> its operations: the dialect, then the parser of that dialect.

:func:`parse_file` is what every path through :mod:`ingest.migrations.sets` calls for a
file -- directly, in a worker process (:mod:`ingest.migrations.parallel`) or before an
entry goes to the parse cache (:mod:`ingest.migrations.cache`) -- so it depends on its
arguments only. PostgreSQL goes through :mod:`ingest.migrations.postgres` (pglast),
every other dialect through :mod:`ingest.migrations.sqlglot_dialects` (sqlglot); both
emit :mod:`ingest.migrations.ops`.

Which dialect a file is read in (:func:`file_dialect`), first that applies:

1. the engine its name says (``001_users.mysql.up.sql``), or the engine chosen for its set
   (:mod:`ingest.migrations.engines`), kept in :attr:`MigrationFile.dialect
   <ingest.migrations.layout.MigrationFile>`;
2. the ``dialect`` argument (``--dialect``, ``[scan] dialect``);
3. its code (:mod:`ingest.migrations.detect`, comments ignored): ClickHouse table engines,
   MySQL's ``AUTO_INCREMENT``/``ENGINE=``/backticks;
4. the engine of its folder (``mysql/``, ``sqlite3/``: :attr:`MigrationFile.hint`);
5. PostgreSQL.

ClickHouse files hold no foreign keys (ClickHouse has none): a file whose code names a
ClickHouse table engine (``ENGINE = MergeTree``...), or that is read as ClickHouse, is not
parsed; one ``info`` diagnostic (code ``clickhouse``) says so.

Examples
--------
>>> detect_dialect("CREATE TABLE `t` (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;")
'mysql'
>>> name, ops, diagnostics, error = parse_file("DROP TABLE t;", "001.sql", None)
>>> name, [type(op).__name__ for op in ops], diagnostics, error
('postgres', ['DropTable'], [], '')
>>> clickhouse = "CREATE TABLE e (d Date) ENGINE = MergeTree ORDER BY d;"
>>> name, ops, diagnostics, error = parse_file(clickhouse, "e.sql", None)
>>> name, ops, [(d.severity, d.code, d.line) for d in diagnostics]
('clickhouse', [], [('info', 'clickhouse', 1)])
"""

from __future__ import annotations

import difflib
import functools

from ingest.migrations import postgres as pg
from ingest.migrations.cache import Parsed
from ingest.migrations.detect import clickhouse_sign, detect
from ingest.migrations.files import MigrationFile
from ingest.migrations.ops import Op
from model.inventory import Diagnostic

__all__ = ["DIALECTS", "detect_dialect", "file_dialect", "normalize_dialect", "parse_file", "parse_ops"]

_ALIASES = {"postgresql": "postgres", "pg": "postgres", "psql": "postgres", "mariadb": "mariadb"}


@functools.cache
def _known_dialects() -> tuple[str, ...]:
    """Dialect names ``dialect=`` accepts (PostgreSQL is read by pglast, the others by sqlglot):
    ``DIALECTS`` of this module, computed when first asked for, so that reading PostgreSQL alone
    never imports sqlglot."""
    from sqlglot.dialects import DIALECTS as SQLGLOT

    return tuple(sorted({"postgres", "mysql", "mariadb", *(d.lower() for d in SQLGLOT)}))


#: Dialect names ``dialect=`` accepts: :func:`_known_dialects`, looked up when first used.
DIALECTS: tuple[str, ...]


def __getattr__(name: str) -> tuple[str, ...]:
    if name == "DIALECTS":
        return _known_dialects()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def normalize_dialect(dialect: str) -> tuple[str | None, str]:
    """``(name, '')`` for a known dialect, else ``(None, message)`` naming the closest one.

    >>> normalize_dialect("PostgreSQL")
    ('postgres', '')
    >>> normalize_dialect("postgress")[1]
    "unknown dialect 'postgress'; did you mean postgres?"
    """
    name = dialect.strip().lower()
    name = _ALIASES.get(name, name)
    if name in ("postgres", "mysql", "mariadb") or name in _known_dialects():
        return name, ""
    known = _known_dialects()
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(known)}"
    return None, f"unknown dialect {dialect!r}{hint}"


def detect_dialect(text: str, hint: str = "") -> str:
    """The dialect of ``text`` read from its code (:func:`ingest.migrations.detect.detect`);
    ``hint`` is its folder's dialect. Comments of every kind are ignored.

    >>> detect_dialect("-- the `users` table\\n/* `id` */ CREATE TABLE users (id serial);")
    'postgres'
    """
    return detect(text, hint)


def file_dialect(f: MigrationFile, dialect: str | None, text: str) -> str | None:
    """The dialect ``f`` (whose text is ``text``) is parsed in; ``dialect`` is the one asked for.
    None when only the text can tell (:func:`parse_file` detects it then).

    >>> f = MigrationFile("/m/001.sql", "mysql/001.sql", "001", "", "", hint="mysql")
    >>> file_dialect(f, None, "CREATE TABLE t (id int);"), file_dialect(f, "postgres", "SELECT 1;")
    ('mysql', 'postgres')
    """
    if f.dialect:
        return f.dialect
    if dialect:
        return "clickhouse" if dialect != "clickhouse" and clickhouse_sign(text) else dialect
    return detect(text, f.hint) if f.hint else None


def _clickhouse(text: str, path: str) -> Diagnostic:
    sign = clickhouse_sign(text)
    what = f" (ENGINE = {sign.word})" if sign is not None else ""
    message = f"ClickHouse DDL{what}: not read; ClickHouse has no foreign keys"
    return Diagnostic("info", message, path=path, line=sign.line if sign else 1, code="clickhouse")


def parse_ops(text: str, path: str, dialect: str) -> tuple[list[Op], list[Diagnostic]]:
    """Operations of one file's text in ``dialect`` (none for ClickHouse: one ``info`` diagnostic)."""
    if dialect == "postgres":
        return pg.parse(text, path)
    if dialect == "clickhouse":
        return [], [_clickhouse(text, path)]
    from ingest.migrations import sqlglot_dialects  # sqlglot: only for the dialects pglast does not read

    return sqlglot_dialects.parse(text, path, dialect=dialect)


def parse_file(text: str, rel: str, dialect: str | None) -> Parsed:
    """One file's parse: ``(dialect, operations, diagnostics, '')``, or the internal error's text.

    Depends only on its arguments (what :mod:`ingest.migrations.cache` and
    :mod:`ingest.migrations.parallel` rely on).
    """
    name = dialect or detect_dialect(text)
    try:
        ops, diags = parse_ops(text, rel, name)
    except Exception as exc:
        return name, [], [], f"{type(exc).__name__}: {exc}"
    return name, ops, diags, ""
