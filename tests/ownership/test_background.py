"""in_background: the result of a function run in a forked child, or in the caller when no child may run;
scan() gives the same inventory whether the code is read beside the migrations or after them."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

import ownership.background as background
import ownership.scan as scan_module
from ownership.background import can_fork_worker, in_background
from ownership.scan import scan


def _pid(_: object) -> int:
    return os.getpid()


def _fail(message: str) -> int:
    raise ValueError(message)


def _unpicklable(_: object) -> object:
    return lambda: "made here"


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@pytest.fixture
def child_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child may run, whatever this machine's CPUs and the test runner's threads (those only
    decide whether one is worth it: test_can_fork_worker_follows_cpus_and_threads); the fork is real."""
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    monkeypatch.setattr(background, "can_fork_worker", lambda: True)


def test_can_fork_worker_follows_cpus_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    monkeypatch.setattr(background, "cpu_count", lambda: 1)
    assert not can_fork_worker()
    monkeypatch.setattr(background, "cpu_count", lambda: 2)
    assert can_fork_worker() == (threading.active_count() == 1 and hasattr(os, "fork"))


def test_result_comes_from_a_child_when_one_may_run(child_allowed: None) -> None:
    assert in_background(_pid, None)() != os.getpid()


def test_workers_1_runs_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKMAP_WORKERS", "1")
    assert not can_fork_worker()
    assert in_background(_pid, None)() == os.getpid()


def test_no_child_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork_worker()
        assert in_background(_pid, None)() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_a_failing_child_gives_the_callers_own_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    later = in_background(_fail, "reader bug")
    with pytest.raises(ValueError, match="reader bug"):
        later()


def test_a_result_that_cannot_be_pickled_is_computed_by_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    made = in_background(_unpicklable, None)()
    assert callable(made) and made() == "made here"


def test_leaving_the_block_stops_a_child_whose_result_was_not_asked_for(child_allowed: None) -> None:
    with in_background(_sleep, 600.0):
        assert len(multiprocessing.active_children()) == 1
    assert multiprocessing.active_children() == []


def test_without_a_child_the_result_is_computed_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKMAP_WORKERS", "1")
    calls: list[int] = []
    with in_background(calls.append, 1) as later:
        assert calls == []
        later()
    assert calls == [1]


def test_scan_is_the_same_with_the_code_read_beside_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "backend/migrations/001_init.sql": "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE posts (id int PRIMARY KEY, author int REFERENCES users (id));",
        "auth-service/Cargo.toml": '[package]\nname = "auth"',
        "auth-service/src/main.rs": 'fn f() { sqlx::query!("INSERT INTO users (id) VALUES ($1)", 1); }',
        "content-service/package.json": '{"name": "content", "scripts": {"start": "node ."}}',
        "content-service/src/feed.ts": "const q = `INSERT INTO posts (id) VALUES (1)`;",
    }
    for rel, text in files.items():
        Path(tmp_path, rel).parent.mkdir(parents=True, exist_ok=True)
        Path(tmp_path, rel).write_text(text)
    monkeypatch.setattr(scan_module, "BACKGROUND_BYTES", 1)  # these few bytes of code are read aside too
    monkeypatch.setenv("FKMAP_WORKERS", "1")
    alone = scan([str(tmp_path)])
    monkeypatch.delenv("FKMAP_WORKERS")
    beside = scan([str(tmp_path)])
    assert beside.to_json() == alone.to_json()
    owners = {t.ref.name: t.service for t in beside.tables}
    assert owners == {"users": "auth-service", "posts": "content-service"}


def test_little_code_is_read_after_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_allowed: None
) -> None:
    Path(tmp_path, "api").mkdir()
    Path(tmp_path, "api", "db.go").write_text('package api\nconst q = "DELETE FROM carts"\n')
    with scan_module._evidence_later([str(tmp_path)], True) as later:
        assert multiprocessing.active_children() == []
        assert "carts" in later().access
    monkeypatch.setattr(scan_module, "BACKGROUND_BYTES", 10)
    with scan_module._evidence_later([str(tmp_path)], True) as later:
        assert len(multiprocessing.active_children()) == 1
        assert "carts" in later().access
