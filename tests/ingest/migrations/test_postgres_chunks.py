"""Runs parsed whole (:mod:`ingest.migrations.postgres_chunks`) read exactly what the splitter reads.

The reference is the splitter followed by :func:`ingest.migrations.postgres.parse_statements`,
the way every script was read before; scripts are assembled from pieces that trip each rule of
the module (comments and strings holding ``;``, dollar quotes, ``BEGIN ATOMIC``, ``COPY`` data,
meta-commands, broken statements, nested comments, carriage returns, text beyond ASCII).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import postgres as pg
from ingest.migrations.ops import Op
from ingest.migrations.split import iter_statements
from ingest.migrations.split_pg import Scanner
from model.inventory import Diagnostic

PIECES = [
    "CREATE TABLE users (id bigint PRIMARY KEY, name text DEFAULT 'a;b');\n",
    "CREATE TABLE posts (\n  id int PRIMARY KEY,\n"
    "  user_id bigint REFERENCES users (id) ON DELETE CASCADE\n);\n",
    "ALTER TABLE ONLY public.posts\n"
    "    ADD CONSTRAINT posts_u_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);\n",
    "ALTER TABLE posts ADD CONSTRAINT p2 FOREIGN KEY (user_id) REFERENCES users NOT VALID;\n",
    "ALTER TABLE posts OWNER TO app;\n",
    "-- a comment; with a semicolon\n",
    "-- Name: t; Type: TABLE; Schema: app\n",
    "/* block; comment */ ",
    "/* nested /* comment; */ still */\n",
    "SET search_path = app, public;\n",
    "SELECT pg_catalog.set_config('search_path', '', false);\n",
    "CREATE SCHEMA app;\n",
    "CREATE TABLE app.things (id int PRIMARY KEY, owner bigint REFERENCES users(id));\n",
    "COMMENT ON TABLE users IS 'ça; va';\n",
    'CREATE TABLE "é" (id int PRIMARY KEY);\n',
    "CREATE FUNCTION f() RETURNS int AS $fn$\nBEGIN\n  CREATE TABLE no (id int);\n\n"
    "  RETURN 1;\nEND\n$fn$ LANGUAGE plpgsql;\n",
    "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n",
    "CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1';\n",
    "CREATE RULE r AS ON INSERT TO posts DO (SELECT 1; SELECT 2);\n",
    "DO $$ BEGIN\n  ALTER TABLE posts ADD CONSTRAINT d FOREIGN KEY (id) REFERENCES users(id);\nEND $$;\n",
    "COPY users (id, name) FROM stdin;\n1\ta;b\n2\tc\n\\.\n",
    "\\restrict abc\n",
    "\\connect other\n",
    "INSERT INTO users VALUES (1, 'a'));\n",
    "CREATE TABLE broken (id int,;\n",
    "SELECT 'unterminated;\n",
    "SELECT $$open;\n",
    "SELECT E'it\\'s; here';\n",
    "SELECT 1 -- no terminator;\n",
    "SELECT 1\r-- cr;\rCREATE TABLE cr (id int);\n",
    "CREATE TABLE crlf (id int);\r\n",
    "SELECT €$$ x $$;\n",
    "DROP TABLE IF EXISTS app.nothing;\n",
    ";\n",
    "\n",
    " ",
    "CREATE TABLE big (\n" + "".join(f"  c{i} int,\n" for i in range(30)) + "  id int PRIMARY KEY\n);\n",
]


def _reference(text: str) -> tuple[list[Op], list[Diagnostic]]:
    return pg.parse_statements(iter_statements(text, dialect="postgres"), "m.sql")


def _assert_runs_read_as_the_splitter(text: str, chars: int, statements: int) -> None:
    """``pg.parse`` with runs cut at ``chars`` characters or ``statements`` statements gives what
    the splitter's statements give, one by one."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pg, "CHUNK_CHARS", chars)
        mp.setattr(pg, "CHUNK_STATEMENTS", statements)
        assert pg.parse(text, "m.sql") == _reference(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.sampled_from([30, 120, 400, 64_000]))
def test_runs_read_what_the_splitter_reads(pieces: list[str], chars: int) -> None:
    _assert_runs_read_as_the_splitter("".join(pieces), chars, 3 if chars < 100 else 1_000)


@pytest.mark.parametrize("piece", PIECES)
def test_each_piece_between_valid_statements(piece: str) -> None:
    text = f"CREATE TABLE a (id int);\n{piece}CREATE TABLE b (a int REFERENCES a (id));\n"
    assert pg.parse(text, "m.sql") == _reference(text)


def test_a_clean_script_never_goes_to_the_splitter(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_split(*_: object) -> object:
        raise AssertionError("split")

    monkeypatch.setattr(Scanner, "statements", no_split)
    text = "".join(PIECES[:4]) * 50
    ops, diags = pg.parse(text, "m.sql")
    assert len(ops) == 200 and diags == []


def test_broken_statements_are_named_at_their_lines() -> None:
    good = "CREATE TABLE t{} (id int);\n"
    lines = [good.format(i) for i in range(3_000)]
    lines[1_000] = "CREATE TABLE bad (id int,);\n"
    lines[2_500] = "SELECT 'open;\n"
    text = "".join(lines)
    ops, diags = pg.parse(text, "m.sql")
    assert [(d.line, d.code) for d in diags] == [(1_001, "parse-error"), (2_501, "parse-error")]
    assert (ops, diags) == _reference(text)


TOKENS = [
    "CREATE TABLE t (id int)",
    "CREATE TABLE u (a int REFERENCES t (id))",
    "ALTER TABLE ONLY u\n    ADD CONSTRAINT u_fk FOREIGN KEY (a) REFERENCES t(id)",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1",
    "END",
    "COPY t (id) FROM stdin",
    "SELECT",
    " 1",
    ";",
    ";\n",
    "\n",
    "\r",
    " ",
    "(",
    ")",
    "'",
    "''",
    '"',
    "$$",
    "$a$",
    "E'",
    "\\'",
    "\\",
    "\\.",
    "--",
    "/*",
    "*/",
    "é",
    "€",
    "BEGIN",
    "CASE",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from([10, 40, 64_000]))
def test_any_text_reads_as_the_splitter_reads_it(tokens: list[str], chars: int) -> None:
    _assert_runs_read_as_the_splitter("".join(tokens), chars, 2 if chars < 100 else 1_000)
