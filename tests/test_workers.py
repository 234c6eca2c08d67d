"""Two real server processes share one PostgreSQL store and one ingest (diskcache, or Celery + Redis).

Each "worker" is its own ``gunicorn -w 1 app:server`` on 127.0.0.1, so the
test knows which process answers. The first one's page runs the ingest as a
Dash background callback (in a diskcache job process, or in a Celery worker
started here with ``--pool=solo``); the second must serve the same inventory
without scanning, and both must see each other's remediation edits, with a
stale edit reported as a conflict.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.deploy_harness import DashHttp, Process, Reply, celery_worker, gunicorn
from bench.load_calls import detail_call, edit_call, kick_call, page_call, render_call
from remediation.store import open_store
from ui.shared.cache import open_shared_cache
from ui.shared.fingerprint import IngestSpec
from ui.shared.ingest import SharedIngest

pytestmark = pytest.mark.postgres

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"


@dataclass
class Deployment:
    mode: str
    dsn: str
    ingest: SharedIngest
    a: Process
    b: Process
    celery: Process | None


@pytest.fixture(params=["diskcache", pytest.param("celery", marks=pytest.mark.redis)])
def deployment(
    request: pytest.FixtureRequest, fresh_database: Callable[..., str], tmp_path: Path, artifacts_dir: Path
) -> Iterator[Deployment]:
    mode = str(request.param)
    dsn = fresh_database()
    repo = tmp_path / "demo"
    shutil.copytree(DEMO, repo)  # a fingerprint of its own
    env = {"FKMAP_SOURCES": str(repo), "FKMAP_STATE": dsn, "FKMAP_CACHE": "0"}
    if mode == "celery":
        redis_url = request.getfixturevalue("redis_url")
        env["FKMAP_REDIS_URL"] = redis_url
        cache = open_shared_cache(redis_url=redis_url)
    else:
        env["FKMAP_CACHE_DIR"] = str(tmp_path / "cache")
        cache = open_shared_cache(tmp_path / "cache" / "shared")
    ingest = SharedIngest(IngestSpec((str(repo),)), cache)
    with contextlib.ExitStack() as stack:
        worker = (
            stack.enter_context(celery_worker(env, artifacts_dir / "celery.log"))
            if mode == "celery"
            else None
        )
        a = stack.enter_context(gunicorn(env, artifacts_dir / "worker-a.log"))
        b = stack.enter_context(gunicorn(env, artifacts_dir / "worker-b.log"))
        try:
            yield Deployment(mode, dsn, ingest, a, b, worker)
        finally:
            ingest.forget(ingest.wanted())
            if mode == "celery":  # the queue of this spec (fkmap-<spec id>) and its binding
                queue = f"fkmap-{ingest.spec.id}"
                for key in (queue, f"_kombu.binding.{queue}"):
                    cache.delete(key)
        for proc in (a, b):
            assert "Traceback" not in proc.output(), proc.output()[-3000:]


def health(proc: Process) -> dict[str, Any]:
    r = requests.get(proc.url + "/healthz", timeout=10)
    assert r.status_code == 200, r.text
    return dict(r.json())


def ready(proc: Process, timeout: float = 30.0) -> dict[str, Any]:
    """/healthz once the worker has loaded the stored inventory (it does so in a thread)."""
    end = time.monotonic() + timeout
    while (answer := health(proc))["inventory"] == "loading" and time.monotonic() < end:
        time.sleep(0.1)
    return answer


def text(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return " ".join(text(n) for n in node)
    if isinstance(node, dict):
        return text(node.get("props", {}).get("children", ""))
    return ""


def ok(reply: Reply) -> Reply:
    assert reply.status == 200, f"HTTP {reply.status}: {reply.text}"
    return reply


def kick(client: DashHttp) -> Reply:
    return client.call(*kick_call())


def page(client: DashHttp, path: str) -> Any:
    reply = ok(client.call(*page_call(path)))
    return reply.outputs["fk-page.children"]


def rows(client: DashHttp) -> list[dict[str, Any]]:
    reply = client.call(*render_call())
    return list(ok(reply).outputs["rem-grid.rowData"])


def detail(client: DashHttp, fk_id: str) -> dict[str, Any]:
    reply = client.call(*detail_call(fk_id))
    return ok(reply).outputs


def edit(
    client: DashHttp, fk_id: str, loaded: dict[str, Any], who: str, *, note: str = "", owner: str = ""
) -> str:
    button = "rem-save" if owner else "rem-mark"
    reply = client.call(*edit_call(fk_id, loaded, who, button=button, note=note, owner=owner))
    return text(ok(reply).outputs["rem-message.children"])


def test_two_workers_share_one_inventory_and_the_same_edits(deployment: Deployment) -> None:
    d = deployment
    assert health(d.a) == health(d.b) == {"status": "ok", "inventory": "loading"}
    a, b = DashHttp(d.a.url), DashHttp(d.b.url)
    a.load("/")
    b.load("/")

    # worker A's page runs the ingest as a background callback, with progress
    token = ok(kick(a)).outputs["fk-ingest-go.data"]
    done = ok(a.call([("fk-ingest-done", "data")], [("fk-ingest-go", "data", token)], wait=120))
    assert done.outputs == {"fk-ingest-done.data": "ready"}
    # the bar reports each step; the last one always reaches the page (it is set before the result)
    assert done.progress and done.progress[-1] == {
        "fk-ingest-bar.style": {"width": "100%", "marginLeft": "0", "animation": "none"},
        "fk-ingest-text.children": "Done",
    }, done.progress
    key = d.ingest.wanted()  # the fingerprint the servers asked for
    meta = d.ingest.meta(key)
    assert meta["key"] == key and meta["tables"] > 0 and meta["foreign_keys"] > 0
    if d.celery is not None:
        assert meta["by"] == f"{socket.gethostname()}:{d.celery.popen.pid}", "scanned by the Celery worker"

    # worker B serves it without scanning
    assert kick(b).status == 204, "B has nothing to ingest"
    assert ready(d.a) == ready(d.b) == {"status": "ok", "inventory": "ready"}
    for path in ("/", "/diagnostics"):
        assert page(a, path) == page(b, path), f"{path} differs between the workers"
    assert d.ingest.meta(key) == meta, "nobody scanned again"

    # edits made through one worker are what the other shows; a stale edit is a conflict
    shared_rows = rows(a)
    assert shared_rows == rows(b) and shared_rows
    fk_id = str(shared_rows[0]["id"])
    stale = detail(b, fk_id)["rem-loaded.data"]
    loaded = detail(a, fk_id)["rem-loaded.data"]
    assert loaded == stale
    saved = edit(a, fk_id, loaded, "alice", note="checked the callers")
    assert saved == f"Saved (phase 1 marked, version {loaded['version'] + 1}).", saved

    seen = detail(b, fk_id)
    assert seen["rem-loaded.data"]["version"] == loaded["version"] + 1
    assert "alice" in text(seen["rem-detail.children"])
    conflict = edit(b, fk_id, stale, "bob", owner="team-b")
    assert (
        conflict.startswith("Not saved:")
        and "changed by alice" in conflict
        and "since you loaded it" in conflict
    )
    again = edit(b, fk_id, seen["rem-loaded.data"], "bob", owner="team-b")
    assert again == f"Saved (plan saved, version {loaded['version'] + 2}).", again

    back = detail(a, fk_id)
    assert back["rem-loaded.data"]["version"] == loaded["version"] + 2 and back["rem-owner.value"] == "team-b"
    row = next(r for r in rows(a) if r["id"] == fk_id)
    assert row["owner_team"] == "team-b" and row["done"].startswith("1✓")

    store = open_store(d.dsn)
    history = [
        (e.who, e.action, e.after.version if e.after else 0)
        for e in store.audit(uid=back["rem-loaded.data"]["uid"])
    ]
    assert history[-2:] == [
        ("alice", "mark", loaded["version"] + 1),
        ("bob", "update", loaded["version"] + 2),
    ]
