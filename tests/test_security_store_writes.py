"""Failed writes of the remediation store: a full disk says so, and ``plan import`` is all or nothing.

A full disk is a real one: a 300 KB tmpfs mounted for the test (needs root; skipped otherwise)
holding a SQLite store. The all-or-nothing import runs against SQLite and the real PostgreSQL:
a trigger makes the 12th of 18 records fail (on PostgreSQL with SQLSTATE 53100, disk_full, as
a full server disk does), and the store must be exactly as before.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from remediation.plan_file import parse_plan
from remediation.plan_import import import_plan
from remediation.records import Mark, Record
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.store.schema import StoreError, StoreFullError
from remediation.store.sqlite import SqliteStore
from tests.conftest import missing

RECORDS = 18
FAILING = 12


def plan(n: int = RECORDS, note: str = "n") -> list[Any]:
    return parse_plan(plan_doc(n, note))


def plan_doc(n: int = RECORDS, note: str = "n") -> dict[str, Any]:
    return {
        "format": "fkmap-plan",
        "format_version": 1,
        "records": [
            {"id": f"m/{i:03}.sql:1#k{i}", "owner_team": f"team{i}", "marks": [{"phase": 1, "note": note}]}
            for i in range(1, n + 1)
        ],
    }


def state(store: SqlStore) -> tuple[Any, ...]:
    """Everything the store holds."""
    return tuple(store.records()), tuple(store.audit()), tuple(store.snapshots())


def seeded(store: SqlStore) -> SqlStore:
    """A store that already holds two records, one of which the plan updates."""
    store.save(Record("m/001.sql:1#k1", owner_team="old"), who="al")
    store.save(Record("elsewhere", marks=(Mark(1, "al", "2026-01-01T00:00:00Z"),)), who="al")
    return store


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KB tmpfs (``mount`` needs root)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        missing("a small tmpfs (mount as root)", mounted.stderr.strip())
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file that leaves about ``leave`` bytes free on ``disk``."""
    ballast = disk / "ballast"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with contextlib.suppress(OSError):
        ballast.write_bytes(b"\0" * max(free - leave, 0))
    return ballast


@pytest.mark.parametrize(
    ("leave", "cause"),
    [(4096, "disk I/O error"), (120_000, "database or disk is full")],
    ids=["no room for the -shm file", "no room for the WAL"],
)
def test_a_full_disk_is_reported_as_a_full_disk(small_disk: Path, leave: int, cause: str) -> None:
    from remediation.service import inventory_view, save_edit
    from tests.ui.fixtures import six_services

    store = seeded(open_store(str(small_disk / "state.db")))
    assert isinstance(store, SqliteStore)
    before = state(store)
    view = inventory_view(six_services(), store)
    ballast = fill(small_disk, leave)
    with pytest.raises(StoreFullError) as caught:
        for i in range(200):
            store.save(Record(f"big{i}", owner_team="x" * 20_000), who="al")
    message = str(caught.value)
    assert f"is full ({cause})" in message and "nothing was written" in message, message
    assert "restore it from a backup" not in message and "cannot be read" not in message
    # the dashboard's editor says so too
    result = save_edit(store, view, view.statuses[0].id, None, "fields", who="bo", owner_team="y" * 50_000)
    assert not result.ok and not result.conflict and "is full" in result.message, result.message
    ballast.unlink()  # space again: the same store, sound, with every write that was confirmed
    assert store.integrity_check() == ["ok"]
    assert set(before[0]) <= set(store.records())
    assert all(r.owner_team == "x" * 20_000 for r in store.records() if r.fk_id.startswith("big"))
    assert store.save(Record("after"), who="al").version == 1


def test_an_import_that_fills_the_disk_imports_nothing(small_disk: Path) -> None:
    from cli import main

    path = small_disk / "state.db"
    store = seeded(open_store(str(path)))
    assert isinstance(store, SqliteStore)
    before = state(store)
    ballast = fill(small_disk, 40_000)
    entries = plan(note="x" * 4000)  # 18 x 4 KB notes, twice (record and audit): more than is free
    with pytest.raises(StoreFullError, match="nothing was imported, the store is as it was: the disk"):
        import_plan(store, entries, who="bo")
    assert state(store) == before
    assert store.integrity_check() == ["ok"]
    plan_file = small_disk.parent / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(plan_doc(note="x" * 4000)))
    result = CliRunner().invoke(main, ["plan", "import", str(plan_file), "--state", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("fkmap: error: nothing was imported") and "is full" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert state(store) == before
    ballast.unlink()
    report = import_plan(store, entries, who="bo")  # k1 was edited in the store: a conflict, skipped
    assert (len(report.created), len(report.updated), len(report.conflicts)) == (RECORDS - 1, 0, 1)


def _sqlite_failing_trigger(store: SqlStore) -> None:
    import sqlite3

    conn = sqlite3.connect(store.label)
    try:
        conn.execute(
            "CREATE TRIGGER fail_12th BEFORE INSERT ON fkmap_audit "
            f"WHEN NEW.fk_id = 'm/{FAILING:03}.sql:1#k{FAILING}' "
            "BEGIN SELECT RAISE(ABORT, 'write failed'); END"
        )
        conn.commit()
    finally:
        conn.close()


def _postgres_failing_trigger(store: SqlStore, dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"""CREATE FUNCTION fail_12th() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.fk_id = 'm/{FAILING:03}.sql:1#k{FAILING}' THEN
                    RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device'
                        USING ERRCODE = 'disk_full';
                END IF;
                RETURN NEW;
            END $$"""
        )
        conn.execute(
            "CREATE TRIGGER fail_12th BEFORE INSERT ON fkmap_audit FOR EACH ROW EXECUTE FUNCTION fail_12th()"
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def failing_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[SqlStore, type[StoreError]]:
    """A seeded store on which the 12th imported record fails, and the error that failure raises."""
    if request.param == "sqlite":
        store = seeded(open_store(str(tmp_path / "state.db")))
        _sqlite_failing_trigger(store)
        return store, StoreError
    fresh: Callable[..., str] = request.getfixturevalue("fresh_database")
    dsn = fresh()
    store = seeded(open_store(dsn))
    _postgres_failing_trigger(store, dsn)
    return store, StoreFullError


def test_an_import_whose_12th_record_fails_changes_nothing(
    failing_store: tuple[SqlStore, type[StoreError]],
) -> None:
    store, error = failing_store
    before = state(store)
    with pytest.raises(error, match="nothing was imported, the store is as it was") as caught:
        import_plan(store, plan(), who="bo")
    if error is StoreFullError:
        assert "is full (could not extend file" in str(caught.value)
    assert state(store) == before
    # a conflict is no failure: it is skipped, the rest is written, in the same one transaction
    stale = plan(FAILING - 1)
    store.save(store.get("m/001.sql:1#k1").with_fields(owner_team="newer"), who="al")  # type: ignore[union-attr]
    report = import_plan(store, stale, who="bo")
    assert len(report.conflicts) == 1 and "changed in the store" in report.conflicts[0]
    assert len(report.created) == FAILING - 2 and not report.updated
