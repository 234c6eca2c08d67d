"""Ownership inference: every kind of evidence and the traps of real layouts, on small literal fixtures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from model.inventory import Evidence, Inventory, Location, Source, Table, TableRef
from ownership.config import Config, ServiceRule
from ownership.config_file import parse_config
from ownership.naming import service_from_path
from ownership.scan import scan
from ownership.services import assign_services, explain_services
from ownership.summary import unowned_summary
from tests.ownership.builders import Unit, evidence_of, fk, inventory, owners, reads, writes

# -- rule 1: config evidence carries the file and line ------------------------------------------------


def test_config_evidence_names_the_rule_file_and_line() -> None:
    cfg, diags = parse_config('[services.core]\ndescription = "x"\npaths = ["db/**"]\n', "repo/fkmap.toml")
    assert diags == []
    inv = assign_services(inventory({"db/migrations/001_init.sql": ["users"]}), cfg)
    assert inv.tables[0].owner_evidence[0] == Evidence(
        "config", "core", "paths glob 'db/**' of [services.core]", "repo/fkmap.toml", 3
    )


# -- rule 2: schema per service ------------------------------------------------------------------------

SUPABASE = {
    "supabase/migrations/20240101_init.sql": [
        "auth.users",
        "auth.sessions",
        "storage.buckets",
        "storage.objects",
    ],
    "supabase/migrations/20240102_app.sql": ["public.profiles"],
}


def test_schema_per_service_splits_a_set_by_schema() -> None:
    inv = assign_services(inventory(SUPABASE), Config())
    got = {t.ref.qualified: t.service for t in inv.tables}
    assert got == {
        "auth.users": "auth",
        "auth.sessions": "auth",
        "storage.buckets": "storage",
        "storage.objects": "storage",
        "public.profiles": "supabase",  # the default schema: the folder decides
    }
    users = next(t for t in inv.tables if t.ref.name == "users")
    assert users.owner_evidence[0] == Evidence(
        "schema",
        "auth",
        "schema 'auth' of 'supabase/migrations', one of its 2 schemas (auth, storage)",
        "supabase/migrations/20240101_init.sql",
        1,
    )


def test_schema_per_service_for_catalog_databases_and_its_limits() -> None:
    tables = tuple(
        Table(TableRef("app", schema, name), defined_at=Location("postgresql://pg/app"))
        for schema, name in [("auth", "users"), ("billing", "invoices"), ("public", "settings")]
    )
    inv = Inventory(tables=tables, sources=(Source("catalog", "postgresql://pg/app"),))
    assert [t.service for t in assign_services(inv, Config()).tables] == ["auth", "billing", "app"]
    # config rules come first; map_by set in the file keeps the old behaviour
    cfg = Config(services=(ServiceRule("identity", schemas=("auth",)),))
    assert [t.service for t in assign_services(inv, cfg).tables] == ["identity", "billing", "app"]
    cfg, _ = parse_config("[scan]\nmap_by = 'path'\n")
    assert [t.service for t in assign_services(inv, cfg).tables] == ["app", "app", "app"]
    one = replace(inv, tables=tables[:1] + tables[2:])  # a single non-default schema is not a split
    assert [t.service for t in assign_services(one, Config()).tables] == ["app", "app"]


# -- rule 8: folders that never name a service ---------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "backend/migrations/phase-7",
        "backend/migrations/phase-7b",
        "db/pending_review",
        "persistence/migrations",
        "src/main/resources/db/migration/versioned",
        "deploy/init-scripts",
        "db/cockroachdb",
        "db/sqlite3",
        "db/sqlite",
        "db/mssql",
        "db/clickhouse",
        "config/db",
        "tools/hatchet-migrate",
        "libs/storage/migrations",
        "scripts/sql",
    ],
)
def test_stage_tool_engine_and_library_folders_name_no_service(path: str) -> None:
    assert service_from_path(path) == ""


def test_phase_folder_takes_services_from_file_names_not_its_name() -> None:
    files = {
        "backend/migrations/phase-7b/001_messaging_schema.sql": ["conversations"],
        "backend/migrations/phase-7/002_search.sql": ["search_index"],
    }
    inv = assign_services(inventory(files), Config(services=(ServiceRule("messaging"),)))
    assert owners(inv) == {
        "backend/migrations/phase-7b:conversations": "messaging",
        "backend/migrations/phase-7:search_index": "",
    }
    assert evidence_of(inv, "conversations") == [("file-name", "messaging")]


def test_with_two_service_units_a_folder_names_only_a_unit() -> None:
    files = {"db/orders/001_init.sql": ["orders"], "db/auth/001_init.sql": ["users"]}
    units = [Unit("auth", "services/auth"), Unit("billing", "services/billing")]
    assert owners(assign_services(inventory(files), Config())) == {
        "db/auth:users": "auth",
        "db/orders:orders": "orders",
    }
    inv = assign_services(inventory(files), Config(), units=units)
    assert owners(inv) == {"db/auth:users": "auth", "db/orders:orders": ""}


# -- rule 3: units and libraries -------------------------------------------------------------------------


def test_a_set_inside_a_service_unit_is_that_unit() -> None:
    files = {"backend/user-api/migrations/001_init.sql": ["users"], "backend/chat/sql/001.sql": ["rooms"]}
    units = [
        Unit("root", "", "root"),
        Unit("user-api", "backend/user-api"),
        Unit("chat-server", "backend/chat"),
    ]
    cfg = Config(services=(ServiceRule("chat"),))
    inv = assign_services(inventory(files), cfg, units=units)
    assert owners(inv) == {"backend/chat/sql:rooms": "chat", "backend/user-api/migrations:users": "user-api"}
    rooms = next(t for t in inv.tables if t.ref.name == "rooms")
    assert rooms.owner_evidence[0].detail == (
        "migration set 'backend/chat/sql' lies in service unit 'chat-server' (backend/chat)"
    )


LIB = {"libs/db/migrations/001_init.sql": ["jobs", "job_runs"]}


def test_library_migrations_belong_to_the_single_dependent() -> None:
    units = [Unit("db", "libs/db", "library"), Unit("api", "services/api", depends_on=("libs/db",))]
    inv = assign_services(inventory(LIB), Config(), units=units)
    assert {t.service for t in inv.tables} == {"api"}
    assert inv.tables[0].owner_evidence[0].kind == "library"
    assert inv.tables[0].owner_evidence[0].detail.endswith("used only by api")


def test_library_migrations_follow_code_else_stay_unowned_naming_the_dependents() -> None:
    units = [
        Unit("db", "libs/db", "library"),
        Unit("api", "services/api", depends_on=("libs/db",)),
        Unit("worker", "services/worker", depends_on=("libs/db",)),
    ]
    access = {"jobs": {"services/worker": writes("services/worker/src/run.rs", 12)}}
    inv = assign_services(inventory(LIB), Config(), units=units, access=access)
    assert owners(inv) == {"libs/db/migrations:jobs": "worker", "libs/db/migrations:job_runs": ""}
    assert evidence_of(inv, "jobs") == [("library", "worker"), ("code-write", "worker")]
    [note] = [d for d in inv.diagnostics if d.code == "shared-library"]
    assert note.message == (
        "shared-library tables: migration set 'libs/db/migrations' lies in library unit 'db' (libs/db), "
        "used by api, worker; no code evidence says which service owns its tables: name their service in "
        "fkmap.toml"
    )
    assert [d.excerpt for d in inv.diagnostics if d.code == "unowned"] == ["public.job_runs"]


def test_a_single_service_unit_owns_the_shared_folders() -> None:
    inv = assign_services(
        inventory({"db/migrations/001.sql": ["users", "orders"]}), Config(), units=[Unit("shop", "")]
    )
    assert {t.service for t in inv.tables} == {"shop"}
    inv = assign_services(
        inventory({"db/migrations/001.sql": ["users"]}),
        Config(),
        units=[Unit("", "", "root")],
        root_label="acme-db",
    )
    assert inv.tables[0].service == "acme"
    assert inv.tables[0].owner_evidence[0].kind == "unit"


# -- rule 4: code evidence in shared folders ------------------------------------------------------------

SHARED = {"db/migrations/001_init.sql": ["posts", "feeds", "tags"]}
SERVICES = [Unit("root", "", "root"), Unit("content-service", "content"), Unit("feed-service", "feed")]


def test_code_write_beats_code_read_and_a_single_reader_owns_the_rest() -> None:
    access = {
        "posts": {"content": writes("content/src/db.rs", 41), "feed": reads("feed/src/fanout.rs", 88, 9)},
        "feeds": {"feed": reads("feed/src/feed.rs", 3)},
        "tags": {"feed": reads("feed/src/tags.rs", 5), "content": reads("content/src/tags.rs", 6)},
    }
    inv = assign_services(inventory(SHARED), Config(), units=SERVICES, access=access)
    assert owners(inv) == {
        "db/migrations:posts": "content-service",
        "db/migrations:feeds": "feed-service",
        "db/migrations:tags": "",
    }
    assert evidence_of(inv, "posts") == [("code-write", "content-service")]
    posts = next(t for t in inv.tables if t.ref.name == "posts")
    assert (posts.owner_evidence[0].path, posts.owner_evidence[0].line) == ("content/src/db.rs", 41)
    # two readers and no writer decide nothing; what was found stays as evidence
    assert evidence_of(inv, "tags") == [("code-read", "content-service"), ("code-read", "feed-service")]
    assert [(a.table.name, a.owner, a.service, a.access, a.path, a.line) for a in inv.shared_access] == [
        ("posts", "content-service", "feed-service", "read", "feed/src/fanout.rs", 88),
    ]


def test_a_file_naming_a_service_beats_a_single_reader_of_another() -> None:
    # nova's backend/migrations/013_streaming_stream_table.sql: feed-service only reads streams
    files = {"backend/migrations/013_streaming_stream_table.sql": ["streams"]}
    units = [*SERVICES, Unit("streaming-service", "streaming")]
    access = {"streams": {"feed": reads("feed/src/trending.rs", 316)}}
    inv = assign_services(inventory(files), Config(), units=units, access=access)
    assert owners(inv) == {"backend/migrations:streams": "streaming-service"}
    assert evidence_of(inv, "streams") == [("file-name", "streaming-service"), ("code-read", "feed-service")]
    # a writer still beats the file name
    wrote = {"streams": {"feed": writes("feed/src/trending.rs", 316)}}
    inv = assign_services(inventory(files), Config(), units=units, access=wrote)
    assert owners(inv) == {"backend/migrations:streams": "feed-service"}


def test_a_file_named_after_its_table_decides_after_the_name_family() -> None:
    # 023_message_search_index.sql names 'search' only through the table's own name
    files = {
        "backend/migrations/018_messaging_schema.sql": ["messages"],
        "backend/migrations/023_message_search_index.sql": ["message_search_index"],
        "backend/migrations/024_search_history.sql": ["search_history"],
    }
    units = [Unit("root", "", "root"), Unit("messaging", "messaging"), Unit("search-service", "search")]
    inv = assign_services(inventory(files), Config(), units=units)
    assert owners(inv) == {
        "backend/migrations:messages": "messaging",
        "backend/migrations:message_search_index": "messaging",
        "backend/migrations:search_history": "search-service",
    }
    assert evidence_of(inv, "message_search_index")[0] == ("name-family", "messaging")
    # with nothing else to say, such a file name still decides
    alone = {"backend/migrations/023_message_search_index.sql": ["message_search_index"]}
    inv = assign_services(inventory(alone), Config(), units=units)
    assert owners(inv) == {"backend/migrations:message_search_index": "search-service"}
    assert evidence_of(inv, "message_search_index") == [("file-name", "search-service")]


def test_a_shared_table_is_the_entity_of_the_unit_defining_and_writing_it_most() -> None:
    # nova: backend/migrations defines posts; content-service defines it again in its own set and
    # writes it in 11 places; vlm-service's backfill updates a column of it twice
    files = {
        "backend/migrations/003_posts_schema.sql": ["posts"],
        "content/migrations/001_content.sql": ["posts"],
    }
    units = [*SERVICES, Unit("vlm-service", "vlm")]
    access = {
        "posts": {
            "vlm": writes("vlm/src/backfill.rs", 287, 2),
            "content": writes("content/src/db.rs", 17, 11),
        }
    }
    inv = assign_services(inventory(files), Config(), units=units, access=access)
    assert owners(inv) == {
        "backend/migrations:posts": "content-service",
        "content/migrations:posts": "content-service",
    }
    shared = next(t for t in inv.tables if t.ref.database == "backend/migrations")
    assert shared.owner_evidence[0].kind == "entity-home"
    assert shared.owner_evidence[0].detail == (
        "content-service defines the same entity in its own migrations (content/migrations:public.posts: "
        "same name and key) and its code writes it most (11 writes, vlm-service 2)"
    )
    assert [(a.table.database, a.service, a.access) for a in inv.shared_access] == [
        ("backend/migrations", "vlm-service", "write")
    ]
    # fewer writes, another key, or a writer named after the entity: the writer keeps it
    for content_writes, key_files, writer in ((2, files, "vlm"), (11, files, "post")):
        units = [*SERVICES, Unit(f"{writer}-service", writer)]
        access = {
            "posts": {
                writer: writes(f"{writer}/src/x.rs", 1, 2),
                "content": writes("content/src/db.rs", 17, content_writes),
            }
        }
        inv = assign_services(inventory(key_files), Config(), units=units, access=access)
        assert owners(inv)["backend/migrations:posts"] == f"{writer}-service"
    other_key = assign_services(
        replace(
            inventory(files),
            tables=tuple(
                replace(t, primary_key=("post_id",)) if t.ref.database == "content/migrations" else t
                for t in inventory(files).tables
            ),
        ),
        Config(),
        units=[*SERVICES, Unit("vlm-service", "vlm")],
        access={
            "posts": {"vlm": writes("vlm/src/b.rs", 1, 2), "content": writes("content/src/db.rs", 17, 11)}
        },
    )
    assert owners(other_key)["backend/migrations:posts"] == "vlm-service"
    # a posts that a script folder only references is content-service's too
    scripts = {**files, "backend/scripts/001_likes.sql": ["likes"]}
    refs = [fk("backend/scripts", "likes", "post_id", "posts")]
    inv = assign_services(
        inventory(scripts, fks=refs),
        Config(),
        units=[*SERVICES, Unit("vlm-service", "vlm")],
        access={
            "posts": {"vlm": writes("vlm/src/b.rs", 1, 2), "content": writes("content/src/db.rs", 17, 11)}
        },
    )
    external = next(t for t in inv.tables if t.external)
    assert (external.ref.database, external.service) == ("backend/scripts", "content-service")
    assert external.owner_evidence[0].kind == "entity-home"


def test_write_conflict_names_both_sides_and_most_writes_wins() -> None:
    access = {
        "posts": {"feed": writes("feed/src/fanout.rs", 88), "content": writes("content/src/db.rs", 41, 3)}
    }
    inv = assign_services(inventory(SHARED), Config(), units=SERVICES, access=access)
    assert owners(inv)["db/migrations:posts"] == "content-service"
    [conflict] = [d for d in inv.diagnostics if d.code == "owner-conflict"]
    assert (conflict.severity, conflict.path, conflict.line) == ("warning", "db/migrations/001_init.sql", 1)
    assert conflict.message == (
        "posts: written by content-service (content/src/db.rs:41) "
        "and by feed-service (feed/src/fanout.rs:88); "
        "content-service owns it (most writes, then name)"
    )
    assert [(a.service, a.access) for a in inv.shared_access] == [("feed-service", "write")]
    # an even count goes to the first by name
    even = {"posts": {"feed": writes("feed/src/fanout.rs", 88), "content": writes("content/src/db.rs", 41)}}
    assert owners(assign_services(inventory(SHARED), Config(), units=SERVICES, access=even))[
        "db/migrations:posts"
    ] == ("content-service")


def test_code_decides_an_external_table_no_database_defines() -> None:
    inv = inventory(
        {"db/migrations/001.sql": ["posts"]},
        fks=[fk("db/migrations", "posts", "user_id", "users", at=("db/migrations/001.sql", 4))],
    )
    units = [Unit("auth", "auth"), Unit("content", "content")]
    access = {
        "users": {"auth": writes("auth/src/users.ts", 10)},
        "posts": {"content": writes("content/a.ts", 1)},
    }
    out = assign_services(inv, Config(), units=units, access=access)
    assert owners(out) == {"db/migrations:posts": "content", "db/migrations:users": "auth"}


# -- rules 6 and 7: name family, fk neighbourhood -------------------------------------------------------


def neighbourhood_inventory() -> Inventory:
    db = "db/migrations"
    at = ("db/migrations/001.sql", 50)
    return inventory(
        {
            "db/migrations/001.sql": [
                "users",
                "stories",
                "story_views",
                "streams",
                "experiments",
                "experiment_events",
                "audit",
            ]
        },
        fks=[
            fk(db, "stories", "user_id", "users", at=at),
            fk(db, "streams", "user_id", "users", at=at),
            fk(db, "story_views", "viewer_id", "users", at=at),
            fk(db, "experiment_events", "experiment_id", "experiments", at=("db/migrations/001.sql", 61)),
            fk(db, "experiment_events", "user_id", "users", at=at),
            fk(db, "audit", "user_id", "users", at=at),
        ],
    )


UNITS = [Unit("auth", "auth"), Unit("content", "content"), Unit("streaming", "streaming"), Unit("lab", "lab")]
ACCESS = {
    "users": {"auth": writes("auth/db.go", 1)},
    "stories": {"content": writes("content/db.go", 2)},
    "streams": {"streaming": writes("streaming/db.go", 3)},
    "experiments": {"lab": writes("lab/db.go", 4)},
}


def test_name_family_and_fk_neighbourhood_ignoring_hubs() -> None:
    inv = assign_services(neighbourhood_inventory(), Config(), units=UNITS, access=ACCESS)
    db = "db/migrations"
    assert owners(inv) == {
        f"{db}:users": "auth",
        f"{db}:stories": "content",
        f"{db}:story_views": "content",  # family head 'stories', though its only FK points at users
        f"{db}:streams": "streaming",
        f"{db}:experiments": "lab",
        f"{db}:experiment_events": "lab",  # family first...
        f"{db}:audit": "",  # only FKs into the hub 'users': nothing
    }
    views = next(t for t in inv.tables if t.ref.name == "story_views")
    assert (
        views.owner_evidence[0].detail
        == "named after 'stories', the head of its name family, held by content"
    )


def test_fk_neighbourhood_ignores_hub_tables() -> None:
    inv = neighbourhood_inventory()
    renamed = {"experiment_events": "ab_events"}
    tables = tuple(
        replace(t, ref=replace(t.ref, name=renamed.get(t.ref.name, t.ref.name))) for t in inv.tables
    )
    fks = tuple(
        replace(f, table=replace(f.table, name=renamed.get(f.table.name, f.table.name)))
        for f in inv.foreign_keys
    )
    out = assign_services(replace(inv, tables=tables, foreign_keys=fks), Config(), units=UNITS, access=ACCESS)
    events = next(t for t in out.tables if t.ref.name == "ab_events")
    assert events.service == "lab"
    assert events.owner_evidence[0] == Evidence(
        "fk-neighbourhood",
        "lab",
        "its foreign keys point only into lab's tables (experiments), besides hub tables (users)",
        "db/migrations/001.sql",
        61,
    )


# -- explain_services ----------------------------------------------------------------------------------


def test_explain_services_exposes_the_evidence() -> None:
    found = explain_services(neighbourhood_inventory(), Config(), units=UNITS, access=ACCESS)
    users = found[TableRef("db/migrations", "public", "users")]
    assert (users.service, users.rule) == ("auth", "written by auth (auth/db.go:1)")
    assert users.evidence == (
        Evidence("code-write", "auth", "written by auth (auth/db.go:1)", "auth/db.go", 1),
    )


def test_loaded_service_is_kept_as_evidence() -> None:
    inv = inventory({"db/migrations/001.sql": ["audit"]})
    loaded = replace(inv, tables=tuple(replace(t, service="ops") for t in inv.tables))
    out = assign_services(loaded, Config())
    assert evidence_of(out, "audit") == [("kept", "ops")]
    assert assign_services(out, Config()) == out


# -- unowned_summary -----------------------------------------------------------------------------------


def test_a_table_goes_with_the_other_tables_its_file_creates() -> None:
    files = {
        "backend/migrations/phase-7/002_messaging_schema.sql": ["conversations", "messages", "blocked_users"],
        "backend/migrations/001_initial.sql": ["users", "posts", "old"],
        "backend/migrations/005_mixed.sql": ["messages_archive", "feed_items", "audit"],
    }
    units = [Unit("root", "", "root"), Unit("chat", "chat"), Unit("feed", "feed")]
    access = {
        "conversations": {"chat": writes("chat/src/db.rs", 1)},
        "messages": {"chat": writes("chat/src/db.rs", 2)},
        "posts": {"feed": writes("feed/src/db.rs", 3)},
        "messages_archive": {"chat": writes("chat/src/db.rs", 4)},
        "feed_items": {"feed": writes("feed/src/db.rs", 5)},
    }
    inv = assign_services(inventory(files), Config(), units=units, access=access)
    got = owners(inv)
    assert got["backend/migrations/phase-7:blocked_users"] == "chat"
    blocked = next(t for t in inv.tables if t.ref.name == "blocked_users")
    assert blocked.owner_evidence[0] == Evidence(
        "same-file",
        "chat",
        "backend/migrations/phase-7/002_messaging_schema.sql creates it beside chat's tables "
        "(conversations, messages) and no other service's",
        "backend/migrations/phase-7/002_messaging_schema.sql",
        21,
    )
    # one placed table of three says nothing; tables of two services say nothing
    assert (
        got["backend/migrations:users"],
        got["backend/migrations:old"],
        got["backend/migrations:audit"],
    ) == (
        "",
        "",
        "",
    )


def test_unowned_summary_counts_tables_and_present_fks_into_them() -> None:
    db = "db/migrations"
    inv = inventory(
        {
            "db/migrations/001.sql": ["users", "posts", "old"],
            "services/chat/migrations/001.sql": ["messages"],
        },
        fks=[
            fk(db, "posts", "user_id", "users"),
            fk("services/chat/migrations", "messages", "user_id", "users"),  # through an external alias
            fk(db, "posts", "old_id", "old"),
        ],
    )
    dropped = replace(inv.foreign_keys[2], dropped_at=Location("db/migrations/002.sql", 1))
    inv = replace(inv, foreign_keys=(*inv.foreign_keys[:2], dropped))
    out = assign_services(inv, Config(services=(ServiceRule("content", tables=("posts",)),)))
    assert unowned_summary(out) == (
        2,
        2,
    )  # users and old; posts.user_id and messages.user_id (old's FK is dropped)
    owned = assign_services(inv, Config(services=(ServiceRule("core", paths=("db/**",)),)))
    assert unowned_summary(owned) == (0, 0)


def test_a_repository_naming_no_service_is_one_service_named_after_its_root() -> None:
    inv = inventory({"persistence/sql/migrations/001.sql": ["identities", "sessions"]})
    out = assign_services(inv, Config(), root_label="/src/kratos")
    assert {t.service for t in out.tables} == {"kratos"}
    assert out.tables[0].owner_evidence[0].detail == "the repository 'kratos' names no other service"
    assert {t.service for t in assign_services(inv, Config()).tables} == {""}  # no root: unowned
    named = inventory(
        {"persistence/sql/migrations/001.sql": ["identities"], "services/auth/migrations/001.sql": ["users"]}
    )
    assert owners(assign_services(named, Config(), root_label="/src/kratos")) == {
        "persistence/sql/migrations:identities": "",
        "services/auth/migrations:users": "auth",
    }


def test_scan_names_a_one_service_repository_after_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "acme-shop" / "db" / "migrations"
    folder.mkdir(parents=True)
    (folder / "001_init.sql").write_text(
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users(id));\n",
        encoding="utf-8",
    )
    inv = scan([str(tmp_path / "acme-shop")])
    assert {t.ref.name: t.service for t in inv.tables} == {"orders": "acme-shop", "users": "acme-shop"}
    assert unowned_summary(inv) == (0, 0)
