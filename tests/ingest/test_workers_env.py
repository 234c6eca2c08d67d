"""FKMAP_WORKERS means the same to every pool: N from 1 fixes the processes, 1 keeps work in the
calling process, and 0, blank or junk leave each pool to decide by the size of its work. No pool
forks a process that runs other threads."""

from __future__ import annotations

import threading

import pytest

from ingest.migrations.parallel import plan_workers as parse_workers
from ingest.workers import cpu_count, pool_context, requested_workers
from ownership.background import can_fork_worker
from ownership.code.pool import MIN_POOL_BYTES
from ownership.code.pool import plan_workers as code_workers

BIG = 50 * MIN_POOL_BYTES


@pytest.mark.parametrize("value", ["", "0", "x", "-2", " "])
def test_anything_but_a_whole_number_from_1_is_automatic(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.delenv("FKMAP_WORKERS", raising=False)
    unset = can_fork_worker()  # CPUs, fork and threads decide, as with no variable
    monkeypatch.setenv("FKMAP_WORKERS", value)
    assert requested_workers() is None
    assert can_fork_worker() == unset
    assert parse_workers(total_bytes=BIG, files=100) == min(cpu_count(), 100, 8)
    assert code_workers(total_bytes=BIG) == (cpu_count() if cpu_count() > 1 else 1)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_a_number_fixes_every_pool(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setenv("FKMAP_WORKERS", f" {n} ")
    assert requested_workers() == n
    assert parse_workers(total_bytes=1, files=100) == n
    assert code_workers(total_bytes=1) == n
    if n == 1:
        assert not can_fork_worker()


def test_pools_never_fork_a_process_running_other_threads() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert pool_context().get_start_method() == "forkserver"
        assert pool_context(["ingest.migrations.parse"]).get_start_method() == "forkserver"
    finally:
        release.set()
        other.join()
