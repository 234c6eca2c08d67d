"""SQLAlchemy schema constructs read with :mod:`ast`: what SQLAlchemy models and Alembic revisions share.

* ``Column(...)`` / ``mapped_column(...)`` / SQLModel's ``Field(...)``: name (a string first
  argument, ``name=``, else the attribute), type (``Integer``, ``sa.String(50)``, ...; from
  ``Mapped[int]`` when no type is given), ``primary_key=``, ``nullable=`` and its
  ``ForeignKey("table.col" | "schema.table.col" | Model.attr | table.c.col, ondelete=,
  onupdate=, name=, deferrable=, initially=)`` (SQLModel: ``foreign_key="t.c"``, ``ondelete=``);
* ``ForeignKeyConstraint(["a", "b"], ["t.x", "t.y"], name=, ondelete=, ...)`` and
  ``PrimaryKeyConstraint("a", "b")``;
* ``Table("name", metadata, *columns_and_constraints, schema=)``.

A target given as an attribute (``User.id``, ``users.c.id``) is resolved by the caller's
``resolve`` (the models reader knows the classes and tables of the scan); a target that is
neither is an ``orm-dynamic`` warning. Unnamed keys keep no name: the replay gives them the
database's default name, as SQLAlchemy leaves them unnamed.

>>> m = PyModule('''import sqlalchemy as sa
... t = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
...     sa.Column("user_id", sa.BigInteger, sa.ForeignKey("auth.users.id", ondelete="CASCADE")))''', "m.py")
>>> t = read_table(m, m.tree.body[1].value, lambda node: None)
>>> t.name, t.primary_key, [(c.name, c.type) for c in t.columns]
('posts', ['id'], [('id', 'integer'), ('user_id', 'bigint')])
>>> [(f.columns, str(f.ref_table), f.ref_columns, f.on_delete) for f in t.fks]
[(('user_id',), 'auth.users', ('id',), 'CASCADE')]
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.migrations import ops as o
from ingest.orm.common_py import action, qname
from ingest.orm.py_ast import Dyn, PyModule, dotted, kwarg, last, line_of
from model.inventory import Column

__all__ = [
    "SaColumn",
    "SaTable",
    "add_column",
    "add_item",
    "create_op",
    "read_column",
    "read_fk_constraint",
    "read_table",
    "sql_type",
]

#: ``resolve(node)`` -> ``(table, column)`` for an attribute target, ``None`` when unknown.
Resolve = Callable[[ast.expr], "tuple[str, str] | None"]

_COLUMN_CALLS = frozenset({"Column", "mapped_column", "Field"})
_TYPES = {
    "Integer": "integer",
    "BigInteger": "bigint",
    "SmallInteger": "smallint",
    "String": "varchar",
    "Unicode": "varchar",
    "Text": "text",
    "UnicodeText": "text",
    "Boolean": "boolean",
    "DateTime": "timestamp",
    "Date": "date",
    "Time": "time",
    "Float": "float",
    "Numeric": "numeric",
    "LargeBinary": "bytea",
    "Uuid": "uuid",
    "UUID": "uuid",
    "int": "integer",
    "str": "varchar",
    "bool": "boolean",
    "float": "float",
    "datetime": "timestamp",
    "date": "date",
    "Decimal": "numeric",
    "bytes": "bytea",
}


@dataclass
class SaColumn:
    """One column with its inline keys (``ForeignKey`` arguments)."""

    name: str
    type: str
    nullable: bool
    primary_key: bool
    fks: list[o.FKSpec] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SaTable:
    """A ``Table(...)`` or ``op.create_table(...)``: columns, primary key, keys, problems (line, text)."""

    name: str
    schema: str | None
    line: int
    columns: list[SaColumn] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    fks: list[o.FKSpec] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def sql_type(module: PyModule, node: ast.expr | None) -> str:
    """``sa.String(50)`` -> ``varchar(50)``; unknown types are their lower-cased name."""
    if node is None:
        return ""
    call = node if isinstance(node, ast.Call) else None
    name = last(dotted(call.func if call is not None else node))
    base = _TYPES.get(name, name.lower())
    if call is not None and call.args and name in ("String", "Unicode", "Numeric"):
        size = [module.value(a) for a in call.args]
        if all(isinstance(s, int) for s in size):
            return f"{base}({','.join(str(s) for s in size)})"
    return base


def _is_type(node: ast.expr) -> bool:
    name = last(dotted(node.func if isinstance(node, ast.Call) else node))
    return bool(name) and name[0].isupper() and name not in ("ForeignKey", "Sequence", "Identity", "Computed")


def _target(module: PyModule, node: ast.expr | None, resolve: Resolve) -> tuple[o.QName, str] | Dyn:
    text = module.value(node)
    if isinstance(text, str) and "." in text:
        table, _, column = text.rpartition(".")
        return qname(table), column
    found = resolve(node) if node is not None else None
    if found is not None:
        return qname(found[0]), found[1]
    return Dyn(text.text if isinstance(text, Dyn) else repr(text))


def _spec(
    module: PyModule, call: ast.Call, columns: tuple[str, ...], ref: o.QName, ref_columns: tuple[str, ...]
) -> o.FKSpec:
    deferrable = module.value(kwarg(call, "deferrable"))
    initially = module.value(kwarg(call, "initially"))
    name = module.value(kwarg(call, "name"))
    return o.FKSpec(
        name=name if isinstance(name, str) else None,
        columns=columns,
        ref_table=ref,
        ref_columns=ref_columns,
        on_delete=action(str(module.value(kwarg(call, "ondelete")) or "")) or "NO ACTION",
        on_update=action(str(module.value(kwarg(call, "onupdate")) or "")) or "NO ACTION",
        deferrable=deferrable is True,
        initially_deferred=isinstance(initially, str) and initially.upper() == "DEFERRED",
        line=call.lineno,
    )


def read_column(
    module: PyModule,
    call: ast.Call,
    attribute: str | None,
    resolve: Resolve,
    annotation: ast.expr | None = None,
) -> SaColumn | None:
    """A column call (``None`` when ``call`` is not one, or it has no name)."""
    kind = last(dotted(call.func))
    if kind not in _COLUMN_CALLS:
        return None
    args = list(call.args)
    name = module.value(args[0]) if args and isinstance(args[0], ast.Constant) else None
    if isinstance(name, str):
        args = args[1:]
    else:
        given = module.value(kwarg(call, "name"))
        name = given if isinstance(given, str) else attribute
    if name is None:
        return None
    type_node = next((a for a in args if _is_type(a)), None) or kwarg(call, "type_") or kwarg(call, "sa_type")
    pk = module.value(kwarg(call, "primary_key")) is True
    nullable = module.value(kwarg(call, "nullable"))
    col = SaColumn(
        name, sql_type(module, type_node) or _annotated(annotation), nullable is not False and not pk, pk
    )
    for arg in args:
        if isinstance(arg, ast.Call) and last(dotted(arg.func)) == "ForeignKey":
            target = _target(module, arg.args[0] if arg.args else kwarg(arg, "column"), resolve)
            if isinstance(target, Dyn):
                col.problems.append(
                    (arg.lineno, f"ForeignKey target is not a literal or a known attribute ({target.text})")
                )
            else:
                col.fks.append(_spec(module, arg, (name,), target[0], (target[1],)))
    sqlmodel_fk = kwarg(call, "foreign_key") if kind == "Field" else None
    if sqlmodel_fk is not None:
        target = _target(module, sqlmodel_fk, resolve)
        if isinstance(target, Dyn):
            col.problems.append((call.lineno, f"foreign_key is not a literal ({target.text})"))
        else:
            col.fks.append(_spec(module, call, (name,), target[0], (target[1],)))
    return col


def _annotated(annotation: ast.expr | None) -> str:
    """``Mapped[int]`` / ``Optional[str]`` / ``int | None`` -> the SQL type of the inner name."""
    node = annotation
    for _ in range(4):
        if isinstance(node, ast.Subscript):
            node = node.slice
        elif isinstance(node, ast.BinOp):
            node = node.left
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return ""
    name = last(dotted(node)) if node is not None else ""
    return _TYPES.get(name, name.lower())


def read_fk_constraint(module: PyModule, call: ast.Call, resolve: Resolve) -> o.FKSpec | Dyn:
    """``ForeignKeyConstraint(columns, refcolumns, ...)``."""
    local_node = call.args[0] if call.args else kwarg(call, "columns")
    remote_node = call.args[1] if len(call.args) > 1 else kwarg(call, "refcolumns")
    local = module.value(local_node)
    remote = list(remote_node.elts) if isinstance(remote_node, (ast.List, ast.Tuple)) else []
    names = [c for c in local if isinstance(c, str)] if isinstance(local, list) else []
    targets = [_target(module, node, resolve) for node in remote]
    good = [t for t in targets if not isinstance(t, Dyn)]
    complete = isinstance(local, list) and len(names) == len(local) == len(good) == len(targets)
    if not names or not complete:
        return Dyn(module.excerpt(call))
    return _spec(module, call, tuple(names), good[0][0], tuple(c for _, c in good))


def read_table(module: PyModule, call: ast.Call, resolve: Resolve, *, first: int = 2) -> SaTable | Dyn:
    """``Table("name", metadata, ...)`` (``first=2``) or ``op.create_table("name", ...)`` (``first=1``)."""
    name = (
        module.value(call.args[0])
        if call.args
        else module.value(kwarg(call, "name") or kwarg(call, "table_name"))
    )
    if not isinstance(name, str):
        return Dyn(f"table name {name.text}" if isinstance(name, Dyn) else "table name")
    schema = module.value(kwarg(call, "schema"))
    table = SaTable(name, schema if isinstance(schema, str) else None, call.lineno)
    for arg in call.args[first:]:
        add_item(module, table, arg, resolve)
    return table


def add_item(module: PyModule, table: SaTable, arg: ast.expr, resolve: Resolve) -> None:
    """One argument of a table: a column, a key constraint or a primary key constraint."""
    if isinstance(arg, ast.Starred):
        table.problems.append((line_of(arg), f"*{module.source(arg.value)} is not read"))
        return
    if not isinstance(arg, ast.Call):
        return
    kind = last(dotted(arg.func))
    if kind == "ForeignKeyConstraint":
        spec = read_fk_constraint(module, arg, resolve)
        if isinstance(spec, Dyn):
            table.problems.append((arg.lineno, f"ForeignKeyConstraint is not read: {spec.text}"))
        else:
            table.fks.append(spec)
    elif kind == "PrimaryKeyConstraint":
        names = [module.value(a) for a in arg.args]
        table.primary_key = [n for n in names if isinstance(n, str)]
    else:
        col = read_column(module, arg, None, resolve)
        if col is not None:
            add_column(table, col)


def add_column(table: SaTable, col: SaColumn) -> None:
    table.columns.append(col)
    table.fks.extend(col.fks)
    table.problems.extend(col.problems)
    if col.primary_key and col.name not in table.primary_key:
        table.primary_key.append(col.name)


def create_op(table: SaTable, text: str, *, with_fks: bool = True) -> o.CreateTable:
    """The ``CREATE TABLE`` of a table (keys inline unless ``with_fks`` is false)."""
    columns = tuple(Column(c.name, c.type, c.nullable) for c in table.columns)
    pk = (o.ConstraintSpec("p", None, tuple(table.primary_key)),) if table.primary_key else ()
    return o.CreateTable(
        o.QName(table.schema, table.name),
        columns,
        pk,
        tuple(table.fks) if with_fks else (),
        line=table.line,
        text=text,
    )
