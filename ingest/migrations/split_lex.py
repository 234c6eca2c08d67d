"""Pieces shared by the statement scanners of :mod:`ingest.migrations.split`.

:class:`Statement` (what the splitter returns), :class:`Output` (line numbers counted
as statements are found) and the matching helpers every scanning loop uses:
:func:`match_at`, :func:`end_at` and :func:`span_at` never report a position before
the one a match was made at, and never raise, whatever the regex engine does (see
:mod:`ingest.migrations.possessive`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["BLOCK_COMMENT", "LINE_COMMENT", "Output", "Problem", "Statement", "end_at", "match_at", "span_at"]

LINE_COMMENT = r"--[^\n]*+"
# A block comment without nested "/*"; nested or unterminated ones stop the fast scan.
BLOCK_COMMENT = r"/\*(?:[^*/]++|\*(?!/)|/(?!\*))*+\*/"


@dataclass(frozen=True)
class Statement:
    """One statement of a script.

    ``text`` has no trailing terminator and no surrounding whitespace. ``line``
    (1-based) and ``offset`` (0-based, in characters) locate its first
    significant character. ``kind`` is ``'meta'`` for a psql meta-command such as
    ``\\connect db``, else ``'sql'``. ``error`` is set when the splitter already
    knows the statement is broken (an unterminated string, quoted identifier,
    dollar quote or comment, an unclosed parenthesis): what, where, and where the
    statement was cut so that the next ones are still read. Such a statement is
    reported, never parsed.
    """

    text: str
    line: int
    offset: int
    kind: Literal["sql", "meta"] = "sql"
    error: str = ""


#: A broken statement's problem: (what, offset of the offending token, how it was cut).
Problem = tuple[str, int, str]


class Output:
    """Makes the statements of one text, counting lines incrementally (offsets only grow)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line = 1
        self._line_pos = 0

    def make(
        self, start: int, end: int, kind: Literal["sql", "meta"] = "sql", *, problem: Problem | None = None
    ) -> Statement | None:
        """The statement ``text[start:end]``; None when it is blank."""
        body = self.text[start:end].rstrip()
        if not body:
            return None
        self._line += self.text.count("\n", self._line_pos, start)
        self._line_pos = start
        error = ""
        if problem is not None:
            what, at, cut = problem
            error = f"{what} on line {self._line + self.text.count(chr(10), start, at)}{cut}"
        return Statement(body, self._line, start, kind, error)


def match_at(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str] | None:
    """``pattern.match(text, pos)``; None when the regex engine fails.

    CPython before 3.11.5 mis-matches some possessive patterns (python/cpython#106052:
    a match may end before its start; #101955: ``SystemError``). Every scanning loop
    here goes on from ``max(end, pos)`` and checks that it advanced, so it terminates
    and never raises, whatever the engine returns.
    """
    try:
        return pattern.match(text, pos)
    except SystemError:
        return None


def end_at(m: re.Match[str] | None, pos: int) -> int:
    """Where a match made at ``pos`` ends, never before ``pos``."""
    return pos if m is None else max(m.end(), pos)


def span_at(m: re.Match[str] | None, pos: int) -> tuple[int, int]:
    """Group 1 of a match made at ``pos``, clamped so it never starts or ends before ``pos``."""
    if m is None:
        return pos, pos
    start, end = m.span(1)
    start = max(start, pos)
    return start, max(end, start)
