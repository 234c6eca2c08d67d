"""Per-engine migration folders of TypeORM and Knex projects are alternatives: one is replayed
(:func:`ingest.migrations.alternatives.engine_folders`, shared with the SQL layout)."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.js_projects import ingest_js
from model.inventory import Diagnostic
from tests.ingest.orm.orm_helpers import fks, write

HOW = (
    "--dialect or [scan] dialect, else the dialect the project's configuration states "
    "(Knex client, TypeORM type), chooses another engine"
)

# TypeORM, one folder per engine; the sqlite one rebuilds users (DROP TABLE): not MySQL's key.
TYPEORM = {
    "package.json": '{"name":"svc","dependencies":{"typeorm":"0.3"}}',
    "migrations/mysql/1000-init.ts": """
        export class Init1000 {
          public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query('CREATE TABLE `users` (`uuid` varchar(36) PRIMARY KEY) ENGINE=InnoDB')
            await queryRunner.query('CREATE TABLE `settings` (`uuid` varchar(36) PRIMARY KEY, ' +
              '`user_uuid` varchar(36) NOT NULL) ENGINE=InnoDB')
            await queryRunner.query('ALTER TABLE `settings` ADD CONSTRAINT `FK_s_u` FOREIGN KEY ' +
              '(`user_uuid`) REFERENCES `users`(`uuid`) ON DELETE CASCADE')
          }
        }
    """,
    "migrations/sqlite/2000-init-sqlite.ts": """
        export class InitSqlite2000 {
          public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query('CREATE TABLE "users" ("uuid" varchar PRIMARY KEY NOT NULL)')
            await queryRunner.query('CREATE TABLE "settings" ("uuid" varchar PRIMARY KEY NOT NULL, ' +
              '"user_uuid" varchar NOT NULL, CONSTRAINT "FK_s_u" FOREIGN KEY ("user_uuid") ' +
              'REFERENCES "users" ("uuid") ON DELETE CASCADE)')
            await queryRunner.query('CREATE TABLE "temporary_users" ("uuid" varchar PRIMARY KEY NOT NULL)')
            await queryRunner.query('DROP TABLE "users"')
            await queryRunner.query('ALTER TABLE "temporary_users" RENAME TO "users"')
          }
        }
    """,
}

# Knex, Wiki.js style: db/migrations serves every engine but SQLite, which has db/migrations-sqlite.
KNEX = {
    "package.json": '{"name":"wiki","dependencies":{"knex":"3"}}',
    "db/migrations/2.0.0.js": """
        exports.up = knex => knex.schema
          .createTable('users', t => { t.increments('id').primary() })
          .createTable('pages', t => {
            t.increments('id').primary(); t.integer("authorId").references('id').inTable('users') })
    """,
    "db/migrations-sqlite/2.0.0.js": """
        exports.up = knex => knex.schema
          .createTable('pages', t => {
            t.increments('id').primary(); t.integer("authorId").references('id').inTable('users') })
          .createTable('users', t => { t.increments('id').primary() })
    """,
}


def test_typeorm_engine_folders_replay_one_engine(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, TYPEORM))
    assert fks(inv) == {
        (
            "FK_s_u",
            "public.settings",
            ("user_uuid",),
            "public.users",
            ("uuid",),
            "CASCADE",
            "NO ACTION",
            "migrations/mysql/1000-init.ts:6",
            "present",
        )
    }
    message = (
        "per-engine folders mysql, sqlite in 'migrations': replaying mysql; "
        f"the others are not replayed; {HOW}"
    )
    assert list(inv.diagnostics) == [Diagnostic("info", message, path="migrations", code="engine-choice")]
    assert [m.path for m in inv.migrations] == ["migrations/mysql/1000-init.ts"]


def test_knex_suffixed_engine_folder_is_the_alternative_of_its_base(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, KNEX))
    assert {(r[1], r[2], r[3], r[7]) for r in fks(inv)} == {
        ("public.pages", ("authorId",), "public.users", "db/migrations/2.0.0.js:4")
    }
    message = (
        "per-engine folders migrations, migrations-sqlite in 'db/migrations': replaying migrations; "
        f"the others are not replayed; {HOW}"
    )
    assert list(inv.diagnostics) == [Diagnostic("info", message, path="db/migrations", code="engine-choice")]


def test_knex_client_of_the_project_chooses_the_engine_folder(tmp_path: Path) -> None:
    files = {**KNEX, "db.js": "module.exports = require('knex')({ client: 'sqlite3' })\n"}
    inv = ingest_js(write(tmp_path, files))
    assert [m.path for m in inv.migrations] == ["db/migrations-sqlite/2.0.0.js"]
    assert "replaying migrations-sqlite" in inv.diagnostics[0].message
    assert [d.code for d in inv.diagnostics].count("engine-choice") == 1


def test_the_dialect_asked_for_chooses_before_the_project_client(tmp_path: Path) -> None:
    files = {**KNEX, "db.js": "module.exports = require('knex')({ client: 'sqlite3' })\n"}
    inv = ingest_js(write(tmp_path, files), dialect="postgres")
    assert [m.path for m in inv.migrations] == ["db/migrations/2.0.0.js"]
