"""The cheap looks over a whole file before it is parsed: the table count and the dialect's signs.

Both take an ASCII fast path (lower-cased text, plain substring tests or a literal start); they
must give exactly what the case-insensitive patterns give.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.migrations import detect, limits

_PIECES = [
    "create",
    "CREATE",
    "Create",
    " ",
    "\t",
    "\n",
    "table",
    "TABLE",
    "temp ",
    "or replace ",
    "unlogged ",
    "x",
    "_",
    "1",
    "(",
    ";",
    "`",
    "/*!",
    "/*",
    "*/",
    "--",
    "'",
    "ENGINE",
    "engine",
    " = ",
    "InnoDB",
    "MergeTree",
    "AUTO_INCREMENT",
    "auto_increment",
    "é",
    "\u0130",
    "\u212a",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_count_tables_is_the_pattern_count(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert limits.count_tables(text) == sum(1 for _ in limits._CREATE_TABLE.finditer(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_sign_prefilter_never_misses_a_sign(pieces: list[str]) -> None:
    text = "".join(pieces)
    if detect._RAW_SIGNS.search(text) is not None:
        assert detect._may_hold_sign(text)
    if not detect._may_hold_sign(text):
        assert detect.first_sign(text) is None


def test_count_tables_word_boundaries() -> None:
    text = "create table a;\nxcreate table b; CREATE  UNLOGGED TABLE c; create tables d; _create table e"
    assert limits.count_tables(text) == 2
    assert limits.count_tables("CREATE TABLE é (id int); create table t;") == 2
