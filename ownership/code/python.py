"""Python (with :mod:`ast`): SQL strings, Django and SQLAlchemy models, their calls, pymongo.

* SQL: string constants, f-strings (each ``{...}`` becomes a placeholder) and ``"..." + "..."``
  chains that parse as SQL (``%s``, ``%(name)s`` and ``:name`` parameters included).
* Django: a class deriving from ``models.Model`` (or from a model class of the same file) maps to
  ``Meta.db_table``, else ``<app label>_<lower-case class name>``, the app label being
  ``Meta.app_label`` or the folder holding ``models.py`` (or the ``models/`` package). Abstract
  models are skipped; proxy models stand for their parent; an unmanaged model (``managed = False``)
  maps a table created elsewhere, so its declaration is a read. ``User.objects.create(...)`` and the
  other manager/queryset methods of :data:`~ownership.code.ops.DJANGO` write or read ``User``.
* SQLAlchemy: ``__tablename__`` (with ``__table_args__ = {"schema": ...}``), SQLModel classes
  declared ``table=True``, ``Table("x", metadata, ..., schema=...)`` (the variable it is assigned
  to names it). ``session.add(User(...))``/``add_all``/``merge``, ``insert(User)``,
  ``update(...)``, ``delete(...)``, ``users_table.insert()`` write; ``select(User)`` and
  ``session.query(User)`` read.
* pymongo: ``db["users"].insert_one(...)`` and ``db.get_collection("users").find(...)``.

Declarations count as writes; calls are references resolved against the whole scan.

>>> facts = read_python(b'''
... from django.db import models
... class Order(models.Model):
...     class Meta:
...         db_table = "shop_orders"
... def pay(order_id):
...     Order.objects.filter(id=order_id).update(paid=True)
...     cursor.execute(f"INSERT INTO payments (order_id) VALUES ({order_id})")
... ''', "shop/models.py")
>>> [(d.name, d.table, d.how) for d in facts.decls]
[('Order', 'shop_orders', 'django')]
>>> sorted((r.name, r.access, r.line) for r in facts.refs)
[('Order', 'read', 7), ('Order', 'write', 7)]
>>> [(f.table, f.access, f.line) for f in facts.found]
[('payments', 'write', 8)]
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator

from ingest.orm.py_parse import newer_syntax_message, parse_source
from model.inventory import Diagnostic
from ownership.code.evidence import Access
from ownership.code.facts import Decl, FileFacts, Found, Ref
from ownership.code.names import qualified
from ownership.code.ops import DJANGO, MONGO, access_of
from ownership.code.sql import PLACEHOLDER, looks_like_sql, sql_tables

__all__ = ["read_python"]

_SESSION_WRITES = frozenset({"add", "add_all", "merge", "bulk_save_objects"})
_SQLA_WRITES = frozenset({"insert", "update", "delete"})
_SQLA_MODULES = frozenset({"sa", "sqlalchemy", "sql", "expression"})
_MAPPING_WRITES = frozenset({"bulk_insert_mappings", "bulk_update_mappings"})


def _string(node: ast.expr) -> str | None:
    """The text of a string constant or f-string (placeholders for ``{...}``), else ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_string(v) or PLACEHOLDER for v in node.values)
    return None


def _leaves(node: ast.expr, out: list[ast.expr]) -> None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        _leaves(node.left, out)
        _leaves(node.right, out)
    else:
        out.append(node)


def _name(node: ast.expr | None) -> str:
    """``x`` for ``x``, ``b`` for ``a.b``, else ``""``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _app_label(path: str) -> str:
    folder = posixpath.dirname(path)
    if posixpath.basename(folder) == "models":
        folder = posixpath.dirname(folder)
    return posixpath.basename(folder)


def _class_assignments(cls: ast.ClassDef) -> dict[str, ast.expr]:
    """``name = value`` and ``name: T = value`` statements directly in a class body."""
    out: dict[str, ast.expr] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and stmt.targets and isinstance(stmt.targets[0], ast.Name):
            out[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            out[stmt.target.id] = stmt.value
    return out


def _const(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _table_schema(args: ast.expr | None) -> str:
    """The ``schema`` of ``__table_args__`` (a dict, or a tuple ending with one)."""
    if isinstance(args, ast.Tuple) and args.elts:
        args = args.elts[-1]
    if isinstance(args, ast.Dict):
        for key, value in zip(args.keys, args.values, strict=True):
            if key is not None and _const(key) == "schema" and isinstance(_const(value), str):
                return str(_const(value))
    return ""


_LEAF_KINDS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node in source order, parents first (quicker than :func:`ast.walk`, no operator leaves)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for name in reversed(node._fields):
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend([v for v in reversed(value) if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAF_KINDS):
                stack.append(value)


class _Reader:
    """One pass over a module's AST, in source order (parents before children)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.facts = FileFacts()
        self.done: set[int] = set()  # string parts already read as part of a larger literal
        self.django: set[str] = set()  # Django model classes of this file (abstract ones too)
        self.assigned: dict[int, str] = {}  # id(call) -> variable it is assigned to
        self.tables: set[str] = set()  # variables holding a Table(...)
        self.collections: dict[str, str] = {}  # variables holding a pymongo collection

    def literal(self, node: ast.expr) -> None:
        parts: list[ast.expr] = []
        _leaves(node, parts)
        if _string(parts[0]) is None:
            return
        self.done.update(
            id(n) for n in ast.walk(node) if isinstance(n, ast.BinOp | ast.Constant | ast.JoinedStr)
        )
        text = "".join(s if (s := _string(p)) is not None else PLACEHOLDER for p in parts)
        if looks_like_sql(text):
            self.facts.sql(sql_tables(text), "sql", node.lineno)

    def assign(self, node: ast.Assign) -> None:
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
            self.assigned[id(node.value)] = target.id
            if (collection := self.collection(node.value)) is not None:
                self.collections[target.id] = collection
        elif (
            isinstance(target, ast.Name)
            and isinstance(node.value, ast.Subscript)
            and (collection := self.collection(node.value)) is not None
        ):
            self.collections[target.id] = collection

    def collection(self, node: ast.expr) -> str | None:
        """The collection of ``db["x"]`` / ``db.get_collection("x")`` / a variable holding one."""
        if isinstance(node, ast.Subscript) and isinstance(_const(node.slice), str):
            return str(_const(node.slice)).lower()
        if isinstance(node, ast.Call) and _name(node.func) == "get_collection" and node.args:
            value = _const(node.args[0])
            return value.lower() if isinstance(value, str) else None
        return self.collections.get(node.id) if isinstance(node, ast.Name) else None

    def classdef(self, node: ast.ClassDef) -> None:
        body = _class_assignments(node)
        if isinstance(_const(body.get("__tablename__")), str):
            schema = _table_schema(body.get("__table_args__"))
            table = qualified(schema, str(_const(body["__tablename__"])))
            self.facts.decls.append(Decl(node.name, table, "sqlalchemy", node.lineno))
        elif any(k.arg == "table" and _const(k.value) is True for k in node.keywords):
            self.facts.decls.append(Decl(node.name, node.name.lower(), "sqlalchemy", node.lineno))
        elif any(self.django_base(b) for b in node.bases):
            self.django_model(node)

    def django_base(self, base: ast.expr) -> bool:
        if isinstance(base, ast.Attribute) and base.attr == "Model":
            return _name(base.value) == "models"
        return isinstance(base, ast.Name) and base.id in self.django

    def django_model(self, node: ast.ClassDef) -> None:
        self.django.add(node.name)
        meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
        options = _class_assignments(meta) if meta is not None else {}
        if _const(options.get("abstract")) is True:
            return
        if _const(options.get("proxy")) is True:
            parent = next((b.id for b in node.bases if isinstance(b, ast.Name)), "")
            self.facts.decls.append(Decl(node.name, "", "django", node.lineno, alias_of=parent))
            return
        label = _const(options.get("app_label"))
        table = _const(options.get("db_table"))
        if not isinstance(table, str):
            table = f"{label if isinstance(label, str) else _app_label(self.path)}_{node.name.lower()}"
        # managed = False: a mapping of a table something else creates and owns -- declaring it reads it
        access: Access = "read" if _const(options.get("managed")) is False else "write"
        self.facts.decls.append(Decl(node.name, table.lower(), "django", node.lineno, access=access))

    def call(self, node: ast.Call) -> None:
        func, method = node.func, _name(node.func)
        if method == "Table" and node.args and isinstance(_const(node.args[0]), str) and len(node.args) > 1:
            schema = next((_const(k.value) for k in node.keywords if k.arg == "schema"), "")
            table = qualified(schema if isinstance(schema, str) else "", str(_const(node.args[0])))
            name = self.assigned.get(id(node), table)
            self.tables.add(name)
            self.facts.decls.append(Decl(name, table, "sqlalchemy", node.lineno))
        elif isinstance(func, ast.Attribute):
            self.method_call(node, func)
        elif method in _SQLA_WRITES or method == "select":
            self.refs(node.args[:1] if method in _SQLA_WRITES else node.args, method, node.lineno)

    def method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method, receiver = func.attr, func.value
        manager = receiver
        while isinstance(manager, ast.Call) and isinstance(manager.func, ast.Attribute):
            manager = manager.func.value  # User.objects.filter(...).update(...)
        if (
            isinstance(manager, ast.Attribute)
            and manager.attr == "objects"
            and isinstance(manager.value, ast.Name)
        ):
            if (access := access_of(DJANGO, method)) is not None:
                self.facts.refs.append(Ref(manager.value.id, access, "", node.lineno))
        elif (collection := self.collection(receiver)) is not None:
            if (access := access_of(MONGO, method)) is not None:
                self.facts.found.append(Found(collection, access, "mongodb", node.lineno))
        elif method in _SESSION_WRITES and node.args:
            arg = node.args[0]
            items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
            self.refs([i.func for i in items if isinstance(i, ast.Call)], "insert", node.lineno)
        elif method in _SQLA_WRITES | {"select"} and _name(receiver) in self.tables:
            self.refs([receiver], method, node.lineno)
        elif method in _MAPPING_WRITES or method in ("query", "select"):
            self.refs(node.args[:1] if method in _MAPPING_WRITES else node.args, method, node.lineno)
        elif method in _SQLA_WRITES and _name(receiver) in _SQLA_MODULES:
            self.refs(node.args[:1], method, node.lineno)

    def refs(self, names: list[ast.expr], method: str, line: int) -> None:
        access: Access = "read" if method in ("select", "query") else "write"
        for name in names:
            if isinstance(name, ast.Name) and (name.id[:1].isupper() or name.id in self.tables):
                self.facts.refs.append(Ref(name.id, access, "", line))


def read_python(src: bytes, path: str) -> FileFacts:
    """Table evidence in one Python file."""
    reader = _Reader(path)
    try:
        tree, repaired = parse_source(src, path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        reader.facts.diagnostics.append(
            Diagnostic("warning", f"cannot parse: {exc}", path, line, code="parse-error")
        )
        return reader.facts
    for line in repaired:
        message = newer_syntax_message("the code scan reads the rest of the file")
        reader.facts.diagnostics.append(Diagnostic("info", message, path, line, code="parse-error"))
    for node in _walk(tree):
        if id(node) in reader.done:
            continue
        if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) and (
            not isinstance(node, ast.BinOp) or isinstance(node.op, ast.Add)
        ):
            reader.literal(node)
        elif isinstance(node, ast.Assign):
            reader.assign(node)
        elif isinstance(node, ast.ClassDef):
            reader.classdef(node)
        elif isinstance(node, ast.Call):
            reader.call(node)
    return reader.facts
