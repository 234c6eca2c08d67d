"""Crash safety of the remediation store: a server killed with SIGKILL while people save loses no
confirmed change, and a damaged or newer store is a clear message that leaves the file as it is.

The server is the real thing: ``gunicorn app:server`` (two worker processes, threads) in its own
process group on 127.0.0.1, driven over HTTP through the editor's Dash callbacks.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from remediation.records import Record
from remediation.store import open_store
from remediation.store.schema import SCHEMA_VERSION, StoreError, StoreVersionError
from tests.helpers import not_none
from ui import ids

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``gunicorn app:server`` on 127.0.0.1 with the demo and the given store, in a new process group."""

    def __init__(self, state: str, tmp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "FKMAP_SOURCES": str(DEMO),
            "FKMAP_STATE": state,
            "FKMAP_AUTH": "",
            "FKMAP_CACHE_DIR": "",
            "FKMAP_REDIS_URL": "",
            "FKMAP_CACHE": "0",
        }
        self.log = (tmp / f"gunicorn-{self.port}.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--no-control-socket", "app:server"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.deps: list[dict[str, Any]] = []

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        ready = 0
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, Path(self.log.name).read_text()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as r:
                    ready = ready + 1 if json.load(r)["inventory"] == "ready" else 0
            except (OSError, ValueError):
                ready = 0
            if ready >= 6:  # several answers in a row: both workers have scanned
                with urllib.request.urlopen(self.url + "/_dash-dependencies", timeout=10) as r:
                    self.deps = json.load(r)
                return
            time.sleep(0.3)
        raise AssertionError("the server did not get ready:\n" + Path(self.log.name).read_text())

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.log.close()

    def call(self, outputs: list[tuple[str, str]], inputs: list[dict[str, Any]], state: list[dict[str, Any]],
             changed: str) -> tuple[int, Any]:  # fmt: skip
        wanted = [f"{i}.{p}" for i, p in outputs]
        output = next(
            d["output"]
            for d in self.deps
            if [re.sub(r"@[0-9a-f]+$", "", x) for x in d["output"].strip(".").split("...")] == wanted
        )
        spec = [{"id": i, "property": p} for i, p in outputs]
        body = {"output": output, "outputs": spec if len(spec) > 1 else spec[0], "inputs": inputs,
                "state": state, "changedPropIds": [changed]}  # fmt: skip
        request = urllib.request.Request(
            self.url + "/_dash-update-component",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")


def _detail(server: Server, fk_id: str) -> dict[str, Any] | None:
    outputs = [
        (ids.REM_DETAIL, "children"),
        (ids.REM_LOADED, "data"),
        (ids.REM_OWNER, "value"),
        (ids.REM_TARGET, "value"),
    ]
    inputs = [
        (ids.REM_SELECTED, "data", fk_id), (ids.REM_CHOSEN, "data", []), (ids.REM_TICK, "data", None),
        (ids.REM_REV, "data", None), (ids.REM_PHASE, "value", 1),
    ]  # fmt: skip
    status, body = server.call(
        [*outputs, (ids.REM_POLICY, "value"), (ids.REM_NOTE, "value"), (ids.REM_LINK, "value")],
        [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        [],
        f"{ids.REM_SELECTED}.data",
    )
    return body["response"][ids.REM_LOADED]["data"] if status == 200 and body else None


def _save(server: Server, fk_id: str, loaded: dict[str, Any], team: str) -> str:
    status, body = server.call(
        [(ids.REM_MESSAGE, "children"), (ids.REM_TICK, "data"), (ids.REM_CONFIRM, "hidden"),
         (ids.REM_CHOSEN, "data")],
        [{"id": ids.REM_MARK, "property": "n_clicks", "value": None},
         {"id": ids.REM_UNMARK, "property": "n_clicks", "value": None},
         {"id": ids.REM_SAVE, "property": "n_clicks", "value": 1},
         {"id": ids.REM_CONFIRM, "property": "n_clicks", "value": None}],
        [{"id": i, "property": p, "value": v} for i, p, v in (
            (ids.REM_SELECTED, "data", fk_id), (ids.REM_LOADED, "data", loaded),
            (ids.REM_WHO, "value", "crash-test"),
            (ids.REM_PHASE, "value", None), (ids.REM_NOTE, "value", ""), (ids.REM_LINK, "value", ""),
            (ids.REM_OWNER, "value", team), (ids.REM_TARGET, "value", ""), (ids.REM_POLICY, "value", None),
            (ids.REM_TICK, "data", 0), (ids.REM_CHOSEN, "data", []))],
        f"{ids.REM_SAVE}.n_clicks",
    )  # fmt: skip
    if status != 200 or not body:
        return ""
    return str(body["response"][ids.REM_MESSAGE]["children"]["props"]["children"])


def _keys(n: int) -> list[str]:
    from ownership.scan import scan
    from remediation.tracking import tracked_fks

    return [item.id for item in tracked_fks(scan([str(DEMO)]))][:n]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    fresh: Callable[..., str] = request.getfixturevalue("fresh_database")
    return fresh()


def test_sigkill_of_the_server_while_clients_save_loses_no_confirmed_change(
    state: str, tmp_path: Path
) -> None:
    keys = _keys(4)
    server = Server(state, tmp_path)
    confirmed: dict[str, list[str]] = {k: [] for k in keys}
    stop = threading.Event()
    errors: list[str] = []

    def client(fk_id: str, number: int) -> None:
        i = 0
        while not stop.is_set():
            try:
                loaded = _detail(server, fk_id)
                if loaded is None:
                    continue
                i += 1
                team = f"client{number}-{i}"
                message = _save(server, fk_id, loaded, team)
                if message.startswith("Saved"):
                    confirmed[fk_id].append(team)
                elif message and "changed by" not in message:
                    errors.append(message)
            except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError):
                if not stop.is_set():
                    time.sleep(0.05)

    try:
        server.wait_ready()
        threads = [threading.Thread(target=client, args=(k, n), daemon=True) for n, k in enumerate(keys)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while sum(map(len, confirmed.values())) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # SIGKILL to the whole process group, requests in flight
    finally:
        stop.set()
        if server.proc.poll() is None:
            server.kill()
    for t in threads:
        t.join(30)
    assert errors == [], errors
    assert sum(map(len, confirmed.values())) >= 20, "too few saves to mean anything"

    store = open_store(state)
    if not state.startswith("postgresql://"):
        from remediation.store.sqlite import SqliteStore

        assert isinstance(store, SqliteStore) and store.integrity_check() == ["ok"]
    audit = store.audit()
    by_key = {r.fk_id: r for r in store.records()}
    for fk_id, teams in confirmed.items():
        written = [e.after.owner_team for e in audit if e.after is not None and e.fk_id == fk_id]
        assert set(teams) <= set(written), f"confirmed saves missing for {fk_id}"
        if teams:
            last = int(teams[-1].rsplit("-", 1)[1])
            assert int(by_key[fk_id].owner_team.rsplit("-", 1)[1]) >= last
            assert by_key[fk_id].version == len(written)  # one audit entry per version, none lost
    # the store still serves and takes changes after the crash
    again = Server(state, tmp_path)
    try:
        again.wait_ready()
        loaded = _detail(again, keys[0])
        assert loaded is not None
        assert _save(again, keys[0], loaded, "after-the-crash").startswith("Saved")
    finally:
        again.kill()
    assert not_none(open_store(state).get(keys[0])).owner_team == "after-the-crash"


# ----------------------------------------------------------------------------------------- damaged, newer


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _journal(path: Path, mode: str) -> None:
    """Checkpoint the WAL into the file, and leave it in journal ``mode`` (WAL, or DELETE as a
    backup or another tool would), with no connection open."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA journal_mode={mode}")
    finally:
        conn.close()


def _damaged_store(tmp_path: Path, mode: str = "WAL") -> Path:
    """A real store whose pages after the first were overwritten: SQLite sees it, then cannot read it."""
    path = tmp_path / "damaged.db"
    store = open_store(str(path))
    for i in range(300):
        store.save(Record(f"k{i}", owner_team="x" * 50), who="me")
    _journal(path, mode)
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 7):
        data[offset] = (data[offset] * 31 + 7) % 256
    path.write_bytes(bytes(data))
    return path


def _garbage(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.db"
    path.write_bytes(os.urandom(8192))
    return path


def _newer(tmp_path: Path, mode: str = "WAL") -> Path:
    path = tmp_path / "newer.db"
    open_store(str(path)).save(Record("k"), who="me")
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE fkmap_schema_version SET version = ?", (SCHEMA_VERSION + 1,))
        conn.commit()
    finally:
        conn.close()
    _journal(path, mode)
    return path


_DAMAGED = "cannot be read (database disk image is malformed); it is left as it is"
_NEWER = f"has schema version {SCHEMA_VERSION + 1}, newer than the {SCHEMA_VERSION}"
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "garbage bytes": (_garbage, "file is not a database"),
    "damaged pages": (_damaged_store, _DAMAGED),
    "damaged pages, rollback journal": (functools.partial(_damaged_store, mode="DELETE"), _DAMAGED),
    "newer version": (_newer, _NEWER),
    "newer version, rollback journal": (functools.partial(_newer, mode="DELETE"), _NEWER),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def bad_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A store fkmap must refuse; afterwards its sha256 is unchanged and no -wal/-shm/-journal appeared."""
    make, message = CASES[request.param]
    path = make(tmp_path)
    before, files = _digest(path), sorted(p.name for p in tmp_path.iterdir())
    assert files == [path.name], files
    yield path, message
    assert _digest(path) == before, "the store file was changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == files, "files appeared next to the store"


def _read_everything(path: Path) -> None:
    store = open_store(str(path))
    store.records()
    store.audit()
    store.snapshots()
    store.save(Record("new"), who="me")


def test_a_bad_store_is_a_clear_error_and_is_never_written(bad_store: tuple[Path, str]) -> None:
    path, message = bad_store
    with pytest.raises(StoreError) as caught:
        _read_everything(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    if "newer" in message:
        assert isinstance(caught.value, StoreVersionError) and "upgrade fkmap" in str(caught.value)


def test_the_cli_says_so_in_one_line(bad_store: tuple[Path, str]) -> None:
    from cli import main

    path, message = bad_store
    for args in (["plan", "status", str(DEMO)], ["plan", "export", str(DEMO), "-o", "-"]):
        result = CliRunner().invoke(main, [*args, "--state", str(path)])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert result.stderr.startswith("fkmap: error: ") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_the_dashboard_says_so_on_the_page(bad_store: tuple[Path, str]) -> None:
    from app import create_app
    from tests.hostile import remediation_render
    from tests.ui.fixtures import six_services

    path, message = bad_store
    client = create_app(inventory=six_services(), state=str(path)).server.test_client()
    response = remediation_render(client)
    assert response.status_code == 200
    shown = json.dumps(response.get_json()["response"][ids.REM_SUMMARY]["children"])
    assert "The remediation store cannot be used" in shown and message in shown


def test_a_connection_string_is_never_taken_for_a_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--state "host=db password=..."`` used to create a SQLite file named after the password."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="looks like a key=value connection string") as caught:
        open_store("host=127.0.0.1 port=1 user=fkmap password=hunter2 dbname=state")
    assert "hunter2" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
