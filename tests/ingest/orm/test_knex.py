"""Knex: knex.schema builders in migrations, replayed in file-name order."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.js_projects import ingest_js
from tests.ingest.orm.orm_helpers import fks, write

PKG = {"package.json": '{"name": "billing", "dependencies": {"knex": "^3", "pg": "^8"}}'}

INIT = """
    /** @param { import("knex").Knex } knex */
    exports.up = function (knex) {
      return knex.schema
        .createTable('users', function (table) {
          table.increments('id');
          table.string('email').notNullable().unique();
          table.timestamps(true, true);
        })
        .createTable('accounts', (t) => {
          t.uuid('id').primary();
          t.integer('owner_id').unsigned().notNullable()
            .references('id').inTable('users').onDelete('CASCADE').onUpdate('CASCADE');
          t.integer('created_by').references('users.id');
          t.timestamp('opened_at').defaultTo(knex.raw('now()'));
        });
    };

    exports.down = function (knex) {
      return knex.schema.dropTable('accounts').dropTable('users');
    };
"""
KEYS = """
    export async function up(knex) {
      await knex.schema.withSchema('ledger').createTable('entries', (table) => {
        table.bigIncrements('id');
        table.uuid('account_id').notNullable();
        table.integer('user_id');
        table.foreign('account_id').references('accounts.id').onDelete('RESTRICT');
        table.foreign(['user_id'], 'entries_user_fk').references(['id']).on('users');
      });
      await knex.schema.alterTable('accounts', (table) => {
        table.integer('parent_id').references('id').inTable('accounts').withKeyName('accounts_parent');
        table.dropForeign('created_by');
        table.renameColumn('opened_at', 'opened');
      });
      await knex.raw('ALTER TABLE users ADD COLUMN team_id int REFERENCES accounts (id)');
      await knex.raw('SELECT 1');
    }
    export async function down(knex) {
      await knex.schema.dropTable('ledger.entries');
    }
"""
DROP = """
    module.exports.up = async (knex) => {
      await knex.schema.table('accounts', (t) => { t.dropForeign(['parent_id'], 'accounts_parent'); });
      await knex.schema.dropTableIfExists('legacy');
      await knex.schema.renameTable('accounts', 'wallets');
    };
"""


def test_knex_migrations(tmp_path: Path) -> None:
    files = {
        **PKG,
        "migrations/20240102_keys.js": KEYS,
        "migrations/20240101_init.js": INIT,
        "migrations/20240103_drop.js": DROP,
    }
    inv = ingest_js(write(tmp_path, files))
    m1, m2, m3 = "migrations/20240101_init.js", "migrations/20240102_keys.js", "migrations/20240103_drop.js"
    assert [m.path for m in inv.migrations] == [m1, m2, m3]
    assert fks(inv) == {
        (
            "accounts_owner_id_foreign",
            "public.wallets",
            ("owner_id",),
            "public.users",
            ("id",),
            "CASCADE",
            "CASCADE",
            f"{m1}:12",
            "present",
        ),
        (
            "accounts_created_by_foreign",
            "public.wallets",
            ("created_by",),
            "public.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m1}:13",
            "dropped",
        ),
        (
            "entries_account_id_foreign",
            "ledger.entries",
            ("account_id",),
            "public.wallets",
            ("id",),
            "RESTRICT",
            "NO ACTION",
            f"{m2}:6",
            "present",
        ),
        (
            "entries_user_fk",
            "ledger.entries",
            ("user_id",),
            "public.users",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:7",
            "present",
        ),
        (
            "accounts_parent",
            "public.wallets",
            ("parent_id",),
            "public.wallets",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:10",
            "dropped",
        ),
        (
            "users_team_id_fkey",
            "public.users",
            ("team_id",),
            "public.wallets",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{m2}:14",
            "present",
        ),
    }
    tables = {t.ref.qualified: t for t in inv.tables if not t.external}
    assert tables["public.users"].primary_key == ("id",)
    assert [c.name for c in tables["public.users"].columns] == [
        "id",
        "email",
        "created_at",
        "updated_at",
        "team_id",
    ]
    assert tables["public.wallets"].primary_key == ("id",)
    assert "opened" in [c.name for c in tables["public.wallets"].columns]
    assert tables["ledger.entries"].primary_key == ("id",)
    assert [d for d in inv.diagnostics if d.severity != "info"] == []
