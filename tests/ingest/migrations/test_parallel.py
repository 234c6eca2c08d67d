"""Parsing in a process pool gives exactly the serial result: files in order, large files in parts."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import parallel
from ingest.migrations import postgres as pg
from ingest.migrations.parallel import parse_parts, plan_workers
from ingest.migrations.replay import fk_sort_key
from ingest.migrations.sets import ingest_path
from ingest.migrations.split import split_statements
from tests.ingest.pgdump_fixture import make_pg_dump

STATEMENTS = [
    "CREATE TABLE t{i} (id int PRIMARY KEY, parent_id int REFERENCES t{p} (id) ON DELETE CASCADE)",
    "ALTER TABLE ONLY public.t{i}\n    ADD CONSTRAINT t{i}_self FOREIGN KEY (parent_id)"
    " REFERENCES public.t{i}(id)",
    "CREAT TABLE typo{i} (id int)",  # a syntax error the parser reports
    "CREATE TABLE bad{i} (id int REFERENCES)",  # a syntax error inside a batch
    "ALTER TABLE t{i} DROP CONSTRAINT nope{i}",  # a replay warning
    "ALTER TABLE t{i} ADD CONSTRAINT c{i} FOREIGN KEY (id) REFERENCES missing{i} (id)",
    "CREATE TABLE t{i}x (a int); CREATE TABLE (",  # two statements on one line, one bad
    "INSERT INTO t{i} VALUES (1)",
    "DO $$ BEGIN EXECUTE 'ALTER TABLE t{i} ADD COLUMN z int'; END $$",
    "\\i other{i}.sql",
    "SET search_path = s{i}, public",
    'CREATE TABLE "Quoted {i}" (id int PRIMARY KEY, t_id int REFERENCES t{p})',
]


def script(picks: list[int]) -> str:
    """One statement per pick (its line); table t{i} exists for every i."""
    lines = [f"CREATE TABLE t{i} (id int PRIMARY KEY, parent_id int);" for i in range(len(picks))]
    for i, k in enumerate(picks):
        lines.append(STATEMENTS[k % len(STATEMENTS)].format(i=i, p=i // 2) + ";")
    return "\n".join(lines) + "\n"


def write_tree(root: Path, sets: int = 3, files: int = 9) -> None:
    for s in range(sets):
        for f in range(files):
            path = root / f"svc{s}" / "migrations" / f"{f:03d}_step.sql"
            path.parent.mkdir(parents=True, exist_ok=True)
            picks = [(s * 7 + f * 5 + k) % len(STATEMENTS) for k in range(6)]
            text = script(picks).replace("CREATE TABLE t", "CREATE TABLE IF NOT EXISTS t")
            path.write_text(text, encoding="utf-8")
    mysql = root / "svc0" / "migrations" / "100_mysql.sql"
    mysql.write_text(
        "CREATE TABLE `m` (`id` INT PRIMARY KEY, `t_id` INT REFERENCES `t0` (`id`)) ENGINE=InnoDB;\n"
    )
    (root / "svc1" / "migrations" / "050_binary.sql").write_bytes(b"CREATE TABLE x (id int);\x00\x01")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKMAP_CACHE", "0")
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)


def test_files_parsed_in_a_pool_replay_exactly_like_serial(tmp_path: Path) -> None:
    write_tree(tmp_path)
    serial = ingest_path(tmp_path, workers=1)
    assert {d.code for d in serial.diagnostics} >= {
        "parse-error",
        "unknown-constraint",
        "include",
        "binary-file",
    }
    assert ingest_path(tmp_path, workers=2) == serial
    assert ingest_path(tmp_path, workers=3) == serial


def test_a_pool_fills_the_cache_like_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path / "repo")
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(tmp_path / "cache"))
    serial = ingest_path(tmp_path / "repo", workers=1, cache=False)
    assert ingest_path(tmp_path / "repo", workers=2, cache=True) == serial
    assert any((tmp_path / "cache").rglob("*"))
    (tmp_path / "repo" / "svc2" / "migrations" / "000_step.sql").write_text("CREATE TABLE fresh (id int);\n")
    serial = ingest_path(tmp_path / "repo", workers=1, cache=False)
    assert ingest_path(tmp_path / "repo", workers=2, cache=True) == serial  # per-file hits, one miss


def test_one_large_file_is_parsed_in_parts_exactly_like_serial(tmp_path: Path) -> None:
    dump = tmp_path / "dump.sql"
    text = make_pg_dump(300) + script(list(range(40)))
    dump.write_text(text, encoding="utf-8")
    serial = ingest_path(dump, workers=1)
    assert {d.code for d in serial.diagnostics} >= {"parse-error", "include"}
    assert ingest_path(dump, workers=2) == serial
    parts = list(parse_parts(text, "dump.sql", 3))
    assert len(parts) > 3
    assert ([op for ops, _ in parts for op in ops], [d for _, ds in parts for d in ds]) == pg.parse(
        text, "dump.sql"
    )


def test_a_pool_that_cannot_start_falls_back_to_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path)
    (tmp_path / "big.sql").write_text(make_pg_dump(50), encoding="utf-8")
    serial = ingest_path(tmp_path, workers=1)

    def broken(*_: object) -> object:
        raise OSError("no processes here")

    monkeypatch.setattr(parallel, "pool_context", broken)
    assert ingest_path(tmp_path, workers=2) == serial
    assert ingest_path(tmp_path / "big.sql", workers=2) == ingest_path(tmp_path / "big.sql", workers=1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.integers(0, len(STATEMENTS) - 1), min_size=1, max_size=14), data=st.data())
def test_parts_concatenate_to_the_whole(picks: list[int], data: st.DataObject) -> None:
    """What the pool relies on: parsing consecutive parts gives the whole list's result."""
    statements = split_statements(script(picks))
    cut = data.draw(st.integers(0, len(statements)))
    whole = pg.parse_statements(statements, "m.sql")
    first = pg.parse_statements(statements[:cut], "m.sql")
    second = pg.parse_statements(statements[cut:], "m.sql")
    assert (first[0] + second[0], first[1] + second[1]) == whole


def test_operations_survive_pickling() -> None:
    ops, diags = pg.parse(script(list(range(len(STATEMENTS)))), "m.sql")
    assert pickle.loads(pickle.dumps((ops, diags))) == (ops, diags)


def test_results_are_sorted_without_a_final_sort(tmp_path: Path) -> None:
    write_tree(tmp_path, sets=4, files=5)
    inv = ingest_path(tmp_path, workers=2)
    order = {m.path: m.order for m in inv.migrations}
    assert list(inv.tables) == sorted(inv.tables, key=lambda t: (t.ref.database, t.ref.schema, t.ref.name))
    assert list(inv.foreign_keys) == sorted(inv.foreign_keys, key=lambda fk: fk_sort_key(fk, order))


def test_plan_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert plan_workers(total_bytes=10, files=100) == 1  # too little to pay for a pool
    assert plan_workers(total_bytes=10**8, files=1) == 1  # one file: nothing to share
    assert plan_workers(total_bytes=10, files=100, requested=3) == 3
    assert plan_workers(total_bytes=10, files=2, requested=3) == 2
    monkeypatch.setenv("FKMAP_WORKERS", "1")
    assert plan_workers(total_bytes=10**8, files=100) == 1


def test_a_large_file_parsed_in_parts_is_cached_for_its_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.migrations.cache import ParseCache
    from ingest.migrations.layout import discover
    from ingest.migrations.read import read_up_text

    root = tmp_path / "repo"
    (root / "db").mkdir(parents=True)
    (root / "db" / "001_structure.sql").write_text(make_pg_dump(200) + script([2, 3, 9]), encoding="utf-8")
    (root / "db" / "002_more.sql").write_text("CREATE TABLE more (id int REFERENCES app.t1 (id));\n")
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(tmp_path / "cache"))
    serial = ingest_path(root, workers=1, cache=False)
    assert ingest_path(root, workers=2, cache=True) == serial
    big = discover(root)[0][0].files[0]
    store = ParseCache(tmp_path / "cache")
    assert store.key(read_up_text(big)[0], None) in store.load_pack(os.path.realpath(root))
    (root / "db" / "002_more.sql").write_text("CREATE TABLE more (id int);\n")
    assert ingest_path(root, workers=2, cache=True) == ingest_path(root, workers=1, cache=False)
