"""The ``upgrade()`` of an Alembic revision -> neutral DDL operations on a replay.

:class:`AlembicOps` walks the statements of ``upgrade()`` (see :mod:`ingest.orm.alembic` for
what is read): ``op.<operation>(...)`` and ``batch_op.<operation>(...)`` calls, ``with
op.batch_alter_table(...)`` blocks, ``if`` blocks (a test on the dialect's name is decided for
the dialect read) and calls of the file's own functions. A table, column or constraint name
that is not a literal is an ``orm-dynamic`` warning and the operation is skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ingest.migrations import ops as o
from ingest.orm.common_py import Replay, action
from ingest.orm.py_ast import Dyn, PyModule, bind, dotted
from ingest.orm.sa_schema import create_op, read_column, read_table
from model.inventory import Column

__all__ = ["DIALECT_NAMES", "AlembicOps", "ids"]

#: The names SQLAlchemy gives each dialect read.
DIALECT_NAMES = {"postgres": ("postgresql", "postgres"), "mysql": ("mysql", "mariadb"), "sqlite": ("sqlite",)}


def ids(value: object) -> list[str]:
    """A revision id or a tuple of them as a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _no_resolve(node: ast.expr) -> None:
    return None


class AlembicOps:
    """Applies one revision's ``upgrade()`` to a replay."""

    def __init__(self, replay: Replay, module: PyModule) -> None:
        self.r = replay
        self.m = module
        self.functions = module.functions()
        #: local names bound to the dialect's name or the database URL (``url = str(bind.engine.url)``)
        self.dialect_vars: dict[str, str] = {}

    def warn(self, node: ast.AST, message: str) -> None:
        self.r.warn(message, getattr(node, "lineno", 0), excerpt=self.m.excerpt(node))

    def name(self, node: ast.expr | None, what: str, call: ast.Call) -> str | None:
        value = self.m.value(node)
        if isinstance(value, str):
            return value
        self.warn(
            call, f"{what} is not a literal ({value.text if isinstance(value, Dyn) else value}); not read"
        )
        return None

    def run(self, body: list[ast.stmt], batch: dict[str, tuple[str, str | None]], depth: int = 0) -> None:
        for stmt in body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                kind = self.about_dialect(stmt.value)
                if kind is not None:
                    self.dialect_vars[stmt.targets[0].id] = kind
            if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(stmt.value, ast.Call):
                self.call(stmt.value, batch, depth)
            elif isinstance(stmt, ast.With):
                inner = dict(batch)
                for item in stmt.items:
                    self.batch(item, inner)
                self.run(stmt.body, inner, depth)
            elif isinstance(stmt, ast.If):
                decided = self.dialect_test(stmt.test)
                if decided is not False:
                    self.run(stmt.body, batch, depth)
                if decided is not True:
                    self.run(stmt.orelse, batch, depth)
            elif isinstance(stmt, (ast.For, ast.While, ast.Try)):
                self.run(stmt.body, batch, depth)

    def batch(self, item: ast.withitem, batch: dict[str, tuple[str, str | None]]) -> None:
        call = item.context_expr
        if (
            isinstance(call, ast.Call)
            and dotted(call.func) == "op.batch_alter_table"
            and isinstance(item.optional_vars, ast.Name)
        ):
            args = bind(call, ("table_name", "schema"))
            table = self.name(args.get("table_name"), "batch table name", call)
            schema = self.m.value(args.get("schema"))
            if table is not None:
                batch[item.optional_vars.id] = (table, schema if isinstance(schema, str) else None)

    def dialect_test(self, test: ast.expr) -> bool | None:
        """The value of a test on the dialect (``bind.dialect.name == "sqlite"``,
        ``url.startswith("mysql")``, ``not ...``) for the dialect read; ``None`` for other tests."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.dialect_test(test.operand)
            return None if inner is None else not inner
        ours = DIALECT_NAMES.get(self.r.dialect, ())
        if (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Attribute)
            and test.func.attr == "startswith"
        ):
            prefixes = ids(self.m.value(test.args[0])) if len(test.args) == 1 else []
            if not prefixes or self.about_dialect(test.func.value) is None:
                return None
            return any(name.startswith(p) for name in ours for p in prefixes)
        if (
            not (isinstance(test, ast.Compare) and len(test.ops) == 1)
            or self.about_dialect(test.left) != "name"
        ):
            return None
        names = ids(self.m.value(test.comparators[0]))
        hit = any(n in ours for n in names)
        op = test.ops[0]
        if not names or not isinstance(op, (ast.Eq, ast.In, ast.NotEq, ast.NotIn)):
            return None
        return hit if isinstance(op, (ast.Eq, ast.In)) else not hit

    def about_dialect(self, node: ast.expr) -> str | None:
        """``name`` for an expression naming the dialect, ``url`` for the database URL, else ``None``."""
        if isinstance(node, ast.Name) and node.id in self.dialect_vars:
            return self.dialect_vars[node.id]
        text = self.m.source(node)
        if ("dialect" in text or "engine" in text or "bind" in text) and text.endswith("name"):
            return "name"
        return "url" if text.endswith("url") or text.endswith("url)") else None

    def call(self, call: ast.Call, batch: dict[str, tuple[str, str | None]], depth: int) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            receiver = func.value.id
            if receiver == "op" and func.attr in _OPS:
                params, handler = _OPS[func.attr]
                handler(self, bind(call, params), call)
            elif receiver in batch and func.attr in _OPS:
                params, handler = _OPS[func.attr]
                table, schema = batch[receiver]
                slot = _TABLE_FIRST.get(func.attr, "table_name")
                args = bind(call, tuple(p for p in params if p != slot))
                fixed = {
                    slot: ast.Constant(table),
                    "schema": ast.Constant(schema),
                    "source_schema": ast.Constant(schema),
                }
                handler(self, {**args, **fixed}, call)
        elif isinstance(func, ast.Name) and func.id in self.functions and depth < 4:
            self.run(self.functions[func.id].body, batch, depth + 1)


_Handler = Callable[[AlembicOps, dict[str, ast.expr], ast.Call], None]


def _schema(a: AlembicOps, node: ast.expr | None) -> str | None:
    value = a.m.value(node)
    return value if isinstance(value, str) else None


def _create_table(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    table = read_table(a.m, call, _no_resolve, first=1)
    if isinstance(table, Dyn):
        a.warn(call, f"create_table: {table.text} is not a literal; not read")
        return
    for line, problem in table.problems:
        a.r.warn(f"create_table {table.name}: {problem}", line)
    a.r.apply(create_op(table, a.m.excerpt(call)))


def _add_column(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    table = a.name(args.get("table_name"), "table name", call)
    node = args.get("column")
    col = read_column(a.m, node, None, _no_resolve) if isinstance(node, ast.Call) else None
    if table is None or col is None:
        if table is not None:
            a.warn(call, "add_column: the column is not a Column(...) call; not read")
        return
    for line, problem in col.problems:
        a.r.warn(f"add_column {table}.{col.name}: {problem}", line)
    column = Column(col.name, col.type, col.nullable)
    qn = o.QName(_schema(a, args.get("schema")), table)
    a.r.apply(o.AddColumn(qn, column, fks=tuple(col.fks), line=call.lineno, text=a.m.excerpt(call)))


def _create_foreign_key(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    source = a.name(args.get("source_table"), "source table", call)
    referent = a.name(args.get("referent_table"), "referent table", call)
    local, remote = a.m.value(args.get("local_cols")), a.m.value(args.get("remote_cols"))
    name = a.m.value(args.get("constraint_name"))
    if source is None or referent is None:
        return
    if not (ids(local) and ids(remote) and isinstance(name, (str, type(None)))):
        a.warn(call, "create_foreign_key: columns or name are not literals; not read")
        return
    deferrable, initially = a.m.value(args.get("deferrable")), a.m.value(args.get("initially"))
    spec = o.FKSpec(
        name=name,
        columns=tuple(ids(local)),
        ref_table=o.QName(_schema(a, args.get("referent_schema")), referent),
        ref_columns=tuple(ids(remote)),
        on_delete=_action(a, args.get("ondelete")),
        on_update=_action(a, args.get("onupdate")),
        deferrable=deferrable is True,
        initially_deferred=isinstance(initially, str) and initially.upper() == "DEFERRED",
        line=call.lineno,
    )
    qn = o.QName(_schema(a, args.get("source_schema")), source)
    a.r.apply(o.AddForeignKey(qn, spec, line=call.lineno, text=a.m.excerpt(call)))


def _action(a: AlembicOps, node: ast.expr | None) -> str:
    value = a.m.value(node)
    return (action(value) if isinstance(value, str) else "") or "NO ACTION"


def _drop_constraint(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    name = a.name(args.get("constraint_name"), "constraint name", call)
    table = a.name(args.get("table_name"), "table name", call)
    if name is None or table is None:
        return
    kind = "f" if a.m.value(args.get("type_")) == "foreignkey" else ""
    qn = o.QName(_schema(a, args.get("schema")), table)
    a.r.apply(o.DropConstraint(qn, name, kind=kind, line=call.lineno, text=a.m.excerpt(call)))


def _table_op(build: Callable[[o.QName, list[str], ast.Call, str], o.Op], names: tuple[str, ...]) -> _Handler:
    def handler(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
        values = [a.name(args.get(n), n.replace("_", " "), call) for n in names]
        if None not in values:
            qn = o.QName(_schema(a, args.get("schema")), str(values[0]))
            a.r.apply(build(qn, [str(v) for v in values[1:]], call, a.m.excerpt(call)))

    return handler


def _alter_column(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    if args.get("new_column_name") is not None:
        _table_op(
            lambda q, v, c, t: o.RenameColumn(q, v[0], v[1], line=c.lineno, text=t),
            ("table_name", "column_name", "new_column_name"),
        )(a, args, call)


def _execute(a: AlembicOps, args: dict[str, ast.expr], call: ast.Call) -> None:
    node = args.get("sqltext")
    text = a.m.value(node)
    if isinstance(text, str):
        a.r.sql(text, getattr(node, "lineno", call.lineno))
    else:
        a.warn(call, "execute: the SQL is not a literal; not read")


_OPS: dict[str, tuple[tuple[str, ...], _Handler]] = {
    "create_table": (("table_name",), _create_table),
    "drop_table": (
        ("table_name", "schema"),
        _table_op(lambda q, v, c, t: o.DropTable((q,), line=c.lineno, text=t), ("table_name",)),
    ),
    "rename_table": (
        ("old_table_name", "new_table_name", "schema"),
        _table_op(
            lambda q, v, c, t: o.RenameTable(q, v[0], line=c.lineno, text=t),
            ("old_table_name", "new_table_name"),
        ),
    ),
    "add_column": (("table_name", "column", "schema"), _add_column),
    "drop_column": (
        ("table_name", "column_name", "schema"),
        _table_op(
            lambda q, v, c, t: o.DropColumn(q, v[0], line=c.lineno, text=t), ("table_name", "column_name")
        ),
    ),
    "alter_column": (("table_name", "column_name"), _alter_column),
    "create_foreign_key": (
        ("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"),
        _create_foreign_key,
    ),
    "drop_constraint": (("constraint_name", "table_name", "type_", "schema"), _drop_constraint),
    "execute": (("sqltext",), _execute),
}
#: Batch operations omit the table argument: which parameter it is.
_TABLE_FIRST = {"add_column": "table_name", "drop_column": "table_name", "alter_column": "table_name"}
_TABLE_FIRST |= {"create_foreign_key": "source_table", "drop_constraint": "table_name"}
