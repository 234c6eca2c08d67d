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
    # every diagnostic is about the broken statement (a head may also read as valid SQL that does
    # something odd, e.g. ALTER TABLE t ADD garbage a: a column on a table no statement created)
    assert all(2 <= d.line <= last for d in inv.diagnostics), inv.diagnostics
    if dialect == "postgres":
        try:
            parse_sql_json(broken)
        except ParseError:
            assert any(d.code == "parse-error" for d in inv.diagnostics), "PostgreSQL rejects it: reported"


# ----------------------------------------------------------------------------- linear time
def _count_parser_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from ingest.migrations import postgres as pg

    calls: list[int] = []
    from pglast.parser import parse_sql_json as real

    def counting(sql: str) -> str:
        calls.append(len(sql))
        return real(sql)

    monkeypatch.setattr(pg, "parse_sql_json", counting)
    return calls


def test_unterminated_nested_comment_is_one_diagnostic_and_never_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """64k '/*' took 8.6 s (the whole text went to the parser, whose message quoted it all)."""
    calls = _count_parser_calls(monkeypatch)
    sql = "CREATE TABLE a (id int);\n" + "/*" * 65_536 + "\nCREATE TABLE b (id int);\n"
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    assert {t.ref.name for t in inv.tables} == {"a"}  # b is inside the comment, as in PostgreSQL
    [d] = inv.diagnostics
    assert (d.code, d.line) == ("parse-error", 2)
    assert "unterminated /* comment on line 2; the rest of the file belongs to it" in d.message
    assert len(d.message) < 300 and len(d.excerpt) <= 120
    assert sum(calls) < 100  # only "CREATE TABLE a" went to the parser


def test_parser_messages_are_bounded() -> None:
    """PostgreSQL quotes the token near an error (here a 100,000-character string); a diagnostic
    keeps at most MESSAGE_CHARS of it, in a statement and in a DO block's EXECUTE."""
    long = "x" * 100_000
    sql = (
        f"CREATE TABLE a (id int);\nALTER TABLE a ADD CONSTRAINT '{long}';\n"
        f"DO $$ BEGIN EXECUTE 'ALTER TABLE a ADD CONSTRAINT ''{long}'''; END $$;\n"
    )
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    assert [(d.code, d.line) for d in inv.diagnostics] == [("parse-error", 2), ("parse-error", 3)]
    assert all(len(d.message) < 300 for d in inv.diagnostics), [len(d.message) for d in inv.diagnostics]


def test_many_broken_statements_stay_linear() -> None:
    """Finding that a statement is broken scans to the end of the text: after a few texts'
    worth of such scans the next broken statement takes the rest of the file."""
    from ingest.migrations.split import split_statements

    statements = split_statements("INSERT INTO x VALUES (1;\n" * 50_000)
    assert len(statements) < 20
    assert statements[-1].error.endswith("(too many broken statements before it to read on)")


SCAN_ONE_FILE = """
import sys
from ingest.migrations.sets import ingest_path
inv = ingest_path(sys.argv[1], dialect="postgres")
print(len(inv.tables), [d.code for d in inv.diagnostics])
"""


def test_a_megabyte_of_unterminated_comments_is_read_in_a_subprocess(tmp_path: Path) -> None:
    """1 MB of '/*' did not finish in 300 s; a whole process now reads it (generous timeout)."""
    import subprocess
    import sys

    path = tmp_path / "001_comments.sql"
    path.write_text("CREATE TABLE a (id int);\n" + "/*" * 524_288 + "\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", SCAN_ONE_FILE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(root), "FKMAP_CACHE": "0", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 ['parse-error']"
