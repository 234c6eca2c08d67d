"""Go: SQL literals (``db.Query``, ``Exec``, ``QueryRow``, constants...), ORM table names, MongoDB.

Every interpreted or raw string literal (and ``"..." + "..."`` chain) that parses as SQL counts,
wherever it is: an argument of ``db.QueryContext`` or a ``const`` used later. The MongoDB driver's
``db.Collection("users").InsertOne(...)`` writes the ``users`` collection, and so does a call on a
variable assigned from ``Collection("users")`` in the same file; ``Find``/``Aggregate``... read it.
A ``TableName()`` method returning a string literal (GORM, pop) declares its receiver's table: a
write, like every ORM model declaration (``how`` is ``gorm``).

>>> facts = read_go(b'''package store
... const byID = `SELECT id FROM users WHERE id = $1`
... func (s *S) Save(ctx context.Context) {
...     s.db.ExecContext(ctx, "UPDATE accounts SET n = n + 1 " +
...         "WHERE id = $1", id)
...     orders := s.client.Database("shop").Collection("orders")
...     orders.InsertOne(ctx, doc)
... }
... func (Session) TableName(ctx context.Context) string { return "sessions" }''', "store/db.go")
>>> sorted((f.line, f.table, f.access, f.how) for f in facts.found)
[(2, 'users', 'read', 'sql'), (4, 'accounts', 'write', 'sql'), (7, 'orders', 'write', 'mongodb')]
>>> [(d.name, d.table, d.how, d.line) for d in facts.decls]
[('Session', 'sessions', 'gorm', 9)]
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.facts import Decl, FileFacts, Found
from ownership.code.ops import MONGO, access_of
from ownership.code.sql import sql_tables
from ownership.code.treesit import (
    child_text,
    error_diagnostic,
    literal_text,
    literals_from,
    matches,
    parse,
    run,
)

__all__ = ["read_go"]

_STRING = "[(interpreted_string_literal) (raw_string_literal)]"
_COLLECTION = f"""(call_expression function: (selector_expression field: (field_identifier) @c)
  arguments: (argument_list . {_STRING} @name) (#eq? @c "Collection"))"""
_QUERY = f"""
(call_expression function: (selector_expression operand: {_COLLECTION} field: (field_identifier) @op)) @call
(short_var_declaration left: (expression_list . (identifier) @var) right: (expression_list . {_COLLECTION}))
(assignment_statement left: (expression_list . (identifier) @var) right: (expression_list . {_COLLECTION}))
(var_spec name: (identifier) @var value: (expression_list . {_COLLECTION}))
"""
_TABLE_NAME = f"""
(method_declaration receiver: (parameter_list (parameter_declaration
    type: [(type_identifier) @recvtype (pointer_type (type_identifier) @recvtype)]))
  name: (field_identifier) @tn
  body: (block (statement_list . (return_statement (expression_list . {_STRING} @tablename))))
  (#eq? @tn "TableName")) @tablemethod
"""
_VAR_CALLS = """(call_expression
  function: (selector_expression operand: (identifier) @recv field: (field_identifier) @op)) @call"""


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _mongo(facts: FileFacts, found: list[dict[str, Node]], root: Node) -> None:
    variables: dict[str, str] = {}
    for match in found:
        name = literal_text(match["name"]).lower()
        if "var" in match:
            variables[child_text(match["var"])] = name
        elif (access := access_of(MONGO, child_text(match["op"]))) is not None:
            facts.found.append(Found(name, access, "mongodb", _line(match["call"])))
    if not variables:
        return
    for match in matches("go", _VAR_CALLS, root):
        collection = variables.get(child_text(match["recv"]))
        access = access_of(MONGO, child_text(match["op"]))
        if collection and access is not None:
            facts.found.append(Found(collection, access, "mongodb", _line(match["call"])))


def read_go(src: bytes, path: str) -> FileFacts:
    """Table evidence in one Go file."""
    tree = parse("go", src)
    facts = FileFacts()
    if (diag := error_diagnostic(tree.root_node, path)) is not None:
        facts.diagnostics.append(diag)
    mongo, orm = b"Collection" in src, b"TableName" in src
    patterns = (_QUERY if mongo else "") + (_TABLE_NAME if orm else "")
    contents, found = run("go", patterns, tree.root_node)
    for node, text in literals_from(contents):
        facts.sql(sql_tables(text), "sql", _line(node))
    for m in found:
        if "tablemethod" in m and (table := literal_text(m["tablename"]).lower()):
            facts.decls.append(Decl(child_text(m["recvtype"]), table, "gorm", _line(m["tablemethod"])))
    if mongo:
        _mongo(facts, [m for m in found if "tablemethod" not in m], tree.root_node)
    return facts
