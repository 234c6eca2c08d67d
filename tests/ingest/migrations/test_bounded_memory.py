"""Memory stays bounded: files are parsed in batches of bounded size, replayed as they are
parsed, and a scan stops with a clear error before its tables outgrow FKMAP_MAX_TABLES.

A 20 MB file of 314,000 tiny CREATE TABLEs took 1.35 GB in review (648,746 of them: 1.39 GB
and 190 s here); it is now refused in 1.5 s and 79 MB, naming the file, the limit and how to
raise it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pglast.parser import parse_sql_json

from cli import main
from ingest.migrations import postgres as pg
from ingest.migrations.limits import MAX_TABLES, max_tables
from ingest.migrations.replay import Replayer
from ingest.migrations.sets import ingest_path


def _tables(count: int, start: int = 0) -> str:
    return "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(start, start + count))


def test_a_file_is_parsed_in_bounded_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 statements: five parser calls of CHUNK_STATEMENTS (1,000) statements each."""
    calls: list[int] = []
    real = parse_sql_json

    def counting(sql: str) -> str:
        calls.append(sql.count(";"))
        return real(sql)

    monkeypatch.setattr(pg, "parse_sql_json", counting)
    (tmp_path / "001_init.sql").write_text(_tables(5_000), encoding="utf-8")
    inv = ingest_path(tmp_path, cache=False, workers=1)
    assert len(inv.tables) == 5_000
    assert calls == [pg.CHUNK_STATEMENTS] * 5


def test_batches_are_replayed_while_the_file_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operations of a file are never all held: each batch is replayed before the next is parsed."""
    applied = 0
    seen_at_parse: list[int] = []
    real_parse, real_apply = parse_sql_json, Replayer.apply

    def parse(sql: str) -> str:
        seen_at_parse.append(applied)
        return real_parse(sql)

    def apply(self: Replayer, op: object) -> None:
        nonlocal applied
        applied += 1
        real_apply(self, op)  # type: ignore[arg-type]

    monkeypatch.setattr(pg, "parse_sql_json", parse)
    monkeypatch.setattr(Replayer, "apply", apply)
    (tmp_path / "001_init.sql").write_text(_tables(3_000), encoding="utf-8")
    ingest_path(tmp_path, cache=False, workers=1)
    assert seen_at_parse == [0, 1_000, 2_000]


def test_a_long_one_line_file_is_cut_too(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = parse_sql_json

    def counting(sql: str) -> str:
        calls.append(len(sql))
        return real(sql)

    monkeypatch.setattr(pg, "parse_sql_json", counting)
    ops, diags = pg.parse(_tables(10_000).replace("\n", " "), "m.sql")
    assert len(ops) == 10_000 and diags == []
    assert len(calls) >= 2 and max(calls) <= 4 * pg.CHUNK_CHARS + 100


def test_the_table_limit_stops_the_scan_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FKMAP_MAX_TABLES", "100")
    calls: list[str] = []
    monkeypatch.setattr(pg, "parse_sql_json", calls.append)
    folder = tmp_path / "services" / "big" / "migrations"
    folder.mkdir(parents=True)
    (folder / "001_a.sql").write_text(_tables(60), encoding="utf-8")
    (folder / "002_b.sql").write_text(_tables(60, 60), encoding="utf-8")
    (folder / "003_c.sql").write_text(_tables(1, 120), encoding="utf-8")
    inv = ingest_path(tmp_path, cache=False, workers=1)
    assert (inv.tables, inv.foreign_keys, calls) == ((), (), [])
    [d] = inv.diagnostics
    assert (d.severity, d.code, d.path) == ("error", "too-many-tables", "services/big/migrations/002_b.sql")
    assert d.message.startswith(
        "stopped reading at services/big/migrations/002_b.sql: the migrations read so far declare about "
        "120 tables, more than the limit of 100 (FKMAP_MAX_TABLES, about 10 KB of memory per table)"
    )
    assert "FKMAP_MAX_TABLES=10000 or more" in d.message


def test_fkmap_scan_stops_with_the_message_and_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FKMAP_MAX_TABLES", "10")
    (tmp_path / "001_init.sql").write_text(_tables(11), encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "--no-cache", str(tmp_path)])
    assert result.exit_code == 1
    assert "stopped reading at 001_init.sql" in result.output
    assert "FKMAP_MAX_TABLES" in result.output


def test_the_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKMAP_MAX_TABLES", "250_000")
    assert max_tables() == 250_000
    for unusable in ("", "0", "-5", "lots"):
        monkeypatch.setenv("FKMAP_MAX_TABLES", unusable)
        assert max_tables() == MAX_TABLES == 100_000
