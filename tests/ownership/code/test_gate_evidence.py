"""The code scan's byte gate is a speed-up only: a whole scan gives the same owner evidence with it and
without it, while the Rust files whose SQL keywords are in code and comments only are not parsed."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ownership.code
from model.inventory import Inventory
from ownership.scan import scan
from tests.ownership.code.conftest import write_tree


def _cargo(name: str) -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'


# SQL pairs in code and comments only, none in a string literal (and the file does not parse).
NOISE = """\
// SELECT name FROM users WHERE id = $1: done by the auth client
use std::collections::HashMap;
const QUOTE: char = '"'; /* "INSERT INTO users" */
pub fn collect(rows: Vec<Row>, m: &mut HashMap<u32, String>) -> Vec<String> {
    let out: Vec<String> = rows.into_iter().map(|r| r.name.into()).collect();
    m.insert(1, String::from("a"));
    tokio::select! { _ = a => {}, _ = b => {} }
    cache.update(|c| c.set(1));
    out.copy_from_slice(
"""

FILES: dict[str, str | bytes] = {
    "backend/migrations/001_init.sql": (
        "CREATE TABLE users (id uuid PRIMARY KEY);\n"
        "CREATE TABLE messages (id uuid PRIMARY KEY, sender_id uuid REFERENCES users(id));\n"
        "CREATE TABLE message_reactions (id uuid PRIMARY KEY, message_id uuid REFERENCES messages(id));\n"
    ),
    "backend/auth-service/Cargo.toml": _cargo("auth-service"),
    "backend/auth-service/src/db.rs": (
        "pub async fn add(p: &PgPool) {\n"
        '    sqlx::query!("INSERT INTO users (id) VALUES ($1)", id).execute(p).await;\n'
        "}\n"
    ),
    "backend/auth-service/src/noise.rs": NOISE,
    "backend/chat-service/Cargo.toml": _cargo("chat-service"),
    "backend/chat-service/src/db.rs": (
        "pub async fn send(p: &PgPool) {\n"
        "    let v: Vec<u8> = body.into();\n"
        '    sqlx::query!("INSERT INTO messages (id, sender_id) VALUES ($1, $2)", a, b).execute(p).await;\n'
        '    sqlx::query!("SELECT id FROM users WHERE id = $1", b).fetch_one(p).await;\n'
        "}\n"
    ),
    "backend/chat-service/src/noise.rs": NOISE,
}


def _scan(root: Path) -> Inventory:
    return scan([str(root)], code=True)


def test_the_gate_keeps_the_owner_evidence_and_skips_rust_method_noise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    monkeypatch.setenv("FKMAP_CACHE", "0")
    gated = _scan(root)
    monkeypatch.setattr(
        ownership.code, "scan_code", functools.partial(ownership.code.scan_code, prefilter=False)
    )
    full = _scan(root)

    assert [(t.ref, t.service, t.owner_evidence) for t in gated.tables] == [
        (t.ref, t.service, t.owner_evidence) for t in full.tables
    ]
    assert gated.shared_access == full.shared_access
    owners = {t.ref.name: t.service for t in gated.tables}
    assert owners == {
        "users": "auth-service",
        "messages": "chat-service",
        "message_reactions": "chat-service",
    }
    assert [(a.table.name, a.service, a.access) for a in gated.shared_access] == [
        ("users", "chat-service", "read")
    ]
    # the noise files were parsed (their syntax error reported) only without the gate
    errors = sorted(d.path for d in full.diagnostics if d.code == "parse-error")
    assert errors == ["backend/auth-service/src/noise.rs", "backend/chat-service/src/noise.rs"]
    assert [d for d in gated.diagnostics if d.code == "parse-error"] == []


TRICKY_RUST = [
    'let q = r#"SELECT "id" FROM users"#;',
    'let q = br##"DELETE FROM sessions WHERE x = "#""##;',
    'let c = \'"\'; let q = "UPDATE counters SET n = 1";',
    "fn f<'a>(x: &'a str) -> &'a str { sqlx::query!(\"INSERT INTO audit (x) VALUES ($1)\", x); x }",
    '/* outer /* "nested" */ still a comment */ let q = "SELECT 1 FROM t";',
    'let q = "SELECT a \\\n FROM b";',
    'let q = "SELECT a\\nFROM \\"quoted\\"";',
    'let q = concat!("SELECT a ", "FROM b");',
    'let q = "unterminated SELECT a FROM b',
    'let q = "\\n    SELECT a FROM b";',
    'let q = "  (SELECT a FROM b)";',
    'let q = "-- the rows\\nSELECT a FROM b";',
    'let q = "/* hint */ DELETE FROM b";',
    'let q = "\\u{20}SELECT a FROM b";',
    'let q = "select1 FROM b";',
]


_LEADS = st.lists(
    st.sampled_from([" ", "\\n", "\\t", "\n", "(", "\\\n", "-- c\\n", "/* c */", "x"]),
    max_size=4,
)


_STATEMENTS = [
    "SELECT a FROM b",
    "INSERT INTO b (a) SELECT a FROM c",
    "UPDATE b SET a = 1",
    "DELETE FROM b",
    "WITH x AS (SELECT 1) SELECT a FROM b",
    "COPY b FROM STDIN",
    "SELECTED a FROM b",
]


@settings(max_examples=300, deadline=None)
@given(lead=_LEADS, statement=st.sampled_from(_STATEMENTS), lower=st.booleans(), raw=st.booleans())
def test_the_rust_gate_passes_every_literal_the_reader_parses(
    lead: list[str], statement: str, lower: bool, raw: bool
) -> None:
    from ownership.code.gate import needs_parse
    from ownership.code.rust import read_rust

    body = "".join(lead) + (statement.lower() if lower else statement)
    src = f'fn f() {{ let q = {"r#" if raw else ""}"{body}"{"#" if raw else ""}; }}'.encode()
    facts = read_rust(src, "src/db.rs")
    assert not facts.found or needs_parse("rust", src)


@pytest.mark.parametrize("src", TRICKY_RUST)
def test_the_rust_gate_passes_every_file_the_reader_finds_sql_in(src: str) -> None:
    from ownership.code.gate import needs_parse
    from ownership.code.rust import read_rust

    facts = read_rust(src.encode(), "src/db.rs")
    assert not (facts.found or facts.decls or facts.refs) or needs_parse("rust", src.encode())
