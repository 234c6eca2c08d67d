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
  lines that change the terminator (they produce no statement).

Statements that hold nothing but comments are dropped. An unterminated string,
comment or dollar quote swallows the rest of the text into one final statement,
so the parser reports the error. The scanner jumps between interesting
characters with compiled regular expressions (possessive, so they never
backtrack), which keeps a 10 MB dump well under a second.

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = ["MYSQL_DIALECTS", "Statement", "split_statements"]

#: Dialect names split with the MySQL client's rules; every other name uses psql's.
MYSQL_DIALECTS = frozenset({"mysql", "mariadb"})


@dataclass(frozen=True)
class Statement:
    """One statement of a script.

    ``text`` has no trailing terminator and no surrounding whitespace. ``line``
    (1-based) and ``offset`` (0-based, in characters) locate its first
    significant character. ``kind`` is ``'meta'`` for a psql meta-command such as
    ``\\connect db``, else ``'sql'``.
    """

    text: str
    line: int
    offset: int
    kind: Literal["sql", "meta"] = "sql"


# --------------------------------------------------------------------------- shared pieces
_LINE_COMMENT = r"--[^\n]*+"
# A block comment without nested "/*"; nested or unterminated ones stop the fast scan.
_BLOCK_COMMENT = r"/\*(?:[^*/]++|\*(?!/)|/(?!\*))*+\*/"
_NESTED = re.compile(r"/\*|\*/")
_COPY_STDIN = re.compile(r"\\?copy\s.*?\bfrom\s+stdin\b", re.IGNORECASE | re.DOTALL)
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)

# --------------------------------------------------------------------------- PostgreSQL
# E'...' (backslash escapes): the quote follows an E that does not end an identifier.
_E_PREFIX = r"(?<=[eE])(?<![\w$][eE])"
_PG_E_STRING = rf"{_E_PREFIX}'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_PG_STRING = rf"(?!{_E_PREFIX})'[^']*+(?:''[^']*+)*+'"
_PG_QUOTED = r'"[^"]*+(?:""[^"]*+)*+"'
# A '$' that does not open a dollar quote: inside an identifier (a$b) or a parameter ($1).
_PG_PLAIN_DOLLAR = r"(?<=[\w$])\$|\$(?!(?:[^\W\d]\w*+)?\$)"
_PG_MISC = r"-(?!-)|/(?!\*)"
_GROUP_DEPTH = 8  # parentheses nested deeper than this take the precise (slower) scan


def _pg_tokens(n: int) -> str:
    """Strings, identifiers, comments, dollar quotes; ``n`` keeps the tag group name unique."""
    dollar_quote = rf"(?<![\w$])(?>\$(?P<tag{n}>(?:[^\W\d]\w*+)?)\$.*?\$(?P=tag{n})\$)"
    return (
        rf"{_PG_E_STRING}|{_PG_STRING}|{_PG_QUOTED}|{_LINE_COMMENT}|{_BLOCK_COMMENT}"
        rf"|{dollar_quote}|{_PG_PLAIN_DOLLAR}|{_PG_MISC}"
    )


def _pg_group(depth: int) -> str:
    """A balanced (...) group nested at most ``depth`` deep; a ';' inside it ends nothing."""
    group = ""
    for level in range(depth):
        nested = f"|{group}" if group else ""
        group = rf"\((?:[^'\"$\-/\\()]++|{_pg_tokens(level + 1)}{nested})*+\)"
    return group


# A statement body: plain text, tokens, balanced groups and stray ')' (psql clamps the depth
# at 0). It stops at ';', a backslash, an unclosed or too deep '(', a nested comment or an
# unterminated token.
_PG_BODY_SRC = rf"(?:[^;'\"$\-/\\()]++|{_pg_tokens(0)}|{_pg_group(_GROUP_DEPTH)}|\))*+"
_PG_LEAD_SRC = rf"(?:\s++|{_LINE_COMMENT}|{_BLOCK_COMMENT})*+"
# Leading blanks and comments, then (group 1) the statement up to where the body stops.
_PG_NEXT = re.compile(rf"{_PG_LEAD_SRC}({_PG_BODY_SRC})", re.DOTALL)
_PG_BODY = re.compile(_PG_BODY_SRC, re.DOTALL)
# The precise scan stops at every parenthesis and at the words BEGIN, CASE and END.
_PG_KEYWORD = r"(?i:begin|case|end)(?![\w$])"
_PG_BODY_PRECISE = re.compile(
    rf"(?:[^;'\"$\-/\\()\w]++|(?!{_PG_KEYWORD})\w[\w$]*+|{_pg_tokens(0)})*+", re.DOTALL
)
_PG_KEYWORD_AT = re.compile(_PG_KEYWORD)
_PG_STD_STRING_END = re.compile(r"[^']*+(?:''[^']*+)*+'")
_PG_E_STRING_END = re.compile(r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'", re.DOTALL)
_PG_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*+)?\$")
_PG_ROUTINE = re.compile(r"create\s+(?:or\s+replace\s+)?(?:function|procedure)\b", re.IGNORECASE)
_PG_BEGIN = re.compile(r"(?<![\w$])begin(?![\w$])", re.IGNORECASE)
_IDENT_CHAR = re.compile(r"[\w$]")

# --------------------------------------------------------------------------- MySQL
_MY_STRING = r"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_MY_DQ_STRING = r'"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+"'
_MY_BACKTICK = r"`[^`]*+(?:``[^`]*+)*+`"
_MY_HASH = r"#[^\n]*+"
_MY_DASHES = r"--(?=\s|\Z)[^\n]*+"
_MY_BLOCK = r"/\*(?:[^*]++|\*(?!/))*+\*/"
_MY_LEAD_SRC = rf"(?:\s++|{_MY_HASH}|{_MY_DASHES}|{_MY_BLOCK})*+"
_MY_DELIMITER = re.compile(r"delimiter(?![\w$])[ \t]*+(\S*)[^\n]*+", re.IGNORECASE)


@lru_cache(maxsize=32)
def _my_next(delimiter: str) -> re.Pattern[str]:
    """Blanks and comments, then (group 1) a MySQL statement body up to ``delimiter``."""
    first = re.escape(delimiter[0])
    stop = re.escape(delimiter)
    body = (
        rf"(?:[^'\"`#\-/{first}]++|{_MY_STRING}|{_MY_DQ_STRING}|{_MY_BACKTICK}|{_MY_HASH}|{_MY_DASHES}"
        rf"|{_MY_BLOCK}|(?!{stop})(?!/\*)[\-/#{first}])*+"
    )
    return re.compile(rf"{_MY_LEAD_SRC}({body})", re.DOTALL)


class _Output:
    """Collects statements and counts lines incrementally (offsets only grow)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.statements: list[Statement] = []
        self._line = 1
        self._line_pos = 0

    def emit(self, start: int, end: int, kind: Literal["sql", "meta"] = "sql") -> str:
        body = self.text[start:end].rstrip()
        if body:
            self._line += self.text.count("\n", self._line_pos, start)
            self._line_pos = start
            self.statements.append(Statement(body, self._line, start, kind))
        return body


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
    if not isinstance(text, str):
        return []
    if dialect.lower() in MYSQL_DIALECTS:
        return _split_mysql(text)
    return _split_postgres(text)


# --------------------------------------------------------------------------- scanners
def _skip_nested_comment(text: str, pos: int) -> int:
    """End of the (possibly nested) block comment opening at ``pos``; -1 if unterminated."""
    depth = 0
    for m in _NESTED.finditer(text, pos):
        if m.group() == "/*":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def _skip_copy_data(text: str, pos: int) -> int:
    """Position after the ``\\.`` line ending COPY data that starts on the line after ``pos``."""
    newline = text.find("\n", pos)
    if newline < 0:
        return len(text)
    end = _COPY_END.search(text, newline + 1)
    return len(text) if end is None else end.end()


def _is_copy_from_stdin(text: str, start: int, body: str) -> bool:
    return text[start] in "cC\\" and _COPY_STDIN.match(body) is not None


def _pg_hard(text: str, pos: int) -> int:
    """Skip the token at ``pos`` that the fast pattern left; len(text) if it is unterminated."""
    c = text[pos]
    end = -1
    if c == "'":
        e_string = text[pos - 1 : pos] in ("e", "E") and (pos < 2 or not _IDENT_CHAR.match(text, pos - 2))
        m = (_PG_E_STRING_END if e_string else _PG_STD_STRING_END).match(text, pos + 1)
        end = m.end() if m else -1
    elif c == "/" and text.startswith("/*", pos):
        end = _skip_nested_comment(text, pos)
    elif c == "$" and (tag := _PG_DOLLAR_TAG.match(text, pos)) is not None:
        close = text.find(tag.group(), tag.end())
        end = close + len(tag.group()) if close >= 0 else -1
    elif c != '"':  # a terminated "identifier" never stops the fast pattern
        return pos + 1
    return len(text) if end < 0 else end


def _pg_statement(text: str, start: int, pos: int) -> tuple[int, int, bool]:
    """Finish the statement at ``start`` whose fast scan stopped at ``pos``.

    Returns (end of its text, position to resume at, ended by ';').
    """
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == ";":
            if _PG_ROUTINE.match(text, start) and _PG_BEGIN.search(text, start, pos):
                return _pg_statement_precise(text, start)
            return pos, pos + 1, True
        if c == "\\":
            return pos, pos, False
        if c == "(":  # unclosed or nested too deep for the fast pattern
            return _pg_statement_precise(text, start)
        pos = _PG_BODY.match(text, _pg_hard(text, pos)).end()  # type: ignore[union-attr]
    return n, n, False


def _pg_statement_precise(text: str, start: int) -> tuple[int, int, bool]:
    """Like :func:`_pg_statement`, ignoring ';' inside parentheses and BEGIN ATOMIC ... END (psql's rule)."""
    n = len(text)
    routine = _PG_ROUTINE.match(text, start) is not None
    parens = blocks = 0
    pos = start
    while True:
        pos = _PG_BODY_PRECISE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return n, n, False
        c = text[pos]
        if c == ";":
            if parens == 0 and blocks == 0:
                return pos, pos + 1, True
            pos += 1
        elif c == "(":
            parens += 1
            pos += 1
        elif c == ")":
            parens = max(0, parens - 1)
            pos += 1
        elif c == "\\":
            return pos, pos, False
        elif (kw := _PG_KEYWORD_AT.match(text, pos)) is not None:
            word = kw.group().lower()
            if routine and parens == 0:
                if word == "begin" or (word == "case" and blocks >= 1):
                    blocks += 1
                elif word == "end" and blocks > 0:
                    blocks -= 1
            pos = kw.end()
        else:
            pos = _pg_hard(text, pos)


def _split_postgres(text: str) -> list[Statement]:
    out = _Output(text)
    n = len(text)
    pos = 1 if text.startswith("\ufeff") else 0
    while pos < n:
        start, end = _PG_NEXT.match(text, pos).span(1)  # type: ignore[union-attr]
        if start >= n:
            break
        c = text[end] if end < n else ""
        if start == end:  # the statement would begin with a character the fast pattern left
            if c == ";":
                pos = end + 1
                continue
            if c == "\\":  # psql meta-command: to the end of the line
                eol = text.find("\n", start)
                eol = n if eol < 0 else eol
                body = out.emit(start, eol, "meta")
                pos = _skip_copy_data(text, eol) if _is_copy_from_stdin(text, start, body) else eol + 1
                continue
            if c == "/":  # a nested or unterminated comment before the statement
                pos = _skip_nested_comment(text, start)
                if pos < 0:
                    out.emit(start, n)
                    break
                continue
        if c == ";":
            resume, terminated = end + 1, True
            if text[start] in "cC" and _PG_ROUTINE.match(text, start) and _PG_BEGIN.search(text, start, end):
                end, resume, terminated = _pg_statement_precise(text, start)
        else:
            end, resume, terminated = _pg_statement(text, start, end)
        body = out.emit(start, end)
        pos = _skip_copy_data(text, end) if terminated and _is_copy_from_stdin(text, start, body) else resume
    return out.statements


def _split_mysql(text: str) -> list[Statement]:
    out = _Output(text)
    n = len(text)
    delimiter = ";"
    pattern = _my_next(delimiter)
    pos = 1 if text.startswith("\ufeff") else 0
    while pos < n:
        start, end = pattern.match(text, pos).span(1)  # type: ignore[union-attr]
        if start >= n:
            break
        if start == end and text.startswith(delimiter, start):
            pos = start + len(delimiter)
            continue
        if text[start] in "dD" and (command := _MY_DELIMITER.match(text, start)) is not None:
            if command.group(1):
                delimiter = command.group(1)
                pattern = _my_next(delimiter)
            pos = command.end()
            continue
        if not text.startswith(delimiter, end):
            end = n  # an unterminated string, identifier or comment runs to the end
        out.emit(start, end)
        pos = end + len(delimiter)
    return out.statements
