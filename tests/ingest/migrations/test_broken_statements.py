"""One broken statement is one diagnostic: it never takes the statements after it along.

A statement with an unterminated string or an unclosed parenthesis used to swallow the rest
of its file; one that PostgreSQL's parser rejects but that could not change tables (INSERT,
GRANT...) was skipped unread. Both were silent: 0 tables, 0 diagnostics. Every file here goes
through the whole pipeline (``ingest_path``: read, split, parse, replay).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast.parser import ParseError, parse_sql_json

from ingest.migrations.sets import ingest_path, ingest_text

TAIL = "\nCREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int REFERENCES a (id));\n"

BROKEN = {
    "insert-open-parenthesis": "INSERT INTO x VALUES (1;",
    "view-open-parenthesis": "CREATE VIEW v AS SELECT (1;",
    "grant-open-parenthesis": "GRANT SELECT ON t TO (a;",
    "comment-unterminated-string": "COMMENT ON TABLE t IS 'x;",
    "unterminated-e-string": "SELECT E'abc\\';",
    "unterminated-identifier": 'SELECT "abc;',
    "unterminated-dollar-quote": "DO $$ BEGIN PERFORM 1;",
    "extra-parenthesis": "INSERT INTO x VALUES (1));",
    "misspelt-command": "CREAT TABLE q (id int);",
    "grant-garbage": "GRANT EVERYTHING TO;",
    "begin-atomic-without-end": "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;",
}


@pytest.mark.parametrize("bad", BROKEN.values(), ids=BROKEN.keys())
def test_broken_statement_is_one_diagnostic_and_the_rest_replays(tmp_path: Path, bad: str) -> None:
    (tmp_path / "001_init.sql").write_text(bad + TAIL, encoding="utf-8")
    inv = ingest_path(tmp_path, dialect="postgres")
    assert {t.ref.name for t in inv.tables} == {"a", "b"}
    assert [(fk.table.name, fk.ref_table.name) for fk in inv.foreign_keys] == [("b", "a")]
    assert [(d.severity, d.code, d.path, d.line) for d in inv.diagnostics] == [
        ("error", "parse-error", "001_init.sql", 1)
    ]
    assert inv.diagnostics[0].excerpt and inv.diagnostics[0].message.startswith("PostgreSQL syntax error")


def test_the_diagnostic_names_the_line_of_the_unterminated_token() -> None:
    sql = (
        "CREATE TABLE a (id int);\nINSERT INTO a VALUES\n  (1, 'it''s),\n  (2, 'x');\n"
        "CREATE TABLE b (id int);\n"
    )
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    assert {t.ref.name for t in inv.tables} == {"a", "b"}
    [d] = inv.diagnostics
    assert (d.code, d.line) == ("parse-error", 2)
    assert "unterminated quoted string on line 4; read up to the next ';'" in d.message


MYSQL_BROKEN = {
    "string": "INSERT INTO x VALUES ('a;",
    "double-quoted": 'INSERT INTO x VALUES ("a;',
    "backtick": "INSERT INTO `x VALUES (1);",
}


@pytest.mark.parametrize("bad", MYSQL_BROKEN.values(), ids=MYSQL_BROKEN.keys())
def test_mysql_broken_statement_is_one_diagnostic_and_the_rest_replays(bad: str) -> None:
    tail = (
        "\nCREATE TABLE a (id INT PRIMARY KEY);\n"
        + "CREATE TABLE b (a_id INT, FOREIGN KEY (a_id) REFERENCES a (id));"
    )
    sql = bad + tail
    inv = ingest_text(sql, path="m.sql", dialect="mysql")
    assert {t.ref.name for t in inv.tables} == {"a", "b"}
    assert [(d.code, d.line) for d in inv.diagnostics] == [("parse-error", 1)]


# ----------------------------------------------------------------------------- property
HEADS = st.sampled_from(
    [
        "INSERT INTO x VALUES",
        "CREATE VIEW v AS SELECT",
        "GRANT SELECT ON t TO",
        "COMMENT ON TABLE t IS",
        "SELECT",
        "UPDATE t SET a =",
        "CREATE TABLE q",
        "ALTER TABLE t ADD",
        "DO",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC",
        "COPY t (a) FROM",
        "",
    ]
)
BREAKERS = st.sampled_from(
    [
        "(1",
        "((1)",
        "'x",
        "E'x\\'",
        '"x',
        "$$ x",
        "$q$ x",
        "$$ x $q$",
        ")",
        "(",
        "1 2",
        "garbage",
        "'",
        "BEGIN",
    ]
)
WORDS = st.lists(
    st.sampled_from(["a", "1", ",", "(b)", "'s'", "x.y", "--c\n", "/* c */", "\n", "END"]), max_size=5
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HEADS, BREAKERS, WORDS, st.sampled_from(["postgres", "mysql"]))
def test_one_broken_statement_never_loses_the_table_after_it(
    head: str, breaker: str, words: list[str], dialect: str
) -> None:
    broken = " ".join([head, breaker, *words])
    sql = f"CREATE TABLE kept_before (id int);\n{broken};\nCREATE TABLE kept_after (id int);\n"
    inv = ingest_text(sql, path="m.sql", dialect=dialect)
    assert {"kept_before", "kept_after"} <= {t.ref.name for t in inv.tables}
    last = 2 + broken.count("\n")
    assert all(d.code == "parse-error" and 2 <= d.line <= last for d in inv.diagnostics), inv.diagnostics
    if dialect == "postgres":
        try:
            parse_sql_json(broken)
        except ParseError:
            assert inv.diagnostics, "PostgreSQL rejects the statement: it must be reported"
