"""Secrets: a database password never appears in any output of a run.

Every command (scan, export, check, diff, plan, the dashboard's pages, downloads and
health check) runs against the real PostgreSQL with DSNs that carry a unique password
(trust authentication accepts any), against a DSN that fails (bad port), with the
password given by ``PGPASSWORD`` and by a ``PGPASSFILE``, with the remediation store
in PostgreSQL behind a password too. Standard output and error, the files written,
every log record (all loggers, DEBUG), the page JSON and the state stores are searched
for the password: any spelling of it holds :data:`TOKEN`.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.postgres

#: The part of every password (raw, percent-encoded or quoted) that the outputs are searched for.
TOKEN = "fkmapS3cret" + uuid.uuid4().hex[:12]
PASSWORD = TOKEN + "@:/?#%&='x"
ENCODED = quote(PASSWORD, safe="")
SCHEMA = (
    "CREATE TABLE users (id int PRIMARY KEY);"
    "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id) ON DELETE CASCADE);"
)


def _url(dsn: str, password: str = ENCODED, port: int = 5432) -> str:
    """``dsn`` (postgresql://user@host:port/db) with ``password`` and ``port``."""
    rest = dsn.split("://", 1)[1]
    user, _, hostdb = rest.partition("@")
    user = user.split(":", 1)[0]
    database = hostdb.split("/", 1)[1]
    return f"postgresql://{user}:{password}@127.0.0.1:{port}/{database}"


def assert_clean(what: str, text: str | bytes) -> None:
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    assert TOKEN not in data, (
        f"the password leaks into {what}: ...{data[max(data.find(TOKEN) - 200, 0) :][:400]}"
    )


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record of every logger, DEBUG and up."""
    caplog.set_level(logging.DEBUG)
    yield caplog
    for record in caplog.records:
        assert_clean(f"the log record of {record.name}", record.getMessage())
        if record.exc_text:
            assert_clean(f"the traceback logged by {record.name}", record.exc_text)
    assert_clean("the logs", caplog.text)


@pytest.fixture
def database(fresh_database: Callable[..., str]) -> str:
    return fresh_database(SCHEMA)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "services"
    (root / "auth" / "migrations").mkdir(parents=True)
    (root / "content" / "migrations").mkdir(parents=True)
    (root / "auth" / "migrations" / "001_users.sql").write_text("CREATE TABLE users (id int PRIMARY KEY);\n")
    (root / "content" / "migrations" / "001_posts.sql").write_text(
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));\n"
    )
    return root.parent


def _run(args: list[str], *, env: dict[str, str] | None = None) -> Any:
    from cli import main

    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    what = "fkmap " + " ".join(a.replace(TOKEN, "<password>") for a in args[:2])
    assert_clean(f"the standard output of {what}", result.stdout)
    assert_clean(f"the standard error of {what}", result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        text = "".join(traceback.format_exception(result.exception))
        assert_clean(f"the exception of {what}", text)
        raise AssertionError(f"{what} raised {result.exception!r}")
    return result


def _files(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert_clean(str(path), path.read_bytes())


def test_cli_outputs_never_hold_the_password(
    database: str, migrations: Path, tmp_path: Path, logs: Any, fresh_database: Callable[..., str]
) -> None:
    good, bad = _url(database), _url(database, port=1)
    kv_bad = f"host=127.0.0.1 port=1 user=postgres password='{PASSWORD}' dbname=x"
    out = tmp_path / "out"
    out.mkdir()
    state = _url(fresh_database(), password=ENCODED)

    assert _run(["scan", good]).exit_code == 0
    assert (
        "posts"
        in _run(["scan", good, "--format", "json", "-o", str(out / "scan.json")]).stderr
        + (out / "scan.json").read_text()
    )
    for failing in (bad, kv_bad, f"postgresql://postgres:{ENCODED}@127.0.0.1:1/", good + "?sslmode=bogus"):
        result = _run(["scan", failing, str(migrations), "--format", "json"])
        assert result.exit_code == 1, result.output
    assert _run(["scan", good, "--all-databases"]).exit_code in (0, 1)
    for fmt in ("dot", "mermaid", "graphml", "graph-json", "json", "csv", "impact-csv", "md", "html", "svg"):
        assert (
            _run(["export", good, str(migrations), "--format", fmt, "-o", str(out / f"x.{fmt}")]).exit_code
            == 0
        )
    assert _run(["export", bad, "--format", "md", "-o", str(out / "bad.md")]).exit_code == 1
    baseline = str(out / "baseline.json")
    assert _run(["check", good, str(migrations), "--baseline", baseline, "--update-baseline"]).exit_code == 0
    for fmt in ("text", "json", "github"):
        _run(["check", good, str(migrations), "--baseline", baseline, "--format", fmt])
    assert _run(["check", bad, "--baseline", baseline]).exit_code == 1
    assert _run(["diff", str(migrations), good]).exit_code in (0, 1)
    assert _run(["diff", str(migrations), good, "--format", "json"]).exit_code in (0, 1)
    assert _run(["diff", str(migrations), bad]).exit_code == 2
    assert _run(["plan", "status", good, str(migrations), "--state", state]).exit_code == 0
    assert _run(["plan", "export", good, "--state", state, "-o", str(out / "plan.yaml")]).exit_code == 0
    assert _run(["plan", "sql", good, str(migrations)]).exit_code == 0
    _run(["plan", "status", good, "--state", _url(database, port=1)])
    _files(out)


def test_password_from_pgpassword_and_pgpassfile(
    database: str, migrations: Path, tmp_path: Path, logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _url(database, password="").replace(":@", "@")
    assert "@127.0.0.1" in plain and TOKEN not in plain
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert _run(["scan", plain]).exit_code == 0
    assert _run(["scan", _url(database, password="", port=1).replace(":@", "@")]).exit_code == 1
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:*:*:postgres:{PASSWORD.replace(':', chr(92) + ':')}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert _run(["scan", plain, "--format", "json"]).exit_code == 0
    assert (
        _run(["export", plain, str(migrations), "--format", "md", "-o", str(tmp_path / "r.md")]).exit_code
        == 0
    )
    assert _run(["scan", _url(database, password="", port=1).replace(":@", "@")]).exit_code == 1
    assert_clean("the report", (tmp_path / "r.md").read_text())


def _pages(client: Any) -> list[str]:
    from tests.ui.test_app import page

    found = []
    for path in ("/", "/tables", "/service/auth", "/diagnostics", "/remediation", "/nowhere"):
        found.append(str(page(client, path)))
    return found


def test_dashboard_pages_downloads_and_state_never_hold_the_password(
    database: str, migrations: Path, tmp_path: Path, logs: Any, fresh_database: Callable[..., str]
) -> None:
    import psycopg

    from app import create_app
    from remediation.handle import remediation_handle
    from remediation.service import save_edit
    from tests.hostile import remediation_render
    from ui import ids
    from ui.exports import export_download
    from ui.pages.remediation.view import remediation_view

    good, bad = _url(database), _url(database, port=1)
    state_db = fresh_database()
    state = _url(state_db)
    sqlite_state = tmp_path / "state.db"
    for store in (state, str(sqlite_state)):
        app = create_app([good, bad, str(migrations)], background=False, state=store)
        client = app.server.test_client()
        for url in ("/", "/_dash-layout", "/_dash-dependencies", "/healthz"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_clean(url, response.data)
        for text in _pages(client):
            assert_clean("a page", text)
        loader = app.server.config["FKMAP_LOADER"]
        assert loader.status == "ready", loader.error
        for fmt in ("md", "html", "csv", "graph-json", "dot", "mermaid", "graphml"):
            content, message = export_download(loader.data, "/", "", fmt)
            assert content is not None, message
            assert_clean(f"the {fmt} download", str(content))
        rows = remediation_render(client)
        assert rows.status_code == 200
        assert_clean("the remediation page", rows.data)
        grid = rows.get_json()["response"][ids.REM_GRID]["rowData"]
        assert grid, "the cross-service FK between the migrations and the database"
        handle_store = remediation_handle(store).get()
        view = remediation_view(loader.data, handle_store)
        saved = save_edit(handle_store, view, grid[0]["id"], None, "mark", who="alice", phase=1, note="n")
        message = saved.message
        assert message.startswith("Saved"), message
        assert_clean("the store label", handle_store.label)
    assert_clean("the SQLite state store", sqlite_state.read_bytes())
    with psycopg.connect(state_db) as conn:
        for table in ("fkmap_records", "fkmap_audit", "fkmap_snapshots", "fkmap_schema_version"):
            for row in conn.execute(f"SELECT * FROM {table}").fetchall():
                assert_clean(f"the PostgreSQL state store ({table})", repr(row))


def test_a_failed_scan_page_and_a_bad_state_url_never_hold_the_password(tmp_path: Path, logs: Any) -> None:
    from app import create_app

    bad_state = f"postgresql://postgres:{ENCODED}@127.0.0.1:1/state"
    app = create_app([f"postgresql://postgres:{ENCODED}@127.0.0.1:1/x"], background=False, state=bad_state)
    client = app.server.test_client()
    for text in _pages(client):
        assert_clean("a page", text)
    assert_clean("the layout", client.get("/_dash-layout").data)
    from remediation.store import open_store
    from remediation.store.schema import StoreError

    for url in (bad_state, f"postgresql://postgres:{TOKEN}/x@127.0.0.1:1/state"):  # unencoded '/' too
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert_clean("the store error", str(caught.value))
    assert os.environ.get("PGPASSWORD") is None
