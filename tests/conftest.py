"""Shared fixtures: the real PostgreSQL, Redis and Chromium of the machine.

A test that needs one of them carries its marker (``postgres``, ``redis``,
``browser``). When the component is missing the test is skipped on a developer
machine but *fails* in CI (``CI=true``): CI must never go green without it.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import settings

# no per-example deadline: the machine is shared, and a timing is never what a test asserts
settings.register_profile("fkmap", deadline=None)
settings.load_profile("fkmap")

PG_ADMIN_DSN = os.environ.get("FKMAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FKMAP_TEST_REDIS", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("FKMAP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def missing(component: str, why: str) -> NoReturn:
    """Fail in CI, skip elsewhere, naming the missing component."""
    message = f"{component} is required for this test but unavailable: {why}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_admin_dsn() -> str:
    """DSN of a superuser connection to the machine's PostgreSQL."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        missing("PostgreSQL", f"{type(exc).__name__}: {exc}")
    return PG_ADMIN_DSN


@pytest.fixture
def fresh_database(pg_admin_dsn: str) -> Iterator[Callable[..., str]]:
    """Factory: ``fresh_database(sql="...", name=None)`` creates a throw-away database,
    runs ``sql`` in it and returns its DSN. Every database is dropped afterwards."""
    import psycopg

    created: list[str] = []

    def make(sql: str = "", name: str | None = None) -> str:
        dbname = name or f"fkmap_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        created.append(dbname)
        dsn = pg_admin_dsn.rsplit("/", 1)[0] + "/" + dbname
        if sql:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(sql)
        return dsn

    yield make
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        for dbname in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the machine's Redis."""
    if not _port_open("127.0.0.1", 6379):
        missing("Redis", "nothing listens on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing("Chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing("Playwright", str(exc))
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            missing("Chromium", f"failed to launch: {exc}")
        yield b
        b.close()


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """A folder under test-artifacts/ for this test's screenshots and files."""
    name: str = request.node.name
    path = ARTIFACTS / name.replace("/", "_")[:80]
    path.mkdir(parents=True, exist_ok=True)
    return path
