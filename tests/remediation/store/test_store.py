"""The remediation store on SQLite and on the real PostgreSQL: layout upgrades, optimistic
concurrency between threads and processes, the audit log, and crash safety (SIGKILL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from remediation.records import FkInfo, Mark, Record
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.store.conflict import ConflictError
from remediation.store.schema import SCHEMA_VERSION, StoreError, StoreVersionError
from tests.helpers import not_none

WORKER = Path(__file__).with_name("store_worker.py")
AT = "2026-11-14T10:42:00Z"
INFO = FkInfo(
    "posts_user_id_fkey", "content", "auth", "public.posts", ("user_id",), "public.users", ("id",), "CASCADE",
    "db", "public.posts(user_id)->public.users(id)", "public.posts_user_id_fkey",
)  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store location: a SQLite file, or a throw-away PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state" / "state.db")
    fresh: Callable[..., str] = request.getfixturevalue("fresh_database")
    return fresh()


def raw(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement outside the store (SQLite ``?`` placeholders, converted for psycopg)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return list(cur.fetchall()) if cur.description else []
    lite = sqlite3.connect(url, isolation_level=None)
    try:
        return list(lite.execute(sql, params).fetchall())
    finally:
        lite.close()


def counter_store(url: str) -> SqlStore:
    store = open_store(url)
    store.save(Record("counter", owner_team="0", fk=INFO), who="setup")
    return store


# ------------------------------------------------------------------------------------ layout
def test_a_fresh_store_has_the_current_layout(url: str) -> None:
    store = open_store(url)
    assert (store.schema_version(), store.is_empty(), SCHEMA_VERSION) == (3, True, 3)
    assert open_store(url).schema_version() == 3  # opening again changes nothing


def test_default_location_and_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FKMAP_STATE", raising=False)
    store = open_store()
    assert store.label == ".fkmap/state.db" and (tmp_path / ".fkmap" / "state.db").is_file()
    assert open_store(f"sqlite:///{tmp_path}/x.db").label == f"{tmp_path}/x.db"  # sqlite:////abs
    assert open_store("sqlite:///rel/y.db").label == "rel/y.db"
    monkeypatch.setenv("FKMAP_STATE", str(tmp_path / "env.db"))
    assert open_store().label == str(tmp_path / "env.db")
    with pytest.raises(StoreError, match="unknown state URL scheme 'mysql'"):
        open_store("mysql://x/y")
    (tmp_path / "junk.db").write_bytes(b"this is no database" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(str(tmp_path / "junk.db"))


def test_an_older_store_is_upgraded_in_place(url: str) -> None:
    old = open_store(url, upgrade=False)
    assert old.schema_version() == 0
    old.upgrade(1)
    raw(
        url,
        "INSERT INTO fkmap_records (uid, fk_id, version, service, owner_team, deletion_policy, marks, fk, "
        "created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "u1",
            "a.sql:3#x",
            4,
            "content",
            "core",
            "",
            '[{"phase": 1, "by": "al", "at": "t"}]',
            "{}",
            AT,
            AT,
            "al",
        ),
    )
    store = open_store(url)
    assert store.schema_version() == 3
    [record] = store.records()
    assert (record.fk_id, record.version, record.owner_team, record.target_date, record.marks) == (
        "a.sql:3#x",
        4,
        "core",
        "",
        (Mark(1, "al", "t"),),
    )
    store.save(record.with_fields(target_date="2027-01-31"), who="bob")  # the new column works
    assert not_none(store.get("a.sql:3#x")).target_date == "2027-01-31"


def test_a_newer_store_is_refused_and_left_untouched(url: str) -> None:
    store = open_store(url)
    store.save(Record("a.sql:3#x", owner_team="core"), who="al")
    raw(url, "UPDATE fkmap_schema_version SET version = 99")
    before = raw(url, "SELECT uid, fk_id, version, owner_team FROM fkmap_records")
    with pytest.raises(StoreVersionError, match="schema version 99, newer than the 3 this fkmap knows"):
        open_store(url)
    assert raw(url, "SELECT version FROM fkmap_schema_version") == [(99,)]
    assert raw(url, "SELECT uid, fk_id, version, owner_team FROM fkmap_records") == before


# ------------------------------------------------------------------------------------ records and conflicts
def test_a_stale_save_is_a_conflict_naming_who_and_when(url: str) -> None:
    store = open_store(url)
    created = store.save(Record("a.sql:3#x", fk=INFO), who="setup")
    alice_copy, bob_copy = store.get("a.sql:3#x"), store.get("a.sql:3#x")
    assert alice_copy == bob_copy == created
    store.save(alice_copy.with_mark(Mark(1, "alice", AT, "checks live")), who="alice", action="mark")
    with pytest.raises(ConflictError) as caught:
        store.save(bob_copy.with_fields(owner_team="bob's team"), who="bob")
    message = str(caught.value)
    assert message.startswith(
        "the record of content public.posts(user_id) -> auth public.users(id) was changed by alice at "
    )
    assert message.endswith(
        "since you loaded it (you have version 1, the store has version 2); "
        "reload and apply your change again"
    )
    assert caught.value.current is not None and caught.value.current.version == 2
    stored = not_none(store.get("a.sql:3#x"))
    assert (stored.version, stored.owner_team, [m.by for m in stored.marks]) == (2, "", ["alice"])


def test_creating_the_same_record_twice_is_a_conflict(url: str) -> None:
    store = open_store(url)
    store.save(Record("a.sql:3#x", owner_team="first"), who="alice")
    with pytest.raises(ConflictError, match=r"was created by alice at .* since you loaded it"):
        store.save(Record("a.sql:3#x", owner_team="second"), who="bob")
    assert not_none(store.get("a.sql:3#x")).owner_team == "first"


def test_every_change_is_audited_with_before_and_after(url: str) -> None:
    store = open_store(url)
    v1 = store.save(Record("a.sql:3#x", fk=INFO), who="alice")
    v2 = store.save(v1.with_mark(Mark(1, "alice", AT, "n", "https://t/1")), who="alice", action="mark")
    v3 = store.save(v2.without_mark(1), who="bob", action="unmark")
    entries = store.audit(uid=v1.uid)
    assert [
        (e.who, e.action, e.before and e.before.version, e.after and e.after.version) for e in entries
    ] == [
        ("alice", "create", None, 1),
        ("alice", "mark", 1, 2),
        ("bob", "unmark", 2, 3),
    ]
    assert entries[1].after == v2 and entries[2].before == v2 and entries[2].after == v3
    assert store.record_at(v1.uid, 2) == v2
    assert store.audit(since="9999") == []


def test_an_orphan_is_reattached_and_keys_stay_unique(url: str) -> None:
    store = open_store(url)
    orphan = store.save(Record("gone.sql:3#x", owner_team="core"), who="al")
    other = store.save(Record("b.sql:9#y"), who="al")
    moved = store.reattach(orphan, "new.sql:4#x", INFO, who="bob")
    assert (moved.fk_id, moved.uid, moved.version, moved.fk) == ("new.sql:4#x", orphan.uid, 2, INFO)
    assert store.get("gone.sql:3#x") is None and store.audit(uid=orphan.uid)[-1].action == "reattach"
    with pytest.raises(StoreError, match="another record is attached to that key"):
        store.reattach(moved, other.fk_id, None, who="bob")
    assert store.get("new.sql:4#x") == moved


def test_snapshots_are_named_once(url: str) -> None:
    store = open_store(url)
    rows = [{"id": "a.sql:3#x", "state": "present", "phase": 1, "marks": [1]}]
    info = store.save_snapshot("Review 2026-11-14", rows, who="al")
    with pytest.raises(StoreError, match="a snapshot named 'Review 2026-11-14' exists already"):
        store.save_snapshot("Review 2026-11-14", [], who="bob")
    with pytest.raises(StoreError, match="needs a name"):
        store.save_snapshot("  ", [], who="bob")
    assert store.snapshots() == [info]
    snap = store.snapshot("Review 2026-11-14")
    assert snap is not None and snap.rows == tuple(rows) and store.snapshot("nope") is None


# ------------------------------------------------------------------------------------ concurrency
def test_threads_racing_lose_no_update_and_see_conflicts(url: str) -> None:
    store = counter_store(url)
    threads, rounds = 4, 5
    barrier = threading.Barrier(threads)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        wins = conflicts = 0
        try:
            for _ in range(rounds):
                loaded = not_none(store.get("counter"))
                barrier.wait(timeout=60)  # everybody holds the same version now
                try:
                    store.save(loaded.with_fields(owner_team=str(int(loaded.owner_team) + 1)), who="t")
                    wins += 1
                except ConflictError:
                    conflicts += 1
                barrier.wait(timeout=60)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        results.append((wins, conflicts))

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    assert errors == []
    wins = sum(w for w, _ in results)
    conflicts = sum(c for _, c in results)
    assert (wins, conflicts) == (rounds, rounds * (threads - 1))  # exactly one winner per round
    final = not_none(store.get("counter"))
    assert (final.owner_team, final.version) == (str(rounds), rounds + 1)
    assert len(store.audit()) == rounds + 1


def _worker(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_processes_incrementing_lose_no_update(url: str) -> None:
    store = counter_store(url)
    procs, each = 3, 15
    running = [_worker(url, "increment", str(each), str(i)) for i in range(procs)]
    outputs = [p.communicate(timeout=180) for p in running]
    assert [p.returncode for p in running] == [0] * procs, outputs
    done = [line.split() for out, _ in outputs for line in out.splitlines()]
    assert [int(d[1]) for d in done] == [each] * procs
    final = not_none(store.get("counter"))
    assert (final.owner_team, final.version) == (str(procs * each), procs * each + 1)
    assert len(store.audit()) == procs * each + 1


def test_processes_racing_get_exactly_one_conflict_each_round(url: str, tmp_path: Path) -> None:
    store = counter_store(url)
    go = tmp_path / "go"
    readies = [tmp_path / "alice", tmp_path / "bob"]
    running = [_worker(url, "race", str(r), str(go)) for r in readies]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()
    outputs = [p.communicate(timeout=60)[0].strip() for p in running]
    assert sorted(o.split()[0] for o in outputs) == ["conflict", "ok"], outputs
    loser = next(o for o in outputs if o.startswith("conflict"))
    winner = "alice" if "changed by alice" in loser else "bob"
    assert "since you loaded it" in loser and "reload" in loser
    final = not_none(store.get("counter"))
    assert (final.owner_team, final.version, final.updated_by) == ("1", 2, winner)


# ------------------------------------------------------------------------------------ crash safety
def test_sigkill_during_writes_loses_no_confirmed_write(url: str) -> None:
    open_store(url)
    proc = _worker(url, "create")
    confirmed: list[int] = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            confirmed.append(int(line.split()[1]))
            if len(confirmed) >= 40:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert len(confirmed) >= 40, proc.stderr.read() if proc.stderr else ""
    store = open_store(url)
    if not url.startswith("postgresql://"):
        from remediation.store.sqlite import SqliteStore

        assert isinstance(store, SqliteStore) and store.integrity_check() == ["ok"]
    records = {r.fk_id: r for r in store.records()}
    assert all(f"k{i}" in records for i in confirmed)  # every confirmed write is there
    assert all(records[f"k{i}"].owner_team == f"team {i}" for i in confirmed)
    audit = store.audit()
    # record and audit entry are written in one transaction: never one without the other
    assert sorted(e.fk_id for e in audit) == sorted(records)
    assert all(e.action == "create" and e.after == records[e.fk_id] for e in audit)
    store.save(Record("after-crash"), who="me")  # and the store still takes writes


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield str(tmp_path / "s.db")


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    assert raw(sqlite_url, "PRAGMA journal_mode") == [("wal",)]
    conn = store._connect()
    try:
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    finally:
        conn.close()
