"""A fast path for the constraint statements ``pg_dump`` writes by the ten thousand.

A schema dump adds every key after the tables, one statement each, always in the
exact form ``pg_get_constraintdef`` prints::

    ALTER TABLE ONLY public.orders
        ADD CONSTRAINT orders_user_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

:func:`fast_ops` recognises only that strict form (upper-case keywords, lower-case
or double-quoted identifiers of at most 63 bytes, no reserved words) and returns
the same operations the pglast path would, several times faster. Anything else
returns ``None`` and goes through the real parser. Tests check both paths agree.
:func:`fast_run` reads a run of such statements straight from a script, so they never
reach the parser at all: :mod:`ingest.migrations.postgres_chunks` cuts its runs before
one (:func:`next_fast_run`).

Examples
--------
>>> from ingest.migrations.split import Statement
>>> st = Statement("ALTER TABLE ONLY s.t\\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id)", 7, 0)
>>> fast_ops(st)[0].constraint
ConstraintSpec(kind='p', name='t_pkey', columns=('id',), deferrable=False, index=None)
>>> fast_ops(Statement("alter table t add constraint c primary key (id)", 1, 0)) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pglast.keywords import RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

from ingest.migrations import ops as o
from ingest.migrations.split import Statement

__all__ = ["fast_ops", "fast_run", "fast_text_ops", "next_fast_run"]

_ID = r'(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")'
_QN = rf"{_ID}(?:\.{_ID})?"
_COLS = rf"{_ID}(?:, {_ID})*"
_ACTION = r"CASCADE|RESTRICT|SET NULL|SET DEFAULT|NO ACTION"
_BODY = (
    rf"ALTER TABLE (?:ONLY )?(?P<table>{_QN})\s+(?P<add>ADD) CONSTRAINT (?P<name>{_ID}) "
    rf"(?:(?P<kind>PRIMARY KEY|UNIQUE) \((?P<keys>{_COLS})\)"
    rf"|FOREIGN KEY \((?P<cols>{_COLS})\) REFERENCES (?P<ref>{_QN}) ?\((?P<refcols>{_COLS})\)"
    rf"(?: MATCH (?:FULL|SIMPLE))?(?: ON UPDATE (?P<upd>{_ACTION}))?(?: ON DELETE (?P<del>{_ACTION}))?"
    rf"(?P<deferrable> DEFERRABLE(?P<deferred> INITIALLY DEFERRED)?)?(?P<not_valid> NOT VALID)?)"
)
_FAST = re.compile(rf"(?P<statement>{_BODY})\Z")
#: In a script: blank space and ``--`` comment lines, then one such statement and its ``;``.
_IN_SCRIPT = re.compile(rf"(?:[ \t\n\r\f]++|--[^\n\r]*+\n)*+(?P<statement>{_BODY})[ \t\n\r\f]*+;")
#: Characters the parser and psql's splitter may read apart (or which end the C string).
_ODD = re.compile(r"[^\t\n\r\f\x20-\x7e]")
#: A line that may start such a statement.
_CANDIDATE = re.compile(r"ALTER TABLE (?:ONLY )?\S+\s+ADD CONSTRAINT ")
_PARTS = re.compile(_ID)
_NOT_NAMES = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS


class _NotFast(Exception):
    pass


def _ident(text: str) -> str:
    if text[0] == '"':
        name = text[1:-1].replace('""', '"')
    elif text in _NOT_NAMES:
        raise _NotFast
    else:
        name = text
    if len(name.encode("utf-8")) > 63:  # PostgreSQL would truncate it: let the parser do that
        raise _NotFast
    return name


_MEMO_LIMIT = 50_000
_qnames: dict[str, o.QName] = {}
_col_lists: dict[str, tuple[str, ...]] = {}


def _qname(text: str) -> o.QName:
    q = _qnames.get(text)  # a dump names each table several times; QName is immutable
    if q is None:
        parts = [_ident(p) for p in _PARTS.findall(text)]
        q = o.QName(parts[0], parts[1]) if len(parts) == 2 else o.QName(None, parts[0])
        if len(_qnames) >= _MEMO_LIMIT:
            _qnames.clear()
        _qnames[text] = q
    return q


def _cols(text: str) -> tuple[str, ...]:
    cols = _col_lists.get(text)
    if cols is None:
        cols = tuple(_ident(p) for p in _PARTS.findall(text))
        if len(_col_lists) >= _MEMO_LIMIT:
            _col_lists.clear()
        _col_lists[text] = cols
    return cols


def fast_ops(st: Statement) -> list[o.Op] | None:
    """The operations of a pg_dump-style ``ADD CONSTRAINT`` statement, or ``None`` for anything else."""
    return fast_text_ops(st.text, st.line)


def fast_text_ops(text: str, line: int) -> list[o.Op] | None:
    """:func:`fast_ops` of the statement ``text`` starting on ``line``."""
    if not text.startswith("ALTER TABLE ") or "ADD CONSTRAINT" not in text:
        return None
    m = _FAST.match(text)
    return None if m is None else _match_ops(m, text, line)


def fast_run(text: str, pos: int, line_at: Callable[[int], int], limit: int = -1) -> tuple[list[o.Op], int]:
    """The operations of the statements of :func:`fast_ops`'s form that follow one another
    from offset ``pos`` of a script (with only blank space and ``--`` comment lines between
    them; ``limit`` of them at most, unless negative), and the offset after the last one's
    ``;`` (``pos`` when there is none). Such a run holds no string, no block comment and no
    psql meta-command, so its statements are what the parser and psql's splitter would read;
    text beyond ASCII or with control characters ends it. ``line_at`` gives an offset's line.
    """
    ops: list[o.Op] = []
    while limit != 0 and (m := _IN_SCRIPT.match(text, pos)) is not None:
        if _ODD.search(text, pos, m.end()) is not None:
            break
        found = _match_ops(m, m["statement"], line_at(m.start("statement")))
        if found is None:
            break
        ops += found
        pos, limit = m.end(), limit - 1
    return ops, pos


def next_fast_run(text: str, pos: int, end: int, least: int, tries: int = 4) -> int:
    """Where, in ``text[pos:end]``, a line starts a run of :func:`fast_run` with (by its
    pattern) at least ``least`` statements; -1, also after ``tries`` shorter runs (text that
    is not a dump's list of keys costs little)."""
    at = text.find("\nALTER TABLE ", max(pos - 1, 0), end)
    while at >= 0 and tries > 0:
        after = at + 1
        if _CANDIDATE.match(text, after):
            count, after = _count(text, after, least)
            if count >= least:
                return at + 1
            tries -= 1
        # a run starting inside this one would be shorter: look after it
        at = text.find("\nALTER TABLE ", max(after - 1, at + 1), end)
    return -1


def _count(text: str, pos: int, limit: int) -> tuple[int, int]:
    """How many statements (``limit`` at most) :func:`fast_run` may read from ``pos`` by their
    pattern, and where they end."""
    count = 0
    while count < limit and (m := _IN_SCRIPT.match(text, pos)) is not None:
        if _ODD.search(text, pos, m.end()) is not None:
            break
        count, pos = count + 1, m.end()
    return count, pos


def _match_ops(m: re.Match[str], text: str, line: int) -> list[o.Op] | None:
    """The operations of a match of the statement ``text`` (its group ``statement``) on ``line``."""
    try:
        table = _qname(m["table"])
        name = _ident(m["name"])
        if m["kind"]:
            kind = "p" if m["kind"] == "PRIMARY KEY" else "u"
            return [
                o.AddConstraint(table, o.ConstraintSpec(kind, name, _cols(m["keys"])), line=line, text=text)
            ]
        fk = o.FKSpec(
            name=name,
            columns=_cols(m["cols"]),
            ref_table=_qname(m["ref"]),
            ref_columns=_cols(m["refcols"]),
            on_delete=m["del"] or "NO ACTION",
            on_update=m["upd"] or "NO ACTION",
            deferrable=bool(m["deferrable"]),
            initially_deferred=bool(m["deferred"]),
            validated=not m["not_valid"],
            line=line + m.string.count("\n", m.start("statement"), m.start("add")),
        )
    except _NotFast:
        return None
    return [o.AddForeignKey(table, fk, line=line, text=text)]
