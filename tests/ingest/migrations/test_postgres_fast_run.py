"""pg_dump's runs of ADD CONSTRAINT statements, read without the parser, give what the parser gives."""

from __future__ import annotations

import pytest

from ingest.migrations import postgres as pg
from ingest.migrations.postgres_fast import fast_run, next_fast_run
from tests.helpers import spy


def _key(i: int) -> str:
    return (
        f"--\n-- Name: t{i} t{i}_u_fkey; Type: FK CONSTRAINT; Schema: app; Owner: app\n--\n\n"
        f"ALTER TABLE ONLY app.t{i}\n    ADD CONSTRAINT t{i}_u_fkey FOREIGN KEY (u) "
        f"REFERENCES app.t{i + 1}(id) ON DELETE CASCADE;\n\n"
    )


TABLES = "".join(f"CREATE TABLE app.t{i} (\n    id bigint NOT NULL,\n    u bigint\n);\n\n" for i in range(41))
KEYS = "".join(_key(i) for i in range(40))
ODD = [
    'ALTER TABLE ONLY "a;b" ADD CONSTRAINT "c\n--d" PRIMARY KEY ("x;y");\n',
    'ALTER TABLE ONLY app.t1 ADD CONSTRAINT "é" UNIQUE (u);\n',
    "ALTER TABLE ONLY app.t1\x0b ADD CONSTRAINT v UNIQUE (u);\n",
    "ALTER TABLE ONLY app.t1 ADD CONSTRAINT select UNIQUE (u);\n",
    "/* block; */ ALTER TABLE ONLY app.t2 ADD CONSTRAINT w UNIQUE (u);\n",
    "ALTER TABLE ONLY app.t3 ADD CONSTRAINT x UNIQUE (u) ;-- after\n",
    "ALTER TABLE ONLY app.t3 ADD CONSTRAINT y UNIQUE (u\n",
    "-- comment\r\nALTER TABLE ONLY app.t4 ADD CONSTRAINT z PRIMARY KEY (id);\n",
]


@pytest.mark.parametrize("odd", ["", *ODD])
def test_runs_read_without_the_parser_agree_with_it(odd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    half = len(KEYS) // 2
    cut = KEYS.index("--\n-- Name", half)
    sql = TABLES + KEYS[:cut] + odd + KEYS[cut:] + "SELECT 1;\n"
    fast = pg.parse(sql, "m.sql")
    monkeypatch.setattr(pg, "FAST_PATH", False)
    assert fast == pg.parse(sql, "m.sql")
    if not odd:
        assert len([op for op in fast[0] if type(op).__name__ == "AddForeignKey"]) == 40


def test_a_long_run_never_reaches_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy(monkeypatch, pg, "_parse_json")
    monkeypatch.setattr(pg, "CHUNK_CHARS", 2_000)
    ops, diags = pg.parse(TABLES + KEYS, "m.sql")
    assert not diags
    assert len(ops) == 41 + 40
    assert seen
    assert not any("ADD CONSTRAINT" in sql for sql in seen)


def test_fast_run_stops_at_the_first_other_statement() -> None:
    text = "\n-- x; y\n" + _key(0) + _key(1) + "CREATE TABLE t (id int);\n" + _key(2)
    ops, end = fast_run(text, 0, lambda offset: text.count("\n", 0, offset) + 1)
    assert [(op.fk.name, op.line, op.fk.line) for op in ops] == [("t0_u_fkey", 7, 8), ("t1_u_fkey", 14, 15)]  # type: ignore[attr-defined]
    assert text[end:].lstrip().startswith("CREATE TABLE")
    assert fast_run(text, end + 2, lambda offset: 0) == ([], end + 2)
    assert next_fast_run(text, end, len(text), 1) == text.index("ALTER TABLE ONLY app.t2")
    assert next_fast_run(text, end, len(text), 2) == -1


def test_short_runs_are_left_to_the_parser() -> None:
    short = "".join(_key(i) for i in range(15)) + "SELECT 1;\n"
    text = (short * 3) + KEYS
    at = next_fast_run(text, 0, len(text), 16)
    assert at == len(short * 3) + KEYS.index("ALTER TABLE")
    assert next_fast_run(short * 3, 0, len(short * 3), 16) == -1
    assert next_fast_run(short, 0, len(short), 15) == short.index("ALTER TABLE")


def test_runs_come_in_batches_of_bounded_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "CHUNK_STATEMENTS", 10)
    batches = list(pg.iter_parse(KEYS, "m.sql"))
    assert [len(ops) for ops, _ in batches] == [10, 10, 10, 10]
