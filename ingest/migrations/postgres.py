"""PostgreSQL scripts -> neutral DDL operations, with PostgreSQL's own grammar (pglast).

The script is split with :func:`ingest.migrations.split.split_statements`; statements that
cannot change tables or foreign keys (``INSERT``, ``COPY``, ``GRANT``,
``COMMENT``, ``CREATE INDEX``/``FUNCTION``/``VIEW``, ``ALTER TABLE ... OWNER
TO``...) are dropped by a cheap look at their first words (:func:`is_relevant`).
``pg_dump``'s own ``ALTER TABLE ONLY ... ADD CONSTRAINT`` lines take a strict
regular-expression fast path (:mod:`ingest.migrations.postgres_fast`). The rest are joined and
parsed in a few large :func:`pglast.parser.parse_sql_json` calls (about 1 MB of
SQL each) and converted by :mod:`ingest.migrations.postgres_convert`; ``stmt_location`` and node
``location`` byte offsets map every operation back to its file line, down to
the line of each ``REFERENCES`` clause. When a batch does not parse, the bad
statement is isolated: it becomes one ``parse-error`` diagnostic and the rest
still replays.

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
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import pairwise

from pglast.parser import ParseError, parse_sql_json

from ingest.migrations import ops as o
from ingest.migrations.postgres_convert import (
    Ctx,
    Node,
    convert,
    is_relevant,
    needs_syntax_check,
    split_search_path,
)
from ingest.migrations.postgres_fast import fast_ops
from ingest.migrations.split import Statement, split_statements
from model.inventory import Diagnostic

__all__ = [
    "CHUNK_CHARS",
    "FAST_PATH",
    "convert",
    "is_relevant",
    "parse",
    "parse_statements",
    "split_search_path",
]

#: Characters of SQL handed to one ``parse_sql_json`` call.
CHUNK_CHARS = 1_000_000
#: Recognise pg_dump's ``ADD CONSTRAINT`` statements without the parser (see
#: :mod:`ingest.migrations.postgres_fast`).
FAST_PATH = True
_MAX_RETRIES = 8

_INCLUDE = re.compile(r"\\(?:i|ir|include|include_relative)\s")


def parse(text: str, path: str) -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations and diagnostics of a PostgreSQL script; ``path`` labels the diagnostics."""
    return parse_statements(split_statements(text, dialect="postgres"), path)


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


def parse_statements(statements: Sequence[Statement], path: str) -> tuple[list[o.Op], list[Diagnostic]]:
    """Operations of already split statements, and diagnostics, both in statement order.

    The result does not depend on how the statements are batched for the parser, nor
    on how a long list is cut into parts: parsing consecutive parts separately and
    concatenating the results gives the same (:mod:`ingest.migrations.parallel` relies on it).
    """
    pieces: list[tuple[int, list[o.Op]]] = []  # (statement offset, its operations)
    diags = _Diags()
    group: list[Statement] = []
    size = 0
    for st in statements:
        if st.kind == "meta":
            if _INCLUDE.match(st.text):
                message = "psql include not followed"
                diags.at = st.offset
                diags.append(Diagnostic("info", message, path, st.line, o.excerpt(st.text), "include"))
            continue
        if not is_relevant(st.text):
            if needs_syntax_check(st.text):  # a typo or foreign syntax: report it, replay nothing
                for _ in _parse_one(st, path, diags):
                    pass
            continue
        fast = fast_ops(st) if FAST_PATH else None
        if fast is not None:
            pieces.append((st.offset, fast))
            continue
        group.append(st)
        size += len(st.text)
        if size >= CHUNK_CHARS:
            _convert_group(group, path, pieces, diags)
            group, size = [], 0
    if group:
        _convert_group(group, path, pieces, diags)
    pieces.sort(key=lambda piece: piece[0])  # fast-path statements were not held back: restore order
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
    group: Sequence[Statement], path: str, diags: _Diags, budget: list[int] | None = None
) -> Iterator[tuple[Statement, Node, bytes, int]]:
    """Parse statements in one call; on a syntax error isolate the bad statement and go on.

    In ASCII text the error position names the bad statement; otherwise (pglast's
    position is not exact after multibyte characters) the batch is halved. After
    ``_MAX_RETRIES`` failed batches the rest is parsed statement by statement, so a
    file of another dialect, where every statement fails, stays linear.
    """
    budget = [_MAX_RETRIES] if budget is None else budget
    i = 0
    while i < len(group):
        part = group[i:]
        if budget[0] <= 0 or len(part) == 1:
            for st in part:
                yield from _parse_one(st, path, diags)
            return
        joined, chars, nbytes = _join(part)
        try:
            result = json.loads(parse_sql_json(joined))
        except RecursionError:  # a parse tree too deep for json.loads: find the statement alone
            for st in part:
                yield from _parse_one(st, path, diags)
            return
        except ParseError as exc:
            budget[0] -= 1
            pos = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else -1
            if pos >= 0 and joined.isascii():
                j = max(bisect_right(chars, pos) - 1, 0)
                yield from _parse_group(part[:j], path, diags, budget)
                yield from _parse_one(part[j], path, diags)
                i += j + 1
            else:
                half = len(part) // 2
                yield from _parse_group(part[:half], path, diags, budget)
                i += half
            continue
        data = joined.encode("utf-8")
        for item in result.get("stmts", ()):
            k = max(bisect_right(nbytes, item.get("stmt_location", 0)) - 1, 0)
            yield part[k], item["stmt"], data, nbytes[k]
        return


def _parse_one(st: Statement, path: str, diags: _Diags) -> Iterator[tuple[Statement, Node, bytes, int]]:
    diags.at = st.offset
    try:
        result = json.loads(parse_sql_json(st.text))
    except ParseError as exc:
        pos = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        line = st.line + st.text.count("\n", 0, max(pos, 0))
        message = f"PostgreSQL syntax error: {exc.args[0] if exc.args else exc}; statement skipped"
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
