"""Schemas in code inside folder scans, single-file sources, and what cannot be read."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import read_source
from ingest.orm.common_js import parse_js
from ingest.orm.js_migrations import migration_ops
from ingest.orm.js_projects import ingest_js
from ingest.orm.liquibase_files import UnsafeDocument, load_text
from ingest.registry import reader_for
from tests.ingest.orm.orm_helpers import present, write

KNEX = """
    exports.up = (knex) => knex.schema.createTable('invoices', (t) => {
      t.increments('id');
      t.integer('customer_id').references('customers.id');
    });
"""


def test_folder_scan_includes_every_kind(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "services/customers/migrations/001_init.sql": "CREATE TABLE customers (id int PRIMARY KEY);",
            "services/billing/package.json": '{"name": "billing"}',
            "services/billing/migrations/20240101_invoices.js": KNEX,
            "services/web/package.json": '{"name": "web"}',
            "services/web/src/db.ts": "import knex from 'knex'; export const db = knex({ client: 'pg' });",
        },
    )
    inv = read_source(str(tmp_path))
    assert present(inv) == {("public.invoices", ("customer_id",), "public.customers", ("id",))}
    assert [(m.path, m.database, m.order) for m in inv.migrations] == [
        ("services/customers/migrations/001_init.sql", "services/customers/migrations", 0),
        ("services/billing/migrations/20240101_invoices.js", "services/billing", 1),
    ]
    assert {t.ref.database for t in inv.tables if not t.external} == {
        "services/customers/migrations",
        "services/billing",
    }
    assert inv.diagnostics[0].code == "unknown-table"  # customers is another database's table


def test_single_file_sources(tmp_path: Path) -> None:
    write(
        tmp_path, {"db/20240101_invoices.js": KNEX, "types.d.ts": "export {};", "plain.js": "console.log(1);"}
    )
    assert reader_for(str(tmp_path / "db/20240101_invoices.js")).name == "js-orm"
    assert reader_for(str(tmp_path / "types.d.ts")).name == "migrations"
    inv = read_source(str(tmp_path / "db/20240101_invoices.js"))
    assert present(inv) == {("public.invoices", ("customer_id",), "public.customers", ("id",))}
    assert {m.database for m in inv.migrations} == {str(tmp_path / "db")}
    plain = read_source(str(tmp_path / "plain.js"))
    assert [d.code for d in plain.diagnostics] == ["no-migrations"]


def test_what_cannot_be_read_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": "{}",
            "migrations/1-x.js": """
                module.exports = { up: async (qi, S) => {
                  await qi.createTable(tableName(), { id: { type: S.INTEGER, primaryKey: true } });
                  await qi.addConstraint('a', { fields: ['b_id'], type: 'foreign key',
                                                references: { table: other } });
                  await qi.createTable('a', { b_id: { type: S.INTEGER, references: { model: 'b' } } }
                } };
            """,
        },
    )
    inv = ingest_js(tmp_path)
    codes = [(d.code, d.line) for d in inv.diagnostics]
    assert ("orm-unreadable", 2) in codes and ("orm-unreadable", 3) in codes
    assert ("parse-error", 5) in codes or ("parse-error", 6) in codes


def test_no_schema_no_output(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "src/app.js": "const knex = require('knex')({ client: 'pg' });"})
    assert ingest_js(tmp_path) == ingest_js(tmp_path / "missing")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_readers_never_raise(text: str) -> None:
    source = f"module.exports = {{ up: async (qi) => {{ {text} }} }};\n{text}"
    migration_ops(parse_js(source.encode(), "m/1.js", "javascript"), None)
    migration_ops(parse_js(source.encode(), "m/1.ts", "typescript"), "mysql")
    for name in ("c.xml", "c.yaml"):
        with contextlib.suppress(UnsafeDocument):
            load_text(name, text)


def test_models_map_onto_tables_the_sql_migrations_create(tmp_path: Path) -> None:
    """Entities of tables a shared SQL folder creates add no second copy; a table only a model
    declares is added; a key only the model states is a note."""
    write(
        tmp_path,
        {
            "legacy/migrations/001_init.sql": """
                CREATE TABLE users (id uuid PRIMARY KEY);
                CREATE TABLE posts (id uuid PRIMARY KEY, author_id uuid REFERENCES users (id));
            """,
            "services/content/package.json": '{"name": "content"}',
            "services/content/src/entities.ts": """
                @Entity("posts")
                export class Post {
                  @PrimaryGeneratedColumn("uuid") id: string;
                  @ManyToOne(() => User) @JoinColumn({ name: "author_id" }) author: User;
                  @ManyToOne(() => User) @JoinColumn({ name: "editor_id" }) editor: User;
                }
                @Entity("users") export class User { @PrimaryGeneratedColumn("uuid") id: string; }
                @Entity("drafts")
                export class Draft {
                  @PrimaryGeneratedColumn("uuid") id: string;
                  @ManyToOne(() => Post) @JoinColumn({ name: "post_id" }) post: Post;
                }
            """,
        },
    )
    inv = read_source(str(tmp_path))
    tables = sorted((t.ref.database, t.ref.name, t.external) for t in inv.tables)
    assert tables == [
        ("legacy/migrations", "posts", False),
        ("legacy/migrations", "users", False),
        ("services/content", "drafts", False),
        ("services/content", "posts", True),
    ]
    assert present(inv) == {
        ("public.posts", ("author_id",), "public.users", ("id",)),
        ("public.drafts", ("post_id",), "public.posts", ("id",)),
    }
    notes = [(d.code, d.path, d.line) for d in inv.diagnostics if d.code == "orm-drift"]
    assert notes == [("orm-drift", "services/content/src/entities.ts", 5)]
