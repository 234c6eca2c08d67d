"""Versioned schema trees, schema before data, goose Go migrations and ClickHouse files
(:mod:`ingest.migrations.walk`, :mod:`ingest.migrations.files`, :mod:`ingest.migrations.parse`)."""

from __future__ import annotations

from pathlib import Path

from ingest.migrations.layout import discover
from ingest.migrations.sets import ingest_path
from model.inventory import Diagnostic
from tests.ingest.migrations.test_layout import make, rels
from tests.ingest.migrations.test_layout_engines import fk_set


# --------------------------------------------------------------------------- versioned schema trees
def test_a_versioned_tree_is_one_set_per_database_in_version_order(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "schemas/users/versioned/manifest.yaml": "versions: [v1.0, v1.1, v1.10, v2.0]",
            "schemas/users/versioned/v2.0/001_teams.sql": (
                "CREATE TABLE teams (id int PRIMARY KEY, owner_id int REFERENCES users (id));"
            ),
            "schemas/users/versioned/v1.10/profiles.sql": (
                "ALTER TABLE profiles ADD CONSTRAINT profiles_user_fk\n"
                "  FOREIGN KEY (user_id) REFERENCES users (id);"
            ),
            "schemas/users/versioned/v1.1/b_profiles.sql": "CREATE TABLE profiles (id int, user_id int);",
            "schemas/users/versioned/v1.1/a_note.sql": "COMMENT ON TABLE users IS 'people';",
            "schemas/users/versioned/v1.0/users.sql": "CREATE TABLE users (id int PRIMARY KEY);",
            "schemas/orders/versioned/v1.0/orders.sql": "CREATE TABLE orders (id int PRIMARY KEY);",
        },
    )
    sets, diagnostics = discover(tmp_path)
    tree = "schemas/users/versioned"
    assert rels(sets) == {
        "schemas/orders": ["schemas/orders/versioned/v1.0/orders.sql"],
        "schemas/users": [
            f"{tree}/v1.0/users.sql",
            f"{tree}/v1.1/a_note.sql",
            f"{tree}/v1.1/b_profiles.sql",
            f"{tree}/v1.10/profiles.sql",
            f"{tree}/v2.0/001_teams.sql",
        ],
    }
    assert [f.version for f in sets[1].files] == ["1.0", "1.1", "1.1", "1.10", "2.0"]
    assert diagnostics == []
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {
        (
            "profiles_user_fk",
            "schemas/users:public.profiles",
            ("user_id",),
            "schemas/users:public.users",
            ("id",),
            "NO ACTION",
        ),
        (
            "teams_owner_id_fkey",
            "schemas/users:public.teams",
            ("owner_id",),
            "schemas/users:public.users",
            ("id",),
            "NO ACTION",
        ),
    }
    assert inv.diagnostics == ()


def test_version_folders_without_a_versioned_parent_name_their_parent(tmp_path: Path) -> None:
    make(tmp_path, {"db/V2/b.sql": "SELECT 1;", "db/v1_5/a.sql": "SELECT 1;", "db/notes/c.sql": "SELECT 1;"})
    sets, _ = discover(tmp_path)
    assert rels(sets) == {"db": ["db/v1_5/a.sql", "db/V2/b.sql"], "db/notes": ["db/notes/c.sql"]}


# --------------------------------------------------------------------------- unversioned order
def test_spring_schema_runs_before_data(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "src/main/resources/data.sql": "INSERT INTO owners VALUES (1);\nINSERT INTO pets VALUES (1, 1);",
            "src/main/resources/schema.sql": (
                "CREATE TABLE owners (id int PRIMARY KEY);\n"
                "CREATE TABLE pets (id int PRIMARY KEY, owner_id int REFERENCES owners (id));"
            ),
            "src/main/resources/views.sql": "CREATE VIEW v AS SELECT 1;",
        },
    )
    sets, _ = discover(tmp_path)
    assert rels(sets) == {
        "src/main/resources": [
            "src/main/resources/schema.sql",
            "src/main/resources/views.sql",
            "src/main/resources/data.sql",
        ]
    }
    inv = ingest_path(tmp_path, cache=False)
    assert inv.diagnostics == ()
    assert [m.path.rsplit("/", 1)[1] for m in inv.migrations] == ["schema.sql", "views.sql", "data.sql"]


# --------------------------------------------------------------------------- goose Go migrations
GOOSE_GO = """\
package migrations

import (
\t"context"
\t"database/sql"

\t"github.com/pressly/goose/v3"
)

func init() { goose.AddMigrationContext(upBackfill, downBackfill) }
"""


def test_goose_go_migrations_are_reported_never_skipped_silently(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "db/migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\n",
            "db/migrations/00002_backfill.go": GOOSE_GO,
            "db/migrations/00002_backfill_test.go": GOOSE_GO,
            "db/gomigrations/00003_more.go": GOOSE_GO,
            "cmd/0001_main.go": "package main\n\nfunc main() {}\n",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"db/migrations": ["db/migrations/00001_init.sql"]}
    message = "not read: goose Go migration (its SQL is built by Go code); its changes are missing"
    assert diagnostics == [
        Diagnostic("warning", message, path="db/gomigrations/00003_more.go", line=1, code="go-migration"),
        Diagnostic("warning", message, path="db/migrations/00002_backfill.go", line=1, code="go-migration"),
    ]


# --------------------------------------------------------------------------- ClickHouse
CLICKHOUSE = """\
-- Feed candidates (ClickHouse); the `posts` table lives in PostgreSQL
CREATE TABLE IF NOT EXISTS feed_candidates (
    user_id UUID,
    post_id UUID,
    score Float64,
    created_at DateTime64(3) DEFAULT now64()
) ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (user_id, post_id)
TTL created_at + INTERVAL 30 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS feed_mv TO feed_candidates AS SELECT * FROM events;
"""


def test_clickhouse_files_are_skipped_with_one_info_each(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "analytics/001_feed.sql": CLICKHOUSE,
            "analytics/clickhouse/002_alter.sql": "ALTER TABLE feed_candidates ADD COLUMN seen UInt8;",
            "analytics/pg/001_posts.sql": "CREATE TABLE posts (id uuid PRIMARY KEY); -- ENGINE = MergeTree",
        },
    )
    inv = ingest_path(tmp_path, cache=False)
    assert [(t.ref.database, t.ref.name) for t in inv.tables] == [
        ("analytics/pg", "posts")
    ]  # analytics is a set
    assert list(inv.diagnostics) == [
        Diagnostic(
            "info",
            "ClickHouse DDL (ENGINE = ReplacingMergeTree): not read; ClickHouse has no foreign keys",
            path="analytics/001_feed.sql",
            line=7,
            code="clickhouse",
        ),
        Diagnostic(
            "info",
            "ClickHouse DDL: not read; ClickHouse has no foreign keys",
            path="analytics/clickhouse/002_alter.sql",
            line=1,
            code="clickhouse",
        ),
    ]


def test_clickhouse_is_recognised_even_when_a_dialect_is_asked_for(tmp_path: Path) -> None:
    make(tmp_path, {"ch/001_feed.sql": CLICKHOUSE})
    inv = ingest_path(tmp_path, dialect="mysql", cache=False)
    assert [(d.severity, d.code, d.line) for d in inv.diagnostics] == [("info", "clickhouse", 7)]
