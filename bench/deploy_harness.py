"""Run fkmap the way a shared deployment does, on loopback: gunicorn, a Celery worker, a Dash client.

Used by ``bench/load_test.py`` and ``tests/test_workers.py``. Every process is
started in its own process group, bound to 127.0.0.1, and always stopped
(terminate, then kill) when its context ends. :class:`DashHttp` speaks to a
server as dash-renderer does: it reads the page's ``end_id`` token, posts
``/_dash-update-component`` bodies built from ``/_dash-dependencies``, and
polls background callbacks until their result arrives.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

__all__ = [
    "ROOT",
    "DashHttp",
    "Process",
    "Reply",
    "celery_worker",
    "free_port",
    "gunicorn",
    "throwaway_database",
]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    """A started server process and its log file."""

    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        # workers of a gunicorn whose master died are in the same group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)


def _spawn(args: Sequence[str], env: Mapping[str, str], log: Path) -> Process:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("wb")
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    popen = subprocess.Popen(
        list(args), cwd=ROOT, env=full_env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    handle.close()
    return Process(popen, log)


@contextlib.contextmanager
def gunicorn(
    env: Mapping[str, str],
    log: Path,
    *,
    workers: int = 1,
    threads: int = 1,
    port: int | None = None,
    timeout: float = 60.0,
) -> Iterator[Process]:
    """``gunicorn -w N app:server`` on 127.0.0.1, up (``/healthz`` answers) within ``timeout``."""
    port = port or free_port()
    args = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
        "app:server",
    ]
    proc = _spawn(args, env, log)
    proc.url = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + timeout
        while True:
            if proc.popen.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.popen.returncode}:\n{proc.output()[-4000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(proc.url + "/healthz", timeout=5).status_code == 200:
                    break
            if time.monotonic() > end:
                raise RuntimeError(
                    f"gunicorn did not answer within {timeout:.0f} s:\n{proc.output()[-4000:]}"
                )
            time.sleep(0.2)
        yield proc
    finally:
        proc.stop()


@contextlib.contextmanager
def celery_worker(env: Mapping[str, str], log: Path, *, timeout: float = 60.0) -> Iterator[Process]:
    """``celery -A app:celery_app worker --pool=solo``, ready (it said so) within ``timeout``."""
    args = [str(BIN / "celery"), "-A", "app:celery_app", "worker", "--pool=solo", "--loglevel=INFO"]
    proc = _spawn(args, env, log)
    try:
        end = time.monotonic() + timeout
        while not re.search(r"celery@\S+ ready", proc.output()):
            if proc.popen.poll() is not None:
                raise RuntimeError(f"celery exited with {proc.popen.returncode}:\n{proc.output()[-4000:]}")
            if time.monotonic() > end:
                raise RuntimeError(f"celery was not ready within {timeout:.0f} s:\n{proc.output()[-4000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.stop()


@contextlib.contextmanager
def throwaway_database(admin_dsn: str, prefix: str = "fkmap_load") -> Iterator[str]:
    """A new PostgreSQL database (its DSN), dropped at the end."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_dsn.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------- client
@dataclass
class Reply:
    """One callback's answer: HTTP status, the outputs by ``id.prop`` (empty for 204), its time."""

    status: int
    outputs: dict[str, Any]
    seconds: float
    text: str = ""
    progress: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (200, 204)


@dataclass
class DashHttp:
    """A dash-renderer stand-in over HTTP (one page load: one ``end_id``)."""

    url: str
    session: requests.Session = field(default_factory=requests.Session)
    timeout: float = 30.0
    end_id: str = ""
    deps: list[dict[str, Any]] = field(default_factory=list)

    def load(self, path: str = "/") -> None:
        """GET the page, its layout and dependencies as a browser does."""
        self.page(path)
        self.get("/_dash-layout")
        self.dependencies()

    def page(self, path: str) -> None:
        """GET the page and keep its ``end_id`` (the token background callbacks are bound to)."""
        html = self.get(path)
        found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', html, re.S)
        config = json.loads(found.group(1)) if found else {}
        self.end_id = str(config.get("end_id", ""))

    def dependencies(self) -> None:
        """Read the callback graph (once)."""
        if not self.deps:
            self.deps = json.loads(self.get("/_dash-dependencies"))

    def get(self, path: str) -> str:
        r = self.session.get(self.url + path, timeout=self.timeout)
        r.raise_for_status()
        return r.text

    def output_key(self, outputs: Sequence[tuple[str, str]]) -> str:
        wanted = [f"{i}.{p}" for i, p in outputs]
        for dep in self.deps:
            parts = dep["output"].strip(".").split("...")
            if [re.sub(r"@[0-9a-f]+$", "", part) for part in parts] == wanted:
                return str(dep["output"])
        raise KeyError(f"no callback outputs {wanted}")

    def call(
        self,
        outputs: Sequence[tuple[str, str]],
        inputs: Sequence[tuple[str, str, Any]],
        state: Sequence[tuple[str, str, Any]] = (),
        changed: Sequence[str] = (),
        *,
        wait: float = 120.0,
    ) -> Reply:
        """POST one callback; a background callback is polled until it answers (at most ``wait`` s)."""
        output = self.output_key(outputs)
        props = [part.split(".", 1) for part in output.strip(".").split("...")]
        spec: Any = [{"id": i, "property": p} for i, p in props]
        body = {
            "output": output,
            "outputs": spec if output.startswith("..") else spec[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": list(changed) or [f"{inputs[0][0]}.{inputs[0][1]}"],
        }
        params = {"endId": self.end_id} if self.end_id else {}
        started = time.perf_counter()
        r = self.session.post(
            self.url + "/_dash-update-component", json=body, params=params, timeout=self.timeout
        )
        data = r.json() if r.status_code == 200 and r.content else {}
        progress: list[dict[str, Any]] = []
        if r.status_code == 200 and "cacheKey" in data:  # background callback: poll for its result
            params = {**params, "cacheKey": data["cacheKey"], "job": data["job"]}
            end = time.monotonic() + wait
            while r.status_code == 200 and "response" not in data and time.monotonic() < end:
                time.sleep(0.25)
                r = self.session.post(
                    self.url + "/_dash-update-component", json=body, params=params, timeout=self.timeout
                )
                data = r.json() if r.status_code == 200 and r.content else {}
                if data.get("progress"):
                    progress.append(data["progress"])
        seconds = time.perf_counter() - started
        flat: dict[str, Any] = {}
        for cid, values in (data.get("response") or {}).items():
            for prop, value in values.items():
                flat[f"{cid}.{prop}"] = value
        text = r.text[:2000] if r.status_code >= 400 else ""
        return Reply(r.status_code, flat, seconds, text, progress)
