"""TypeORM migrations: the ``queryRunner`` schema calls of ``up`` -> DDL operations.

* ``createTable(new Table({ name, schema, columns: [...], foreignKeys: [...] }), ifNotExist,
  createForeignKeys)``: columns (``name``, ``type``, ``isPrimary``, ``isNullable`` -- TypeORM's
  default is NOT NULL), and keys ``{ columnNames, referencedTableName, referencedColumnNames,
  referencedSchema, name, onDelete, onUpdate }`` (``new TableForeignKey({...})`` or plain objects);
* ``createForeignKey(table, fk)``, ``createForeignKeys(table, [fk...])``; ``dropForeignKey(table,
  name | fk)``, ``dropForeignKeys``; ``addColumn(table, new TableColumn({...}))``, ``addColumns``,
  ``dropColumn(table, name | column)``.

Unnamed keys get TypeORM's name (:func:`~ingest.orm.common_js.typeorm_fk_name`), as the query
runner does. ``queryRunner.query(sql)`` -- what ``migration:generate`` writes -- and
``dropTable``/``renameTable`` are read by :mod:`ingest.orm.js_migrations`. A key found with
``table.foreignKeys.find(...)`` cannot be known without running the code: reported.

>>> from ingest.orm.common_js import parse_js
>>> from ingest.orm.js_migrations import migration_ops
>>> f = parse_js(b'''export class Posts1 { async up(queryRunner) {
...   await queryRunner.createTable(new Table({ name: "posts", columns: [
...     { name: "id", type: "int", isPrimary: true }, { name: "userId", type: "int" }],
...     foreignKeys: [{ columnNames: ["userId"], referencedTableName: "users",
...                     referencedColumnNames: ["id"], onDelete: "CASCADE" }] }), true);
... } }''', "src/migrations/1-Posts.ts", "typescript")
>>> ops, _ = migration_ops(f, None)
>>> [(fk.name, fk.columns, str(fk.ref_table), fk.on_delete, fk.line) for fk in ops[0].fks]
[('FK_ae05faaa55c866130abef6e1fee', ('userId',), 'users', 'CASCADE', 4)]
"""

from __future__ import annotations

from tree_sitter import Node

from ingest.migrations.ops import (
    AddColumn,
    AddForeignKey,
    ConstraintSpec,
    CreateTable,
    DropColumn,
    DropConstraint,
    FKSpec,
    QName,
)
from ingest.orm.common_js import Call, JsFile, action, line, text, typeorm_fk_name
from ingest.orm.js_steps import Out, qname
from model.inventory import Column, Diagnostic

__all__ = ["HANDLERS", "options_of"]


def options_of(f: JsFile, node: Node | None) -> dict[str, Node]:
    """The options of ``new Table({...})``/``new TableForeignKey({...})``, or of a plain object."""
    node = f.resolve(node)
    if node is not None and node.type == "new_expression":
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return f.obj(first)
    return f.obj(node)


def _table(out: Out, c: Call) -> QName | None:
    """The table of argument 0: a name, or a ``Table`` whose options name it."""
    f = out.f
    name = f.string(c.args[0]) if c.args else None
    schema = None
    if name is None and c.args:
        opts = options_of(f, c.args[0])
        name, schema = f.key_text(opts, "name"), f.key_text(opts, "schema")
    if not name:
        out.unreadable(c, "the table")
        return None
    return qname(name, schema)


def _column(f: JsFile, node: Node) -> Column | None:
    opts = options_of(f, node)
    name = f.key_text(opts, "name")
    if not name:
        return None
    primary = f.boolean(opts.get("isPrimary")) is True
    nullable = f.boolean(opts.get("isNullable")) is True and not primary
    return Column(name, (f.key_text(opts, "type") or "").lower(), nullable)


def _fk(out: Out, table: QName, node: Node) -> FKSpec | None:
    f = out.f
    opts = options_of(f, node)
    columns = f.strings(opts.get("columnNames"))
    target = f.key_text(opts, "referencedTableName")
    ref_columns = f.strings(opts.get("referencedColumnNames"))
    if not columns or not target or len(columns) != len(ref_columns):
        where = f"{table}: the columns or referenced table of a foreign key"
        out.diagnostics.append(_unreadable(out, node, where))
        return None
    name = f.key_text(opts, "name") or typeorm_fk_name(str(table), columns)
    return FKSpec(
        name,
        columns,
        qname(target, f.key_text(opts, "referencedSchema")),
        ref_columns,
        action(f.key_text(opts, "onDelete")) or "NO ACTION",
        action(f.key_text(opts, "onUpdate")) or "NO ACTION",
        deferrable=(f.key_text(opts, "deferrable") or "").upper().startswith("INITIALLY"),
        initially_deferred=(f.key_text(opts, "deferrable") or "").upper() == "INITIALLY DEFERRED",
        line=line(node),
    )


def _unreadable(out: Out, node: Node, what: str) -> Diagnostic:
    message = f"{what} is not a constant; skipped"
    return Diagnostic(
        "warning", message, out.f.rel, line(node), " ".join(text(node).split())[:120], "orm-unreadable"
    )


def _create_table(out: Out, c: Call) -> bool:
    f = out.f
    node = f.resolve(c.args[0]) if c.args else None
    if node is None or node.type not in ("new_expression", "object"):
        return False
    opts = options_of(f, node)
    table = _table(out, c)
    if table is None:
        return True
    columns = [col for col in (_column(f, item) for item in f.array(opts.get("columns"))) if col is not None]
    keys = tuple(
        f.key_text(options_of(f, item), "name") or ""
        for item in f.array(opts.get("columns"))
        if f.boolean(options_of(f, item).get("isPrimary"))
    )
    with_keys = f.boolean(c.args[2] if len(c.args) > 2 else None) is not False
    fks = (
        [fk for fk in (_fk(out, table, item) for item in f.array(opts.get("foreignKeys"))) if fk]
        if with_keys
        else []
    )
    pk = (ConstraintSpec("p", None, keys),) if keys else ()
    exists = f.boolean(c.args[1] if len(c.args) > 1 else None) is True
    out.ops.append(CreateTable(table, tuple(columns), pk, tuple(fks), exists, line=c.line, text=text(c.node)))
    return True


def _items(out: Out, c: Call, single: str) -> tuple[QName | None, list[Node]]:
    """The table of a call and the items it gives: argument 1, or the array of the plural form."""
    table = _table(out, c)
    items = [c.args[1]] if c.method == single else out.f.array(c.args[1])
    return table, items if table is not None else []


def _create_fks(out: Out, c: Call) -> bool:
    if len(c.args) < 2:
        return False
    table, items = _items(out, c, "createForeignKey")
    for item in items:
        fk = _fk(out, table, item) if table is not None else None
        if table is not None and fk is not None:
            out.ops.append(AddForeignKey(table, fk, line=c.line, text=text(c.node)))
    return True


def _drop_fks(out: Out, c: Call) -> bool:
    if len(c.args) < 2:
        return False
    f = out.f
    table, items = _items(out, c, "dropForeignKey")
    for item in items:
        opts = options_of(f, item)
        columns = f.strings(opts.get("columnNames"))
        name = (
            f.string(item)
            or f.key_text(opts, "name")
            or (typeorm_fk_name(str(table), columns) if columns else None)
        )
        if table is not None and name:
            out.ops.append(DropConstraint(table, name, kind="f", line=c.line, text=text(c.node)))
        else:
            out.unreadable(c, "the foreign key")
    return True


def _add_columns(out: Out, c: Call) -> bool:
    if len(c.args) != 2:
        return False
    table, items = _items(out, c, "addColumn")
    for item in items:
        column = _column(out.f, item)
        if table is not None and column is not None:
            out.ops.append(AddColumn(table, column, line=c.line, text=text(c.node)))
    return True


def _drop_column(out: Out, c: Call) -> bool:
    if len(c.args) != 2:
        return False
    f = out.f
    name = f.string(c.args[1]) or f.key_text(options_of(f, c.args[1]), "name")
    table = _table(out, c)
    if table is not None and name:
        out.ops.append(DropColumn(table, name, line=c.line, text=text(c.node)))
    return True


#: Method -> handler; a handler returns False when the call is not of TypeORM's shape.
HANDLERS = {
    "createTable": _create_table,
    "createForeignKey": _create_fks,
    "createForeignKeys": _create_fks,
    "dropForeignKey": _drop_fks,
    "dropForeignKeys": _drop_fks,
    "addColumn": _add_columns,
    "addColumns": _add_columns,
    "dropColumn": _drop_column,
}
