"""``fkmap init``'s config: compact rules, evidence comments, and the same ownership when used.

Each round trip assigns services without a config, writes the config, reads it
back (it must draw no diagnostic) and assigns again with it from the same
inputs (units and code usage included): every table keeps its service and
``replica_of`` and every FK its ``cross_service``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pytest

from graph.build import build_graph
from model.inventory import Evidence, ForeignKey, Inventory, Location, Source, Table, TableRef
from ownership.config import Config, Replica
from ownership.config_file import parse_config
from ownership.init_check import ownership_differences
from ownership.init_config import render_config, toml_key, toml_str
from ownership.init_rules import plan_replicas, plan_rules
from ownership.inputs import AccessLike
from ownership.services import assign_services
from tests.helpers import not_none
from tests.ownership.builders import Unit, fk, inventory, reads, writes


def round_trip(
    inv: Inventory,
    config: Config | None = None,
    *,
    units: Iterable[Unit] = (),
    access: Mapping[str, Mapping[str, AccessLike]] | None = None,
    root_label: str = "",
) -> tuple[Inventory, str, Inventory]:
    """``(assigned without the written config, the config text, assigned with it)``; asserts they agree."""
    units = tuple(units)
    first = assign_services(inv, config or Config(), units=units, access=access, root_label=root_label)
    text = render_config(first, config or Config())
    written, diagnostics = parse_config(text, "fkmap.toml")
    assert diagnostics == [], text
    again = assign_services(inv, written, units=units, access=access, root_label=root_label)
    assert ownership_differences(first, again) == [], text
    assert _graph_view(first) == _graph_view(again)
    return first, text, again


def _graph_view(inv: Inventory) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], bool]]:
    """Services, copies and cross-service flags as the graph (the reports) sees them."""
    G = build_graph(inv, include_dropped=True)
    cross = {(str(d["fk"].table), d["fk"].name): d["cross_service"] for _, _, d in G.edges(data=True)}
    return {str(t.ref): (t.service, t.replica_of) for t in inv.tables}, cross


def rules_of(text: str) -> dict[str, dict[str, list[str]]]:
    """``{service: {key: globs}}`` of a written config."""
    data = tomllib.loads(text)
    return {
        name: {k: v for k, v in body.items() if k != "description"} for name, body in data["services"].items()
    }


# -- round trips on every kind of evidence -------------------------------------------------------------

SERVICES = {
    "services/auth/migrations/001_init.sql": ["users", "sessions"],
    "services/content/migrations/001_posts.sql": ["posts"],
    "services/billing/db/001.sql": ["invoices"],
}


def test_services_layout_is_one_folder_glob_per_service() -> None:
    inv = inventory(
        SERVICES,
        fks=[
            fk("services/content/migrations", "posts", "user_id", "users"),
            fk("services/billing/db", "invoices", "user_id", "users"),
        ],
    )
    _, text, again = round_trip(inv)
    assert rules_of(text) == {
        "auth": {"paths": ["services/auth/**"]},
        "billing": {"paths": ["services/billing/**"]},
        "content": {"paths": ["services/content/**"]},
    }
    assert (
        "  # 2 table(s): sessions, users\n  #   folder: migration folder 'services/auth/migrations'" in text
    )
    assert {e.kind for t in again.tables if t.resolved_to is None for e in t.owner_evidence[:1]} == {"config"}


SHARED = {
    "services/auth/migrations/001.sql": ["accounts"],
    "services/chat/migrations/001.sql": ["rooms"],
    "db/migrations/001_auth_users.sql": ["users", "tokens"],
    "db/migrations/002_chat_messages.sql": ["messages"],
    "db/migrations/003_misc.sql": ["settings", "notes"],
}


def test_a_shared_folder_lists_tables_by_name_and_leaves_the_unowned_alone() -> None:
    db = "db/migrations"
    inv = inventory(
        SHARED, fks=[fk(db, "notes", "setting_id", "settings"), fk(db, "messages", "user_id", "users")]
    )
    _, text, again = round_trip(inv)
    assert rules_of(text) == {
        "auth": {"paths": ["services/auth/**"], "tables": ["tokens", "users"]},
        "chat": {"paths": ["services/chat/**"], "tables": ["messages"]},
    }
    assert (
        "tables = [\n"
        "  # file-name: migration file name 'db/migrations/001_auth_users.sql' "
        "(db/migrations/001_auth_users.sql:11)\n"
        '  "tokens",\n'
    ) in text
    assert text.endswith(
        "# Tables no service owns (2): foreign keys into them couple nobody until they\n"
        "# get an owner. To give one, add it to a service's 'tables' above.\n"
        "#   db/migrations:public.notes (created at db/migrations/003_misc.sql:11)\n"
        "#     no evidence\n"
        "#   db/migrations:public.settings (created at db/migrations/003_misc.sql:1)\n"
        "#     no evidence\n"
    )
    assert {t.ref.name for t in again.tables if not t.service} == {"settings", "notes"}


def test_names_that_collide_are_qualified_just_enough() -> None:
    files = {
        "services/auth/migrations/001.sql": ["users", "ops.keys"],
        "services/chat/migrations/001.sql": ["audit", "notes", "ops.rooms"],
        "db/migrations/001_auth_x.sql": ["audit", "notes", "tokens"],
        "db/migrations/002_chat_x.sql": ["ops.audit"],
    }
    first, text, _ = round_trip(inventory(files))
    assert {t.ref.qualified: t.service for t in first.tables if t.ref.database == "db/migrations"} == {
        "public.audit": "auth",
        "public.notes": "auth",
        "public.tokens": "auth",
        "ops.audit": "chat",
    }
    rules = rules_of(text)
    assert rules["auth"]["tables"] == ["db/migrations:public.audit", "db/migrations:notes", "tokens"]
    assert rules["chat"]["tables"] == ["ops.audit"]


def test_code_units_libraries_and_neighbourhoods_round_trip() -> None:
    db = "db/migrations"
    at = ("db/migrations/001.sql", 50)
    files = {
        "db/migrations/001.sql": ["users", "stories", "story_views", "posts", "tags", "audit"],
        "libs/db/migrations/001_init.sql": ["jobs", "job_runs"],
    }
    inv = inventory(
        files,
        fks=[
            fk(db, "stories", "user_id", "users", at=at),
            fk(db, "story_views", "viewer_id", "users", at=at),
            fk(db, "audit", "user_id", "users", at=at),
            fk(db, "posts", "author_id", "accounts", at=at),  # external, owned by code
        ],
    )
    units = [
        Unit("root", "", "root"),
        Unit("auth", "auth"),
        Unit("content", "content", depends_on=("libs/db",)),
        Unit("worker", "worker", depends_on=("libs/db",)),
        Unit("db", "libs/db", "library"),
    ]
    access = {
        "users": {"auth": writes("auth/db.go", 1), "content": reads("content/feed.go", 7)},
        "stories": {"content": writes("content/db.go", 2)},
        "posts": {"content": writes("content/db.go", 3), "worker": writes("worker/fan.go", 9)},
        "tags": {"content": reads("content/t.go", 4), "worker": reads("worker/t.go", 5)},
        "accounts": {"auth": writes("auth/acc.go", 8)},
        "jobs": {"worker": writes("worker/run.go", 12)},
    }
    first, text, again = round_trip(inv, units=units, access=access)
    owners = {t.ref.name: t.service for t in first.tables}
    assert owners == {
        "users": "auth",
        "stories": "content",
        "story_views": "content",
        "posts": "content",
        "tags": "",  # two readers
        "audit": "auth",  # its only FK points into auth's users
        "accounts": "auth",
        "jobs": "worker",
        "job_runs": "",
    }
    assert again.shared_access == first.shared_access != ()
    tags = "#   db/migrations:public.tags (created at db/migrations/001.sql:41)\n"
    assert tags + "#     code-read: read by content" in text
    assert rules_of(text)["auth"] == {"tables": ["accounts", "audit", "users"]}  # accounts: external


def test_schema_per_service_becomes_schemas() -> None:
    files = {
        "supabase/migrations/001_init.sql": ["auth.users", "auth.sessions", "storage.objects"],
        "supabase/migrations/002_app.sql": ["public.profiles"],
        "services/auth/migrations/001.sql": ["public.users"],
    }
    _, text, _ = round_trip(inventory(files))
    rules = rules_of(text)
    assert rules["auth"] == {"paths": ["services/auth/**"], "schemas": ["auth"]}
    assert rules["storage"] == {"schemas": ["storage"]}
    assert rules["supabase"] == {"tables": ["profiles"]}


def test_catalog_databases_become_databases() -> None:
    tables = tuple(
        Table(TableRef(db, "public", name), defined_at=Location(f"postgresql://pg/{db}"))
        for db, name in [("billing_db", "invoices"), ("billing_db", "payments"), ("auth_db", "users")]
    )
    inv = Inventory(tables=tables, sources=(Source("catalog", "postgresql://pg/"),))
    _, text, _ = round_trip(inv)
    assert rules_of(text) == {"auth": {"databases": ["auth_db"]}, "billing": {"databases": ["billing_db"]}}


# -- replicas ------------------------------------------------------------------------------------------


def _copies(ambiguous: bool) -> Inventory:
    files = {
        "services/auth/migrations/001.sql": ["users"],
        "services/chat/migrations/001.sql": ["users", "messages"],
    }
    fks = [fk("services/chat/migrations", "messages", "user_id", "users")]
    if ambiguous:
        files["services/billing/migrations/001.sql"] = ["invoices"]
        fks.append(fk("services/billing/migrations", "invoices", "user_id", "users"))
    return inventory(files, fks=fks)


def test_a_detected_copy_becomes_a_replicas_entry() -> None:
    first, text, again = round_trip(_copies(False))
    chat_users = TableRef("services/chat/migrations", "public", "users")
    assert (
        not_none(first.table(chat_users)).replica_of == not_none(again.table(chat_users)).replica_of == "auth"
    )
    assert tomllib.loads(text)["replicas"] == [
        {"table": "services/chat/migrations:public.users", "owner": "auth"}
    ]
    assert "# replica-of: a local copy of auth's 'users'" in text
    assert not_none(again.table(chat_users)).owner_evidence[0].detail.startswith("[[replicas]] table = ")


def test_a_copy_whose_declaration_would_resolve_references_is_commented_out() -> None:
    first, text, _ = round_trip(_copies(True))
    billing_users = TableRef("services/billing/migrations", "public", "users")
    assert not_none(first.table(billing_users)).resolved_to is None  # two definers
    assert "replicas" not in tomllib.loads(text)
    assert '# [[replicas]]\n# table = "services/chat/migrations:public.users"\n# owner = "auth"' in text
    [plan] = plan_replicas(first, Config())
    assert not plan.active
    # turned on, it resolves the billing reference to auth's users: coupling the scan could not see
    on, _ = parse_config(
        text.replace("# [[replicas]]", "[[replicas]]")
        .replace("# table =", "table =")
        .replace("# owner =", "owner =")
    )
    assert not_none(assign_services(_copies(True), on).table(billing_users)).resolved_to == TableRef(
        "services/auth/migrations", "public", "users"
    )


def test_deny_entries_and_scan_keys_of_the_config_used_are_kept() -> None:
    config, diagnostics = parse_config(
        '[scan]\ndialect = "mysql"\nmap_by = "path"\nignore_tables = ["tmp_*"]\n'
        'schema_pattern = "^svc_(?P<service>.+)$"\n'
        '[services.chat]\ndescription = "Chat"\n'
        '[[replicas]]\ntable = "services/chat/*:users"\ndeny = true\n'
    )
    assert diagnostics == []
    inv = inventory(
        {
            "services/auth/migrations/001.sql": ["users"],
            "services/chat/migrations/001.sql": ["users", "tmp_x"],
        }
    )
    first, text, _ = round_trip(inv, config)
    data = tomllib.loads(text)
    assert data["scan"] == {
        "dialect": "mysql",
        "map_by": "path",
        "schema_pattern": "^svc_(?P<service>.+)$",
        "ignore_tables": ["tmp_*"],
    }
    assert data["replicas"] == [{"table": "services/chat/*:users", "deny": True}]
    assert data["services"]["chat"]["description"] == "Chat"
    assert all(not t.replica_of for t in first.tables)
    assert "tmp_x" not in text


def test_dialect_given_on_the_command_line_is_written() -> None:
    assert (
        render_config(Inventory(), Config(), dialect="mysql").split("\n\n")[1]
        == '[scan]\ndialect = "mysql"\n'
    )


# -- names are data ----------------------------------------------------------------------------------


def test_hostile_names_are_written_literally_and_still_match() -> None:
    names = ["a*b", "q?x", "br[ack]et", 'quo"te', "back\\slash", "col:on", "new\nline", "ユーザー", "\u202e"]
    files = {
        "db/migrations/001_auth_x.sql": names,
        "services/auth/migrations/001.sql": ["keep"],
        "db/migrations/002_misc.sql": ["a+b", "oddxname", "axb", "qyx"],
    }
    inv = inventory(files)
    dotted = Table(TableRef("db/migrations", "public", "odd.name"), defined_at=Location(*_FIRST))
    inv = replace(inv, tables=(*inv.tables, dotted))
    first, text, again = round_trip(inv)
    assert {t.ref.name for t in first.tables if t.service == "auth"} == {*names, "odd.name", "keep"}
    assert {t.ref.name for t in again.tables if not t.service} == {"a+b", "oddxname", "axb", "qyx"}
    assert all(
        line.startswith(("#", "  #", "[", '  "', "]")) or "=" in line for line in text.splitlines() if line
    )
    assert "odd[.]name" in text and "a[*]b" in text and "col[:]on" in text


_FIRST = ("db/migrations/001_auth_x.sql", 91)


def test_toml_strings_and_keys_read_back_exactly() -> None:
    for text in ['say "hi"', "back\\slash", "tab\tnew\nline\x00\x7f", "ユーザー", "\u202e"]:
        assert tomllib.loads(f"v = {toml_str(text)}")["v"] == text
    assert (toml_key("auth-service_2"), toml_key("my service"), toml_key("")) == (
        "auth-service_2",
        '"my service"',
        '""',
    )


# -- plans and differences -----------------------------------------------------------------------------


def test_a_service_known_only_as_an_owner_is_declared() -> None:
    t = Table(TableRef("db", "public", "users"), service="chat", replica_of="auth")
    plans = plan_rules(Inventory(tables=(t,)))
    assert [(p.name, [r.key for r in p.rules]) for p in plans] == [("auth", []), ("chat", ["databases"])]
    text = render_config(Inventory(tables=(t,)), Config())
    assert "[services.auth]\n# holds no table of the scan (named as the owner of a copy)" in text
    assert parse_config(text)[1] == []


def test_differences_name_tables_and_foreign_keys() -> None:
    u, p = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
    key = ForeignKey("p_fkey", p, ("user_id",), u, ("id",))
    a = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")), foreign_keys=(key,))
    b = replace(a, tables=(Table(u, service="content"), Table(p, service="content")))
    assert ownership_differences(a, b) == [
        "db:public.users: service auth before, service content with the config",
        "db:public.posts p_fkey: cross_service True before, False with the config",
    ]
    assert ownership_differences(a, a) == []


def test_evidence_comments_are_capped() -> None:
    many = tuple(Evidence("code-read", f"s{i}", f"read by s{i}") for i in range(5))
    t = Table(TableRef("db", "public", "x"), service="s0", owner_evidence=many)
    other = Table(TableRef("db", "public", "y"))
    text = render_config(Inventory(tables=(t, other)), Config())
    assert "  # code-read: read by s2\n  # ... 2 more\n" in text


@pytest.mark.parametrize("replicas", [(), (Replica("db:*", "auth"),)])
def test_plan_replicas_is_empty_without_copies(replicas: tuple[Replica, ...]) -> None:
    inv = Inventory(tables=(Table(TableRef("db", "public", "x"), service="a"),))
    assert plan_replicas(inv, Config(replicas=replicas)) == []


def test_invisible_characters_are_escaped_in_toml_strings() -> None:
    assert toml_str("a\u202eb\u2028c") == '"a\\u202eb\\u2028c"'
