"""Django ``models.py`` files (and ``models/`` packages) -> model states, read with :mod:`ast`.

:func:`read_classes` lists each module-level class with its fields (:mod:`ingest.orm.django_fields`),
``class Meta`` options (``db_table``, ``abstract``, ``proxy``, ``managed``, ``app_label``) and
bases; ``Model.add_to_class("name", field)`` calls at module level add a field.
:func:`resolve_models` decides, over every class of a project, which are models and what table
each has:

* a class is a model when its bases lead to ``models.Model`` (or to ``AbstractUser``,
  ``AbstractBaseUser``, ``PermissionsMixin``, whose ``groups``/``user_permissions``
  many-to-many fields are added) through classes of the scan; a class whose base the scan
  does not define (a third-party abstract model) is a model when it declares fields, with an
  ``info`` that the inherited fields are not known;
* abstract models give their fields to their children and have no table; proxy models have no
  table and stand for their concrete model; a child of a concrete model gets Django's
  ``<parent>_ptr`` one-to-one primary key (multi-table inheritance);
* the table is ``Meta.db_table``, else ``<app_label>_<model name lower>``; the primary key is
  the ``primary_key=True`` field, else an automatic ``id``.

A field whose target is not a literal or a class, a ``db_table`` that is not a literal, a
field built in a loop or with ``setattr``: ``orm-dynamic`` warnings with ``path:line``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.orm.common_py import DYNAMIC, diag
from ingest.orm.django_fields import FieldSpec, read_field
from ingest.orm.django_state import ModelState
from ingest.orm.py_ast import Dyn, PyModule, dotted, last
from model.inventory import Diagnostic

__all__ = ["ClassDecl", "read_classes", "resolve_models"]

_ROOTS = frozenset({"Model", "models.Model", "django.db.models.Model"})
_AUTH_BASES = frozenset({"AbstractUser", "AbstractBaseUser", "PermissionsMixin"})
_PERMISSION_FIELDS = (
    FieldSpec("groups", "ManyToManyField", "m2m", "auth.Group"),
    FieldSpec("user_permissions", "ManyToManyField", "m2m", "auth.Permission"),
)
_BODY_OK = (
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Pass,
    ast.Expr,
)


@dataclass
class ClassDecl:
    """A class of a models module, as written."""

    app: str
    name: str
    path: str
    line: int
    text: str
    bases: list[str]
    fields: list[FieldSpec] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.app}.{self.name.lower()}"


def _base(module: PyModule, node: ast.expr, app: str) -> str:
    """A base as ``app.Class`` (a class of the scan), a root name, or the dotted text."""
    name = dotted(node)
    if name in _ROOTS or last(name) in _AUTH_BASES:
        return "models.Model" if name in _ROOTS else last(name)
    origin = module.imports.get(name.split(".")[0]) if name else None
    if origin is not None and last(origin) == "Model" and "django" in origin:
        return "models.Model"
    if origin is not None and "." not in name:
        parts = [p for p in origin.split(".")[:-1] if p]
        parts = parts[: parts.index("models")] if "models" in parts else parts
        return f"{parts[-1] if parts else app}.{name}"
    return f"{app}.{name}" if name and "." not in name else name


def _meta(module: PyModule, node: ast.ClassDef, out: list[Diagnostic], path: str) -> dict[str, object]:
    meta: dict[str, object] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            value = module.value(stmt.value)
            name = stmt.targets[0].id
            if name in ("db_table", "app_label") and not isinstance(value, str):
                message = f"Meta.{name} is not a literal ({module.source(stmt.value)}); not read"
                out.append(diag("warning", message, path, stmt.lineno, DYNAMIC, module.excerpt(stmt)))
                continue
            meta[name] = value
    return meta


def read_classes(module: PyModule, app: str, path: str, out: list[Diagnostic]) -> list[ClassDecl]:
    """The classes of one models module, with fields and ``Meta``."""
    found: list[ClassDecl] = []
    for node in module.classes():
        bases = [_base(module, b, app) for b in node.bases]
        decl = ClassDecl(app, node.name, path, node.lineno, module.excerpt(node), bases)
        for stmt in node.body:
            _statement(module, decl, stmt, out)
        found.append(decl)
    by_name = {d.name: d for d in found}
    for stmt in module.tree.body:
        _add_to_class(module, stmt, by_name, out, path, app)
    return found


def _statement(module: PyModule, decl: ClassDecl, stmt: ast.stmt, out: list[Diagnostic]) -> None:
    if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
        decl.meta = _meta(module, stmt, out, decl.path)
        return
    if not isinstance(stmt, _BODY_OK):
        message = (
            f"class {decl.name}: a {type(stmt).__name__.lower()} statement in the class body is not read"
        )
        out.append(diag("warning", message, decl.path, stmt.lineno, DYNAMIC, module.excerpt(stmt)))
        return
    targets = (
        stmt.targets
        if isinstance(stmt, ast.Assign)
        else [stmt.target]
        if isinstance(stmt, ast.AnnAssign)
        else []
    )
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    if len(targets) == 1 and isinstance(targets[0], ast.Name) and value is not None:
        _field(module, decl, targets[0].id, value, out)


def _field(module: PyModule, decl: ClassDecl, name: str, value: ast.expr, out: list[Diagnostic]) -> None:
    spec = read_field(module, name, value, decl.app)
    if isinstance(spec, Dyn):
        message = f"{decl.name}.{name}: relation target is not a literal or a class ({spec.text}); not read"
        out.append(diag("warning", message, decl.path, value.lineno, DYNAMIC, module.excerpt(value)))
    elif spec is not None:
        decl.fields.append(spec)


def _add_to_class(
    module: PyModule,
    stmt: ast.stmt,
    by_name: dict[str, ClassDecl],
    out: list[Diagnostic],
    path: str,
    app: str,
) -> None:
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if (
        not isinstance(call, ast.Call)
        or not isinstance(call.func, ast.Attribute)
        or call.func.attr != "add_to_class"
    ):
        return
    decl = by_name.get(dotted(call.func.value))
    name = module.string(call.args[0]) if call.args else None
    if decl is None or name is None or len(call.args) < 2:
        message = "add_to_class with a class or name that is not a literal of this module; not read"
        out.append(diag("warning", message, path, stmt.lineno, DYNAMIC, module.excerpt(stmt)))
        return
    _field(module, decl, name, call.args[1], out)


@dataclass
class _Resolver:
    decls: dict[str, ClassDecl]
    out: list[Diagnostic]
    by_name: dict[str, ClassDecl | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for d in self.decls.values():  # a class name defined once in the project
            self.by_name[d.name.lower()] = None if d.name.lower() in self.by_name else d

    def decl(self, key: str) -> ClassDecl | None:
        """The class ``app.Name`` names; else the project's only class ``Name`` (imports from modules)."""
        return self.decls.get(key.lower()) or self.by_name.get(key.rpartition(".")[2].lower())

    def kind(self, key: str, depth: int = 0) -> str:
        """``model``, ``abstract``, ``root``, ``unknown`` (a base the scan does not define) or ``none``."""
        if key in ("models.Model", *_AUTH_BASES):
            return "root"
        decl = self.decl(key)
        if decl is None:
            return "unknown"
        if depth > 16:
            return "none"
        kinds = {self.kind(b, depth + 1) for b in decl.bases}
        if not kinds & {"model", "abstract", "root"}:
            return "model" if "unknown" in kinds and decl.fields and decl.bases else "none"
        return "abstract" if decl.meta.get("abstract") is True else "model"

    def inherited(self, decl: ClassDecl, depth: int = 0) -> list[FieldSpec]:
        """Fields of ``decl`` and of its abstract ancestors, ancestors first."""
        out: list[FieldSpec] = []
        for base in decl.bases:
            parent = self.decl(base)
            if parent is not None and parent.meta.get("abstract") is True and depth < 16:
                out.extend(self.inherited(parent, depth + 1))
            elif base in ("AbstractUser", "PermissionsMixin"):
                out.extend(_PERMISSION_FIELDS)
        names = {f.name for f in decl.fields}
        return [f for f in out if f.name not in names] + decl.fields


def resolve_models(
    decls: list[ClassDecl], default_table: Callable[[str, str], str], auto_type: str, out: list[Diagnostic]
) -> list[ModelState]:
    """The models among ``decls``; ``default_table(app, name)`` names tables without ``db_table``."""
    r = _Resolver({d.key: d for d in decls}, out)
    models: list[ModelState] = []
    for decl in decls:
        if r.kind(decl.key) != "model":
            continue
        unknown = [b for b in decl.bases if r.kind(b) == "unknown" and b not in _AUTH_BASES]
        if unknown:
            bases = ", ".join(unknown)
            message = (
                f"model {decl.name} inherits from {bases}, not defined in the scan: its fields are not known"
            )
            out.append(diag("info", message, decl.path, decl.line, "orm-external-base"))
        fields = r.inherited(decl)
        parents = [d.key for b in decl.bases if r.kind(b) == "model" and (d := r.decl(b)) is not None]
        meta = decl.meta
        proxy = meta.get("proxy") is True
        if parents and not proxy and not any(f.primary_key for f in fields):
            parent = r.decls[parents[0]]
            ptr = FieldSpec(
                f"{parent.name.lower()}_ptr",
                "OneToOneField",
                "o2o",
                parent.key,
                on_delete="CASCADE",
                on_delete_enforced_by="application",
                primary_key=True,
                line=decl.line,
                text=decl.text,
            )
            fields = [ptr, *fields]
        elif not any(f.primary_key for f in fields) and not proxy:
            fields = [FieldSpec("id", "AutoField", primary_key=True, type=auto_type, line=decl.line), *fields]
        table = meta.get("db_table")
        app = str(meta.get("app_label") or decl.app)
        models.append(
            ModelState(
                app=app,
                name=decl.name,
                table=table if isinstance(table, str) else default_table(app, decl.name),
                explicit_table=isinstance(table, str),
                fields={f.name: f for f in fields},
                managed=meta.get("managed") is not False,
                proxy_of=parents[0] if proxy and parents else "",
            )
        )
    return models
