"""Rust (sqlx macros, raw strings, Diesel) and Go (database/sql strings, MongoDB) readers."""

from __future__ import annotations

from collections.abc import Callable

from ownership.code.golang import read_go
from ownership.code.rust import read_rust

Uses = Callable[[dict[str, str | bytes]], set[tuple[str, str, str]]]

RUST = r"""
use sqlx::PgPool;
const COUNT: &str = "SELECT count(*) FROM audit_log";
pub async fn f(pool: &PgPool, id: i64) {
    let u = sqlx::query!("SELECT id, name FROM users WHERE id = $1", id).fetch_one(pool).await;
    let p = query_as!(Post, r#"SELECT p.id AS "id!" FROM posts p WHERE p.author = $1"#, id);
    let n = sqlx::query_scalar!(
        "INSERT INTO sessions (user_id) VALUES ($1) RETURNING id",
        id
    );
    sqlx::query("DELETE FROM tokens WHERE user_id = $1").bind(id).execute(pool).await;
    let plain = "UPDATE counters SET n = n + 1\n WHERE k = $1";
    let not_sql = "Select a user";
}
"""


def test_rust_literals_and_sqlx_macros() -> None:
    facts = read_rust(RUST.encode(), "src/db.rs")
    assert sorted((f.table, f.access, f.how, f.line) for f in facts.found) == [
        ("audit_log", "read", "sql", 3),
        ("counters", "write", "sql", 12),
        ("posts", "read", "sqlx", 6),
        ("sessions", "write", "sqlx", 8),
        ("tokens", "write", "sqlx", 11),
        ("users", "read", "sqlx", 5),
    ]
    assert facts.diagnostics == []


DIESEL_SCHEMA = """
diesel::table! {
    users (id) {
        id -> Int4,
    }
}
table! {
    #[sql_name = "blog_posts"]
    posts (id) { id -> Int4, }
}
diesel::table! { billing.invoices (id) { id -> Int4, } }
joinable!(posts -> users (author_id));
"""
DIESEL_USE = """
use crate::schema::users;
use crate::schema::posts::dsl::*;
fn f(conn: &mut PgConnection) {
    diesel::insert_into(users::table).values(&new_user).execute(conn);
    diesel::update(posts.find(1)).set(title.eq("x")).execute(conn);
    diesel::delete(crate::schema::invoices::table.filter(id.eq(1))).execute(conn);
    let all = users::table.load::<User>(conn);
    diesel::insert_into(unknown::table).values(&x);
}
"""


def test_diesel_declarations_and_calls(uses_of: Uses) -> None:
    files: dict[str, str | bytes] = {"api/Cargo.toml": "", "api/src/schema.rs": DIESEL_SCHEMA}
    files["api/src/handlers.rs"] = DIESEL_USE
    assert uses_of(files) == {
        ("users", "write", "diesel"),
        ("users", "read", "diesel"),
        ("blog_posts", "write", "diesel"),
        ("billing.invoices", "write", "diesel"),
    }


def test_diesel_write_targets() -> None:
    facts = read_rust(DIESEL_USE.encode(), "src/h.rs")
    assert sorted((r.name, r.access, r.line) for r in facts.refs) == [
        ("invoices", "write", 7),
        ("posts", "write", 6),
        ("unknown", "write", 9),
        ("users", "read", 8),
        ("users", "write", 5),
    ]


GO = """package store

import "database/sql"

const byEmail = `
    SELECT id, email
    FROM users
    WHERE email = $1`

func (s *Store) Create(name string) error {
    _, err := s.db.Exec("INSERT INTO teams (name) VALUES ($1)", name)
    row := s.db.QueryRow("SELECT count(*) FROM members WHERE team = " + "$1", name)
    rows, err := s.db.QueryContext(ctx, "SELECT m.id FROM members m JOIN teams t ON t.id = m.team_id")
    s.db.Exec(fmt.Sprintf("DELETE FROM %s WHERE id = $1", table), id)
    msg := "update failed"
    coll := s.mongo.Database("app").Collection("events")
    coll.Find(ctx, bson.M{})
    var audit = client.Collection("audit")
    audit.DeleteMany(ctx, f)
    s.mongo.Collection("carts").UpdateOne(ctx, f, u)
    return err
}
"""


def test_go_strings_and_mongo() -> None:
    facts = read_go(GO.encode(), "store/store.go")
    assert sorted((f.table, f.access, f.how, f.line) for f in facts.found) == [
        ("audit", "write", "mongodb", 19),
        ("carts", "write", "mongodb", 20),
        ("events", "read", "mongodb", 17),
        ("members", "read", "sql", 12),
        ("members", "read", "sql", 13),
        ("teams", "read", "sql", 13),
        ("teams", "write", "sql", 11),
        ("users", "read", "sql", 5),
    ]
    assert facts.diagnostics == []


def test_syntax_errors_give_one_diagnostic() -> None:
    facts = read_go(b'package x\nfunc f() {\n  q := "SELECT * FROM a"\n  )))\n}\n', "x.go")
    assert [(d.severity, d.code, d.line, d.path) for d in facts.diagnostics] == [
        ("warning", "parse-error", 4, "x.go")
    ]
    assert [f.table for f in facts.found] == ["a"]
    facts = read_rust(b"fn f( {", "y.rs")
    assert [(d.code, d.path) for d in facts.diagnostics] == [("parse-error", "y.rs")]


GORM = """package identity

type Identity struct{ ID string }

func (i Identity) TableName(ctx context.Context) string {
	return "identities"
}

func (a *RecoveryAddress) TableName() string { return `identity_recovery_addresses` }

func (x Other) TableName() string { return prefix + "x" }

func (Plain) Name() string { return "not_a_table" }
"""


def test_go_table_name_methods(uses_of: Uses) -> None:
    assert uses_of({"kratos/go.mod": "module k\n", "kratos/identity/identity.go": GORM}) == {
        ("identities", "write", "gorm"),
        ("identity_recovery_addresses", "write", "gorm"),
    }
