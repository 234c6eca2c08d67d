"""The dialect of a migration file whose dialect nobody gave: read from its code, never its comments.

:func:`detect` walks the text token by token -- strings, quoted identifiers, dollar quotes and
every kind of comment (``--``, MySQL's ``#``, ``/* ... */`` nested or not) are stepped over whole
-- and looks for the signs of an engine:

* ClickHouse: a table engine of its own, ``ENGINE = MergeTree`` and every ``...MergeTree``,
  ``Log``, ``TinyLog``, ``StripeLog``, ``Distributed``, ``Kafka``, ``Buffer``...; decisive;
* MySQL/MariaDB: ``AUTO_INCREMENT``, any other ``ENGINE = x`` (``InnoDB``, ``MyISAM``), an
  executable comment ``/*! ... */``; decisive;
* a backtick identifier: MySQL, MariaDB, SQLite or ClickHouse -- a weak sign, which a folder
  hint may settle (a backtick in ``sqlite3/`` is SQLite).

A text without any sign is the folder's engine when the file sits in an engine-named folder
(``hint``, :mod:`ingest.migrations.engines`), else PostgreSQL. A Prisma migration's
``/* Warnings: ... `col` ... */`` header is a comment, so it no longer makes a file MySQL.

The look is cheap: one look for the raw signs first (in ASCII text, plain substring tests of the
lower-cased text, several times faster than the case-insensitive pattern and never less
inclusive); only a text that holds one is walked, and the walk stops at the first decisive sign.
At most :data:`SAMPLE_CHARS` are looked at.

Examples
--------
>>> detect("/*\\n  Warnings:\\n  - drop the column `bio` on the `User` table\\n*/\\nALTER TABLE u DROP bio;")
'postgres'
>>> detect("CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY);")
'mysql'
>>> detect("CREATE TABLE users (id int PRIMARY KEY);", hint="mysql")
'mysql'
>>> detect("CREATE TABLE `users` (id INTEGER PRIMARY KEY);", hint="sqlite")
'sqlite'
>>> detect("CREATE TABLE e (d Date) ENGINE = ReplacingMergeTree(v) ORDER BY d;")
'clickhouse'
>>> detect("-- ENGINE = InnoDB, `x`\\n# AUTO_INCREMENT\\nSELECT 'ENGINE = MyISAM';")
'postgres'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SAMPLE_CHARS", "Sign", "clickhouse_sign", "detect", "first_sign"]

#: Characters of a file looked at (a dump's first CREATE TABLE says enough).
SAMPLE_CHARS = 2_000_000

_CLICKHOUSE_ENGINES = frozenset(
    {
        "log",
        "tinylog",
        "stripelog",
        "distributed",
        "kafka",
        "rabbitmq",
        "nats",
        "buffer",
        "dictionary",
        "join",
        "null",
        "url",
        "file",
        "keepermap",
        "embeddedrocksdb",
        "generaterandom",
        "materializedview",
        "atomic",
        "lazy",
    }
)
# Anything that may carry a sign outside code: a cheap first look over the raw text.
_RAW_SIGNS = re.compile(r"`|/\*!|\bENGINE\b|\bAUTO_INCREMENT\b", re.IGNORECASE)
# One token per match: what is stepped over, and the signs. Tokens that do not matter (words,
# numbers, punctuation) are not matched: finditer jumps over them.
_TOKEN = re.compile(
    r"""
      (?P<dollar>(?<![\w$])\$(?P<tag>(?:[^\W\d]\w*)?)\$)       # PostgreSQL dollar quote: opens
    | (?P<executable>/\*!)                                     # MySQL executable comment
    | (?P<block>/\*)                                           # block comment (maybe nested)
    | --[^\n]*                                                 # line comment
    | \#[^\n]*                                                 # MySQL line comment
    | (?<![\w$])[eE]'(?:[^'\\]|''|\\.)*'                        # E'...' string: backslash escapes
    | '(?:[^']|'')*'                                           # standard string
    | "(?:[^"]|"")*"                                           # quoted identifier
    | (?P<backtick>`(?:[^`]|``)*`)                             # backtick identifier
    | (?P<auto>(?<![\w$])AUTO_INCREMENT(?![\w$]))
    | (?<![\w$])ENGINE\s*=\s*(?P<engine>[A-Za-z_]\w*)
    """,
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_NESTED = re.compile(r"/\*|\*/")


@dataclass(frozen=True)
class Sign:
    """What a text says about its engine: ``engine`` (``clickhouse``, ``mysql``, or ``backtick`` for
    the weak sign), its ``line`` (1-based) and the ``word`` that says it (``MergeTree``)."""

    engine: str
    line: int
    word: str


def _skip_block(text: str, start: int) -> int:
    """End of the (possibly nested) block comment opening at ``start``; the end of the text if open."""
    depth = 0
    for m in _NESTED.finditer(text, start):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(text)


def _sign_of(m: re.Match[str]) -> str:
    if m.group("engine"):
        name = m.group("engine").lower()
        return "clickhouse" if name.endswith("mergetree") or name in _CLICKHOUSE_ENGINES else "mysql"
    if m.group("auto") or m.group("executable"):
        return "mysql"
    return "backtick" if m.group("backtick") else ""


def _signs(text: str) -> list[Sign]:
    """The signs of ``text`` in order, up to the first decisive one."""
    found: list[Sign] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group("dollar") is not None:  # the body runs to the same tag
            close = text.find(m.group("dollar"), pos)
            pos = n if close < 0 else close + len(m.group("dollar"))
        elif m.group("block"):
            pos = _skip_block(text, m.start())
        elif engine := _sign_of(m):
            word = m.group("engine") or m.group().strip("`/*!")[:40]
            found.append(Sign(engine, text.count("\n", 0, m.start()) + 1, word))
            if engine != "backtick":
                break
    return found


def _may_hold_sign(sample: str) -> bool:
    """Whether ``sample`` may hold a sign: False only when :data:`_RAW_SIGNS` finds none.

    In ASCII text (no case folding beyond ``A-Z``) substring tests of the lower-cased text say the
    same or more (they ignore word boundaries), at a fraction of the pattern's cost.

    >>> _may_hold_sign("SELECT 1;"), _may_hold_sign("x ENGINE=y"), _may_hold_sign("enginex")
    (False, True, True)
    """
    if not sample.isascii():
        return _RAW_SIGNS.search(sample) is not None
    if "`" in sample or "/*!" in sample:
        return True
    lowered = sample.lower()
    return "engine" in lowered or "auto_increment" in lowered


def first_sign(text: str) -> Sign | None:
    """The sign that decides ``text``'s engine: the first decisive one, else the first weak one."""
    sample = text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS]
    if not _may_hold_sign(sample):
        return None
    signs = _signs(sample)
    if not signs:
        return None
    return signs[-1] if signs[-1].engine != "backtick" else signs[0]


def clickhouse_sign(text: str) -> Sign | None:
    """The ClickHouse table engine of ``text`` (outside comments and strings), if it names one."""
    sign = first_sign(text)
    return sign if sign is not None and sign.engine == "clickhouse" else None


def detect(text: str, hint: str = "") -> str:
    """The dialect ``text`` is written in; ``hint`` is the dialect of its folder, if any.

    A decisive sign wins (the hint still tells MariaDB from MySQL); a backtick means MySQL unless
    the hint is another engine that takes backticks; no sign means the hint, else ``'postgres'``.
    """
    sign = first_sign(text)
    if sign is None:
        return hint or "postgres"
    if sign.engine == "clickhouse":
        return "clickhouse"
    if sign.engine == "mysql":
        return hint if hint in ("mysql", "mariadb") else "mysql"
    return hint if hint in ("mysql", "mariadb", "sqlite", "clickhouse") else "mysql"
