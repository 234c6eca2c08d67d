"""fkmap.toml parsing: every feature, every malformed case, and never raising."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.inventory import Diagnostic
from ownership.config import (
    DEFAULT_IGNORE_TABLES,
    Config,
    InferConfig,
    InferRef,
    Replica,
    ServiceRule,
)
from ownership.config_file import find_config, load_config, parse_config

FULL = """\
[scan]
dialect = "postgres"
map_by = "database"
database_pattern = "^(?P<service>.+?)(_db|_database)?$"
schema_pattern = "^svc_(?P<service>.+)$"
ignore_tables = ["schema_migrations", "flyway_schema_history"]

[services.auth]
description = "Identity and sessions"
paths = ["services/auth/**", "legacy/migrations/*_auth_*.sql"]
tables = ["users", "sessions", "public.user_*"]
databases = ["auth_db"]
schemas = ["auth"]

[services.messaging]
description = "Chat"

[[replicas]]
table = "services/messaging/migrations:public.users"
owner = "auth"

[infer]
enabled = true
suffixes = ["_id", "Id"]
[[infer.references]]
column = "*.sender_id"
target = "auth:users"
"""


def messages(diags: list[Diagnostic]) -> list[str]:
    return [d.message for d in diags]


def test_full_file_parses_every_feature() -> None:
    cfg, diags = parse_config(FULL, "repo/fkmap.toml")
    assert diags == []
    assert cfg == Config(
        dialect="postgres",
        map_by="database",
        map_by_set=True,
        database_pattern="^(?P<service>.+?)(_db|_database)?$",
        schema_pattern="^svc_(?P<service>.+)$",
        ignore_tables=("schema_migrations", "flyway_schema_history"),
        services=(
            ServiceRule(
                name="auth",
                description="Identity and sessions",
                paths=("services/auth/**", "legacy/migrations/*_auth_*.sql"),
                tables=("users", "sessions", "public.user_*"),
                databases=("auth_db",),
                schemas=("auth",),
            ),
            ServiceRule(name="messaging", description="Chat"),
        ),
        replicas=(Replica("services/messaging/migrations:public.users", "auth"),),
        infer=InferConfig(
            enabled=True, suffixes=("_id", "Id"), references=(InferRef("*.sender_id", "auth:users"),)
        ),
        path="repo/fkmap.toml",
    )
    assert cfg.service_names == ("auth", "messaging")
    assert cfg.service("messaging") == ServiceRule(name="messaging", description="Chat")
    assert cfg.service("nope") is None


def test_empty_file_is_defaults() -> None:
    cfg, diags = parse_config("", "fkmap.toml")
    assert diags == []
    assert cfg == Config(path="fkmap.toml")
    assert cfg.map_by == "path" and cfg.dialect is None
    assert cfg.ignore_tables == DEFAULT_IGNORE_TABLES
    assert cfg.infer == InferConfig(enabled=False, suffixes=("_id", "Id"), references=())


def test_services_keep_file_order() -> None:
    cfg, _ = parse_config("[services.zeta]\n[services.alpha]\n[services.mid]\n")
    assert cfg.service_names == ("zeta", "alpha", "mid")


def test_malformed_toml_gives_defaults_and_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "fkmap.toml"
    path.write_text('[services.auth]\ntables = ["users"\npaths = []\n')
    cfg, diags = load_config(path)
    assert cfg == Config(path=str(path))
    assert len(diags) == 1
    d = diags[0]
    assert (d.severity, d.code, d.path, d.line) == ("error", "config", str(path), 3)
    assert d.excerpt == "paths = []"
    assert d.message.startswith("fkmap.toml is not valid TOML at line 3, column 1: ")
    assert "(at line" not in d.message


def test_duplicate_table_is_malformed() -> None:
    cfg, diags = parse_config("[services.a]\n[services.a]\n")
    assert cfg == Config(path="fkmap.toml")
    assert [(d.severity, d.line) for d in diags] == [("error", 2)]


def test_missing_file_directory_and_bad_utf8(tmp_path: Path) -> None:
    cfg, diags = load_config(tmp_path / "absent.toml")
    assert cfg == Config(path=str(tmp_path / "absent.toml"))
    assert diags[0].severity == "error" and "absent.toml cannot be read" in diags[0].message
    _, diags = load_config(tmp_path)
    assert diags[0].severity == "error" and "cannot be read" in diags[0].message
    bad = tmp_path / "fkmap.toml"
    bad.write_bytes(b'[scan]\ndialect = "\xff"\n')
    cfg, diags = load_config(bad)
    assert cfg == Config(path=str(bad))
    assert messages(diags) == ["fkmap.toml is not UTF-8 text; using defaults"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("[servics.auth]\n", "unknown key 'servics' in fkmap.toml; did you mean 'services'?", 1),
        ("replica = []\n", "unknown key 'replica' in fkmap.toml; did you mean 'replicas'?", 1),
        (
            "[scan]\nmapby = 'path'\n",
            "unknown key 'scan.mapby' in fkmap.toml; did you mean 'scan.map_by'?",
            2,
        ),
        (
            "[services.auth]\ntables = []\npath = ['a/**']\n",
            "unknown key 'services.auth.path' in fkmap.toml; did you mean 'services.auth.paths'?",
            3,
        ),
        (
            "[[replicas]]\ntable = 'x'\nowner = 'a'\n[[replicas]]\ntable = 'y'\nowners = 'a'\n[services.a]\n",
            "unknown key 'replicas[1].owners' in fkmap.toml; did you mean 'replicas[1].owner'?",
            6,
        ),
        (
            "[infer]\nenable = true\n",
            "unknown key 'infer.enable' in fkmap.toml; did you mean 'infer.enabled'?",
            2,
        ),
        (
            "[[infer.references]]\ncolumn = '*.a_id'\ntarget = 'a:t'\ntargets = 1\n[services.a]\n",
            "unknown key 'infer.references[0].targets' in fkmap.toml; "
            "did you mean 'infer.references[0].target'?",
            4,
        ),
        ("zzz = 1\n", "unknown key 'zzz' in fkmap.toml; valid keys here: scan, services, replicas, infer", 1),
    ],
    ids=["top", "top-replicas", "scan", "service", "second-replica", "infer", "infer-reference", "no-close"],
)
def test_unknown_keys_warn_with_suggestion(text: str, message: str, line: int) -> None:
    _, diags = parse_config(text)
    warnings = [(d.severity, d.code, d.message, d.line) for d in diags if d.severity == "warning"]
    assert warnings == [("warning", "config", message, line)]


def test_wrong_type_ignores_that_entry_only() -> None:
    text = (
        '[services.auth]\ndescription = "Identity"\npaths = "services/auth/**"\ntables = ["users", 3, ""]\n'
    )
    cfg, diags = parse_config(text)
    assert cfg.services == (ServiceRule(name="auth", description="Identity", tables=("users",)),)
    assert [(d.severity, d.line) for d in diags] == [("error", 3), ("error", 4)]
    assert diags[0].message == (
        "'services.auth.paths' must be an array of strings (write paths = [\"services/auth/**\"]), "
        "not a string; ignored"
    )
    assert diags[1].message == (
        "'services.auth.tables' holds items that are not non-empty strings (3, ''); those items are ignored"
    )


@pytest.mark.parametrize(
    ("text", "expected", "fragment"),
    [
        ("scan = 1\n", Config(), "'scan' must be a table, not an integer; ignored"),
        ("services = 'x'\n", Config(), "'services' must be a table, not a string; ignored"),
        (
            "[services]\ndescription = 'x'\n[services.b]\n",
            Config(services=(ServiceRule("b"),)),
            "'services.description' must be a table ([services.description]), not a string; ignored "
            "('description' looks like a key, not a service name: did you mean [description]?)",
        ),
        ("[services.a]\ndescription = 1\n", Config(services=(ServiceRule("a"),)), "'services.a.description'"),
        ("[scan]\ndialect = 5\n", Config(), "'scan.dialect' must be a non-empty string, not an integer"),
        ("[scan]\nignore_tables = 'x'\n", Config(), "'scan.ignore_tables' must be an array of strings"),
        (
            "[scan]\nmap_by = 'schemas'\n",
            Config(),
            "'scan.map_by' is 'schemas'; did you mean 'schema'? "
            "use one of path, database, schema; using 'path'",
        ),
        ("replicas = 'x'\n", Config(), "'replicas' must be an array of tables ([[replicas]]), not a string"),
        ("replicas = ['x']\n", Config(), "'replicas[0]' must be a table, not a string; ignored"),
        ("[[replicas]]\ntable = 'users'\n", Config(), "'replicas[0].owner' is missing; entry ignored"),
        (
            "[[replicas]]\ntable = ''\nowner = 'a'\n",
            Config(),
            "'replicas[0].table' must be a non-empty string",
        ),
        ("[infer]\nenabled = 'yes'\n", Config(), "'infer.enabled' must be true or false, not a string"),
        ("[infer]\nreferences = 3\n", Config(), "'infer.references' must be an array of tables"),
        (
            "[[infer.references]]\ncolumn = '*.a_id'\ntarget = 'users'\n",
            Config(),
            "'infer.references[0].target' is 'users'; write it as 'service:table'",
        ),
        ("[services.'']\n", Config(), "a service name must not be empty; entry ignored"),
    ],
)
def test_wrong_types_and_values(text: str, expected: Config, fragment: str) -> None:
    cfg, diags = parse_config(text)
    assert cfg == replace(expected, path="fkmap.toml")
    assert [d.severity for d in diags] == ["error"]
    assert fragment in diags[0].message


@pytest.mark.parametrize("key", ["database_pattern", "schema_pattern"])
def test_invalid_regex_keeps_default(key: str) -> None:
    cfg, diags = parse_config(f"[scan]\n{key} = '(?P<service>'\n")
    assert cfg == Config(path="fkmap.toml")
    assert len(diags) == 1
    assert diags[0].severity == "error" and diags[0].line == 2
    assert diags[0].message.startswith(f"'scan.{key}' is not a valid regular expression (")


def test_replica_owner_must_be_declared() -> None:
    text = "[services.auth]\n[[replicas]]\ntable = 'users'\nowner = 'autth'\n"
    cfg, diags = parse_config(text)
    assert cfg.replicas == (Replica("users", "autth"),)  # kept: the warning is advice
    assert [(d.severity, d.line) for d in diags] == [("warning", 4)]
    assert diags[0].message == (
        "'replicas[0].owner' names service 'autth', which no [services.autth] declares; "
        "did you mean 'auth'? declare it so its description and rules apply"
    )


def test_infer_target_service_should_be_declared() -> None:
    text = "[[infer.references]]\ncolumn = 'sender_id'\ntarget = 'auth:users'\n"
    cfg, diags = parse_config(text)
    assert cfg.infer.references == (InferRef("sender_id", "auth:users"),)
    assert [d.severity for d in diags] == ["warning"]
    assert "'auth'" in diags[0].message


def test_inline_tables_and_dotted_keys() -> None:
    text = 'services.auth.tables = ["users"]\nreplicas = [{table = "x", owner = "auth"}]\n'
    cfg, diags = parse_config(text)
    assert diags == []
    assert cfg.services == (ServiceRule("auth", tables=("users",)),)
    assert cfg.replicas == (Replica("x", "auth"),)


def test_diagnostics_are_sorted_by_line() -> None:
    text = "[scan]\nmap_by = 1\nfoo = 2\n[services.a]\npaths = 'x'\n"
    _, diags = parse_config(text)
    assert [d.line for d in diags] == [2, 3, 5]


def test_find_config(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "migrations").mkdir(parents=True)
    (repo / "migrations" / "001.sql").write_text("select 1;")
    other = tmp_path / "other"
    other.mkdir()
    (other / "fkmap.toml").write_text("")
    assert find_config([str(repo)]) is None
    (repo / "fkmap.toml").write_text("")
    assert find_config([str(repo)]) == repo / "fkmap.toml"
    assert find_config(["postgresql://u@localhost/db", str(repo), str(other)]) == repo / "fkmap.toml"
    assert find_config([str(other), str(repo)]) == other / "fkmap.toml"
    assert find_config([str(repo / "migrations" / "001.sql")]) is None
    assert find_config([str(other / "fkmap.toml")]) == other / "fkmap.toml"
    assert find_config([]) is None
    assert find_config(["host=localhost dbname=x"]) is None


def test_find_config_first_path_source_only(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "fkmap.toml").write_text("")
    assert find_config([str(tmp_path / "a"), str(tmp_path / "b")]) is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    cfg, diags = parse_config(text)
    assert isinstance(cfg, Config)
    assert all(d.code == "config" for d in diags)


def _toml(value: Any) -> str:
    """Inline TOML for JSON-like values (enough to build hostile documents)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


KEYS = st.sampled_from(
    [
        "scan",
        "services",
        "replicas",
        "infer",
        "dialect",
        "map_by",
        "database_pattern",
        "ignore_tables",
        "description",
        "paths",
        "tables",
        "table",
        "owner",
        "enabled",
        "suffixes",
        "references",
        "column",
        "target",
        "auth",
        "x",
    ]
)
VALUES = st.recursive(
    st.none().map(lambda _: "(")
    | st.booleans()
    | st.integers(-5, 5)
    | st.text(max_size=8)
    | st.sampled_from(["path", "auth", "users", "a:b", "*.x_id"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=5))
def test_hostile_structures_never_raise(doc: dict[str, Any]) -> None:
    text = "\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in doc.items())
    cfg, diags = parse_config(text)
    assert isinstance(cfg, Config)
    assert all(isinstance(s.name, str) and s.name for s in cfg.services)
    assert all(isinstance(p, str) for s in cfg.services for p in s.paths + s.tables + s.databases + s.schemas)
    assert cfg.map_by in ("path", "database", "schema")
    assert all(d.severity != "error" or d.code == "config" for d in diags)


def test_load_config_reads_file(tmp_path: Path) -> None:
    path = tmp_path / "fkmap.toml"
    path.write_text(FULL)
    cfg, diags = load_config(str(path))
    assert diags == [] and cfg.path == str(path) and cfg.dialect == "postgres"
