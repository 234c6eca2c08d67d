"""The PostgreSQL statement scanner behind :func:`ingest.migrations.split.split_statements`.

psql's rules (see :mod:`ingest.migrations.split`): strings, ``E''`` strings, quoted
identifiers, dollar quotes, nested block comments, ``;`` inside parentheses and
``BEGIN ATOMIC ... END`` bodies, psql meta-commands and ``COPY ... FROM stdin`` data.
A fast compiled pattern finds most statements; the rest take the precise scan.
"""

from __future__ import annotations

import re

from ingest.migrations.possessive import compile_possessive
from ingest.migrations.split_lex import BLOCK_COMMENT as _BLOCK_COMMENT
from ingest.migrations.split_lex import LINE_COMMENT as _LINE_COMMENT
from ingest.migrations.split_lex import Output, Statement, end_at, match_at, span_at

__all__ = ["split_postgres"]

_NESTED = re.compile(r"/\*|\*/")
_COPY_STDIN = re.compile(r"\\?copy\s.*?\bfrom\s+stdin\b", re.IGNORECASE | re.DOTALL)
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)

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
_PG_NEXT = compile_possessive(rf"{_PG_LEAD_SRC}({_PG_BODY_SRC})", re.DOTALL)
_PG_BODY = compile_possessive(_PG_BODY_SRC, re.DOTALL)
# The precise scan stops at every parenthesis and at the words BEGIN, CASE and END.
_PG_KEYWORD = r"(?i:begin|case|end)(?![\w$])"
_PG_BODY_PRECISE = compile_possessive(
    rf"(?:[^;'\"$\-/\\()\w]++|(?!{_PG_KEYWORD})\w[\w$]*+|{_pg_tokens(0)})*+", re.DOTALL
)
_PG_KEYWORD_AT = re.compile(_PG_KEYWORD)
_PG_STD_STRING_END = compile_possessive(r"[^']*+(?:''[^']*+)*+'")
_PG_E_STRING_END = compile_possessive(r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'", re.DOTALL)
_PG_DOLLAR_TAG = compile_possessive(r"\$(?:[^\W\d]\w*+)?\$")
_PG_ROUTINE = re.compile(r"create\s+(?:or\s+replace\s+)?(?:function|procedure)\b", re.IGNORECASE)
_PG_BEGIN = re.compile(r"(?<![\w$])begin(?![\w$])", re.IGNORECASE)
_IDENT_CHAR = re.compile(r"[\w$]")


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
        m = match_at(_PG_E_STRING_END if e_string else _PG_STD_STRING_END, text, pos + 1)
        end = m.end() if m else -1
    elif c == "/" and text.startswith("/*", pos):
        end = _skip_nested_comment(text, pos)
    elif c == "$" and (tag := _PG_DOLLAR_TAG.match(text, pos)) is not None:
        close = text.find(tag.group(), tag.end())
        end = close + len(tag.group()) if close >= 0 else -1
    elif c != '"':  # a terminated "identifier" never stops the fast pattern
        return pos + 1
    return len(text) if end < 0 else max(end, pos + 1)


def _pg_statement(text: str, start: int, pos: int) -> tuple[int, int, bool]:
    """Finish the statement at ``start`` whose fast scan stopped at ``pos``.

    Returns (end of its text, position to resume at, ended by ';').
    """
    n = len(text)
    last = -1
    while pos < n:
        pos = max(pos, last + 1)  # forward progress, whatever the regex engine returns
        if pos >= n:
            break
        last = pos
        c = text[pos]
        if c == ";":
            if _PG_ROUTINE.match(text, start) and _PG_BEGIN.search(text, start, pos):
                return _pg_statement_precise(text, start)
            return pos, pos + 1, True
        if c == "\\":
            return pos, pos, False
        if c == "(":  # unclosed or nested too deep for the fast pattern
            return _pg_statement_precise(text, start)
        after = _pg_hard(text, pos)
        pos = end_at(match_at(_PG_BODY, text, after), after)
    return n, n, False


def _pg_statement_precise(text: str, start: int) -> tuple[int, int, bool]:
    """Like :func:`_pg_statement`, ignoring ';' inside parentheses and BEGIN ATOMIC ... END (psql's rule)."""
    n = len(text)
    routine = _PG_ROUTINE.match(text, start) is not None
    parens = blocks = 0
    pos = start
    last = -1
    while True:
        pos = end_at(match_at(_PG_BODY_PRECISE, text, pos), pos)
        if pos <= last:  # forward progress, whatever the regex engine returns
            pos = last + 1
        last = pos
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
            pos = max(kw.end(), pos + 1)
        else:
            pos = _pg_hard(text, pos)


def split_postgres(text: str) -> list[Statement]:
    """The statements of a PostgreSQL script (see :func:`ingest.migrations.split.split_statements`)."""
    out = Output(text)
    n = len(text)
    pos = 1 if text.startswith("\ufeff") else 0
    last = -1
    while pos < n:
        if pos <= last:  # forward progress, whatever the regex engine returns
            pos = last + 1
            if pos >= n:
                break
        last = pos
        start, end = span_at(match_at(_PG_NEXT, text, pos), pos)
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
