"""No input makes a reader or the SQL extraction raise: hostile bytes give diagnostics at most."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.code.scan import _READERS
from ownership.code.sql import jpql_entities, sql_tables

SQLISH = st.lists(
    st.sampled_from(
        ["SELECT", "INSERT", "INTO", "FROM", "WITH", "x", "(", ")", ",", "'", '"', "`", "$1", "?", "%s"]
    ),
    max_size=12,
).map(" ".join)
SOURCE = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.sampled_from(
            ['"SELECT * FROM t"', "`", "${", "}", "#{", "class A", "@Entity", "(", "table!", "\n"]
        ),
        max_size=20,
    ).map(lambda parts: "".join(parts).encode()),
)


@settings(max_examples=150, deadline=None)
@given(SQLISH)
def test_sql_extraction_never_raises(text: str) -> None:
    for table, access in sql_tables(text) + jpql_entities(text):
        assert table == table.lower() and access in ("read", "write")


@settings(max_examples=60, deadline=None)
@given(SOURCE, st.sampled_from(sorted(_READERS)))
def test_readers_never_raise(data: bytes, lang: str) -> None:
    facts = _READERS[lang](data, "f")
    assert all(d.path == "f" for d in facts.diagnostics)
