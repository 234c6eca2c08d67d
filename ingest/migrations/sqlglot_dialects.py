"""MySQL (and other non-PostgreSQL dialects) -> neutral DDL operations, with sqlglot.

Statements are split with the MySQL client's rules (backticks, ``#`` comments,
``DELIMITER``), filtered by their first words, and parsed one by one with
``sqlglot.parse(text, read=dialect)``, so one bad statement is one
``parse-error`` diagnostic. A statement the splitter knows is broken (an
unterminated string or comment) is one too; other statements (``INSERT``...) are
not parsed: sqlglot is too slow for a dump's data. MySQL executable comments
(``/*!40000 ALTER TABLE ... */``, as ``mysqldump`` writes them) are read as the
server reads them; when sqlglot cannot read what one holds (``/*!50100 PARTITION
BY ... */``), the statement is read again with it as a comment. Understood: ``CREATE TABLE`` (columns, inline
``REFERENCES``, table-level ``[CONSTRAINT n] FOREIGN KEY``, keys, ``LIKE``,
``IF NOT EXISTS``), ``ALTER TABLE`` (``ADD [CONSTRAINT] FOREIGN KEY``, ``ADD
COLUMN``, ``DROP FOREIGN KEY``, ``DROP CONSTRAINT``, ``DROP PRIMARY KEY``,
``DROP COLUMN``, ``RENAME [COLUMN]``, ``CHANGE``/``MODIFY``), ``RENAME TABLE a TO
b, ...``, ``DROP TABLE``, ``DROP DATABASE``/``SCHEMA`` and ``USE db`` (sets the
schema of unqualified names). Names keep the case they are written in.

MySQL up to 8.4 parses but *ignores* an inline column ``REFERENCES`` (MariaDB and
MySQL 9 create the key): it is recorded as a FK, with an ``info`` diagnostic.
sqlglot turns statements it does not know into ``exp.Command``; one that
mentions ``FOREIGN KEY``/``REFERENCES`` becomes an ``unsupported`` warning.

Examples
--------
>>> sql = ("CREATE TABLE `orders` (\\n  `id` INT PRIMARY KEY,\\n  `user_id` INT,\\n"
...        "  FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE\\n) ENGINE=InnoDB;")
>>> ops, diags = parse(sql, "m.sql")
>>> fk = ops[0].fks[0]
>>> fk.name, fk.columns, fk.ref_table.name, fk.ref_columns, fk.on_delete, fk.line
(None, ('user_id',), 'users', ('id',), 'CASCADE', 4)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from ingest.migrations import ops as o
from ingest.migrations import sqlglot_convert as c
from ingest.migrations.split import MYSQL_DIALECTS, Statement, executable_text, iter_statements
from model.inventory import Diagnostic

__all__ = ["parse"]

_RELEVANT = re.compile(
    r"(?i)(?:CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\b|ALTER\s+(?:ONLINE\s+|IGNORE\s+)?TABLE\b|"
    r"DROP\s+(?:TABLE|DATABASE|SCHEMA)\b|RENAME\s+TABLES?\b|USE\b)"
)
_RENAME = re.compile(r"(?is)\ARENAME\s+TABLES?\s+(.*)\Z")
_FK_WORDS = re.compile(r"(?i)\b(?:FOREIGN\s+KEY|REFERENCES)\b")
_REFERENCES = re.compile(r"(?i)\bREFERENCES\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence sqlglot's 'unsupported syntax' log warnings: they become diagnostics instead."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


#: Dialects sqlglot reads under another name.
_READ_AS = {"mariadb": "mysql"}


def parse(text: str, path: str, *, dialect: str = "mysql") -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations and diagnostics of a script in ``dialect`` (a sqlglot dialect name, or ``mariadb``)."""
    ops: list[o.Op] = []
    diags: list[Diagnostic] = []
    split_dialect = dialect if dialect in MYSQL_DIALECTS else "postgres"
    read = _READ_AS.get(dialect, dialect)
    with _quiet():
        for st in iter_statements(text, dialect=split_dialect):
            if st.error and st.kind == "sql":  # the splitter knows it is broken
                diags.append(
                    c.diag(st, path, "error", "parse-error", f"{dialect} syntax error: {st.error}; skipped")
                )
                continue
            if st.kind != "sql":
                continue
            server = _as_the_server_reads(st, split_dialect)
            if not _RELEVANT.match(server.text):
                continue
            attempt, notes = _read(server, path, read, dialect)
            if not attempt and server is not st and _RELEVANT.match(st.text):
                # sqlglot cannot read what an executable comment holds (PARTITION BY...):
                # read it as a comment, as older servers do
                plain, plain_notes = _read(st, path, read, dialect)
                if plain:
                    attempt, notes = plain, plain_notes
            ops += attempt
            diags += notes
    return ops, diags


def _as_the_server_reads(st: Statement, dialect: str) -> Statement:
    """``st`` with its MySQL executable comments' content as plain SQL (see
    :func:`ingest.migrations.split.executable_text`); ``st`` itself when it has none."""
    if dialect not in MYSQL_DIALECTS:
        return st
    text = executable_text(st.text, dialect=dialect)
    if text is st.text:
        return st
    body = text.strip()
    lead = len(text) - len(text.lstrip())
    return Statement(body, st.line + text.count("\n", 0, lead), st.offset + lead)


def _read(st: Statement, path: str, read: str, dialect: str) -> tuple[list[o.Op], list[Diagnostic]]:
    """One relevant statement's operations and diagnostics; a failure is a diagnostic."""
    diags: list[Diagnostic] = []
    try:
        return _statement(st, path, read, diags), diags
    except RecursionError:  # sqlglot parses recursively: absurd nesting must not stop the file
        message = f"{dialect} statement nested too deeply to read; skipped"
        diags.append(c.diag(st, path, "error", "parse-error", message))
    except SqlglotError as exc:
        text = _ANSI.sub("", str(exc)).strip()
        first = text.splitlines()[0][:200] if text else type(exc).__name__
        diags.append(c.diag(st, path, "error", "parse-error", f"{dialect} syntax error: {first}; skipped"))
    except Exception as exc:
        msg = f"internal error reading statement: {type(exc).__name__}: {exc}"
        diags.append(c.diag(st, path, "error", "internal", msg))
    return [], diags


def _statement(st: Statement, path: str, dialect: str, diags: list[Diagnostic]) -> list[o.Op]:
    kw: dict[str, Any] = {"line": st.line, "text": st.text}
    rename = _RENAME.match(st.text)
    if rename:
        return c.rename_tables(rename.group(1), dialect, kw)
    out: list[o.Op] = []
    lines = _reference_lines(st)
    for e in sqlglot.parse(st.text, read=dialect):
        if isinstance(e, exp.Create) and str(e.args.get("kind", "")).upper() == "TABLE":
            out += c.create(e, dialect, lines, kw, st, path, diags)
        elif isinstance(e, exp.Alter) and str(e.args.get("kind", "")).upper() == "TABLE":
            out += c.alter(e, dialect, lines, kw, st, path, diags)
        elif isinstance(e, exp.Drop):
            out += c.drop(e, kw)
        elif isinstance(e, exp.Use) and e.this is not None:
            out.append(o.SetSearchPath((e.this.name,), **kw))
        elif isinstance(e, exp.Command) and _FK_WORDS.search(st.text):
            diags.append(
                c.diag(st, path, "warning", "unsupported", f"{dialect} statement not understood; skipped")
            )
    return out


def _reference_lines(st: Statement) -> Iterator[int]:
    """Lines of the REFERENCES keywords of a statement, in order (then the statement line forever)."""
    for m in _REFERENCES.finditer(st.text):
        yield st.line + st.text.count("\n", 0, m.start())
    while True:
        yield st.line
