"""Knex table names imported from a sibling module (``require``/``import``) are resolved."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.js_projects import ingest_js
from tests.ingest.orm.orm_helpers import present, write

PKG = {"package.json": '{"name": "notes", "dependencies": {"knex": "3"}}'}

# hedgedoc's layout, cut down: the names live in a module of their own
COMMONJS = {
    **PKG,
    "names.js": "exports.TableUser = 'user'\nmodule.exports.TableNote = 'note'\n",
    "migrations/20250101000000_initial.js": """
        const { TableUser, TableNote: Notes } = require('../names')
        exports.up = async function (knex) {
          await knex.schema.createTable(TableUser, (t) => { t.increments('id').primary() })
          await knex.schema.createTable(Notes, (t) => {
            t.increments('id').primary(); t.integer('owner_id').references('id').inTable(TableUser) })
        }
    """,
}

ESM = {
    **PKG,
    "src/names/index.ts": "const USER = 'user'\nexport const TableUser = USER\n"
    + "export const TableNote = `note`\n",
    "src/migrations/20250101000000_initial.ts": """
        import type { Knex } from 'knex'
        import { TableUser, TableNote as Notes } from '../names'
        export async function up(knex: Knex): Promise<void> {
          await knex.schema.createTable(TableUser, (t) => { t.increments('id').primary() })
          await knex.schema.createTable(Notes, (t) => {
            t.increments('id').primary(); t.integer('owner_id').references('id').inTable(TableUser) })
        }
    """,
}

EXPECTED = {("public.note", ("owner_id",), "public.user", ("id",))}


def test_names_required_from_a_sibling_module(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, COMMONJS))
    assert present(inv) == EXPECTED
    assert [d.code for d in inv.diagnostics] == []


def test_names_imported_from_a_sibling_module_index(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, ESM))
    assert present(inv) == EXPECTED
    assert [d.code for d in inv.diagnostics] == []


def test_a_name_the_module_does_not_export_as_a_string_stays_unreadable(tmp_path: Path) -> None:
    files = {**COMMONJS, "names.js": "exports.TableUser = computeName('user')\nexports.TableNote = 'note'\n"}
    inv = ingest_js(write(tmp_path, files))
    assert present(inv) == set()
    assert [d.code for d in inv.diagnostics] == ["orm-unreadable", "orm-unreadable"]


# hedgedoc: a workspace package re-exporting a module with a table constant and a const enum
WORKSPACE = {
    "database/package.json": '{"name": "@notes/database", "source": "src/index.ts", "main": "dist/index.js"}',
    "database/src/index.ts": "export * from './types/index.js'\n",
    "database/src/types/index.ts": "export * from './user.js'\n",
    "database/src/types/user.ts": """
        export const enum FieldNameUser { id = 'id', name = 'display_name' }
        export const TableUser = 'user'
        export const TableNote = 'note'
    """,
    "backend/package.json": '{"name": "backend", "dependencies": {"knex": "3"}}',
    "backend/migrations/20250101000000_initial.js": """
        const { FieldNameUser, TableUser, TableNote } = require('@notes/database')
        exports.up = async function (knex) {
          await knex.schema.createTable(TableUser, (t) => { t.increments(FieldNameUser.id).primary() })
          await knex.schema.createTable(TableNote, (t) => {
            t.increments('id').primary()
            t.integer('owner_id').references(FieldNameUser.id).inTable(TableUser)
          })
        }
    """,
}


def test_names_and_enum_members_from_a_workspace_package(tmp_path: Path) -> None:
    inv = ingest_js(write(tmp_path, WORKSPACE))
    assert present(inv) == EXPECTED
    assert [d.code for d in inv.diagnostics] == []
