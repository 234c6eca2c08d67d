"""Secrets, every DSN form: no password of any DSN fkmap accepts reaches any output.

One :func:`ingest.dsn.mask_dsn` masks every form. Each form below carries a unique password
(:data:`PASSWORD`, percent-encoded in URLs) against the machine's real servers: PostgreSQL
(``postgresql://``, ``postgres://``, libpq ``key=value``; trust authentication accepts any
password), MariaDB (``mysql://``, ``mariadb://``, ``mysql+pymysql://`` as a user created with
that password, and refused logins), SQLite URLs (``?password=`` and user-info) and URLs of kinds
fkmap does not read (``redis://``, ``https://``). Every command's standard output and error, the
files it writes, every log record, the dashboard's HTML, layout, pages and the state store are
searched for :data:`TOKEN`.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from tests.conftest import missing

pytestmark = [pytest.mark.postgres, pytest.mark.mariadb]

TOKEN = "fkmapForm" + uuid.uuid4().hex[:12]
PASSWORD = TOKEN + "@:/?#%&='x"
ENCODED = quote(PASSWORD, safe="")
SCHEMA = (
    "CREATE TABLE users (id int PRIMARY KEY);\n"
    "CREATE TABLE posts (id int PRIMARY KEY, user_id int, FOREIGN KEY (user_id) REFERENCES users (id))"
)


def assert_clean(what: str, text: str | bytes) -> None:
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    at = data.find(TOKEN)
    assert at < 0, f"the password leaks into {what}: ...{data[max(at - 200, 0) : at + 100]}"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert_clean(f"the log record of {record.name}", record.getMessage())
        assert_clean(f"the traceback logged by {record.name}", record.exc_text or "")


@pytest.fixture
def mysql_user() -> Iterator[tuple[str, str]]:
    """``(user, database)``: a MariaDB user whose password is :data:`PASSWORD`, reading one database."""
    from tests.ingest.conftest import MARIADB_DSN, _connect

    try:
        conn: Any = _connect(MARIADB_DSN)
    except Exception as exc:
        missing("MariaDB", f"{type(exc).__name__}: {exc}")
    name, user = f"fkmap_test_{uuid.uuid4().hex[:10]}", f"fkmap_{uuid.uuid4().hex[:8]}"
    escaped = PASSWORD.replace("\\", "\\\\").replace("'", "''")
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}`")
        cur.execute(f"USE `{name}`")
        for statement in SCHEMA.split(";\n"):
            cur.execute(statement)
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{escaped}'")
        cur.execute(f"GRANT SELECT, SHOW VIEW ON `{name}`.* TO '{user}'@'%'")
    yield user, name
    with conn.cursor() as cur:
        cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    conn.close()


@pytest.fixture
def forms(fresh_database: Callable[..., str], mysql_user: tuple[str, str], tmp_path: Path) -> dict[str, str]:
    """Every DSN form, named, with the password; working ones and ones that fail."""
    pg = fresh_database(SCHEMA).rsplit("/", 1)[1]
    user, my = mysql_user
    lite = tmp_path / "lite.db"
    with sqlite3.connect(lite) as conn:
        conn.executescript(SCHEMA + ";")
    kv_password = "'" + PASSWORD.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return {
        "postgresql": f"postgresql://postgres:{ENCODED}@127.0.0.1:5432/{pg}",
        "postgres": f"postgres://postgres:{ENCODED}@127.0.0.1:5432/{pg}?sslmode=disable",
        "postgres-query": f"postgresql://postgres@127.0.0.1:5432/{pg}?password={ENCODED}",
        "key=value": f"host=127.0.0.1 port=5432 user=postgres password={kv_password} dbname={pg}",
        "postgresql-down": f"postgresql://postgres:{ENCODED}@127.0.0.1:1/{pg}",
        "key=value-down": f"host=127.0.0.1 port=1 user=postgres password={kv_password} dbname={pg}",
        "mysql": f"mysql://{user}:{ENCODED}@127.0.0.1:3306/{my}",
        "mariadb": f"mariadb://{user}:{ENCODED}@127.0.0.1:3306/{my}",
        "mysql+pymysql": f"mysql+pymysql://{user}:{ENCODED}@127.0.0.1:3306/{my}",
        "mysql-refused": f"mysql://root:{ENCODED}@127.0.0.1:3306/{my}",
        "mysql-unencoded": f"mysql://{user}:{TOKEN}/x@127.0.0.1:3306/{my}",
        "mariadb-down": f"mariadb://{user}:{ENCODED}@127.0.0.1:1/{my}",
        "sqlite": f"sqlite:///{lite}?password={ENCODED}",
        "sqlite-userinfo": f"sqlite://u:{ENCODED}@/{tmp_path}/missing.db",
        "redis": f"redis://u:{ENCODED}@127.0.0.1:6379/0",
        "https": f"https://u:{TOKEN}@example.invalid/x",
    }


WORKING: tuple[str, ...] = ("postgresql", "postgres", "postgres-query", "key=value", "mysql", "mariadb")
WORKING += ("mysql+pymysql", "sqlite")


def _run(args: list[str]) -> Any:
    from cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=True)
    what = "fkmap " + " ".join(a.replace(TOKEN, "<password>") for a in args)
    assert_clean(f"the output of {what}", result.stdout + result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{what} raised {result.exception!r}")
    return result


def test_every_cli_output_with_every_dsn_form(forms: dict[str, str], tmp_path: Path, logs: None) -> None:
    migrations = Path(__file__).resolve().parent.parent / "examples" / "demo"
    out = tmp_path / "out"
    out.mkdir()
    state = str(tmp_path / "state.db")
    for name, dsn in forms.items():
        works = name in WORKING
        scan = _run(["scan", dsn])
        assert scan.exit_code == (0 if works else 1), (name, scan.output.replace(TOKEN, "<pw>"))
        json_out = out / f"{name}.json"
        _run(["scan", dsn, "--format", "json", "-o", str(json_out)])
        if works:
            assert "posts" in json_out.read_text(), name
        assert _run(["diff", str(migrations), dsn]).exit_code == (1 if works else 2), name
        _run(["diff", dsn, str(migrations), "--format", "json"])
        for fmt in ("md", "html", "json"):
            _run(["export", dsn, "--format", fmt, "-o", str(out / f"{name}.{fmt}")])
        baseline = str(out / f"{name}-baseline.json")
        _run(["check", dsn, "--baseline", baseline, "--update-baseline"])
        _run(["check", dsn, "--baseline", baseline, "--format", "github"])
        _run(["plan", "status", dsn, str(migrations), "--state", state])
    for path in out.iterdir():
        assert_clean(str(path), path.read_bytes())
    assert_clean("the state store", Path(state).read_bytes())


def test_dashboard_with_every_dsn_form(forms: dict[str, str], tmp_path: Path, logs: None) -> None:
    from app import create_app
    from tests.hostile import remediation_render
    from tests.ui.test_app import page

    app = create_app(list(forms.values()), background=False, state=str(tmp_path / "state.db"))
    client = app.server.test_client()
    loader = app.server.config["FKMAP_LOADER"]
    assert loader.status == "ready", loader.error
    labels = [s.label for s in loader.data.inventory.sources]
    assert len(labels) >= 10 and all("://" in s for s in labels), labels  # same labels merged
    assert len([t for t in loader.data.inventory.tables if t.ref.name == "posts"]) >= 3  # pg, mysql, sqlite
    for url in ("/", "/_dash-layout", "/_dash-dependencies", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(url, response.data)
    for path in ("/", "/tables", "/service/auth", "/diagnostics", "/remediation"):
        assert_clean(f"the page {path}", str(page(client, path)))
    assert_clean("the remediation page", remediation_render(client).data)
