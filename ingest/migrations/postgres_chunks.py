"""A PostgreSQL script read in runs that libpg_query parses whole: the parser finds the statements.

:func:`iter_chunked` is how :mod:`ingest.migrations.postgres` reads a script. Rather than split
it in Python first (:mod:`ingest.migrations.split`) and parse the statements after, it hands
runs of the text -- cut after a ``;`` that ends a line, at most ``chars`` characters and
``count`` semicolons -- to ``parse_sql_json``, whose ``stmt_location`` and ``stmt_len`` give
each statement. msgspec decodes the tree with every statement node left undecoded
(:class:`msgspec.Raw`); only the nodes that may change tables are decoded, for
:mod:`ingest.migrations.postgres_convert` (plain ``CREATE TABLE`` trees into typed structs:
:mod:`ingest.migrations.postgres_typed`; ``pg_dump``'s ``ADD CONSTRAINT`` lines still take
:mod:`ingest.migrations.postgres_fast`, and a run of them is read by it alone: a run of
text stops before one and the next starts after it). A run is read this way only when psql's splitter would
read the same statements from it:

* it parses (broken SQL, a psql meta-command, ``COPY`` data are syntax errors) and holds no NUL;
* its last statement ends at the ``;`` it was cut after (else that ``;`` was in a comment, or
  that statement goes on);
* it holds no ``COPY`` (psql reads the data after one itself);
* each ``CREATE FUNCTION``/``PROCEDURE`` ends where the splitter ends it (psql's rule for
  ``BEGIN ... END`` bodies: :meth:`ingest.migrations.split_pg.Scanner.statement_end`);
* no nested comment (libpg_query reads them in quadratic time; the splitter does not);
* no carriage return without a newline after it (PostgreSQL ends a ``--`` comment there, psql
  does not);
* in text beyond ASCII, no such character touches a ``$`` or comes before an ``E'`` string
  (PostgreSQL's lexer takes any of them for a letter, the splitter only Unicode letters).

From where that fails (the parser's error position, the ``COPY``; a line starting with a
backslash or ``COPY`` is seen before parsing) up to the next statement on a later line, the
splitter reads the text -- one :class:`~ingest.migrations.split_pg.Scanner` for the whole
text, so lines and its recovery budget are those of one scan -- and ``fallback``
(:func:`ingest.migrations.postgres.iter_batches`) parses those statements as before: a
broken statement gets its diagnostic at its file line as before. Either way a statement gives
the same operations, at the same lines. Attempts that failed may cost the parser half the
text's length again (plus four runs), and at most eight in a row; past that, the rest of the
text is split, so a file of another dialect stays linear.

Examples
--------
>>> from ingest.migrations.postgres import iter_batches
>>> sql = "CREATE TABLE a (id int);\\nSELECT 'x' +;\\nCREATE TABLE b (a int REFERENCES a);\\n"
>>> def fallback(statements):
...     return iter_batches(statements, "m.sql")
>>> batches = list(iter_chunked(sql, "m.sql", parse_json=parse_sql_json, fallback=fallback))
>>> [(type(op).__name__, op.line) for ops, _ in batches for op in ops]
[('CreateTable', 1), ('CreateTable', 3)]
>>> [(d.line, d.code) for _, diags in batches for d in diags]
[(2, 'parse-error')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator

import msgspec
from pglast.parser import ParseError, parse_sql_json

from ingest.migrations import ops as o
from ingest.migrations.postgres_convert import CONVERTED, Ctx, convert_node, is_relevant
from ingest.migrations.postgres_fast import fast_run, fast_text_ops, next_fast_run
from ingest.migrations.postgres_typed import NotTyped, create_ops
from ingest.migrations.split_lex import Statement
from ingest.migrations.split_pg import Scanner, is_routine
from model.inventory import Diagnostic
from model.timings import iterate

__all__ = ["Batch", "iter_chunked", "parse_sql_json"]

#: One batch of a script: its operations and diagnostics, in statement order.
Batch = tuple[list[o.Op], list[Diagnostic]]


class _Stmt(msgspec.Struct):
    stmt: dict[str, msgspec.Raw]  # {"CreateStmt": <its body, not decoded>}
    stmt_location: int = 0
    stmt_len: int = 0


class _Tree(msgspec.Struct):
    stmts: list[_Stmt] = []


#: After this many failed attempts in a row (a file of another dialect), the rest is split.
_MAX_FAILED = 8
#: A run is cut before this many ``ADD CONSTRAINT`` statements of pg_dump's form in a row: they
#: are read without the parser (:func:`ingest.migrations.postgres_fast.fast_run`).
_FAST_LEAST = 16
_TREE = msgspec.json.Decoder(_Tree)
_NODE = msgspec.json.Decoder()
#: A line that starts with a backslash (psql meta-command, end of COPY data) or ``COPY``.
_SPECIAL = re.compile(r"\n[ \t]*+(?:\\|(?i:copy)\s)")
_SPECIAL_HERE = re.compile(r"[ \t]*+(?:\\|(?i:copy)\s)")
_LONE_CR = re.compile(r"\r(?!\n)")
#: A ``/*`` before the ``*/`` of an earlier one: libpg_query takes quadratic time over nested comments.
_NESTED = re.compile(r"/\*(?:[^*/]++|\*(?!/)|/(?!\*))*+/\*")
_RISKY = re.compile(r"[^\x00-\x7f](?:[eE]'|\$)|\$[A-Za-z0-9_]*[^\x00-\x7f]")


class _Failed(Exception):
    """A run not read whole: the offset (in the text) of the problem; ``retry``: a shorter run,
    ending before it, may still be."""

    def __init__(self, at: int, *, retry: bool = True) -> None:
        super().__init__(at)
        self.at, self.retry = at, retry


def iter_chunked(
    text: str,
    path: str,
    *,
    parse_json: Callable[[str], str],
    fallback: Callable[[Iterable[Statement]], Iterator[Batch]],
    chars: int = 64_000,
    count: int = 1_000,
    fast: bool = True,
) -> Iterator[Batch]:
    """The batches of ``text``, in order (see the module docstring); ``path`` labels diagnostics.

    ``parse_json`` is ``parse_sql_json``; ``fallback`` parses statements the splitter read.
    """
    return _Reader(text, path, parse_json, fallback, chars, count, fast).batches()


class _Reader:
    """One text on its way to batches: runs read whole, the rest split."""

    def __init__(
        self,
        text: str,
        path: str,
        parse_json: Callable[[str], str],
        fallback: Callable[[Iterable[Statement]], Iterator[Batch]],
        chars: int,
        count: int,
        fast: bool,
    ) -> None:
        self.text, self.n, self.path = text, len(text), path
        self.parse_json, self.fallback = parse_json, fallback
        self.chars, self.count, self.fast = max(chars, 1), max(count, 1), fast
        self.scanner: Scanner | None = None
        self.waste = self.n // 2 + 4 * self.chars  # parser input failed attempts may still cost
        self.failed = 0  # attempts failed since the last run read whole
        self.line, self.line_pos = 1, 0

    def line_at(self, offset: int) -> int:
        """The line of ``offset``."""
        if offset >= self.line_pos:
            self.line += self.text.count("\n", self.line_pos, offset)
        else:
            self.line -= self.text.count("\n", offset, self.line_pos)
        self.line_pos = offset
        return self.line

    def batches(self) -> Iterator[Batch]:
        text, n = self.text, self.n
        pos = 1 if text.startswith("\ufeff") else 0
        while pos < n:
            if self.waste < 0 or self.failed >= _MAX_FAILED:
                yield from self.split(pos, n)
                return
            if self.fast:
                ops, after = fast_run(text, pos, self.line_at, self.count)
                if ops:
                    yield ops, []
                    pos = after
                    continue
            end = self.cut(pos)
            first, last = self.specials(pos, end)
            if first >= 0:
                shorter = text.rfind(";\n", pos, first) + 1
                if shorter <= pos:  # no statement ends before it: split past the last one
                    pos = yield from self.split(pos, last)
                    continue
                end = shorter
            if self.fast and end - pos >= self.chars // 2:  # a long run: pg_dump's keys may follow
                at = next_fast_run(text, pos, end, _FAST_LEAST)
                shorter = text.rfind(";\n", pos, at) + 1 if at > pos else 0
                end = shorter if shorter > pos else end
            pos = yield from self.read(pos, end)

    def cut(self, pos: int) -> int:
        """Where the run from ``pos`` ends: after a ``;`` ending a line (else any ``;``), within
        ``chars`` characters and ``count`` semicolons; after a longer statement's ``;``."""
        text, n = self.text, self.n
        limit = pos + self.chars
        if limit >= n:
            end = n
        else:
            end = text.rfind(";\n", pos, limit) + 1 or text.rfind(";", pos, limit) + 1
            if end <= pos:
                found = text.find(";", limit)
                end = n if found < 0 else found + 1
        if text.count(";", pos, end) > self.count:
            at = pos - 1
            for _ in range(self.count):
                at = text.find(";", at + 1)
            end = max(text.rfind(";\n", pos, at + 2) + 1, at + 1)
        return end

    def specials(self, pos: int, end: int) -> tuple[int, int]:
        """The first and last line starts in ``[pos, end)`` with a backslash or ``COPY``; -1, -1."""
        text = self.text
        first = last = -1
        if (pos == 0 or text[pos - 1] == "\n") and _SPECIAL_HERE.match(text, pos):
            first = last = pos
        m = _SPECIAL.search(text, max(pos - 1, 0), end)
        while m is not None:
            last = m.start() + 1
            first = last if first < 0 else first
            m = _SPECIAL.search(text, m.end(), end)
        return first, last

    def read(self, pos: int, end: int) -> Generator[Batch, None, int]:
        """Read ``text[pos:end]`` whole, else a shorter run, else split; where to go on."""
        text = self.text
        while True:
            try:
                batch = self.run(pos, end)
            except _Failed as failed:
                self.waste -= end - pos
                self.failed += 1
                shorter = text.rfind(";\n", pos, failed.at) + 1 if failed.retry else 0
                if shorter > pos and self.waste >= 0 and self.failed < _MAX_FAILED:
                    end = shorter
                    continue
                return (yield from self.split(pos, failed.at))
            self.failed = 0
            if batch[0] or batch[1]:
                yield batch
            return end

    def split(self, pos: int, past: int) -> Generator[Batch, None, int]:
        """The splitter's statements from ``pos`` through the one at ``past``, parsed by
        ``fallback``, up to a statement on a later line; where that one starts."""
        if self.scanner is None:
            self.scanner = Scanner(self.text)
        resume = [self.n]
        statements = iterate("split", self.scanner.statements(pos))
        line = self.line_at(min(past, self.n))
        yield from self.fallback(_until(self.scanner, statements, past, line, resume))
        return resume[0]

    def run(self, pos: int, end: int) -> Batch:
        """The batch of ``text[pos:end]`` read whole; :class:`_Failed` when it cannot be."""
        chunk = self.text[pos:end]
        ascii_only = chunk.isascii()
        _screen(chunk, pos, ascii_only)
        try:
            tree = _TREE.decode(self.parse_json(chunk))
            spans = _spans(chunk, tree.stmts, ascii_only)
        except ParseError as exc:
            at = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else -1
            if ascii_only and 0 <= at < len(chunk):
                raise _Failed(pos + at) from None
            raise _Failed(end - 1, retry=ascii_only) from None
        except Exception:  # too deep to decode, text the parser cannot take, odd locations
            raise _Failed(end - 1, retry=False) from None
        self.check(tree.stmts, spans, pos, end)
        return self.convert(chunk, tree.stmts, spans, pos, ascii_only)

    def check(self, stmts: list[_Stmt], spans: list[tuple[int, int, int]], pos: int, end: int) -> None:
        """:class:`_Failed` unless every statement is one the splitter reads the same."""
        text = self.text
        if end < self.n and (not spans or pos + spans[-1][1] != end - 1):
            # the ';' the run was cut after is not its last statement's: in a comment, say
            raise _Failed(pos + spans[-1][0] if spans else end - 1)
        for s, (start, stop, _) in zip(stmts, spans, strict=True):
            if len(s.stmt) != 1 or "CopyStmt" in s.stmt:
                raise _Failed(pos + start)
            at = pos + start
            if text[at] in "cC" and is_routine(text, at) and Scanner(text).statement_end(at) != pos + stop:
                raise _Failed(at)

    def convert(
        self, chunk: str, stmts: list[_Stmt], spans: list[tuple[int, int, int]], pos: int, ascii_only: bool
    ) -> Batch:
        ops: list[o.Op] = []
        diags: list[Diagnostic] = []
        data = b""
        for s, (start, stop, at) in zip(stmts, spans, strict=True):
            [(kind, raw)] = s.stmt.items()
            if kind not in CONVERTED:
                continue
            st_text = chunk[start:stop].rstrip()
            line = self.line_at(pos + start)
            if self.fast and kind == "AlterTableStmt":
                found = fast_text_ops(st_text, line)
                if found is not None:
                    ops += found
                    continue
            if not is_relevant(st_text):
                continue
            if not data:
                data = chunk.encode("ascii" if ascii_only else "utf-8")
            if kind == "CreateStmt":
                try:
                    ops += create_ops(raw, Ctx(data, at, line, st_text, self.path, diags))
                    continue
                except NotTyped:
                    pass
            try:
                body = _NODE.decode(raw)
            except RecursionError:
                message = "PostgreSQL statement nested too deeply to read; statement skipped"
                diags.append(Diagnostic("error", message, self.path, line, o.excerpt(st_text), "parse-error"))
                continue
            except Exception:
                raise _Failed(pos + start, retry=False) from None
            ctx = Ctx(data, at, line, st_text, self.path, diags)
            try:
                ops += convert_node(kind, body, ctx)
            except RecursionError:
                ctx.diag("error", "parse-error", "statement nested too deeply to read; statement skipped")
            except Exception as exc:  # one odd statement must not stop the file
                ctx.diag(
                    "error", "internal", f"internal error reading statement: {type(exc).__name__}: {exc}"
                )
        return ops, diags


def _screen(chunk: str, pos: int, ascii_only: bool) -> None:
    """:class:`_Failed` at the first character the parser and the splitter may read apart."""
    if "\x00" in chunk:
        raise _Failed(pos + chunk.index("\x00"))
    if "/*" in chunk and (m := _NESTED.search(chunk)) is not None:
        raise _Failed(pos + m.start())
    if "\r" in chunk and (m := _LONE_CR.search(chunk)) is not None:
        raise _Failed(pos + m.start())
    if not ascii_only and (m := _RISKY.search(chunk)) is not None:
        raise _Failed(pos + m.start())


def _spans(chunk: str, stmts: list[_Stmt], ascii_only: bool) -> list[tuple[int, int, int]]:
    """Each statement's start and end in ``chunk`` (characters; the end is its ``;``, or the
    end of the chunk) and its start in the chunk's UTF-8 bytes."""
    n = len(chunk)
    if ascii_only:
        return [
            (s.stmt_location, s.stmt_location + s.stmt_len if s.stmt_len else n, s.stmt_location)
            for s in stmts
        ]
    data = chunk.encode("utf-8")
    out: list[tuple[int, int, int]] = []
    byte = char = 0
    for s in stmts:
        start, stop = s.stmt_location, s.stmt_location + s.stmt_len if s.stmt_len else len(data)
        if start < byte or stop < start:
            raise ValueError("statement locations out of order")
        first = char + len(data[byte:start].decode("utf-8"))
        char = first + len(data[start:stop].decode("utf-8"))
        byte = stop
        out.append((first, char, start))
    return out


def _until(
    scanner: Scanner, statements: Iterator[Statement], past: int, line: int, resume: list[int]
) -> Iterator[Statement]:
    """``statements`` up to the first that starts after offset ``past`` on a line after ``line``
    and after the lines of those before (its offset goes to ``resume``; what reading it cost
    the scanner's recovery budget is given back, as it will be read again from there)."""
    last = line
    while True:
        budget = scanner.budget
        st = next(statements, None)
        if st is None:
            return
        if st.offset > past and st.line > last:
            scanner.budget = budget
            resume[0] = st.offset
            return
        yield st
        last = max(last, st.line + st.text.count("\n"))
