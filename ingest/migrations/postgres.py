"""PostgreSQL scripts -> neutral DDL operations, with PostgreSQL's own grammar (pglast).

Most of a script is parsed in runs of whole statements, at most :data:`CHUNK_CHARS`
characters and :data:`CHUNK_STATEMENTS` statements per :func:`pglast.parser.parse_sql_json`
call, libpg_query finding the statements itself (:mod:`ingest.migrations.postgres_chunks`,
which says when a run is read so), so the parse trees held at once stay small whatever the
file's size. ``pg_dump``'s own ``ALTER TABLE ONLY ... ADD CONSTRAINT`` lines take a strict
regular-expression fast path (:mod:`ingest.migrations.postgres_fast`), runs of them without
the parser at all. Statements that may
change tables, keys or the search path (their node kind, and a cheap look at their first
words: :func:`is_relevant`) are converted by :mod:`ingest.migrations.postgres_convert`;
``stmt_location`` and node ``location`` byte offsets map every operation back to its file
line, down to the line of each ``REFERENCES`` clause. Every other statement (``INSERT``,
``GRANT``, ``COMMENT``, ``CREATE VIEW``...) is only checked by the parser, its tree never
decoded.

Where a run cannot be read whole (broken SQL, psql meta-commands, ``COPY`` data), the
script is split with the splitter (:class:`ingest.migrations.split_pg.Scanner`) and those
statements go through :func:`iter_batches`: a statement the splitter already knows is
broken (an unterminated string, an unclosed parenthesis:
:attr:`~ingest.migrations.split.Statement.error`) is one ``parse-error`` diagnostic, never
parsed; the others are joined and parsed in batches of the same bounds. When a batch does
not parse, the bad statement is isolated: it becomes one ``parse-error`` diagnostic and the
rest still replays. Either way a statement gives the same operations and diagnostics.
:func:`iter_parse` gives the operations batch by batch.

``DO`` blocks are parsed with PL/pgSQL's grammar: static statements in the body
(typically ``IF NOT EXISTS (...) THEN ALTER TABLE ... ADD CONSTRAINT ...``) are
replayed as if run; ``EXECUTE '<literal>'`` too; any other ``EXECUTE`` becomes
an ``info`` diagnostic (``dynamic-sql``). ``CREATE FUNCTION`` bodies never run at
migration time and are skipped. ``CREATE TEMP TABLE`` is ignored.

Examples
--------
>>> sql = "CREATE TABLE posts (\\n  id int,\\n  user_id int REFERENCES users ON DELETE CASCADE\\n);"
>>> ops, diags = parse(sql, "m.sql")
>>> fk = ops[0].fks[0]
>>> fk.columns, fk.ref_table.name, fk.on_delete, fk.line
(('user_id',), 'users', 'CASCADE', 3)
>>> parse("CREATE TABLE (", "m.sql")[1][0].code
'parse-error'
>>> ops, diags = parse("INSERT INTO x VALUES (1));\\nCREATE TABLE t (id int);", "m.sql")
>>> [type(op).__name__ for op in ops], [(d.line, d.code) for d in diags]
(['CreateTable'], [(1, 'parse-error')])
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise

from pglast.parser import ParseError, parse_sql_json

from ingest.migrations import ops as o
from ingest.migrations.postgres_chunks import iter_chunked
from ingest.migrations.postgres_convert import (
    MESSAGE_CHARS,
    Ctx,
    Node,
    convert,
    is_relevant,
    split_search_path,
)
from ingest.migrations.postgres_fast import fast_ops
from ingest.migrations.split import Statement
from model.inventory import Diagnostic

__all__ = [
    "CHUNK_CHARS",
    "CHUNK_STATEMENTS",
    "FAST_PATH",
    "convert",
    "is_relevant",
    "iter_parse",
    "parse",
    "parse_statements",
    "split_search_path",
]

#: At most this many characters of SQL, and :data:`CHUNK_STATEMENTS` statements, go to one
#: ``parse_sql_json`` call (larger batches are no faster, and their trees take more memory).
CHUNK_CHARS = 64_000
CHUNK_STATEMENTS = 1_000

#: Recognise pg_dump's ``ADD CONSTRAINT`` statements without the parser (see
#: :mod:`ingest.migrations.postgres_fast`).
FAST_PATH = True
_MAX_RETRIES = 8

_INCLUDE = re.compile(r"\\(?:i|ir|include|include_relative)\s")


def parse(text: str, path: str) -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations and diagnostics of a PostgreSQL script; ``path`` labels the diagnostics."""
    return _gathered(iter_parse(text, path))


def _gathered(batches: Iterable[tuple[list[o.Op], list[Diagnostic]]]) -> tuple[list[o.Op], list[Diagnostic]]:
    """The operations and the diagnostics of ``batches``, each list in batch order."""
    ops: list[o.Op] = []
    diags: list[Diagnostic] = []
    for batch_ops, batch_diags in batches:
        ops += batch_ops
        diags += batch_diags
    return ops, diags


def iter_parse(text: str, path: str) -> Iterator[tuple[list[o.Op], list[Diagnostic]]]:
    """:func:`parse` batch by batch: each batch's operations and diagnostics, in file order.
    Runs of the text are parsed whole (:mod:`ingest.migrations.postgres_chunks`), the rest
    split as it is consumed, so neither the statements nor the operations of the whole file
    are held at once."""
    if not isinstance(text, str):
        return iter(())
    return iter_chunked(
        text,
        path,
        parse_json=_parse_json,
        fallback=lambda statements: iter_batches(statements, path),
        chars=CHUNK_CHARS,
        count=CHUNK_STATEMENTS,
        fast=FAST_PATH,
    )


def _parse_json(sql: str) -> str:
    return parse_sql_json(sql)  # looked up at each call: tests count the calls


class _Diags(list[Diagnostic]):
    """Diagnostics, each tagged with the offset of the statement it is about (``at``, set
    before each statement is processed), so they can be put in statement order whatever
    the batching was."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 0
        self.tags: list[int] = []

    def append(self, d: Diagnostic) -> None:
        super().append(d)
        self.tags.append(self.at)

    def in_order(self) -> list[Diagnostic]:
        tags = self.tags
        if all(a <= b for a, b in pairwise(tags)):
            return list(self)
        return [self[i] for i in sorted(range(len(tags)), key=tags.__getitem__)]  # stable


def parse_statements(statements: Iterable[Statement], path: str) -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations of already split statements, and diagnostics, both in statement order.

    The result does not depend on how the statements are batched for the parser, nor
    on how a long list is cut into parts: parsing consecutive parts separately and
    concatenating the results gives the same (:mod:`ingest.migrations.parallel` relies on it).
    """
    return _gathered(iter_batches(statements, path))


class _Batch:
    """The statements waiting for the parser: to convert, and only to check."""

    def __init__(self) -> None:
        self.convert: list[Statement] = []
        self.check: list[Statement] = []
        self.chars = 0

    def full(self, times: int = 1) -> bool:
        count = max(len(self.convert), len(self.check))
        return self.chars >= times * CHUNK_CHARS or count >= times * CHUNK_STATEMENTS


def iter_batches(statements: Iterable[Statement], path: str) -> Iterator[tuple[list[o.Op], list[Diagnostic]]]:
    """:func:`parse_statements` batch by batch (see :func:`iter_parse`)."""
    pieces: list[tuple[int, list[o.Op]]] = []  # (statement offset, its operations)
    diags = _Diags()
    batch = _Batch()
    last: Statement | None = None
    for st in statements:
        # a full batch is cut between lines, so no line has diagnostics in two batches (unless
        # it is four times full: a file on one line)
        if (
            last is not None
            and batch.full()
            and (st.line > last.line + last.text.count("\n") or batch.full(4))
        ):
            yield _flush(batch, path, pieces, diags)
            pieces, diags, batch = [], _Diags(), _Batch()
        last = st
        diags.at = st.offset
        if st.kind == "meta":
            if _INCLUDE.match(st.text):
                message = "psql include not followed"
                diags.append(Diagnostic("info", message, path, st.line, o.excerpt(st.text), "include"))
        elif st.error:  # the splitter knows: no parser needed
            message = f"PostgreSQL syntax error: {st.error}; statement skipped"
            diags.append(Diagnostic("error", message, path, st.line, o.excerpt(st.text), "parse-error"))
        elif not is_relevant(st.text):
            batch.check.append(st)  # cannot change tables: only its syntax is checked
            batch.chars += len(st.text)
        elif FAST_PATH and (fast := fast_ops(st)) is not None:
            pieces.append((st.offset, fast))
        else:
            batch.convert.append(st)
            batch.chars += len(st.text)
    if batch.convert or batch.check or pieces or diags:
        yield _flush(batch, path, pieces, diags)


def _flush(
    batch: _Batch, path: str, pieces: list[tuple[int, list[o.Op]]], diags: _Diags
) -> tuple[list[o.Op], list[Diagnostic]]:
    """Parse a batch: its operations (fast-path ones put back in statement order) and diagnostics."""
    if batch.convert:
        _convert_group(batch.convert, path, pieces, diags)
    for _ in _parse_group(batch.check, path, diags, keep=False):
        pass
    pieces.sort(key=lambda piece: piece[0])
    return [op for _, part in pieces for op in part], diags.in_order()


def _convert_group(
    group: list[Statement], path: str, pieces: list[tuple[int, list[o.Op]]], diags: _Diags
) -> None:
    for st, node, data, base in _parse_group(group, path, diags):
        diags.at = st.offset
        ctx = Ctx(data, base, st.line, st.text, path, diags)
        try:
            pieces.append((st.offset, convert(node, ctx)))
        except RecursionError:
            ctx.diag("error", "parse-error", "statement nested too deeply to read; statement skipped")
        except Exception as exc:  # one odd statement must not stop the file
            ctx.diag("error", "internal", f"internal error reading statement: {type(exc).__name__}: {exc}")


def _join(part: Sequence[Statement]) -> tuple[str, list[int], list[int]]:
    pieces, chars, nbytes = [], [], []
    c = b = 0
    for st in part:
        chars.append(c)
        nbytes.append(b)
        pieces.append(st.text)
        pieces.append("\n;\n")  # the newline ends a trailing -- comment
        c += len(st.text) + 3
        b += (len(st.text) if st.text.isascii() else len(st.text.encode("utf-8"))) + 3
    return "".join(pieces), chars, nbytes


def _parse_group(
    group: Sequence[Statement],
    path: str,
    diags: _Diags,
    budget: list[int] | None = None,
    *,
    keep: bool = True,
) -> Iterator[tuple[Statement, Node, bytes, int]]:
    """Parse statements in one call; on a syntax error isolate the bad statement and go on.

    In ASCII text the error position names the bad statement; otherwise (pglast's
    position is not exact after multibyte characters) the batch is halved. After
    ``_MAX_RETRIES`` failed batches the rest is parsed statement by statement, so a
    file of another dialect, where every statement fails, stays linear. Without
    ``keep`` the statements are only checked: nothing is yielded.
    """
    budget = [_MAX_RETRIES] if budget is None else budget
    i = 0
    while i < len(group):
        part = group[i:]
        if budget[0] <= 0 or len(part) == 1:
            for st in part:
                yield from _parse_one(st, path, diags, keep=keep)
            return
        joined, chars, nbytes = _join(part)
        try:
            tree = parse_sql_json(joined)
            if not keep:
                return
            result = json.loads(tree)
        except RecursionError:  # a parse tree too deep for json.loads: find the statement alone
            for st in part:
                yield from _parse_one(st, path, diags, keep=keep)
            return
        except ParseError as exc:
            budget[0] -= 1
            pos = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else -1
            if pos >= 0 and joined.isascii():
                j = max(bisect_right(chars, pos) - 1, 0)
                yield from _parse_group(part[:j], path, diags, budget, keep=keep)
                yield from _parse_one(part[j], path, diags, keep=keep)
                i += j + 1
            else:
                half = len(part) // 2
                yield from _parse_group(part[:half], path, diags, budget, keep=keep)
                i += half
            continue
        data = joined.encode("utf-8")
        for item in result.get("stmts", ()):
            k = max(bisect_right(nbytes, item.get("stmt_location", 0)) - 1, 0)
            yield part[k], item["stmt"], data, nbytes[k]
        return


def _parse_one(
    st: Statement, path: str, diags: _Diags, *, keep: bool = True
) -> Iterator[tuple[Statement, Node, bytes, int]]:
    diags.at = st.offset
    try:
        tree = parse_sql_json(st.text)
        result = json.loads(tree) if keep else {}
    except ParseError as exc:
        pos = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        line = st.line + st.text.count("\n", 0, max(pos, 0))
        said = o.excerpt(str(exc.args[0] if exc.args else exc), MESSAGE_CHARS)
        message = f"PostgreSQL syntax error: {said}; statement skipped"
        diags.append(
            Diagnostic("error", message, path, line, o.excerpt_at(st.text, st.line, line), "parse-error")
        )
        return
    except RecursionError:
        message = "PostgreSQL statement nested too deeply to read; statement skipped"
        diags.append(Diagnostic("error", message, path, st.line, o.excerpt(st.text), "parse-error"))
        return
    data = st.text.encode("utf-8")
    for item in result.get("stmts", ()):
        yield st, item["stmt"], data, 0
