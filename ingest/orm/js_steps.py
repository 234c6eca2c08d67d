"""What a JavaScript/TypeScript migration file gives while it is read: :class:`Out`, and table names.

The stack readers (:mod:`ingest.orm.sequelize_migrations`, :mod:`ingest.orm.typeorm_migrations`,
:mod:`ingest.orm.knex`) append to one :class:`Out` per file; :mod:`ingest.orm.js_migrations` drives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.migrations.ops import Op, QName
from ingest.orm.common_js import Call, JsFile, text
from model.inventory import Diagnostic

__all__ = ["Out", "excerpt", "qname", "schema_of"]


def qname(value: str, schema: str | None = None) -> QName:
    """A table name as the ORMs write it: ``schema.table`` or ``table`` (``schema`` when given apart).

    >>> qname("auth.users"), qname("users", "auth")
    (QName(schema='auth', name='users'), QName(schema='auth', name='users'))
    """
    if schema is None and "." in value:
        head, _, tail = value.partition(".")
        return QName(head or None, tail)
    return QName(schema, value)


@dataclass
class Out:
    """What a migration file gives: operations and diagnostics, and the project's SQL dialect."""

    f: JsFile
    dialect: str | None
    ops: list[Op] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    done: list[tuple[int, int]] = field(default_factory=list)  # byte ranges read already (Knex callbacks)

    def inside_done(self, c: Call) -> bool:
        """True when ``c`` lies in a range a handler has read already."""
        return any(start <= c.node.start_byte and c.node.end_byte <= end for start, end in self.done)

    def unreadable(self, c: Call, what: str) -> None:
        """Report a call whose ``what`` is no constant the reader can follow."""
        message = f"{c.method}(): {what} is not a constant; call skipped"
        self.diagnostics.append(
            Diagnostic("warning", message, self.f.rel, c.line, excerpt(c), "orm-unreadable")
        )

    def table(self, c: Call, index: int = 0, schema: str | None = None) -> QName | None:
        """The table named by argument ``index`` (a string or ``{tableName, schema}``), else reported."""
        node = c.args[index] if len(c.args) > index else None
        name = self.f.string(node)
        if name is None:
            parts = self.f.obj(node)
            name = self.f.key_text(parts, "tableName") or self.f.key_text(parts, "name")
            schema = self.f.key_text(parts, "schema") or schema
        if not name:
            self.unreadable(c, "the table name")
            return None
        return qname(name, schema)


def excerpt(c: Call) -> str:
    """A one-line excerpt of a call."""
    return " ".join(text(c.node)[:480].split())[:120]


def schema_of(out: Out, c: Call) -> str | None:
    """``knex.schema.withSchema('s').createTable(...)``: the schema a Knex chain names."""
    node = c.receiver
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and text(fn.child_by_field_name("property")) == "withSchema":
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return out.f.string(first)
    return None
