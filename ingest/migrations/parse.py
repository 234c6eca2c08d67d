"""One migration file's text -> its operations: the dialect, then the parser of that dialect.

:func:`parse_file` is what every path through :mod:`ingest.migrations.sets` calls for a
file -- directly, in a worker process (:mod:`ingest.migrations.parallel`) or before an
entry goes to the parse cache (:mod:`ingest.migrations.cache`) -- so it depends on its
arguments only. PostgreSQL goes through :mod:`ingest.migrations.postgres` (pglast),
every other dialect through :mod:`ingest.migrations.sqlglot_dialects` (sqlglot); both
emit :mod:`ingest.migrations.ops`.

A file's dialect is the ``dialect`` argument when given, else detected from the text
(:func:`detect_dialect`: backtick identifiers, ``ENGINE=`` or ``AUTO_INCREMENT`` mean
MySQL; anything else is PostgreSQL).

Examples
--------
>>> detect_dialect("CREATE TABLE `t` (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;")
'mysql'
>>> name, ops, diagnostics, error = parse_file("DROP TABLE t;", "001.sql", None)
>>> name, [type(op).__name__ for op in ops], diagnostics, error
('postgres', ['DropTable'], [], '')
"""

from __future__ import annotations

import difflib
import re

from ingest.migrations import postgres as pg
from ingest.migrations import sqlglot_dialects as mysql
from ingest.migrations.cache import Parsed
from ingest.migrations.ops import Op
from model.inventory import Diagnostic

__all__ = ["DIALECTS", "detect_dialect", "normalize_dialect", "parse_file", "parse_ops"]

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
