"""``python app.py``: its command line (``--host``, ``--port``) as a real process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app import parse_args

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    """The environment without FKMAP_* settings: the bundled demo, no login, the store in the cwd."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FKMAP_")}


def test_python_app_py_listens_on_the_port_it_is_given(tmp_path: Path) -> None:
    import psutil

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        listening: list[Any] = []
        while time.monotonic() < deadline and not listening:
            time.sleep(0.3)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            conns = [c for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
                     for c in p.net_connections(kind="inet")]  # fmt: skip
            listening = [c for c in conns if c.status == psutil.CONN_LISTEN]
        assert listening, "the server did not start"
        assert {(c.laddr.ip, c.laddr.port) for c in listening} == {("127.0.0.1", port)}
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "app.py: error: unrecognized arguments: --bogus"),
        (["--port", "0"], "app.py: error: argument --port: 0 is not in 1-65535"),
        (["--port", "http"], "app.py: error: argument --port: 'http' is not a port number"),
    ],
)
def test_unknown_or_bad_arguments_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message


def test_defaults_are_the_loopback_interface_and_port_8050() -> None:
    args = parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8050)
    assert vars(parse_args(["--host", "0.0.0.0", "--port", "8071"])) == {"host": "0.0.0.0", "port": 8071}
