"""Rust: SQL literals (also inside ``sqlx::query!``-style macros), Diesel ``table!`` and calls.

String literals inside a macro's token tree are parsed by tree-sitter as string literals, so the
SQL of ``sqlx::query!("...")``, ``query_as!(User, "...")`` and ``query_scalar!`` is found like any
other; its ``how`` is ``sqlx`` (also for ``sqlx::query("...")`` calls), ``sql`` elsewhere.

Diesel: ``table! { schema.name (id) { ... } }`` declares ``name`` (``#[sql_name = "x"]`` renames
it) and counts as a write; ``insert_into(users::table)``, ``update(...)``, ``delete(...)`` write
the table their argument starts from, and other ``users::table`` paths read it. These calls
resolve only against tables some ``table!`` declares.

>>> facts = read_rust(b'''
... diesel::table! { auth.users (id) { id -> Int4, } }
... fn f(pool: &PgPool) {
...     let row = sqlx::query_as!(User, "SELECT * FROM sessions WHERE id = $1", id);
...     diesel::insert_into(users::table).values(&u).execute(conn);
... }''', "src/db.rs")
>>> [(f.table, f.access, f.how, f.line) for f in facts.found]
[('sessions', 'read', 'sqlx', 4)]
>>> [(d.name, d.table, d.namespace) for d in facts.decls]
[('users', 'auth.users', 'diesel')]
>>> [(r.name, r.access, r.namespace) for r in facts.refs]
[('users', 'write', 'diesel')]
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.facts import Decl, FileFacts, Ref
from ownership.code.gate import rust_diesel, rust_sql_starts
from ownership.code.names import qualified
from ownership.code.sql import sql_tables
from ownership.code.treesit import child_text, error_diagnostic, literal_text, literals_at, matches, parse

__all__ = ["read_rust"]

_SQLX_MACROS = frozenset(
    {"query", "query_as", "query_scalar", "query_unchecked", "query_as_unchecked", "query_scalar_unchecked"}
)
_NOT_A_READ = frozenset(
    {"macro_invocation", "use_declaration", "use_list", "scoped_use_list", "use_as_clause"}
)
_DIESEL_WRITES = '"insert_into" "update" "delete" "replace_into" "insert_or_ignore_into"'
_QUERY = f"""
(macro_invocation macro: [(identifier) @m (scoped_identifier name: (identifier) @m)]
  (token_tree) @body (#eq? @m "table"))
(call_expression function: [(identifier) @f (scoped_identifier name: (identifier) @f)]
  arguments: (arguments . (_) @target) (#any-of? @f {_DIESEL_WRITES}))
(scoped_identifier path: (_) @path name: (identifier) @n (#eq? @n "table"))
"""


def _last(name: str) -> str:
    return name.rsplit("::", 1)[-1]


def _how(node: Node) -> str:
    """``sqlx`` for a literal inside an sqlx query macro or ``sqlx::`` call, else ``sql``."""
    parent = node.parent
    while parent is not None and parent.type == "token_tree":
        parent = parent.parent
    if parent is not None and parent.type == "macro_invocation":
        return "sqlx" if _last(child_text(parent, "macro")) in _SQLX_MACROS else "sql"
    if parent is not None and parent.type == "arguments" and parent.parent is not None:
        return "sqlx" if child_text(parent.parent, "function").startswith("sqlx::") else "sql"
    return "sql"


def _table_macro(body: Node) -> Decl | None:
    """The declaration of a Diesel ``table!`` body: ``[#[sql_name = "x"]] [schema.]name (pk) {...}``."""
    words: list[str] = []
    sql_name = ""
    for child in body.children:
        if child.type == "token_tree" and child_text(child).startswith("["):
            strings = [c for c in child.children if c.type == "string_literal"]
            if "sql_name" in child_text(child) and strings:
                sql_name = literal_text(strings[0])
        elif child.type == "identifier":
            words.append(child_text(child))
        elif child.type == "token_tree":
            break
    if not words:
        return None
    schema = words[-2] if len(words) > 1 else ""
    return Decl(
        words[-1], qualified(schema, sql_name or words[-1]), "diesel", body.start_point.row + 1, "diesel"
    )


def _target_table(arg: Node) -> str:
    """The table a Diesel write call's first argument starts from (``users::table.find(1)``)."""
    node: Node | None = arg
    while node is not None:
        if node.type == "scoped_identifier" and child_text(node, "name") == "table":
            return _last(child_text(node, "path"))
        if node.type == "identifier":
            return child_text(node)
        if node.type in ("call_expression", "field_expression", "reference_expression", "generic_function"):
            node = node.named_children[0] if node.named_children else None
        else:
            return ""
    return ""


def read_rust(src: bytes, path: str) -> FileFacts:
    """Table evidence in one Rust file."""
    tree = parse("rust", src)
    facts = FileFacts()
    if (diag := error_diagnostic(tree.root_node, path)) is not None:
        facts.diagnostics.append(diag)
    for node, text in literals_at(tree.root_node, rust_sql_starts(tree.src)):
        facts.sql(sql_tables(text), _how(node), node.start_point.row + 1)
    found = matches("rust", _QUERY, tree.root_node) if rust_diesel(tree.src) else []
    for body in (m["body"] for m in found if "body" in m):
        if (decl := _table_macro(body)) is not None:
            facts.decls.append(decl)
    written: list[tuple[int, int]] = []
    for arg in (m["target"] for m in found if "target" in m):
        if name := _target_table(arg):
            facts.refs.append(Ref(name, "write", "diesel", arg.start_point.row + 1, "diesel"))
            written.append((arg.start_byte, arg.end_byte))
    for table_path in (m["path"] for m in found if "path" in m):
        start, scoped = table_path.start_byte, table_path.parent
        context = scoped.parent.type if scoped is not None and scoped.parent is not None else ""
        if context not in _NOT_A_READ and not any(a <= start < b for a, b in written):
            name = _last(child_text(table_path))
            facts.refs.append(Ref(name, "read", "diesel", table_path.start_point.row + 1, "diesel"))
    return facts
