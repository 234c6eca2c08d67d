"""Requests: no body is read before authentication, and no body is larger than the cap.

Against a real ``gunicorn app:server`` with basic authentication: an unauthenticated 156 MB
callback request is answered 401 before its body is sent (the worker's resident memory,
``VmRSS`` in ``/proc/<pid>/status``, does not grow), an unauthenticated ``{}`` is a 401 with
no traceback in the log, an authenticated body over the cap (``FKMAP_MAX_REQUEST_MB``) is a 413
unread, and an authenticated malformed callback request is a 400, not a 500.
"""

from __future__ import annotations

import base64
import json
import select
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.deploy_harness import Process, gunicorn
from ui.auth import hash_password

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
BIG = 156 * 1024 * 1024
PAGE_BODY: dict[str, Any] = {
    "output": "..fk-page.children...fk-poll.disabled..",
    "outputs": [{"id": "fk-page", "property": "children"}, {"id": "fk-poll", "property": "disabled"}],
    "inputs": [
        {"id": "fk-url", "property": "pathname", "value": "/"},
        {"id": "fk-poll", "property": "n_intervals", "value": None},
        {"id": "fk-history", "property": "data", "value": None},
    ],
    "state": [{"id": "fk-url", "property": "search", "value": ""}],
    "changedPropIds": ["fk-url.pathname"],
}


def _basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


ALICE = _basic("alice", "alice-pw")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    tmp = tmp_path_factory.mktemp("requests")
    users = tmp / "users.toml"
    users.write_text(f'[users.alice]\npassword = "{hash_password("alice-pw")}"\nrole = "editor"\n')
    shutil.copytree(DEMO, tmp / "demo")
    env = {
        "FKMAP_SOURCES": str(tmp / "demo"),
        "FKMAP_STATE": str(tmp / "state.db"),
        "FKMAP_AUTH": f"basic:{users}",
        "FKMAP_CACHE": "0",
    }
    with gunicorn(env, tmp / "gunicorn.log") as proc:
        yield proc


def worker_rss_kb(proc: Process) -> int:
    """``VmRSS`` of the (one) gunicorn worker, in kB."""
    import psutil

    children = psutil.Process(proc.popen.pid).children()
    assert len(children) == 1, children
    status = Path(f"/proc/{children[0].pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def raw_post(url: str, size: int, headers: dict[str, str], timeout: float = 30.0) -> tuple[int, int, float]:
    """POST ``size`` bytes of JSON-ish body to ``url`` over a raw socket, sending only while the
    server reads; ``(status, bytes sent, seconds to the status line)``."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    head = ["POST /_dash-update-component HTTP/1.1", f"Host: {host}:{port}"]
    head += ["Content-Type: application/json", f"Content-Length: {size}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sock.setblocking(False)
    chunk = b'{"output": "' + b"x" * (1 << 20)
    sent, answer, started = 0, b"", time.monotonic()
    try:
        while b"\r\n" not in answer and time.monotonic() - started < timeout:
            readable, writable, _ = select.select([sock], [sock] if sent < size else [], [], 1.0)
            if readable:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
            elif writable:
                try:
                    sent += sock.send(chunk[: size - sent])
                except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                    time.sleep(0.01)
        took = time.monotonic() - started
    finally:
        sock.close()
    return int(answer.split(b" ", 2)[1]), sent, took


def ready(proc: Process) -> None:
    end = time.monotonic() + 60
    while requests.get(proc.url + "/healthz", timeout=10).json()["inventory"] != "ready":
        assert time.monotonic() < end, "the scan did not finish"
        time.sleep(0.2)
    for _ in range(3):  # warm: every page module imported, every allocation pool in use
        reply = requests.post(
            proc.url + "/_dash-update-component", json=PAGE_BODY, headers={"Authorization": ALICE}
        )
        assert reply.status_code == 200, reply.text[:300]


def test_a_big_unauthenticated_post_is_refused_unread(server: Process) -> None:
    ready(server)
    before = worker_rss_kb(server)
    status, sent, took = raw_post(server.url, BIG, {})
    after = worker_rss_kb(server)
    assert status == 401
    assert sent < BIG // 4, f"{sent / 1e6:.0f} MB of {BIG / 1e6:.0f} MB went in before the 401"
    assert after - before < 5 * 1024, f"RSS {before / 1024:.0f} MB -> {after / 1024:.0f} MB"
    print(
        f"\n401 after {took * 1000:.0f} ms, {sent / 1e6:.1f} MB sent, RSS {before >> 10} -> {after >> 10} MB"
    )


@pytest.mark.parametrize("body", ["{}", "[]", "null", '{"output": 1}', "not json"])
def test_an_unauthenticated_malformed_callback_is_a_401_without_a_traceback(
    server: Process, body: str
) -> None:
    reply = requests.post(
        server.url + "/_dash-update-component",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 401, reply.text[:300]
    time.sleep(0.2)
    assert "Traceback" not in server.output() and "KeyError" not in server.output(), server.output()[-3000:]


def test_an_authenticated_oversized_body_is_a_413_unread(server: Process) -> None:
    ready(server)
    before = worker_rss_kb(server)
    status, sent, took = raw_post(server.url, 64 * 1024 * 1024, {"Authorization": ALICE})
    after = worker_rss_kb(server)
    assert status == 413
    assert sent < 16 * 1024 * 1024, sent  # the bytes that went in, not how long it took
    assert after - before < 5 * 1024, f"RSS {before / 1024:.0f} MB -> {after / 1024:.0f} MB"
    print(
        f"\n413 after {took * 1000:.0f} ms, {sent / 1e6:.1f} MB sent, RSS {before >> 10} -> {after >> 10} MB"
    )


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        "[]",
        '{"output": 1}',
        '{"output": "nope.children", "inputs": []}',
        '{"output": "%s", "inputs": 3}',
    ],
)
def test_an_authenticated_malformed_callback_is_a_400_not_a_500(server: Process, body: str) -> None:
    body = body.replace("%s", PAGE_BODY["output"])
    headers = {"Content-Type": "application/json", "Authorization": ALICE}
    reply = requests.post(server.url + "/_dash-update-component", data=body, headers=headers, timeout=10)
    assert reply.status_code == 400, reply.text[:300]
    assert reply.text.startswith("not a Dash callback request")
    assert "Traceback" not in server.output(), server.output()[-3000:]


def test_the_dashboard_still_answers_its_own_callbacks(server: Process) -> None:
    ready(server)
    reply = requests.post(
        server.url + "/_dash-update-component",
        data=json.dumps(PAGE_BODY),
        headers={"Content-Type": "application/json", "Authorization": ALICE},
        timeout=30,
    )
    assert reply.status_code == 200
    page: Any = reply.json()["response"]["fk-page"]["children"]
    assert page
