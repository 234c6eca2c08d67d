"""How many tables one scan of migrations may hold, so memory stays bounded.

Parsing is streamed and bounded (:mod:`ingest.migrations.postgres`), but the replayed
inventory, the graph and the reports grow with the number of tables: about 10 KB each
with their keys, whole process included (50,000 tables with 100,000 foreign keys take
450 MB in ``fkmap scan``). :func:`count_tables` estimates, before anything is parsed,
how many tables a file declares (its ``CREATE TABLE`` words); past :func:`max_tables`
(``FKMAP_MAX_TABLES``, default :data:`MAX_TABLES`) the scan stops reading with one
``too-many-tables`` error (:func:`too_many_tables`) instead of running out of memory.

>>> count_tables("CREATE TABLE a (id int); create unlogged table b (); -- create table c")
3
"""

from __future__ import annotations

import os
import re

from ingest.migrations.possessive import compile_possessive
from model.inventory import Diagnostic

__all__ = ["MAX_TABLES", "count_tables", "max_tables", "too_many_tables"]

#: Default for ``FKMAP_MAX_TABLES``: about 1 GB of memory at the limit.
MAX_TABLES = 100_000
_KB_PER_TABLE = 10

# Counted wherever the words appear (comments and strings too): an estimate, on the high side.
_WORDS = r"create\s++(?:(?:or\s++replace|global|local|temp|temporary|unlogged)\s++)*+table\b"
_CREATE_TABLE = compile_possessive(r"\b" + _WORDS, re.IGNORECASE)
# The same words in lower-cased ASCII text: a literal start the regex engine finds quickly (the
# word boundary before them is checked apart; no match can start inside a rejected one).
_CREATE_TABLE_LOWER = compile_possessive(_WORDS)


def max_tables() -> int:
    """:data:`MAX_TABLES`, or ``FKMAP_MAX_TABLES`` when that is a positive whole number."""
    value = os.environ.get("FKMAP_MAX_TABLES", "").strip().replace("_", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_TABLES


def count_tables(text: str) -> int:
    """How many ``CREATE TABLE`` a text holds (an upper bound of the tables it declares).

    >>> count_tables("xcreate table a; _create table b; (create\ttable c); CREATE TABLEx")
    1
    """
    if not text.isascii():
        return sum(1 for _ in _CREATE_TABLE.finditer(text))
    lowered = text.lower()  # in ASCII, IGNORECASE folds A-Z alone: the same matches
    count = 0
    for m in _CREATE_TABLE_LOWER.finditer(lowered):
        at = m.start()
        before = lowered[at - 1] if at else " "
        count += not (before.isalnum() or before == "_")  # \b: no word character before
    return count


def too_many_tables(rel: str, seen: int, limit: int) -> Diagnostic:
    """The error that stops a scan at file ``rel``, ``seen`` tables into it."""
    at_least = -(-seen // 10_000) * 10_000
    message = (
        f"stopped reading at {rel}: the migrations read so far declare about {seen:,} tables, more than "
        f"the limit of {limit:,} (FKMAP_MAX_TABLES, about {_KB_PER_TABLE} KB of memory per table), so "
        "none of them is replayed. Scan fewer migration folders at a time, or raise the limit if the "
        f"machine has the memory: FKMAP_MAX_TABLES={at_least} or more (about "
        f"{at_least * _KB_PER_TABLE // 1024:,} MB)"
    )
    return Diagnostic("error", message, rel, 0, "", "too-many-tables")
