"""Scripts kept once per engine, and the dialect of a file (:mod:`ingest.migrations.alternatives`,
:mod:`ingest.migrations.engines`, :mod:`ingest.migrations.detect`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.migrations.detect import detect
from ingest.migrations.layout import discover
from ingest.migrations.sets import ingest_path
from model.inventory import Diagnostic, Inventory
from tests.ingest.migrations.test_layout import make, rels

HOW = "--dialect or [scan] dialect chooses another engine"


def fk_set(inv: Inventory) -> set[tuple[str, str, tuple[str, ...], str, tuple[str, ...], str]]:
    return {
        (fk.name, str(fk.table), fk.columns, str(fk.ref_table), fk.ref_columns, fk.on_delete)
        for fk in inv.foreign_keys
    }


# --------------------------------------------------------------------------- per-engine files
PER_ENGINE_FILES = {
    "m/20150100000001000000_networks.postgres.up.sql": "CREATE TABLE networks (id UUID PRIMARY KEY);",
    "m/20150100000001000000_networks.postgres.down.sql": "DROP TABLE networks;",
    "m/20150100000001000000_networks.mysql.up.sql": (
        "CREATE TABLE `networks` (`id` CHAR(36) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;"
    ),
    "m/20150100000001000000_networks.sqlite3.up.sql": 'CREATE TABLE "networks" ("id" TEXT PRIMARY KEY);',
    "m/20150100000001000000_networks.cockroach.up.sql": "CREATE TABLE networks (id UUID PRIMARY KEY);",
    "m/20191100000001000000_identities.up.sql": (
        "CREATE TABLE identities (id CHAR(36) PRIMARY KEY,\n"
        "  nid CHAR(36) REFERENCES networks (id) ON DELETE CASCADE);"
    ),
    "m/20191100000002000000_sessions.up.sql": "CREATE TABLE sessions (id CHAR(36) PRIMARY KEY);",
    "m/20191100000002000000_sessions.postgres.up.sql": (
        "CREATE TABLE sessions (id UUID PRIMARY KEY,\n"
        "  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE);"
    ),
    "m/20191100000002000000_sessions.mysql.up.sql": (
        "CREATE TABLE sessions (id CHAR(36) NOT NULL PRIMARY KEY, identity_id CHAR(36) NOT NULL,\n"
        "  FOREIGN KEY (identity_id) REFERENCES identities (id) ON DELETE CASCADE) ENGINE=InnoDB;"
    ),
    "m/20191100000003000000_index.postgres.autocommit.up.sql": (
        "CREATE INDEX CONCURRENTLY sessions_identity_id_idx ON sessions (identity_id);"
    ),
    "m/20191100000004000000_pragma.sqlite3.up.sql": "PRAGMA foreign_keys = ON;",
}


def test_per_engine_files_replay_postgres_and_the_engine_less_files(tmp_path: Path) -> None:
    make(tmp_path, PER_ENGINE_FILES)
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {
        "m": [
            "m/20150100000001000000_networks.postgres.up.sql",
            "m/20191100000001000000_identities.up.sql",
            "m/20191100000002000000_sessions.postgres.up.sql",
            "m/20191100000003000000_index.postgres.autocommit.up.sql",
        ]
    }
    assert {f.dialect for f in sets[0].files} == {"postgres"}
    assert [f.name for f in sets[0].files] == ["networks", "identities", "sessions", "index"]
    message = (
        "per-engine migration files for cockroach (1), mysql (2), postgres (3), sqlite (2): "
        f"replaying postgres, with 1 engine-less file(s); {HOW}"
    )
    assert diagnostics == [Diagnostic("info", message, path="m", code="engine-choice")]
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {
        ("identities_nid_fkey", "m:public.identities", ("nid",), "m:public.networks", ("id",), "CASCADE"),
        (
            "sessions_identity_id_fkey",
            "m:public.sessions",
            ("identity_id",),
            "m:public.identities",
            ("id",),
            "CASCADE",
        ),
    }
    assert list(inv.diagnostics) == diagnostics


def test_per_engine_files_follow_the_dialect_asked_for(tmp_path: Path) -> None:
    make(tmp_path, PER_ENGINE_FILES)
    inv = ingest_path(tmp_path, dialect="mysql", cache=False)
    assert [m.path.split("/")[1] for m in inv.migrations] == [
        "20150100000001000000_networks.mysql.up.sql",
        "20191100000001000000_identities.up.sql",
        "20191100000002000000_sessions.mysql.up.sql",
    ]
    assert fk_set(inv) == {
        ("identities_ibfk_1", "m:.identities", ("nid",), "m:.networks", ("id",), "CASCADE"),
        ("sessions_ibfk_1", "m:.sessions", ("identity_id",), "m:.identities", ("id",), "CASCADE"),
    }
    assert [d.code for d in inv.diagnostics] == ["engine-choice", "mysql-inline-reference"]
    assert "replaying mysql, with 1 engine-less file(s)" in inv.diagnostics[0].message


def test_engine_less_files_are_replayed_for_postgres_even_when_no_file_names_it(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "t/1_a.up.sql": "CREATE TABLE a (id int PRIMARY KEY);",
            "t/2_b.mysql.up.sql": "CREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY);",
            "only/1_a.mysql.up.sql": "CREATE TABLE a (id int PRIMARY KEY);",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"only": ["only/1_a.mysql.up.sql"], "t": ["t/1_a.up.sql"]}
    assert [(s.label, [f.dialect for f in s.files]) for s in sets] == [
        ("only", ["mysql"]),
        ("t", ["postgres"]),
    ]
    assert [d.message.split(";")[0] for d in diagnostics] == [
        "per-engine migration files for mysql (1): replaying mysql",
        "per-engine migration files for mysql (1): replaying postgres, with 1 engine-less file(s)",
    ]


# --------------------------------------------------------------------------- per-engine folders
ENGINE_FOLDERS = {
    "svc/migrations/postgres/001_init.sql": (
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));"
    ),
    "svc/migrations/mysql/001_init.sql": (
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int, FOREIGN KEY (user_id) REFERENCES users (id));"
    ),
    "svc/migrations/sqlite3/001_init.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT);",
    "svc/migrations/cockroachdb/001_init.sql": "CREATE TABLE users (id INT8 PRIMARY KEY);",
}


def test_per_engine_folders_are_one_set_named_after_their_parent(tmp_path: Path) -> None:
    make(tmp_path, ENGINE_FOLDERS)
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"svc/migrations": ["svc/migrations/postgres/001_init.sql"]}
    message = (
        "per-engine folders cockroachdb, mysql, postgres, sqlite3 in 'svc/migrations': replaying postgres; "
        f"the others are not replayed; {HOW}"
    )
    assert diagnostics == [Diagnostic("info", message, path="svc/migrations", code="engine-choice")]
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {
        (
            "posts_user_id_fkey",
            "svc/migrations:public.posts",
            ("user_id",),
            "svc/migrations:public.users",
            ("id",),
            "NO ACTION",
        )
    }
    assert list(inv.diagnostics) == diagnostics


def test_per_engine_folders_follow_the_dialect_asked_for(tmp_path: Path) -> None:
    make(tmp_path, ENGINE_FOLDERS)
    inv = ingest_path(tmp_path, dialect="mysql", cache=False)
    assert [m.path for m in inv.migrations] == ["svc/migrations/mysql/001_init.sql"]
    assert fk_set(inv) == {
        ("posts_ibfk_1", "svc/migrations:.posts", ("user_id",), "svc/migrations:.users", ("id",), "NO ACTION")
    }


SPRING_MYSQL_SCHEMA = """\
CREATE DATABASE IF NOT EXISTS petclinic;
USE petclinic;
CREATE TABLE IF NOT EXISTS types (
  id INT(4) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80)) engine=InnoDB;
CREATE TABLE IF NOT EXISTS owners (id INT(4) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY) engine=InnoDB;
CREATE TABLE IF NOT EXISTS pets (
  id INT(4) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type_id INT(4) UNSIGNED NOT NULL,
  owner_id INT(4) UNSIGNED,
  FOREIGN KEY (owner_id) REFERENCES owners(id),
  FOREIGN KEY (type_id) REFERENCES types(id)
) engine=InnoDB;
"""


def test_spring_hsqldb_and_mysql_folders_replay_mysql_schema_before_data(tmp_path: Path) -> None:
    db = "customers-service/src/main/resources/db"
    make(
        tmp_path,
        {
            f"{db}/hsqldb/schema.sql": "CREATE TABLE types (id INTEGER IDENTITY PRIMARY KEY);",
            f"{db}/hsqldb/data.sql": "INSERT INTO types VALUES (1);",
            f"{db}/mysql/schema.sql": SPRING_MYSQL_SCHEMA,
            f"{db}/mysql/data.sql": "INSERT IGNORE INTO types VALUES (1, 'cat');",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {db: [f"{db}/mysql/schema.sql", f"{db}/mysql/data.sql"]}
    assert [d.message.split(";")[0] for d in diagnostics] == [
        f"per-engine folders hsqldb, mysql in '{db}': replaying mysql"
    ]
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {
        (
            "pets_ibfk_1",
            f"{db}:petclinic.pets",
            ("owner_id",),
            f"{db}:petclinic.owners",
            ("id",),
            "NO ACTION",
        ),
        ("pets_ibfk_2", f"{db}:petclinic.pets", ("type_id",), f"{db}:petclinic.types", ("id",), "NO ACTION"),
    }
    assert [d.code for d in inv.diagnostics] == ["engine-choice"]


def test_test_engines_only_when_there_is_nothing_else(tmp_path: Path) -> None:
    make(tmp_path, {"a/db/hsqldb/schema.sql": "CREATE TABLE t (id int);", "b/postgres/001.sql": "SELECT 1;"})
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"a/db": ["a/db/hsqldb/schema.sql"], "b": ["b/postgres/001.sql"]}
    assert diagnostics == []


# --------------------------------------------------------------------------- dialect of a file
@pytest.mark.parametrize(
    ("text", "hint", "dialect"),
    [
        (
            "/*\n  Warnings:\n\n  - You are about to drop the column `bio` on the `User` table.\n*/\n"
            'ALTER TABLE "User" DROP COLUMN "bio";',
            "",
            "postgres",
        ),
        ("# a `mysql` comment\nCREATE TABLE t (id int);", "", "postgres"),
        ("/* outer /* `nested` */ still a comment ENGINE=InnoDB */ CREATE TABLE t (id int);", "", "postgres"),
        ("SELECT 'AUTO_INCREMENT', \"ENGINE=x\", $$ `body` $$, E'\\' `x`';", "", "postgres"),
        ("/*!40101 SET NAMES utf8 */;\nCREATE TABLE t (id int);", "", "mysql"),
        ("CREATE TABLE t (id int) ENGINE = InnoDB;", "mariadb", "mariadb"),
        ("CREATE TABLE t (id int PRIMARY KEY);", "mysql", "mysql"),
        ("CREATE TABLE t (id int PRIMARY KEY);", "sqlite", "sqlite"),
        ("CREATE TABLE `t` (id int PRIMARY KEY);", "sqlite", "sqlite"),
        ("CREATE TABLE `t` (id int PRIMARY KEY);", "postgres", "mysql"),
        ("CREATE TABLE `t` (id int) ENGINE = MergeTree ORDER BY id;", "mysql", "clickhouse"),
        ("CREATE TABLE t (d Date) ENGINE = StripeLog;", "", "clickhouse"),
    ],
)
def test_detect_ignores_comments_and_takes_the_folder_hint(text: str, hint: str, dialect: str) -> None:
    assert detect(text, hint) == dialect


def test_a_mysql_file_without_backticks_in_a_mysql_folder_is_mysql(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "db/mysql/001_init.sql": (
                "CREATE TABLE users (id INT PRIMARY KEY);\n"
                "CREATE TABLE posts (id INT PRIMARY KEY, user_id INT,\n"
                "  FOREIGN KEY (user_id) REFERENCES users (id));"
            )
        },
    )
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {("posts_ibfk_1", "db:.posts", ("user_id",), "db:.users", ("id",), "NO ACTION")}
    assert inv.diagnostics == ()


def test_a_prisma_warnings_header_does_not_make_a_file_mysql(tmp_path: Path) -> None:
    text = (
        "/*\n  Warnings:\n\n  - You are about to drop the column `bio` on the `User` table.\n*/\n"
        'CREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "authorId" TEXT NOT NULL);\n'
        'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\n'
        'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") '
        'REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n'
    )
    make(tmp_path, {"prisma/migrations/20240101000000_init/migration.sql": text})
    inv = ingest_path(tmp_path, cache=False)
    assert fk_set(inv) == {
        (
            "Post_authorId_fkey",
            "prisma/migrations:public.Post",
            ("authorId",),
            "prisma/migrations:public.User",
            ("id",),
            "RESTRICT",
        )
    }
    assert not any(t.external for t in inv.tables)


def test_a_suffixed_engine_folder_is_the_alternative_of_its_base_folder(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "db/migrations/001_init.sql": "CREATE TABLE users (id int PRIMARY KEY);",
            "db/migrations-sqlite/001_init.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT);",
        },
    )
    sets, diagnostics = discover(tmp_path)
    assert rels(sets) == {"db/migrations": ["db/migrations/001_init.sql"]}
    message = (
        "per-engine folders migrations, migrations-sqlite in 'db/migrations': replaying migrations; "
        f"the others are not replayed; {HOW}"
    )
    assert diagnostics == [Diagnostic("info", message, path="db/migrations", code="engine-choice")]
    sets, _ = discover(tmp_path, dialect="sqlite")
    assert rels(sets) == {"db/migrations": ["db/migrations-sqlite/001_init.sql"]}
