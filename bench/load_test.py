"""``make loadtest``: many people on one shared fkmap deployment, on loopback, for a bounded time.

Not a unit test. It creates a throw-away PostgreSQL database for the
remediation store, starts ``gunicorn -w 4 app:server`` on 127.0.0.1 over the
bundled demo (shared ingest in a diskcache folder; ``--redis`` uses Redis and
a Celery worker instead), runs the ingest once through the page's background
callback, then lets ``--users`` simulated people browse and edit remediation
marks for ``--duration`` seconds, exactly as dash-renderer would
(``/_dash-update-component``, :class:`bench.deploy_harness.DashHttp`):

* browsing: the page callback of ``/``, ``/tables``, ``/diagnostics``,
  ``/remediation`` and a service page, after a full page load now and then;
* editing: open a key on ``/remediation`` (``_detail`` loads its version),
  mark a phase or save an owner team (``_edit``), re-render like the page
  does after a save and every 5 s. A few keys are shared by everyone, so
  concurrent edits of one record happen and must be reported as conflicts.

Then it checks: no HTTP error and no callback error; every edit reported as
saved is in the store's audit log with its version and its tag, each record's
history is one unbroken chain of versions and the record holds its last
version (no lost update); conflicts are counted, not errors. It prints p50,
p95 and p99 latency per request kind, writes ``bench/out/load.json`` and exits
1 when a check failed. Every request goes to 127.0.0.1, the request loops stop
at the deadline, and the servers and the database are always removed.

Usage: ``.venv/bin/python bench/load_test.py [--users 50] [--duration 60] [--workers 4] [--redis]``
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.deploy_harness import DashHttp, Reply, celery_worker, gunicorn, throwaway_database  # noqa: E402
from bench.load_calls import (  # noqa: E402
    BROWSE,
    CHROME_OUT,
    HOT_KEYS,
    detail_call,
    edit_call,
    kick_call,
    page_call,
    render_call,
)
from bench.load_checks import Results, Saved, check_store, report  # noqa: E402


def _text(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children", ""))
    return ""


class User:
    """One simulated person with a browser tab (a session and a page load)."""

    def __init__(self, n: int, url: str, results: Results, deadline: float, keys: list[str], seed: int):
        self.name = f"user{n:02d}"
        self.client = DashHttp(url, timeout=60.0)
        self.results = results
        self.deadline = deadline
        self.keys = keys
        self.rng = random.Random(seed * 1000 + n)
        self.seq = 0
        self.last_render = 0.0
        self.rev = ""

    def call(self, kind: str, *args: Any, **kwargs: Any) -> Reply | None:
        started = time.perf_counter()
        try:
            reply = self.client.call(*args, **kwargs)
        except Exception as exc:  # a refused or timed-out request is an error
            self.results.add(kind, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
            return None
        self.results.add(kind, reply, reply.seconds)
        return reply if reply.ok else None

    def load(self, path: str) -> None:
        """A full page load: HTML, layout, dependencies (once), then the initial callbacks."""
        steps: list[tuple[str, Callable[[], object]]] = [
            ("GET page", lambda: self.client.page(path)),
            ("GET layout", lambda: self.client.get("/_dash-layout")),
        ]
        if not self.client.deps:  # the browser caches them
            steps.append(("GET dependencies", self.client.dependencies))
        for kind, step in steps:
            started = time.perf_counter()
            try:
                step()
                self.results.add(kind, None, time.perf_counter() - started)
            except Exception as exc:
                self.results.add(kind, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
                return
        self.call("cb chrome", CHROME_OUT, [("fk-url", "pathname", path), ("fk-url", "search", "")])
        self.call("cb ingest-kick", *kick_call(path))
        self.page(path)

    def page(self, path: str) -> None:
        self.call("cb page", *page_call(path))

    def render(self, trigger: str) -> None:
        reply = self.call(
            "cb rem-render", *render_call(refresh=1, tick=self.seq, rev=self.rev, trigger=trigger)
        )
        self.last_render = time.monotonic()
        if reply is not None:
            self.rev = reply.outputs.get("rem-rev.data", self.rev)

    def edit(self) -> None:
        fk_id = self.rng.choice(self.keys[:HOT_KEYS] if self.rng.random() < 0.5 else self.keys)
        detail = self.call("cb rem-detail", *detail_call(fk_id, tick=self.seq, rev=self.rev))
        if detail is None or detail.status == 204:
            return
        loaded = detail.outputs.get("rem-loaded.data") or {}
        self.think(0.3, 1.5)  # reading the record, typing the note
        self.seq += 1
        tag = f"{self.name}#{self.seq}"
        fields = self.rng.random() < 0.3
        button = "rem-save" if fields else "rem-mark"
        reply = self.call(
            "cb rem-edit",
            *edit_call(
                fk_id,
                loaded,
                self.name,
                button=button,
                phase=self.rng.choice((1, 3, 4)),
                note="" if fields else tag,
                owner=tag if fields else detail.outputs.get("rem-owner.value") or "",
                target=detail.outputs.get("rem-target.value") or "",
                policy=detail.outputs.get("rem-policy.value"),
                tick=self.seq,
            ),
        )
        if reply is None:
            return
        message = _text(reply.outputs.get("rem-message.children"))
        if message.startswith("Saved"):
            version = int(message.rsplit("version ", 1)[1].rstrip(").").strip())
            with self.results.lock:
                self.results.saved.append(Saved(self.name, fk_id, version, tag))
            self.render("rem-tick.data")  # the page re-renders after a save
        elif "since you loaded it" in message:
            with self.results.lock:
                self.results.conflicts += 1
        else:
            with self.results.lock:
                self.results.errors.append(f"cb rem-edit: unexpected message {message!r}")

    def think(self, low: float, high: float) -> None:
        time.sleep(max(0.0, min(self.rng.uniform(low, high), self.deadline - time.monotonic())))

    def run(self) -> None:
        self.think(0.0, 2.0)  # people do not arrive at the same millisecond
        path = "/remediation" if self.rng.random() < 0.5 else self.rng.choice(BROWSE)
        self.load(path)
        while time.monotonic() < self.deadline:
            self.think(1.0, 3.0)
            if time.monotonic() >= self.deadline:
                break
            roll = self.rng.random()
            if roll < 0.05:
                self.load(self.rng.choice(BROWSE))
            elif roll < 0.40:
                self.page(self.rng.choice(BROWSE))
            else:
                if time.monotonic() - self.last_render >= 5.0:  # the page's refresh interval
                    self.render("rem-refresh.n_intervals")
                self.edit()


# ---------------------------------------------------------------------------------------------- checks
# ---------------------------------------------------------------------------------------------- main
def _forget(source: str, redis_url: str) -> None:
    """Leave Redis as it was: the stored scan, and the Celery queue of this spec."""
    from ui.shared.cache import open_shared_cache
    from ui.shared.fingerprint import IngestSpec
    from ui.shared.ingest import SharedIngest

    cache = open_shared_cache(redis_url=redis_url)
    ingest = SharedIngest(IngestSpec((source,)), cache)
    ingest.forget(ingest.wanted())
    for key in (f"fkmap-{ingest.spec.id}", f"_kombu.binding.fkmap-{ingest.spec.id}"):
        cache.delete(key)


def warm(url: str, results: Results) -> tuple[float, list[str]]:
    """Run the ingest through the background callback; its seconds and the remediation keys."""
    client = DashHttp(url, timeout=120.0)
    client.load("/")
    started = time.perf_counter()
    kick = client.call(*kick_call())
    if kick.status == 200:
        done = client.call(
            [("fk-ingest-done", "data")], [("fk-ingest-go", "data", kick.outputs["fk-ingest-go.data"])]
        )
        results.add("background ingest", done, done.seconds)
    seconds = time.perf_counter() - started
    # every worker loads the stored scan once, in a thread; wait until all of them answer "ready"
    in_a_row, end = 0, time.monotonic() + 120
    while in_a_row < 20 and time.monotonic() < end:
        status = requests.get(url + "/healthz", timeout=30).json()["inventory"]
        in_a_row = in_a_row + 1 if status == "ready" else 0
        time.sleep(0.05)
    client.call(*page_call("/remediation"))
    render = client.call(*render_call())
    rows = render.outputs.get("rem-grid.rowData") or []
    return seconds, [str(r["id"]) for r in rows]


def run(args: argparse.Namespace) -> int:
    results = Results()
    names = {f"user{n:02d}" for n in range(args.users)}
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fkmap-load-")))
        dsn = stack.enter_context(throwaway_database(args.pg))
        env = {"FKMAP_STATE": dsn, "FKMAP_SOURCES": str(ROOT / "examples" / "demo")}
        if args.gunicorn_args:
            env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
        if args.redis:
            env["FKMAP_REDIS_URL"] = args.redis_url
            stack.callback(_forget, env["FKMAP_SOURCES"], args.redis_url)
            stack.enter_context(celery_worker(env, tmp / "celery.log"))
        else:
            env["FKMAP_CACHE_DIR"] = str(tmp / "cache")
        server = stack.enter_context(
            gunicorn(env, tmp / "gunicorn.log", workers=args.workers, threads=args.threads)
        )
        ingest_s, keys = warm(server.url, results)
        if not keys:
            print("no remediation keys found: the demo has no cross-service FK?", file=sys.stderr)
            return 1
        print(
            f"gunicorn -w {args.workers} --threads {args.threads} at {server.url}, "
            f"state database {dsn.rsplit('/', 1)[1]}, "
            f"{'Celery/Redis' if args.redis else 'diskcache'} ingest {ingest_s:.1f} s; "
            f"{args.users} users for {args.duration:.0f} s editing {len(keys)} keys "
            f"(half the edits on {min(HOT_KEYS, len(keys))})",
            flush=True,
        )
        deadline = time.monotonic() + args.duration
        users = [User(n, server.url, results, deadline, keys, args.seed) for n in range(args.users)]
        threads = [threading.Thread(target=u.run, name=u.name, daemon=True) for u in users]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic() + 90))
        wall = time.monotonic() - started
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            results.errors.append(f"{len(stuck)} users still waiting 90 s after the deadline")
        problems = check_store(dsn, results.saved, names)
        server_log = server.output()
    return report(args, results, problems, wall, ingest_s, server_log, ROOT / "bench" / "out")


def _loopback(url: str) -> bool:
    """True for URLs on 127.0.0.0/8, ::1 or localhost.

    >>> _loopback("postgresql://postgres@127.0.0.1:5432/postgres"), _loopback("redis://10.0.0.5:6379/0")
    (True, False)
    """
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (bounded)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync worker)")
    parser.add_argument("--gunicorn-args", default="", help="more gunicorn flags (GUNICORN_CMD_ARGS)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--redis", action="store_true", help="ingest through Celery and Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin DSN")
    args = parser.parse_args(argv)
    for url in (args.pg, args.redis_url):
        if not _loopback(url):
            parser.error(f"loopback only: {url} is not an address of this machine")
    args.duration = min(max(args.duration, 1.0), 600.0)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
