"""The PostgreSQL statement scanner behind :func:`ingest.migrations.split.split_statements`.

psql's rules (see :mod:`ingest.migrations.split`): strings, ``E''`` strings, quoted
identifiers, dollar quotes, nested block comments, ``;`` inside parentheses and
``BEGIN ATOMIC ... END`` bodies, psql meta-commands and ``COPY ... FROM stdin`` data.
A fast compiled pattern finds most statements; the rest take the precise scan.

A broken statement -- an unterminated string, quoted identifier or dollar quote, a
parenthesis or ``BEGIN`` block still open at the end -- is cut at the next ``;``
(psql would send the rest of the file as one statement, which the server rejects) and
flagged (:attr:`~ingest.migrations.split_lex.Statement.error`), so the statements after
it are still read. Finding that a token is unterminated takes a scan to the end of the
text: after :data:`RECOVERY_PASSES` such scans' worth of text, or at an unterminated
nested comment, the broken statement takes the rest of the file, so the time stays
linear.

A :class:`Scanner` can also read a text in pieces, from statement starts in increasing order
(:mod:`ingest.migrations.postgres_chunks` has the parser read the rest): the statements, their
lines and the recovery budget are those of one scan; :meth:`Scanner.statement_end` says where
the statement at an offset ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ingest.migrations.possessive import compile_possessive
from ingest.migrations.split_lex import BLOCK_COMMENT as _BLOCK_COMMENT
from ingest.migrations.split_lex import LINE_COMMENT as _LINE_COMMENT
from ingest.migrations.split_lex import Output, Problem, Statement, end_at, match_at, span_at

__all__ = ["RECOVERY_PASSES", "Scanner", "is_routine", "iter_postgres"]

#: How many times the text may be rescanned to the end to recover from broken statements.
RECOVERY_PASSES = 4

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
_PG_KEYWORD = r"(?i:begin|case|end)(?![\w$])"


@cache
def _large_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The statement, body and precise-body patterns, compiled when a text is first split
    (about 10 ms: most scans read every script whole and never split one)."""
    # Leading blanks and comments, then (group 1) the statement up to where the body stops.
    statement = compile_possessive(rf"{_PG_LEAD_SRC}({_PG_BODY_SRC})", re.DOTALL)
    body = compile_possessive(_PG_BODY_SRC, re.DOTALL)
    # The precise scan stops at every parenthesis and at the words BEGIN, CASE and END.
    precise = compile_possessive(
        rf"(?:[^;'\"$\-/\\()\w]++|(?!{_PG_KEYWORD})\w[\w$]*+|{_pg_tokens(0)})*+", re.DOTALL
    )
    return statement, body, precise


_PG_KEYWORD_AT = re.compile(_PG_KEYWORD)
_PG_STD_STRING_END = compile_possessive(r"[^']*+(?:''[^']*+)*+'")
_PG_E_STRING_END = compile_possessive(r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'", re.DOTALL)
_PG_DOLLAR_TAG = compile_possessive(r"\$(?:[^\W\d]\w*+)?\$")
_PG_ROUTINE = re.compile(r"create\s+(?:or\s+replace\s+)?(?:function|procedure)\b", re.IGNORECASE)
_PG_BEGIN = re.compile(r"(?<![\w$])begin(?![\w$])", re.IGNORECASE)
_IDENT_CHAR = re.compile(r"[\w$]")


#: What an unterminated token is, by its first character (PostgreSQL's words).
_UNTERMINATED = {
    "'": "unterminated quoted string",
    '"': "unterminated quoted identifier",
    "$": "unterminated dollar-quoted string",
    "/": "unterminated /* comment",
}
_UP_TO_SEMICOLON = "; read up to the next ';'"
_TO_THE_END = "; the rest of the file belongs to it"
_NESTING = " (comments nest in PostgreSQL: each /* needs its own */)"
_NO_MORE = " (too many broken statements before it to read on)"
#: (end of the statement's text, position to resume at, ended by ';', problem or None)
_Scan = tuple[int, int, bool, "Problem | None"]


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
    """Skip the token at ``pos`` that the fast pattern left; -1 if it is unterminated."""
    c = text[pos]
    end = -1
    if c == "'":
        e_string = text[pos - 1 : pos] in ("e", "E") and (pos < 2 or not _IDENT_CHAR.match(text, pos - 2))
        m = match_at(_PG_E_STRING_END if e_string else _PG_STD_STRING_END, text, pos + 1)
        end = m.end() if m else -1
    elif c == "/" and text.startswith("/*", pos):
        end = _skip_nested_comment(text, pos)
    elif c == "$" and (tag := match_at(_PG_DOLLAR_TAG, text, pos)) is not None:
        close = text.find(tag.group(), tag.end())
        end = close + len(tag.group()) if close >= 0 else -1
    elif c != '"':  # a terminated "identifier" never stops the fast pattern
        return pos + 1
    return -1 if end < 0 else max(end, pos + 1)


def is_routine(text: str, start: int) -> bool:
    """Whether the statement at ``start`` is a ``CREATE FUNCTION``/``PROCEDURE``, whose end psql's
    ``BEGIN ... END`` rule may move."""
    return _PG_ROUTINE.match(text, start) is not None


class Scanner:
    """One PostgreSQL text on its way to statements, with what recovering from broken
    statements may still cost (characters rescanned)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.budget = RECOVERY_PASSES * self.n
        self.out = Output(text)  # lines counted once over every call of statements()
        self.next_re, self.body_re, self.precise_re = _large_patterns()

    def broken(self, start: int, at: int, what: str = "", cut_from: int = -1) -> _Scan:
        """The statement at ``start`` is broken by the token at ``at`` (or the construct
        ``what`` opened there): it ends at the first ';' from ``cut_from`` (default: after
        the token), or takes the rest of the text."""
        text, n = self.text, self.n
        what = what or _UNTERMINATED.get(text[at], "unterminated token")
        self.budget -= n - start  # finding it broken took a scan to the end
        if text.startswith("/*", at):
            return n, n, False, (what, at, _TO_THE_END + _NESTING)
        semi = text.find(";", at + 1 if cut_from < 0 else cut_from)
        if semi < 0 or self.budget < 0:
            return n, n, False, (what, at, _TO_THE_END + ("" if semi < 0 else _NO_MORE))
        return semi, semi + 1, False, (what, at, _UP_TO_SEMICOLON)

    def statement(self, start: int, pos: int) -> _Scan:
        """Finish the statement at ``start`` whose fast scan stopped at ``pos``."""
        text, n = self.text, self.n
        last = -1
        while pos < n:
            pos = max(pos, last + 1)  # forward progress, whatever the regex engine returns
            if pos >= n:
                break
            last = pos
            c = text[pos]
            if c == ";":
                if _PG_ROUTINE.match(text, start) and _PG_BEGIN.search(text, start, pos):
                    return self.precise(start)
                return pos, pos + 1, True, None
            if c == "\\":
                return pos, pos, False, None
            if c == "(":  # unclosed or nested too deep for the fast pattern
                return self.precise(start)
            after = _pg_hard(text, pos)
            if after < 0:
                return self.broken(start, pos)
            pos = end_at(match_at(self.body_re, text, after), after)
        return n, n, False, None

    def precise(self, start: int) -> _Scan:
        """Like :meth:`statement`, ignoring ';' inside parentheses and BEGIN ATOMIC ... END
        (psql's rule). When the text ends with one still open, the statement is broken:
        it ends at the first ';' so ignored."""
        text, n = self.text, self.n
        routine = _PG_ROUTINE.match(text, start) is not None
        parens = blocks = 0
        first_semi = opened = -1  # the first ';' ignored; where the outermost open construct began
        pos, last = start, -1
        while True:
            pos = end_at(match_at(self.precise_re, text, pos), pos)
            pos = last = max(pos, last + 1)  # forward progress, whatever the regex engine returns
            if pos >= n:
                if parens == 0 and blocks == 0:
                    return n, n, False, None
                what = "unclosed parenthesis" if parens else "BEGIN without END"
                return self.broken(start, max(opened, start), what, first_semi if first_semi >= 0 else n)
            c = text[pos]
            if c == ";":
                if parens == 0 and blocks == 0:
                    return pos, pos + 1, True, None
                first_semi = pos if first_semi < 0 else first_semi
            elif c == "(":
                opened = pos if parens == 0 and blocks == 0 else opened
                parens += 1
            elif c == ")":
                parens = max(0, parens - 1)
            elif c == "\\":
                return pos, pos, False, None
            elif (kw := _PG_KEYWORD_AT.match(text, pos)) is not None:
                if routine and parens == 0:
                    blocks, opened = _block(kw.group().lower(), blocks, opened, pos)
                pos = kw.end() - 1
            elif (after := _pg_hard(text, pos)) < 0:
                return self.broken(start, pos)
            else:
                pos = after - 1
            pos += 1

    def statement_end(self, start: int) -> int:
        """Where the text of the statement starting at ``start`` (its first character) ends:
        its ``;``, or where the statement stops (the end of the text, a backslash); -1 when
        the statement is broken."""
        text, n = self.text, self.n
        end = end_at(match_at(self.body_re, text, start), start)
        if end < n and text[end] == ";":
            if text[start] in "cC" and _PG_ROUTINE.match(text, start) and _PG_BEGIN.search(text, start, end):
                scan = self.precise(start)
            else:
                return end
        else:
            scan = self.statement(start, end)
        return scan[0] if scan[3] is None else -1

    def statements(self, pos: int = -1) -> Iterator[Statement]:
        """The statements, in order; from ``pos`` (a statement start, at or after where the last
        call stopped) when given."""
        text, n = self.text, self.n
        out = self.out
        if pos < 0:
            pos = 1 if text.startswith("\ufeff") else 0
        last = -1
        while pos < n:
            if pos <= last:  # forward progress, whatever the regex engine returns
                pos = last + 1
                if pos >= n:
                    break
            last = pos
            start, end = span_at(match_at(self.next_re, text, pos), pos)
            if start >= n:
                break
            c = text[end] if end < n else ""
            if start == end and c in ";\\/":  # a character the fast pattern left starts it
                pos, found = self.special(out, start, c)
                if found is not None:
                    yield found
                continue
            problem: Problem | None = None
            if c == ";":
                resume, terminated = end + 1, True
                if (
                    text[start] in "cC"
                    and _PG_ROUTINE.match(text, start)
                    and _PG_BEGIN.search(text, start, end)
                ):
                    end, resume, terminated, problem = self.precise(start)
            else:
                end, resume, terminated, problem = self.statement(start, end)
            statement = out.make(start, end, problem=problem)
            if statement is not None:
                yield statement
                if terminated and _is_copy_from_stdin(text, start, statement.text):
                    resume = _skip_copy_data(text, end)
            pos = resume

    def special(self, out: Output, start: int, c: str) -> tuple[int, Statement | None]:
        """An empty statement, a psql meta-command or a nested comment at ``start``:
        where to go on, and the statement found."""
        text, n = self.text, self.n
        if c == ";":
            return start + 1, None
        if c == "\\":  # psql meta-command: to the end of the line
            eol = text.find("\n", start)
            eol = n if eol < 0 else eol
            meta = out.make(start, eol, "meta")
            resume = eol + 1
            if meta is not None and _is_copy_from_stdin(text, start, meta.text):
                resume = _skip_copy_data(text, eol)
            return resume, meta
        end = _skip_nested_comment(text, start)  # a nested comment before the statement
        if end >= 0:
            return end, None
        return n, out.make(start, n, problem=(_UNTERMINATED["/"], start, _TO_THE_END + _NESTING))


def _block(word: str, blocks: int, opened: int, pos: int) -> tuple[int, int]:
    """BEGIN, CASE and END inside a routine's body: the block depth, where the outermost began."""
    if word == "begin" or (word == "case" and blocks >= 1):
        return blocks + 1, pos if blocks == 0 else opened
    if word == "end" and blocks > 0:
        return blocks - 1, opened
    return blocks, opened


def iter_postgres(text: str) -> Iterator[Statement]:
    """The statements of a PostgreSQL script, as found (see :mod:`ingest.migrations.split`)."""
    return Scanner(text).statements()
