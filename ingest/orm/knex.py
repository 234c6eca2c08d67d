"""Knex migrations: ``knex.schema`` table builders of ``up`` -> DDL operations.

``createTable``/``createTableIfNotExists``/``alterTable``/``table`` (``withSchema('s')`` before them
sets the schema) take a callback whose parameter is the table builder; each statement of the
callback is a chain on it, read link by link:

* columns: ``increments``/``bigIncrements`` (the primary key), ``integer``, ``string``, ``uuid``...,
  ``specificType(name, type)``, ``timestamps()``; modifiers ``primary()``, ``notNullable()``;
* keys: ``.references('id').inTable('users')`` (or ``.on``), ``.references('users.id')``,
  ``table.foreign('user_id').references('users.id')`` (columns may be arrays), ``onDelete``,
  ``onUpdate``, ``withKeyName``/``foreign(cols, name)``; unnamed, Knex calls a key
  ``<table>_<columns>_foreign`` (lower case), so ``dropForeign('user_id')`` finds it;
* ``primary([...])``, ``dropForeign(cols | [], name?)``, ``dropColumn(s)``, ``renameColumn``.

>>> from ingest.orm.common_js import parse_js
>>> from ingest.orm.js_migrations import migration_ops
>>> f = parse_js(b'''exports.up = function (knex) {
...   return knex.schema.createTable('posts', (table) => {
...     table.increments('id');
...     table.integer('user_id').unsigned().notNullable()
...       .references('id').inTable('users').onDelete('CASCADE');
...   });
... };''', "migrations/20240101_posts.js", "javascript")
>>> ops, _ = migration_ops(f, None)
>>> [type(op).__name__ for op in ops], ops[0].constraints[0].columns
(['CreateTable', 'AddForeignKey'], ('id',))
>>> fk = ops[1].fk
>>> fk.name, fk.columns, str(fk.ref_table), fk.ref_columns, fk.on_delete, fk.line
('posts_user_id_foreign', ('user_id',), 'users', ('id',), 'CASCADE', 5)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from ingest.migrations.ops import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
    ConstraintSpec,
    CreateTable,
    DropColumn,
    DropConstraint,
    FKSpec,
    Op,
    QName,
    RenameColumn,
)
from ingest.orm.common_js import Call, JsFile, action, line, matches, text
from ingest.orm.js_steps import Out, qname, schema_of
from model.inventory import Column

__all__ = ["HANDLERS"]

_IGNORED = frozenset(
    {"index", "unique", "dropIndex", "dropUnique", "dropPrimary", "comment", "engine", "charset", "collate"}
    | {"inherits", "setNullable", "dropNullable", "dropTimestamps", "check", "dropChecks", "queryContext"}
)
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


@dataclass
class _Link:
    method: str
    args: list[Node]
    node: Node


@dataclass
class _Table:
    """One builder callback being read."""

    out: Out
    table: QName
    create: bool
    columns: list[str] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    keys: list[Op] = field(default_factory=list)
    primary: list[str] = field(default_factory=list)
    nullable: dict[str, bool] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @property
    def f(self) -> JsFile:
        return self.out.f


def _chain(call: Node) -> tuple[Node | None, list[_Link]]:
    """The root of a call chain ``root.a(..).b(..)`` and its links, first first."""
    links: list[_Link] = []
    node: Node | None = call
    while node is not None and node.type == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or fn.type != "member_expression":
            return None, []
        arg_nodes = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        links.append(_Link(text(fn.child_by_field_name("property")), arg_nodes, node))
        node = fn.child_by_field_name("object")
    links.reverse()
    return node, links


def _link_line(link: _Link) -> int:
    """The line of a chain link's method name (``.references`` on its own line)."""
    fn = link.node.child_by_field_name("function")
    prop = fn.child_by_field_name("property") if fn is not None else None
    return line(prop or link.node)


def _fk_name(table: QName, columns: tuple[str, ...]) -> str:
    raw = f"{table.name}_{'_'.join(columns)}_foreign"
    return raw.replace(".", "_").replace("-", "_").lower()


def _reference(
    t: _Table, columns: tuple[str, ...], links: list[_Link], start: int, given: str | None
) -> None:
    """``.references(...)`` at ``links[start]`` and the modifiers after it as one key."""
    f = t.f
    refs = f.strings(links[start].args[0] if links[start].args else None)
    target: str | None = None
    on_delete = on_update = None
    for link in links[start + 1 :]:
        first = link.args[0] if link.args else None
        if link.method in ("inTable", "on"):
            target = f.string(first)
        elif link.method == "onDelete":
            on_delete = action(f.string(first))
        elif link.method == "onUpdate":
            on_update = action(f.string(first))
        elif link.method == "withKeyName":
            given = f.string(first) or given
    if target is None and len(refs) == 1 and "." in refs[0]:
        target, _, column = refs[0].rpartition(".")
        refs = (column,)
    if not target or not refs or len(refs) != len(columns):
        where = _Link(links[start].method, links[start].args, links[start].node)
        t.out.unreadable(
            Call(where.node, where.method, where.node, where.args, line(where.node)), "the referenced table"
        )
        return
    spec = FKSpec(
        given or _fk_name(t.table, columns),
        columns,
        qname(target),
        refs,
        on_delete or "NO ACTION",
        on_update or "NO ACTION",
        line=_link_line(links[start]),
    )
    t.keys.append(AddForeignKey(t.table, spec, line=spec.line, text=text(links[-1].node)))


def _column(t: _Table, links: list[_Link]) -> None:
    first = links[0]
    f = t.f
    name = f.string(first.args[0]) if first.args else None
    if name is None:
        return
    kind = f.string(first.args[1]) if first.method == "specificType" and len(first.args) > 1 else first.method
    kind = (kind or first.method).lower()
    t.columns.append(name)
    t.types[name] = kind
    t.nullable[name] = True
    if first.method in ("increments", "bigIncrements", "bigincrements"):
        opts = f.obj(first.args[1] if len(first.args) > 1 else None)
        if f.boolean(opts.get("primaryKey")) is not False:
            t.primary.append(name)
            t.nullable[name] = False
    for i, link in enumerate(links[1:], start=1):
        if link.method == "primary":
            t.primary.append(name)
            t.nullable[name] = False
        elif link.method == "notNullable":
            t.nullable[name] = False
        elif link.method == "references":
            _reference(t, (name,), links, i, None)
            break


def _statement(t: _Table, links: list[_Link]) -> None:
    f = t.f
    first = links[0]
    arg = first.args[0] if first.args else None
    if first.method == "foreign":
        columns = f.strings(arg)
        at = next((i for i, link in enumerate(links) if link.method == "references"), None)
        if columns and at is not None:
            _reference(t, columns, links, at, f.string(first.args[1]) if len(first.args) > 1 else None)
    elif first.method == "primary":
        t.primary.extend(f.strings(arg))
        if not t.create:
            name = f.string(first.args[1]) if len(first.args) > 1 else None
            t.ops.append(
                AddConstraint(t.table, ConstraintSpec("p", name, tuple(t.primary)), line=line(first.node))
            )
            t.primary = []
    elif first.method == "dropForeign":
        given = f.string(first.args[1]) if len(first.args) > 1 else None
        columns = f.strings(arg)
        name = given or (_fk_name(t.table, columns) if columns else None)
        if name:
            t.ops.append(
                DropConstraint(t.table, name, kind="f", line=line(first.node), text=text(first.node))
            )
    elif first.method in ("dropColumn", "dropColumns"):
        for item in first.args:
            for column in f.strings(item):
                t.ops.append(DropColumn(t.table, column, line=line(first.node), text=text(first.node)))
    elif first.method == "renameColumn" and len(first.args) == 2:
        old, new = f.string(first.args[0]), f.string(first.args[1])
        if old and new:
            t.ops.append(RenameColumn(t.table, old, new, line=line(first.node), text=text(first.node)))
    elif first.method == "timestamps":
        t.columns += ["created_at", "updated_at"]
    elif first.method not in _IGNORED:
        _column(t, links)


def _builder(out: Out, c: Call) -> bool:
    f = out.f
    callback = f.resolve(c.args[1]) if len(c.args) >= 2 else None
    if callback is None or callback.type not in _FUNCTIONS:
        return False
    out.done.append((callback.start_byte, callback.end_byte))
    table = out.table(c, 0, schema_of(out, c))
    params = callback.child_by_field_name("parameters") or callback.child_by_field_name("parameter")
    param = params if params is not None and params.type == "identifier" else None
    if param is None and params is not None:
        param = next((p for p in params.named_children), None)
        param = (
            param.child_by_field_name("pattern")
            if param is not None and param.type != "identifier"
            else param
        )
    if table is None or param is None:
        return True
    t = _Table(out, table, c.method.startswith("create"))
    for m in matches(f.lang, "(call_expression) @c", callback):
        if m["c"].parent is not None and m["c"].parent.type == "member_expression":
            continue  # inside a chain: read from its outermost call
        root, links = _chain(m["c"])
        if root is not None and root.type == "identifier" and text(root) == text(param) and links:
            _statement(t, links)
    _emit(t, c)
    return True


def _emit(t: _Table, c: Call) -> None:
    columns = tuple(Column(n, t.types.get(n, "timestamp"), t.nullable.get(n, True)) for n in t.columns)
    pk = (ConstraintSpec("p", None, tuple(t.primary)),) if t.primary else ()
    if t.create:
        t.out.ops.append(
            CreateTable(
                t.table,
                columns,
                pk,
                if_not_exists=c.method.endswith("IfNotExists"),
                line=c.line,
                text=text(c.node),
            )
        )
    else:
        for column in columns:
            t.out.ops.append(AddColumn(t.table, column, line=c.line, text=text(c.node)))
    t.out.ops.extend(t.ops)
    t.out.ops.extend(t.keys)


#: Method -> handler; a handler returns False when the call is not of Knex's shape.
HANDLERS = {
    "createTable": _builder,
    "createTableIfNotExists": _builder,
    "alterTable": _builder,
    "table": _builder,
}
