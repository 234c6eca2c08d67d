"""An edit that reaches a worker still loading the scan is answered "not saved", never a silent 204.

The worker is a real ``gunicorn -w 1 app:server`` sharing its ingest through ``FKMAP_CACHE_DIR``:
until a page runs the background ingest, its inventory is ``loading`` -- as for a worker that
gunicorn just restarted while the shared scan is loaded. Every write callback (save, mark,
snapshot, re-attach) must come back 200 with a status line that says nothing was saved; after
the ingest the same edit is saved.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.deploy_harness import DashHttp, Process, gunicorn
from bench.load_calls import detail_call, edit_call, kick_call, render_call
from remediation.service import SCAN_LOADING

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
MESSAGE = ("rem-message", "children")
TICK = ("rem-tick", "data")


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Process]:
    shutil.copytree(DEMO, tmp_path / "demo")
    env = {
        "FKMAP_SOURCES": str(tmp_path / "demo"),
        "FKMAP_STATE": str(tmp_path / "state.db"),
        "FKMAP_CACHE_DIR": str(tmp_path / "cache"),
        "FKMAP_CACHE": "0",
        "FKMAP_AUTH": "",
        "FKMAP_REDIS_URL": "",
    }
    with gunicorn(env, tmp_path / "gunicorn.log") as proc:
        yield proc
        assert "Traceback" not in proc.output(), proc.output()[-3000:]


def text(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return text(node.get("props", {}).get("children", ""))
    if isinstance(node, list):
        return " ".join(text(n) for n in node)
    return ""


def call(client: DashHttp, request: Any) -> Any:
    """``client.call(*request)`` of the callback with exactly these inputs (several callbacks write
    the status line, so the outputs alone do not name one)."""
    wanted = {f"{i}.{p}" for i, p, _ in request[1]}
    key = next(
        d["output"] for d in client.deps if {f"{x['id']}.{x['property']}" for x in d["inputs"]} == wanted
    )
    client.output_key = lambda outputs: str(key)  # type: ignore[method-assign]
    try:
        return client.call(*request)
    finally:
        del client.output_key


def writes(fk_id: str) -> list[tuple[str, Any]]:
    """Each write callback of the page, as the browser sends it."""
    snapshot = (
        [MESSAGE, TICK],
        [("rem-snap-save", "n_clicks", 1)],
        [("rem-snap-name", "value", "R1"), ("rem-who", "value", "alice"), ("rem-tick", "data", 0)],
        ["rem-snap-save.n_clicks"],
    )
    reattach = (
        [MESSAGE, TICK],
        [("rem-reattach", "n_clicks", 1)],
        [
            ("rem-reattach-pick", "value", "some-uid"),
            ("rem-selected", "data", fk_id),
            ("rem-who", "value", "alice"),
            ("rem-tick", "data", 0),
        ],
        ["rem-reattach.n_clicks"],
    )
    return [
        ("Not saved", edit_call(fk_id, None, "alice", button="rem-mark")),
        ("Not saved", edit_call(fk_id, None, "alice", button="rem-save", owner="team-a")),
        ("Snapshot not saved", snapshot),
        ("Not re-attached", reattach),
    ]


def test_a_save_on_a_loading_worker_says_it_was_not_saved(worker: Process) -> None:
    assert requests.get(worker.url + "/healthz", timeout=10).json()["inventory"] == "loading"
    client = DashHttp(worker.url)
    client.load("/remediation")
    fk_id = "db/migrations/003_posts_schema.sql:4#user_id"
    for begins, request in writes(fk_id):
        reply = call(client, request)
        assert reply.status == 200, f"{begins}: HTTP {reply.status} {reply.text[:200]}"
        shown = text(reply.outputs["rem-message.children"])
        assert shown == f"{begins}: {SCAN_LOADING}.", shown
        assert "rem-tick.data" not in reply.outputs, "no re-render: nothing changed"

    token = client.call(*kick_call("/remediation")).outputs["fk-ingest-go.data"]
    done = client.call([("fk-ingest-done", "data")], [("fk-ingest-go", "data", token)], wait=120)
    assert done.outputs == {"fk-ingest-done.data": "ready"}
    for _ in range(100):  # the worker loads the stored scan in a thread
        if requests.get(worker.url + "/healthz", timeout=10).json()["inventory"] == "ready":
            break
        time.sleep(0.1)
    rows = client.call(*render_call()).outputs["rem-grid.rowData"]
    key = str(rows[0]["id"])
    loaded = client.call(*detail_call(key)).outputs["rem-loaded.data"]
    reply = call(client, edit_call(key, loaded, "alice", button="rem-mark"))
    assert reply.status == 200 and text(reply.outputs["rem-message.children"]).startswith("Saved"), reply.text
