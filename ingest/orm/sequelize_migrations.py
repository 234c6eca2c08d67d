"""Sequelize migrations: the ``queryInterface`` calls of ``up`` -> DDL operations.

* ``createTable(name, {attributes}, options)``: columns, ``primaryKey``, ``allowNull``, ``unique``
  (``true``: the database names it; a string names a composite constraint) and inline
  ``references: { model, key }`` with ``onDelete``/``onUpdate`` (unnamed: the database names them);
* ``addColumn(table, column, {attribute})``, ``changeColumn(table, column, {attribute})`` (its
  ``references`` adds an unnamed key, as Sequelize's ``ALTER TABLE ... ADD FOREIGN KEY``, and
  ``unique: true`` an unnamed unique constraint);
* ``addConstraint(table, { fields, type: 'foreign key', name, references: { table, field },
  onDelete, onUpdate })`` and the older ``addConstraint(table, [fields], {...})``; unnamed, Sequelize
  calls it ``<table>_<fields>_<referenced table>_fk``; primary key, unique and check constraints are
  tracked too (``_pk``, ``_uk``, ``_ck``), so removing them is no false alarm;
* ``removeConstraint(table, name)``, ``removeColumn(table, column)``, ``renameColumn(table, a, b)``;
  ``dropTable``, ``renameTable`` and ``sequelize.query(sql)`` are read by :mod:`ingest.orm.js_migrations`.

A table is a string (``'schema.table'`` splits) or ``{ tableName, schema }``.

>>> from ingest.orm.common_js import parse_js
>>> from ingest.orm.js_migrations import migration_ops
>>> f = parse_js(b'''module.exports = { async up(queryInterface, Sequelize) {
...   await queryInterface.addConstraint('credit_allocations', {
...     fields: ['user_id'], type: 'foreign key',
...     references: { table: 'user_accounts', field: 'user_id' }, onDelete: 'cascade' });
... } };''', "migrations/2-fk.js", "javascript")
>>> ops, _ = migration_ops(f, None)
>>> [(op.fk.name, op.fk.columns, str(op.fk.ref_table), op.fk.on_delete, op.line) for op in ops]
[('credit_allocations_user_id_user_accounts_fk', ('user_id',), 'user_accounts', 'CASCADE', 2)]
"""

from __future__ import annotations

from tree_sitter import Node

from ingest.migrations.ops import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
    AlterColumn,
    ConstraintSpec,
    CreateTable,
    DropColumn,
    DropConstraint,
    FKSpec,
    RenameColumn,
)
from ingest.orm.common_js import Call, JsFile, action, line, text
from ingest.orm.js_steps import Out, qname
from ingest.orm.sequelize import column_type, reference
from model.inventory import Column

__all__ = ["HANDLERS"]

_KINDS = {"primary key": ("p", "pk"), "unique": ("u", "uk"), "check": ("c", "ck")}


def _fk(f: JsFile, attrs: dict[str, Node], column: str, at: Node) -> FKSpec | None:
    ref = reference(f, attrs, (column,), at)
    if ref is None:
        return None
    return FKSpec(
        None,
        (column,),
        qname(ref.target, ref.schema),
        ref.ref_columns or ("id",),
        ref.on_delete,
        ref.on_update,
        line=ref.line,
    )


def _column(f: JsFile, name: str, value: Node) -> tuple[Column, dict[str, Node]]:
    attrs = f.obj(value)
    primary = f.boolean(attrs.get("primaryKey")) is True
    nullable = f.boolean(attrs.get("allowNull")) is not False and not primary
    return Column(name, column_type(f, attrs.get("type") if attrs else value), nullable), attrs


def _create_table(out: Out, c: Call) -> bool:
    f = out.f
    if len(c.args) < 2 or (f.resolve(c.args[1]) or c.args[1]).type != "object":
        return False
    table = out.table(c, 0, f.key_text(f.obj(c.args[2] if len(c.args) > 2 else None), "schema"))
    if table is None:
        return True
    columns, keys, fks = [], [], []
    unique: dict[str | None, list[str]] = {}
    for name, value in f.obj(c.args[1]).items():
        column, attrs = _column(f, name, value)
        columns.append(column)
        if f.boolean(attrs.get("primaryKey")):
            keys.append(name)
        fk = _fk(f, attrs, name, value)
        if fk is not None:
            fks.append(fk)
        if f.boolean(attrs.get("unique")):
            unique.setdefault(None, []).append(name)
        elif (group := f.string(attrs.get("unique"))) is not None:
            unique.setdefault(group, []).append(name)
    constraints = [ConstraintSpec("p", None, tuple(keys))] if keys else []
    constraints += [ConstraintSpec("u", None, (n,)) for n in unique.pop(None, [])]
    constraints += [ConstraintSpec("u", group, tuple(names)) for group, names in unique.items()]
    op = CreateTable(table, tuple(columns), tuple(constraints), tuple(fks), line=c.line, text=text(c.node))
    out.ops.append(op)
    return True


def _add_column(out: Out, c: Call) -> bool:
    f = out.f
    name = f.string(c.args[1]) if len(c.args) >= 3 else None
    if name is None:
        return False
    table = out.table(c)
    if table is not None:
        column, attrs = _column(f, name, c.args[2])
        fk = _fk(f, attrs, name, c.args[2])
        kinds = [k for k, key in (("p", "primaryKey"), ("u", "unique")) if f.boolean(attrs.get(key))]
        keys = tuple(ConstraintSpec(k, None, (name,)) for k in kinds)
        out.ops.append(AddColumn(table, column, keys, (fk,) if fk else (), line=c.line, text=text(c.node)))
    return True


def _change_column(out: Out, c: Call) -> bool:
    f = out.f
    name = f.string(c.args[1]) if len(c.args) >= 3 else None
    if name is None:
        return False
    table = out.table(c)
    if table is not None:
        column, attrs = _column(f, name, c.args[2])
        nullable = None if "allowNull" not in attrs else column.nullable
        out.ops.append(
            AlterColumn(table, name, column.type or None, nullable, line=c.line, text=text(c.node))
        )
        if f.boolean(attrs.get("unique")):
            unique = ConstraintSpec("u", None, (name,))
            out.ops.append(AddConstraint(table, unique, line=c.line, text=text(c.node)))
        fk = _fk(f, attrs, name, c.args[2])
        if fk is not None:
            out.ops.append(AddForeignKey(table, fk, line=c.line, text=text(c.node)))
    return True


def _fields(f: JsFile, node: Node | None) -> tuple[str, ...]:
    names = []
    for item in f.array(node) or ([node] if node is not None else []):
        parts = f.obj(item)
        value = f.string(item) or f.key_text(parts, "attribute") or f.key_text(parts, "name")
        if value:
            names.append(value)
    return tuple(names)


def _add_constraint(out: Out, c: Call) -> bool:
    f = out.f
    if len(c.args) < 2:
        return False
    old_style = len(c.args) >= 3 and f.array(c.args[1])
    opts = f.obj(c.args[2] if old_style else c.args[1])
    fields = _fields(f, c.args[1] if old_style else opts.get("fields"))
    table = out.table(c)
    kind = (f.key_text(opts, "type") or "").lower()
    if table is None:
        return True
    if not fields:
        out.unreadable(c, "the fields")
        return True
    given = f.key_text(opts, "name")
    if kind in _KINDS:
        letter, suffix = _KINDS[kind]
        name = given or f"{table.name}_{'_'.join(fields)}_{suffix}"
        out.ops.append(
            AddConstraint(table, ConstraintSpec(letter, name, fields), line=c.line, text=text(c.node))
        )
    elif kind == "foreign key":
        refs = f.obj(opts.get("references"))
        target = f.string(refs.get("table"))
        target_parts = f.obj(refs.get("table"))
        schema = f.key_text(target_parts, "schema")
        target = target or f.key_text(target_parts, "tableName")
        ref_columns = f.strings(refs.get("field") or refs.get("fields"))
        if not target or not ref_columns:
            out.unreadable(c, "the referenced table or field")
            return True
        name = given or f"{table.name}_{'_'.join(fields)}_{target}_fk"
        spec = FKSpec(
            name,
            fields,
            qname(target, schema),
            ref_columns,
            action(f.key_text(opts, "onDelete")) or "NO ACTION",
            action(f.key_text(opts, "onUpdate")) or "NO ACTION",
            line=line(opts["references"]),
        )
        out.ops.append(AddForeignKey(table, spec, line=c.line, text=text(c.node)))
    return True


def _remove_constraint(out: Out, c: Call) -> bool:
    if len(c.args) < 2:
        return False
    table, name = out.table(c), out.f.string(c.args[1])
    if table is not None and name:
        out.ops.append(DropConstraint(table, name, line=c.line, text=text(c.node)))
    elif table is not None:
        out.unreadable(c, "the constraint name")
    return True


def _remove_column(out: Out, c: Call) -> bool:
    if len(c.args) < 2 or out.f.string(c.args[1]) is None:
        return False
    table = out.table(c)
    if table is not None:
        out.ops.append(DropColumn(table, out.f.string(c.args[1]) or "", line=c.line, text=text(c.node)))
    return True


def _rename_column(out: Out, c: Call) -> bool:
    if len(c.args) < 3:
        return False
    old, new = out.f.string(c.args[1]), out.f.string(c.args[2])
    if old is None or new is None:
        return False
    table = out.table(c)
    if table is not None:
        out.ops.append(RenameColumn(table, old, new, line=c.line, text=text(c.node)))
    return True


#: Method -> handler; a handler returns False when the call is not of Sequelize's shape.
HANDLERS = {
    "createTable": _create_table,
    "addColumn": _add_column,
    "changeColumn": _change_column,
    "addConstraint": _add_constraint,
    "removeConstraint": _remove_constraint,
    "removeColumn": _remove_column,
    "renameColumn": _rename_column,
}
