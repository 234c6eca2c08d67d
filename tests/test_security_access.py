"""Access: loopback by default, logins for shared deployments, editors and viewers, read-only
catalog connections, and no file read on a request's say-so."""

from __future__ import annotations

import base64
import builtins
import inspect
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from model.inventory import Inventory
from tests.ui.fixtures import six_services
from ui.auth import AuthConfigError, AuthSettings, edit_identity, hash_password, parse_auth

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "users.toml"
    path.write_text(
        "[users.alice]\n"
        f'password = "{hash_password("alice-pw")}"\n'
        'role = "editor"\n'
        "[users.bob]\n"
        f'password = "{hash_password("bob-pw")}"\n'
        'role = "viewer"\n'
        '[users."carol@example.com"]\n'
        f'password = "{hash_password("pâss:wörd")}"\n'
    )
    return path


def basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


# ----------------------------------------------------------------------------------------- binding


def test_the_server_binds_the_loopback_interface_unless_told_otherwise() -> None:
    from app import serve
    from cli import main

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    serve_command = main.get_command(click.Context(main), "serve")
    assert serve_command is not None
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"
    assert "127.0.0.1" in CliRunner().invoke(main, ["serve", "--help"]).output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fkmap_serve_listens_on_127_0_0_1_only() -> None:
    import psutil

    port = _free_port()
    env = {**os.environ, "FKMAP_AUTH": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", str(ROOT / "examples" / "demo"), "--port", str(port)],
        cwd=ROOT,
        env=env,
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
            listening = [c for c in conns if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
        assert listening, "the server did not start"
        assert {c.laddr.ip for c in listening} == {"127.0.0.1"}
    finally:
        proc.terminate()
        proc.wait(10)


def test_serving_beyond_loopback_without_auth_warns(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    import dash

    import app as app_module

    create_app = app_module.create_app
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: None)
    monkeypatch.setattr(app_module, "create_app", lambda *a, **kw: create_app(inventory=six_services()))
    with caplog.at_level(logging.WARNING, logger="fkmap"):
        app_module.serve(host="0.0.0.0", port=9)
    assert "without --auth" in caplog.text


# ----------------------------------------------------------------------------------------- settings


def test_auth_settings(users_file: Path, tmp_path: Path) -> None:
    assert parse_auth(None) == parse_auth("") == parse_auth("none") == AuthSettings()
    basic_settings = parse_auth(f"basic:{users_file}")
    assert basic_settings.mode == "basic" and basic_settings.role_of("alice") == "editor"
    assert (
        basic_settings.role_of("bob") == "viewer" and basic_settings.role_of("carol@example.com") == "viewer"
    )
    assert basic_settings.check_password("carol@example.com", "pâss:wörd")
    assert not basic_settings.check_password("alice", "bob-pw") and not basic_settings.check_password(
        "eve", "x"
    )
    header = parse_auth("header:X-Forwarded-User")
    assert header.role_of("anyone") == "editor"
    assert parse_auth(f"header:X-Remote-User:{users_file}").role_of("anyone") == "viewer"
    plain = tmp_path / "plain.toml"
    plain.write_text('[users.eve]\npassword = "hunter2"\nrole = "editor"\n')
    badrole = tmp_path / "role.toml"
    badrole.write_text(f'[users.eve]\npassword = "{hash_password("x")}"\nrole = "admin"\n')
    broken = tmp_path / "broken.toml"
    broken.write_text("[users.eve\n")
    for spec, message in [
        ("oidc:https://sso.example", "unknown FKMAP_AUTH mode 'oidc'"),
        ("basic", "needs a users file"),
        (f"basic:{tmp_path / 'missing.toml'}", "cannot read the users file"),
        (f"basic:{plain}", "must be a hash"),
        (f"basic:{badrole}", "use 'editor' or 'viewer'"),
        (f"basic:{broken}", "not valid TOML"),
        ("header:", "needs a header name"),
        ("header:X Bad:", "needs a header name"),
    ]:
        with pytest.raises(AuthConfigError, match=message):
            parse_auth(spec)
    with pytest.raises(AuthConfigError) as caught:
        parse_auth(f"basic:{plain}")
    assert "hunter2" not in str(caught.value)


def test_a_bad_auth_setting_stops_the_start(tmp_path: Path) -> None:
    from app import create_app
    from cli import main

    with pytest.raises(AuthConfigError):
        create_app(inventory=Inventory(), auth="basic:/nonexistent/users.toml")
    result = CliRunner().invoke(main, ["serve", str(ROOT / "examples" / "demo"), "--auth", "oidc:x"])
    assert result.exit_code == 2 and "--auth: unknown FKMAP_AUTH mode" in result.stderr
    result = CliRunner().invoke(main, ["serve", str(ROOT / "examples" / "demo")], env={"FKMAP_AUTH": "basic"})
    assert result.exit_code == 2 and "needs a users file" in result.stderr


def test_hash_password_command(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from werkzeug.security import check_password_hash

    from ui.auth import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("scrypt:") and check_password_hash(printed, "s3cret")


# ----------------------------------------------------------------------------------------- basic auth


def _app(**kw: Any) -> Any:
    from app import create_app

    kw.setdefault("inventory", six_services())
    return create_app(**kw)


@pytest.fixture
def state(tmp_path: Path) -> str:
    return str(tmp_path / "state.db")


def _page_body(pathname: str = "/") -> dict[str, Any]:
    return {
        "output": "..fk-page.children...fk-poll.disabled..",
        "outputs": [{"id": "fk-page", "property": "children"}, {"id": "fk-poll", "property": "disabled"}],
        "inputs": [
            {"id": "fk-url", "property": "pathname", "value": pathname},
            {"id": "fk-poll", "property": "n_intervals", "value": None},
            {"id": "fk-history", "property": "data", "value": None},
        ],
        "state": [{"id": "fk-url", "property": "search", "value": ""}],
        "changedPropIds": ["fk-url.pathname"],
    }


def test_basic_auth_protects_every_route_but_the_health_check(users_file: Path, state: str) -> None:
    client = _app(auth=f"basic:{users_file}", state=state).server.test_client()
    for url in ("/", "/_dash-layout", "/_dash-dependencies", "/remediation", "/assets/fkmap.css"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert client.post("/_dash-update-component", json=_page_body()).status_code == 401
    assert client.get("/healthz").status_code == 200
    for headers in (
        basic("alice", "wrong"),
        basic("nobody", "alice-pw"),
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:x").decode()},
        {"Authorization": "Basic"},
    ):
        assert client.get("/", headers=headers).status_code == 401, headers
    for name, password in (("alice", "alice-pw"), ("bob", "bob-pw"), ("carol@example.com", "pâss:wörd")):
        assert client.get("/", headers=basic(name, password)).status_code == 200
        response = client.post("/_dash-update-component", json=_page_body(), headers=basic(name, password))
        assert response.status_code == 200


def test_a_public_path_in_a_callback_request_opens_nothing(users_file: Path, state: str) -> None:
    """dash-auth lets a callback through when a ``pathname`` input names a public route: fkmap has none."""
    client = _app(auth=f"basic:{users_file}", state=state).server.test_client()
    for path in ("/healthz", "/", "/assets/x.css", "/_dash-layout"):
        assert client.post("/_dash-update-component", json=_page_body(path)).status_code == 401, path


def test_header_auth_trusts_only_the_configured_header(users_file: Path, state: str) -> None:
    client = _app(auth=f"header:X-Forwarded-User:{users_file}", state=state).server.test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"X-Remote-User": "alice"}).status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "  "}).status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "alice"}).status_code == 200
    assert client.get("/healthz").status_code == 200


# ----------------------------------------------------------------------------------------- roles


def signed_in(client: Any, name: str, password: str) -> Any:
    """``client`` sending basic credentials with every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = basic(name, password)["Authorization"]
    return client


def _edit(client: Any, fk_id: str, typed: str) -> Any:
    from tests.ui.test_app import update
    from ui import ids

    if True:
        return update(
            client,
            [
                (ids.REM_MESSAGE, "children"),
                (ids.REM_TICK, "data"),
                (ids.REM_CONFIRM, "hidden"),
                (ids.REM_CHOSEN, "data"),
            ],
            [
                {"id": ids.REM_MARK, "property": "n_clicks", "value": 1},
                {"id": ids.REM_UNMARK, "property": "n_clicks", "value": None},
                {"id": ids.REM_SAVE, "property": "n_clicks", "value": None},
                {"id": ids.REM_CONFIRM, "property": "n_clicks", "value": None},
            ],
            [
                {"id": ids.REM_SELECTED, "property": "data", "value": fk_id},
                {"id": ids.REM_LOADED, "property": "data", "value": {"uid": "", "version": 0}},
                {"id": ids.REM_WHO, "property": "value", "value": typed},
                {"id": ids.REM_PHASE, "property": "value", "value": 1},
                {"id": ids.REM_NOTE, "property": "value", "value": "checked in the API"},
                {"id": ids.REM_LINK, "property": "value", "value": ""},
                {"id": ids.REM_OWNER, "property": "value", "value": ""},
                {"id": ids.REM_TARGET, "property": "value", "value": ""},
                {"id": ids.REM_POLICY, "property": "value", "value": None},
                {"id": ids.REM_TICK, "property": "data", "value": 0},
                {"id": ids.REM_CHOSEN, "property": "data", "value": []},
            ],
            changed=[f"{ids.REM_MARK}.n_clicks"],
        )


def test_only_editors_change_records_and_the_audit_names_the_signed_in_user(
    users_file: Path, state: str
) -> None:
    from remediation.store import open_store
    from ui.pages.remediation.view import remediation_view

    app = _app(auth=f"basic:{users_file}", state=state)
    store = open_store(state)
    view = remediation_view(app.server.config["FKMAP_LOADER"].data, store)
    fk_id = str(view.statuses[0].item.id)
    client = app.server.test_client()

    viewer = _edit(signed_in(client, "bob", "bob-pw"), fk_id, "bob")
    assert viewer.status_code == 403 and b"read-only" in viewer.data
    assert store.audit() == []

    saved = _edit(signed_in(client, "alice", "alice-pw"), fk_id, "mallory")  # the typed name is ignored
    assert saved.status_code == 200, saved.data[:300]
    assert "Saved" in json.dumps(saved.get_json())
    [entry] = store.audit()
    assert entry.who == "alice" and entry.action == "mark"
    assert entry.after is not None and [m.by for m in entry.after.marks] == ["alice"]


def test_edit_identity_in_each_mode(users_file: Path, state: str) -> None:
    import flask

    from ui.auth import User

    assert edit_identity("  typed ") == ("typed", "")  # no app, no auth: the typed name
    app = _app(auth=f"basic:{users_file}", state=state)
    with app.server.test_request_context("/"):
        assert edit_identity("x") == ("", "Not saved: sign in first.")
        flask.g.fkmap_user = User("bob", "viewer")
        assert edit_identity("x") == ("", "Not saved: bob has read-only access (role viewer).")
        flask.g.fkmap_user = User("alice", "editor")
        assert edit_identity("mallory") == ("alice", "")
    open_app = _app(state=state)
    with open_app.server.test_request_context("/"):
        assert edit_identity(" carol ") == ("carol", "")


def test_the_name_field_shows_the_signed_in_user(users_file: Path, state: str) -> None:
    from tests.ui.test_app import page

    client = signed_in(
        _app(auth=f"basic:{users_file}", state=state).server.test_client(), "alice", "alice-pw"
    )
    body = json.dumps(page(client, "/remediation"))
    assert '"id": "rem-who"' in body and '"value": "alice"' in body and '"disabled": true' in body


# ----------------------------------------------------------------------------------------- read-only catalogs


@pytest.mark.postgres
def test_catalog_connections_refuse_writes(fresh_database: Callable[..., str]) -> None:
    import psycopg

    from ingest.catalogs.postgres import connect_read_only
    from ingest.dsn import parse_dsn

    dsn = fresh_database("CREATE TABLE users (id int PRIMARY KEY);")
    with connect_read_only(parse_dsn(dsn)) as conn:
        for sql in (
            "CREATE TABLE evil (id int)",
            "INSERT INTO users VALUES (1)",
            "DROP TABLE users",
            "SET default_transaction_read_only = off; CREATE TABLE evil (id int)",
        ):
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute(sql)
            conn.rollback()
    with psycopg.connect(dsn) as check:
        row = check.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'evil'").fetchone()
        assert row == (0,)
        assert check.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_sqlite_catalogs_are_opened_read_only(tmp_path: Path) -> None:
    import sqlite3

    from ingest.catalogs.sqlite import ingest_sqlite

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    before = db.read_bytes()
    inv = ingest_sqlite(f"sqlite:///{db}")
    assert [t.ref.name for t in inv.tables] == ["users"] and db.read_bytes() == before
    missing = tmp_path / "missing.db"
    ingest_sqlite(f"sqlite:///{missing}")
    assert not missing.exists(), "a read never creates the file"


@pytest.mark.mariadb
def test_mysql_catalog_connections_refuse_writes(mariadb_database: Callable[..., str]) -> None:
    import pymysql

    from ingest.catalogs.mysql import connect_read_only
    from ingest.catalogs.mysql_dsn import parse_mysql_dsn

    dsn = mariadb_database("CREATE TABLE users (id INT PRIMARY KEY)")
    conn = connect_read_only(parse_mysql_dsn(dsn))
    try:
        with conn.cursor() as cur:
            cur.execute(f"USE `{dsn.rsplit('/', 1)[1]}`")
            for sql in ("CREATE TABLE evil (id INT)", "INSERT INTO users VALUES (1)", "DROP TABLE users"):
                with pytest.raises(pymysql.MySQLError, match=r"(?i)read.only"):
                    cur.execute(sql)
    finally:
        conn.close()


# ------------------------------------------------------------------------------ no path from a request


class _Opened:
    """Every file opened through Python while it is active."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __enter__(self) -> _Opened:
        self._open, self._io_open = builtins.open, io.open

        def spy(file: Any, *args: Any, **kw: Any) -> Any:
            if isinstance(file, (str, bytes, os.PathLike)):
                self.paths.append(os.path.abspath(os.fsdecode(file)))
            return self._open(file, *args, **kw)

        builtins.open = io.open = spy
        return self

    def __exit__(self, *exc: Any) -> None:
        builtins.open, io.open = self._open, self._io_open


CRAFTED = ["/etc/passwd", "../../../../../../etc/passwd", "file:///etc/passwd", "/proc/self/environ"]
TRAVERSALS = [
    "/assets/../../../../etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/../../../../../../etc/passwd",
    "/_dash-component-suites/x/%2e%2e/etc/passwd",
    "/etc/passwd",
    "/static/../../etc/passwd",
    "/service/..%2f..%2fetc%2fpasswd",
    "/_favicon.ico?path=/etc/passwd",
]


def _crafted_request(dep: dict[str, Any], value: Any) -> dict[str, Any]:
    def item(spec: dict[str, Any]) -> Any:
        ident = spec["id"]
        if ident.startswith("{"):  # a pattern-matching id: one concrete component
            parsed = {
                k: (value if v in (["MATCH"], ["ALL"], ["ALLSMALLER"]) else v)
                for k, v in json.loads(ident).items()
            }
            return [{"id": parsed, "property": spec["property"], "value": value}]
        return {"id": ident, "property": spec["property"], "value": value}

    output = dep["output"]
    outs = [part.split(".", 1) for part in output.strip(".").split("...")]
    spec = [{"id": i, "property": p.split("@")[0]} for i, p in outs]
    return {
        "output": output,
        "outputs": spec if output.startswith("..") else spec[0],
        "inputs": [item(i) for i in dep["inputs"]],
        "state": [item(s) for s in dep["state"]],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"]
        if dep["inputs"]
        else [],
    }


def test_no_route_and_no_callback_reads_a_file_a_request_names(tmp_path: Path) -> None:
    """Every callback is called with paths in every input and state; only the app's own files are read."""
    import dash

    from app import create_app

    repo = ROOT / "examples" / "demo"
    app = create_app([str(repo)], background=False, state=str(tmp_path / "state.db"))
    client = app.server.test_client()
    rules = sorted(r.rule for r in app.server.url_map.iter_rules() if "<" in r.rule)
    assert rules == [  # Dash's index page for any path, its scripts, fkmap's assets; no Flask /static/
        "/<path:path>",
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
        "/assets/<path:filename>",
    ]
    allowed = [
        str(repo),
        str(tmp_path),
        sys.prefix,
        sys.base_prefix,
        str(ROOT / "assets"),
        os.path.dirname(dash.__file__),
    ]
    allowed += ["/etc/mime.types", "/usr/share/zoneinfo", "/dev/null", "/etc/localtime", str(ROOT / ".fkmap")]
    deps = client.get("/_dash-dependencies").get_json()
    with _Opened() as opened:
        for url in TRAVERSALS:
            response = client.get(url)
            assert b"root:x:0:0" not in response.data, url
        for dep in deps:
            if dep.get("clientside_function"):
                continue
            for value in [*CRAFTED, {"path": "/etc/passwd"}, ["/etc/passwd"]]:
                response = client.post("/_dash-update-component", json=_crafted_request(dep, value))
                assert b"root:x:0:0" not in response.data, dep["output"]
                assert b"PATH=" not in response.data, dep["output"]
    outside = sorted(
        {p for p in opened.paths if not any(p == a or p.startswith(a.rstrip("/") + "/") for a in allowed)}
    )
    assert outside == [], outside
    assert not [p for p in opened.paths if "passwd" in p or "environ" in p]


def test_debug_mode_is_off_and_errors_show_no_traceback(tmp_path: Path) -> None:
    app = _app(state=str(tmp_path / "s.db"))
    assert not app.server.debug
    response = app.server.test_client().post("/_dash-update-component", json={"output": "nope.children"})
    assert response.status_code >= 400
    assert b"Traceback" not in response.data and b'File "' not in response.data


@pytest.fixture
def mariadb_database() -> Iterator[Callable[..., str]]:
    """A throw-away MariaDB database (the server of tests/ingest/conftest.py); dropped afterwards."""
    import uuid

    from tests.conftest import missing
    from tests.ingest.conftest import MARIADB_DSN, _connect

    try:
        conn: Any = _connect(MARIADB_DSN)
    except Exception as exc:
        missing("MariaDB", f"{type(exc).__name__}: {exc}")
    name = f"fkmap_test_{uuid.uuid4().hex[:10]}"

    def make(sql: str) -> str:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
            cur.execute(f"USE `{name}`")
            cur.execute(sql)
        return MARIADB_DSN.rstrip("/") + "/" + name

    yield make
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    conn.close()
