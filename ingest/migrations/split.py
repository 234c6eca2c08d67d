r"""Split a SQL script into statements, the way ``psql`` and the ``mysql`` client do.

The splitter only finds statement boundaries; it never parses SQL. It knows
enough lexical structure not to be fooled by a ``;`` inside a string, a quoted
identifier, a comment or a function body:

* PostgreSQL (the default, also used for every dialect that is not MySQL):
  ``'...'`` strings with ``''`` escapes, ``E'...\'...'`` strings, ``"quoted
  identifiers"``, dollar quotes (``$$ ... $$``, ``$fn$ ... $fn$``), ``--`` line
  comments and nested ``/* /* */ */`` block comments. Like ``psql`` it ignores a
  ``;`` inside parentheses (``CREATE RULE ... DO (a; b)``) and inside a
  ``CREATE FUNCTION ... BEGIN ATOMIC ... END`` body. ``COPY ... FROM stdin``
  is returned and the data lines after it, up to the ``\.`` line, are skipped.
  A backslash outside quotes starts a psql meta-command (``\connect db``,
  ``\i file``, ``\restrict key``...), returned with ``kind='meta'``; it runs to
  the end of its line.
* MySQL (``dialect='mysql'`` or ``'mariadb'``): backtick identifiers, strings
  with backslash escapes, ``#`` and ``-- `` comments, and ``DELIMITER //``
  lines that change the terminator (they produce no statement). Executable
  comments -- ``/*! ... */``, ``/*!50001 ... */`` and, for MariaDB, ``/*M! ...
  */``, which ``mysqldump`` writes -- are SQL to the server: their content is
  split like any other text (a version-gated one is taken as run, as current
  servers do; ``/*M!999999 ... */``, never run, stays a comment), and
  :func:`executable_text` gives a statement's text as the server reads it.

Statements that hold nothing but comments are dropped. A broken statement -- an
unterminated string, quoted identifier or dollar quote, a parenthesis or ``BEGIN
ATOMIC`` block still open at the end of the text -- ends at the next ``;`` (the
clients would send the rest of the file with it, which the server rejects whole),
and its :attr:`Statement.error` says what and where, so it is reported without
being parsed and every later statement is still read. An unterminated comment
(nested ``/* /* */`` in PostgreSQL) takes the rest of the file, as in the servers.
The scanner jumps between interesting characters with compiled regular expressions
(possessive, so they never backtrack), which keeps a 10 MB dump well under a second.

Examples
--------
>>> sql = "CREATE TABLE a (id int);\n-- note\nINSERT INTO a VALUES (1); -- tail\n\\connect other\n"
>>> for s in split_statements(sql):
...     print(s.line, s.kind, s.text)
1 sql CREATE TABLE a (id int)
3 sql INSERT INTO a VALUES (1)
4 meta \connect other
>>> [s.text for s in split_statements("DO $$ BEGIN PERFORM 1; END $$; SELECT ';'")]
['DO $$ BEGIN PERFORM 1; END $$', "SELECT ';'"]
>>> mysql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\n"
>>> [s.text for s in split_statements(mysql, dialect="mysql")]
['CREATE PROCEDURE p() BEGIN SELECT 1; END']
>>> [s.text for s in split_statements("/*!40000 ALTER TABLE t DISABLE KEYS */;", dialect="mysql")]
['/*!40000 ALTER TABLE t DISABLE KEYS */']
>>> [(s.text, s.error) for s in split_statements("INSERT INTO t VALUES (1;\nSELECT 2;")]
[('INSERT INTO t VALUES (1', "unclosed parenthesis on line 1; read up to the next ';'"), ('SELECT 2', '')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ingest.migrations.possessive import compile_possessive
from ingest.migrations.split_lex import Output, Statement, match_at, span_at
from ingest.migrations.split_pg import RECOVERY_PASSES, iter_postgres

__all__ = ["MYSQL_DIALECTS", "Statement", "executable_text", "iter_statements", "split_statements"]

#: Dialect names split with the MySQL client's rules; every other name uses psql's.
MYSQL_DIALECTS = frozenset({"mysql", "mariadb"})

# --------------------------------------------------------------------------- MySQL
_MY_STRING = r"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_MY_DQ_STRING = r'"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+"'
_MY_BACKTICK = r"`[^`]*+(?:``[^`]*+)*+`"
_MY_HASH = r"#[^\n]*+"
_MY_DASHES = r"--(?=\s|\Z)[^\n]*+"
# An executable comment's opening, by whether MariaDB's /*M! counts; /*!999999 never runs.
_MY_EXEC = {False: r"/\*!(?!999999)\d{0,6}", True: r"/\*M?!(?!999999)\d{0,6}"}
_MY_DELIMITER = compile_possessive(r"delimiter(?![\w$])[ \t]*+(\S*)[^\n]*+", re.IGNORECASE)


@lru_cache(maxsize=32)
def _my_next(delimiter: str, mariadb: bool = False) -> re.Pattern[str]:
    """Blanks and comments, then (group 1) a MySQL statement body up to ``delimiter``. The
    opening of an executable comment is text (its ``*/`` already is)."""
    first = re.escape(delimiter[0])
    stop = re.escape(delimiter)
    opening = _MY_EXEC[mariadb]
    block = rf"(?!{opening})/\*(?:[^*]++|\*(?!/))*+\*/"
    lead = rf"(?:\s++|{_MY_HASH}|{_MY_DASHES}|{block})*+"
    body = (
        rf"(?:[^'\"`#\-/{first}]++|{_MY_STRING}|{_MY_DQ_STRING}|{_MY_BACKTICK}|{_MY_HASH}|{_MY_DASHES}"
        rf"|{block}|{opening}|(?!{stop})(?!/\*)[\-/#{first}])*+"
    )
    return compile_possessive(rf"{lead}({body})", re.DOTALL)


@lru_cache(maxsize=2)
def _my_exec_tokens(mariadb: bool) -> re.Pattern[str]:
    """What :func:`executable_text` must see: quoted text and comments (kept), executable
    comments' openings (group 1) and ``*/`` (group 2)."""
    return compile_possessive(
        rf"{_MY_STRING}|{_MY_DQ_STRING}|{_MY_BACKTICK}|{_MY_HASH}|{_MY_DASHES}"
        rf"|({_MY_EXEC[mariadb]})|(?!{_MY_EXEC[mariadb]})/\*(?:[^*]++|\*(?!/))*+\*/|(\*/)",
        re.DOTALL,
    )


def executable_text(text: str, *, dialect: str = "mysql") -> str:
    """``text`` as a MySQL (``dialect='mariadb'``: MariaDB) server reads it: the markers of
    its executable comments blanked, so every offset and line stays where it was.

    >>> executable_text("CREATE TABLE t (id int) /*!50100 PARTITION BY HASH (id) */")
    'CREATE TABLE t (id int)          PARTITION BY HASH (id)   '
    >>> executable_text("/*M!100100 SET x = 1 */ /*!999999 never */", dialect="mariadb")
    '           SET x = 1    /*!999999 never */'
    """
    if "/*" not in text or "!" not in text:
        return text
    out: list[str] = []
    pos, inside = 0, False
    for m in _my_exec_tokens(dialect == "mariadb").finditer(text):
        if m.group(1) is not None and not inside:
            out += [text[pos : m.start()], " " * (m.end() - m.start())]
            pos, inside = m.end(), True
        elif m.group(2) is not None and inside:
            out += [text[pos : m.start()], "  "]
            pos, inside = m.end(), False
    out.append(text[pos:])
    return "".join(out)


def split_statements(text: str, *, dialect: str = "postgres") -> list[Statement]:
    """Split ``text`` into statements; never raises.

    Parameters
    ----------
    text : str
        A whole SQL script (migration file, dump).
    dialect : str
        ``'mysql'``/``'mariadb'`` use the MySQL client's rules; anything else psql's.

    Returns
    -------
    list of Statement
        In file order, empty statements dropped.

    Examples
    --------
    >>> [s.text for s in split_statements("COPY t (a) FROM stdin;\\n1;2\\n\\\\.\\nSELECT 2;")]
    ['COPY t (a) FROM stdin', 'SELECT 2']
    """
    return list(iter_statements(text, dialect=dialect))


def iter_statements(text: str, *, dialect: str = "postgres") -> Iterator[Statement]:
    """:func:`split_statements` one statement at a time (the list is never held)."""
    if not isinstance(text, str):
        return iter(())
    if dialect.lower() in MYSQL_DIALECTS:
        return _iter_mysql(text, mariadb=dialect.lower() == "mariadb")
    return iter_postgres(text)


_MY_UNTERMINATED = {
    "'": "unterminated quoted string",
    '"': "unterminated quoted string",
    "`": "unterminated quoted identifier",
    "/": "unterminated /* comment",
}


def _iter_mysql(text: str, *, mariadb: bool) -> Iterator[Statement]:
    out = Output(text)
    n = len(text)
    delimiter = ";"
    pattern = _my_next(delimiter, mariadb)
    budget = RECOVERY_PASSES * n  # characters a broken statement may still cost to recover from
    pos = 1 if text.startswith("\ufeff") else 0
    last = -1
    while pos < n:
        if pos <= last:  # forward progress, whatever the regex engine returns
            pos = last + 1
            if pos >= n:
                break
        last = pos
        start, end = span_at(match_at(pattern, text, pos), pos)
        if start >= n:
            break
        if start == end and text.startswith(delimiter, start):
            pos = start + len(delimiter)
            continue
        if text[start] in "dD" and (command := match_at(_MY_DELIMITER, text, start)) is not None:
            if command.group(1):
                delimiter = command.group(1)
                pattern = _my_next(delimiter, mariadb)
            pos = command.end()
            continue
        problem = None
        if end < n and not text.startswith(delimiter, end):  # an unterminated token at end
            budget -= n - start
            problem, end = _my_broken(text, end, delimiter, budget)
        statement = out.make(start, end, problem=problem)
        if statement is not None:
            yield statement
        pos = end + len(delimiter)


def _my_broken(text: str, at: int, delimiter: str, budget: int) -> tuple[tuple[str, int, str], int]:
    """A statement broken by the unterminated token at ``at`` ends at the next delimiter
    (a comment, or one past the recovery budget, at the end of the text): its problem and end."""
    what = _MY_UNTERMINATED.get(text[at], "unterminated token")
    cut = -1 if text[at] == "/" or budget < 0 else text.find(delimiter, at + 1)
    if cut < 0:
        return (what, at, "; the rest of the file belongs to it"), len(text)
    return (what, at, f"; read up to the next {delimiter!r}"), cut
