"""Ruby: SQL strings and heredocs, Active Record models and their class-method calls.

* SQL: strings and heredocs (``<<~SQL``) that parse as SQL; ``#{...}`` becomes a placeholder.
* ``class User < ApplicationRecord`` (or ``ActiveRecord::Base``, or any ``...Record`` base) maps
  ``User`` to ``users`` (the plural, snake case) or to ``self.table_name = "x"``; abstract classes
  (``self.abstract_class = true``) are skipped. A class inheriting from another class (single-table
  inheritance) stands for its parent's table. Declarations count as writes.
* ``User.create!(...)``, ``User.where(...).update_all(...)``, ``User.find(...)``: references to
  the class, resolved against the declarations of the whole scan.

>>> facts = read_ruby(b'''
... class Person < ApplicationRecord
...   self.table_name = "people_v2"
... end
... class Admin::Post < ApplicationRecord; end
... Person.create!(name: "x")
... ActiveRecord::Base.connection.execute(<<~SQL)
...   DELETE FROM sessions WHERE expires_at < now()
... SQL
... ''', "app/models/person.rb")
>>> [(d.name, d.table) for d in facts.decls]
[('Person', 'people_v2'), ('Post', 'posts')]
>>> [(r.name, r.access, r.line) for r in facts.refs]
[('Person', 'write', 6)]
>>> [(f.table, f.access, f.how) for f in facts.found]
[('sessions', 'write', 'sql')]
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.facts import Decl, FileFacts, Ref
from ownership.code.names import rails_table
from ownership.code.ops import RAILS, access_of
from ownership.code.sql import sql_tables
from ownership.code.treesit import child_text, error_diagnostic, literal_text, literals_from, parse, run

__all__ = ["read_ruby"]

_RECORD_BASES = frozenset({"ApplicationRecord", "ActiveRecord::Base"})
_OPS = " ".join(f'"{w}"' for w in sorted(RAILS.writes | RAILS.reads))
_QUERY = f"""
(class name: (_) @name superclass: (superclass (_) @super)) @cls
(call receiver: [(constant) (scope_resolution)] @recv method: (identifier) @op (#any-of? @op {_OPS})) @call
"""


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _last(name: str) -> str:
    return name.rsplit("::", 1)[-1]


def _class_settings(cls: Node) -> dict[str, Node]:
    """``self.<setting> = <value>`` assignments directly in a class body."""
    body = cls.child_by_field_name("body")
    settings: dict[str, Node] = {}
    for child in body.named_children if body is not None else ():
        left = child.child_by_field_name("left") if child.type == "assignment" else None
        right = child.child_by_field_name("right") if child.type == "assignment" else None
        if (
            left is not None
            and right is not None
            and left.type == "call"
            and child_text(left, "receiver") == "self"
        ):
            settings[child_text(left, "method")] = right
    return settings


def _model(m: dict[str, Node]) -> Decl | None:
    name, base = _last(child_text(m["name"])), child_text(m["super"])
    settings = _class_settings(m["cls"])
    if child_text(settings.get("abstract_class")) == "true":
        return None
    if base not in _RECORD_BASES and not base.endswith("Record"):
        return Decl(name, "", "rails", _line(m["cls"]), alias_of=_last(base))
    table_node = settings.get("table_name")
    table = literal_text(table_node) if table_node is not None and table_node.type == "string" else ""
    return Decl(name, (table or rails_table(name)).lower(), "rails", _line(m["cls"]))


def read_ruby(src: bytes, path: str) -> FileFacts:
    """Table evidence in one Ruby file."""
    tree = parse("ruby", src)
    facts = FileFacts()
    if (diag := error_diagnostic(tree.root_node, path)) is not None:
        facts.diagnostics.append(diag)
    contents, found = run("ruby", _QUERY, tree.root_node)
    for node, text in literals_from(contents):
        facts.sql(sql_tables(text), "sql", _line(node))
    for m in found:
        if "cls" in m:
            if (decl := _model(m)) is not None:
                facts.decls.append(decl)
        elif (access := access_of(RAILS, child_text(m["op"]))) is not None:
            facts.refs.append(Ref(_last(child_text(m["recv"])), access, "", _line(m["call"])))
    return facts
