"""SQLAlchemy declarative classes (and SQLModel / Flask-SQLAlchemy models) -> tables, read with :mod:`ast`.

:func:`read_module` collects a module's classes (bases, ``__tablename__``, ``__table__``,
``__table_args__``, ``__abstract__``, SQLModel's ``table=True``, column attributes, and
``@declared_attr`` functions returning a column or the table name) and its module-level
``Table(...)`` objects. :class:`Models` then resolves every class of a project together:

* a class with ``__tablename__`` (a literal), ``__table__ = Table(...)`` or SQLModel's
  ``table=True`` (table: the class name lower-cased) has a table of its own; so does a
  Flask-SQLAlchemy ``db.Model`` declaring a primary key (table: the class name in
  snake case); a ``@declared_attr`` ``__tablename__`` of a base returning
  ``cls.__name__.lower()`` or ``cls.__name__`` names each subclass's table -- any other
  computed name is an ``orm-dynamic`` warning and the class is skipped;
* columns: ``Column``/``mapped_column``/SQLModel ``Field`` attributes (also wrapped in
  ``column_property``/``deferred``), ``Mapped[...]``
  annotations without a value, ``@declared_attr`` columns; the class's own and those of its
  bases that have no table (mixins, ``__abstract__``), bases first;
* a subclass without a table of its own whose base has one (single-table inheritance) adds
  its columns to that table; a subclass with its own (joined inheritance) declares its key
  to the parent as any other column;
* ``__table_args__`` ``ForeignKeyConstraint``\\s and ``{"schema": ...}``; ``ForeignKey(User.id)``
  and ``ForeignKey(users.c.id)`` resolve through the classes and ``Table`` objects read.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ingest.orm.py_ast import Dyn, PyModule, dotted, kwarg, last
from ingest.orm.sa_schema import SaColumn, SaTable, add_column, add_item, read_column, read_table

__all__ = ["Models", "SaClass", "read_module"]

_SKIP_VALUES = frozenset(
    {"relationship", "Relationship", "column_property", "synonym", "association_proxy", "deferred"}
)
_SNAKE = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


@dataclass
class SaClass:
    """A class of a models module, as written."""

    name: str
    module: PyModule
    node: ast.ClassDef
    bases: list[str]
    tablename: str | Dyn | None = None
    table_call: ast.Call | None = None
    table_args: ast.expr | None = None
    abstract: bool = False
    sqlmodel_table: bool = False
    name_rule: str | Dyn | None = None  # a declared_attr __tablename__: "lower", "name" or Dyn
    attributes: list[tuple[str, ast.expr | None, ast.expr | None]] = field(default_factory=list)


def _declared_name(module: PyModule, fn: ast.FunctionDef) -> str | Dyn:
    ret = fn.body[-1] if fn.body else None
    text = module.source(ret.value) if isinstance(ret, ast.Return) and ret.value is not None else ""
    param = fn.args.args[0].arg if fn.args.args else "cls"
    if text == f"{param}.__name__.lower()":
        return "lower"
    if text == f"{param}.__name__":
        return "name"
    return Dyn(text or fn.name)


def _member(module: PyModule, c: SaClass, stmt: ast.stmt) -> None:
    if isinstance(stmt, ast.FunctionDef) and any(
        "declared_attr" in dotted(getattr(d, "func", d)).split(".") for d in stmt.decorator_list
    ):
        ret = stmt.body[-1] if stmt.body else None
        if stmt.name == "__tablename__":
            c.name_rule = _declared_name(module, stmt)
        elif isinstance(ret, ast.Return) and isinstance(ret.value, ast.Call):
            c.attributes.append((stmt.name, ret.value, None))
        return
    target = (
        stmt.targets[0]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        else stmt.target
        if isinstance(stmt, ast.AnnAssign)
        else None
    )
    if not isinstance(target, ast.Name):
        return
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    name = target.id
    if name == "__tablename__":
        got = module.value(value)
        c.tablename = (
            got if isinstance(got, str) else Dyn(module.source(value)) if value is not None else None
        )
    elif name == "__table__" and isinstance(value, ast.Call):
        c.table_call = value
    elif name == "__table_args__":
        c.table_args = value
    elif name == "__abstract__":
        c.abstract = module.value(value) is True
    elif not name.startswith("__"):
        c.attributes.append((name, value, stmt.annotation if isinstance(stmt, ast.AnnAssign) else None))


def read_module(module: PyModule) -> tuple[list[SaClass], dict[str, ast.Call]]:
    """The classes of a module and its module-level ``name = Table(...)`` calls."""
    classes = []
    for node in module.classes():
        c = SaClass(node.name, module, node, [dotted(b) for b in node.bases])
        c.sqlmodel_table = any(k.arg == "table" and module.value(k.value) is True for k in node.keywords)
        for stmt in node.body:
            _member(module, c, stmt)
        classes.append(c)
    tables = {}
    for stmt in module.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call)
            and last(dotted(stmt.value.func)) == "Table"
        ):
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                tables[target.id] = stmt.value
    return classes, tables


@dataclass
class Models:
    """Every class and ``Table`` of one project, resolved into tables."""

    classes: dict[str, SaClass]
    table_calls: list[tuple[PyModule, str, ast.Call]]
    problems: list[tuple[str, int, str, str]] = field(default_factory=list)  # path, line, message, excerpt
    _tables: dict[str, str | None] = field(default_factory=dict)

    def bases(self, c: SaClass) -> list[SaClass]:
        return [b for name in c.bases if (b := self.classes.get(last(name))) is not None and b is not c]

    def own_table(self, c: SaClass) -> str | None:
        """The table a class declares itself (``None``: none, or a name that cannot be read)."""
        key = f"{c.module.path}:{c.name}"
        if key not in self._tables:
            self._tables[key] = None  # a cycle of bases ends here
            self._tables[key] = self._own_table(c)
        return self._tables[key]

    def _own_table(self, c: SaClass) -> str | None:
        if c.table_call is not None:
            got = c.module.value(c.table_call.args[0]) if c.table_call.args else None
            return got if isinstance(got, str) else None
        if isinstance(c.tablename, str):
            return c.tablename
        if c.tablename is not None or c.abstract:
            return None
        if c.sqlmodel_table:
            return c.name.lower()
        rule = self.name_rule(c)
        if isinstance(rule, Dyn):
            return None
        if rule == "lower":
            return c.name.lower()
        if rule == "name":
            return c.name
        if self.flask(c) and self.declares_pk(c):
            return _SNAKE.sub(r"_\1", c.name).lower().lstrip("_")
        return None

    def name_rule(self, c: SaClass, depth: int = 0) -> str | Dyn | None:
        """The ``@declared_attr`` ``__tablename__`` rule a class has or inherits."""
        if c.name_rule is not None or depth > 16:
            return c.name_rule
        return next((r for b in self.bases(c) if (r := self.name_rule(b, depth + 1)) is not None), None)

    def flask(self, c: SaClass, depth: int = 0) -> bool:
        if any(name.endswith(".Model") and "flask_sqlalchemy" in c.module.text for name in c.bases):
            return True
        return depth < 16 and any(
            self.flask(b, depth + 1) for b in self.bases(c) if self.own_table(b) is None
        )

    def declares_pk(self, c: SaClass) -> bool:
        return any(
            kwarg(v, "primary_key") is not None for _, v, _ in self.attributes(c) if isinstance(v, ast.Call)
        )

    def attributes(self, c: SaClass, depth: int = 0) -> list[tuple[str, ast.expr | None, ast.expr | None]]:
        """Own attributes and those of bases without a table, bases first."""
        out: list[tuple[str, ast.expr | None, ast.expr | None]] = []
        for b in self.bases(c) if depth < 16 else []:
            if self.own_table(b) is None:
                out.extend(self.attributes(b, depth + 1))
        names = {n for n, _, _ in c.attributes}
        return [a for a in out if a[0] not in names] + c.attributes

    def mapped_parent(self, c: SaClass, depth: int = 0) -> SaClass | None:
        for b in self.bases(c) if depth < 16 else []:
            if self.own_table(b) is not None:
                return b
            found = self.mapped_parent(b, depth + 1)
            if found is not None:
                return found
        return None

    def resolve(self, node: ast.expr) -> tuple[str, str] | None:
        """``User.id`` / ``users.c.id`` / ``User.__table__.c.id`` -> ``(table, column)``."""
        if not isinstance(node, ast.Attribute):
            return None
        owner = dotted(node.value).removesuffix(".c").removesuffix(".__table__")
        c = self.classes.get(owner)
        if c is not None:
            parent = self.mapped_parent(c)
            holder = c if self.own_table(c) is not None or parent is None else parent
            table = self.own_table(holder)
            schema = self.schema(holder)
            column = next((col.name for col in self.columns(c) if col.name == node.attr), node.attr)
            return (f"{schema}.{table}" if schema else table, column) if table else None
        found = next(((m, call) for m, var, call in self.table_calls if var == owner), None)
        sa_table = read_table(found[0], found[1], lambda _: None) if found is not None else None
        if not isinstance(sa_table, SaTable):
            return None
        return (f"{sa_table.schema}.{sa_table.name}" if sa_table.schema else sa_table.name, node.attr)

    def columns(self, c: SaClass) -> list[SaColumn]:
        out = []
        for name, value, annotation in self.attributes(c):
            wrapped = isinstance(value, ast.Call) and last(dotted(value.func)) in (
                "column_property",
                "deferred",
            )
            if wrapped and isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Call):
                value = value.args[0]  # column_property(Column(...), ...): the column it maps
            if isinstance(value, ast.Call) and last(dotted(value.func)) in _SKIP_VALUES:
                continue
            if isinstance(value, ast.Call):
                col = read_column(c.module, value, name, self.resolve, annotation)
            elif value is None or c.sqlmodel_table:
                col = self.annotated(c, name, annotation)
            else:
                col = None
            if col is not None:
                out.append(col)
        return out

    def annotated(self, c: SaClass, name: str, annotation: ast.expr | None) -> SaColumn | None:
        """A column declared by its annotation alone (``x: Mapped[int]``, SQLModel ``x: int``)."""
        text = c.module.source(annotation) if annotation is not None else ""
        if (
            not text
            or "ClassVar" in text
            or "List[" in text
            or "list[" in text
            or (not c.sqlmodel_table and not text.startswith("Mapped["))
        ):
            return None
        probe = ast.Call(ast.Name("mapped_column"), [], [])
        col = read_column(c.module, probe, name, self.resolve, annotation)
        if col is not None:
            col.nullable = "Optional" in text or "None" in text
        return col

    def tables(self) -> list[tuple[SaClass | None, PyModule, SaTable]]:
        """Every table: from classes (with their single-table children's columns) and ``Table`` calls."""
        found: dict[str, tuple[SaClass | None, PyModule, SaTable]] = {}
        for module, _, call in self.table_calls:
            got = read_table(module, call, self.resolve)
            if isinstance(got, SaTable):
                found[got.name] = (None, module, got)
        for c in self.classes.values():
            self.class_table(c, found)
        return list(found.values())

    def class_table(self, c: SaClass, found: dict[str, tuple[SaClass | None, PyModule, SaTable]]) -> None:
        if self.computed_name(c):
            return
        if c.table_call is not None:
            got = read_table(c.module, c.table_call, self.resolve)
            if isinstance(got, SaTable):
                found[got.name] = (c, c.module, got)
            return
        name = self.own_table(c)
        parent = self.mapped_parent(c) if name is None else None
        if name is None and parent is not None and not c.abstract:
            target = found.get(str(self.own_table(parent)))
            if target is not None:
                for col in self.columns(c):
                    if col.name not in {x.name for x in target[2].columns}:
                        col.nullable = True
                        add_column(target[2], col)
            return
        if name is None:
            return
        table = found.get(name, (c, c.module, SaTable(name, None, c.node.lineno)))[2]
        table.schema = self.schema(c) or table.schema
        for col in self.columns(c):
            add_column(table, col)
        self.table_args(c, table)
        found[name] = (c, c.module, table)

    def computed_name(self, c: SaClass) -> bool:
        """True (and a problem noted) when the class's table name is computed in a way not read."""
        rule = self.name_rule(c) if c.name_rule is None and c.attributes else None
        inherited = (
            isinstance(rule, Dyn)
            and not c.abstract
            and self.own_table(c) is None
            and self.mapped_parent(c) is None
        )
        if not isinstance(c.tablename, Dyn) and not inherited:
            return False
        shown = (
            c.tablename.text if isinstance(c.tablename, Dyn) else rule.text if isinstance(rule, Dyn) else ""
        )
        message = f"class {c.name}: its table name is computed ({shown}); not read"
        self.problems.append((c.module.path, c.node.lineno, message, c.module.excerpt(c.node)))
        return True

    def schema(self, c: SaClass) -> str | None:
        args = c.module.value(c.table_args) if c.table_args is not None else None
        items = args if isinstance(args, list) else [args]
        got = next((i.get("schema") for i in items if isinstance(i, dict)), None)
        return got if isinstance(got, str) else None

    def table_args(self, c: SaClass, table: SaTable) -> None:
        node = c.table_args
        for item in node.elts if isinstance(node, (ast.Tuple, ast.List)) else []:
            add_item(c.module, table, item, self.resolve)
