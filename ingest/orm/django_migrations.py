"""Django migration files -> their order, and their operations applied to a model state.

A migration is ``<app>/migrations/<name>.py`` holding ``class Migration(migrations.Migration)``
with ``dependencies``, ``operations`` and ``replaces``. :func:`order` sorts the migrations of
a project the way ``migrate`` applies them on an empty database, Django's own plan: each leaf
migration (no dependent in its app) in order, its ``dependencies`` depth first
(``("app", "0002_x")``, ``("app", "__first__")``,
``swappable_dependency(settings.AUTH_USER_MODEL)``; apps outside the scan ignored); a squashed
migration (``replaces``) is used instead of the migrations it replaces when they are present
too. A cycle is an ``orm-order`` warning and
the rest follows by name.

Operations read (:func:`apply`): ``CreateModel`` (``options``: ``db_table``, ``proxy``,
``managed``; ``bases`` for proxies), ``DeleteModel``, ``RenameModel``, ``AlterModelTable``,
``AddField``, ``RemoveField``, ``AlterField``, ``RenameField``, ``RunSQL`` (its SQL replayed
at its line) and ``SeparateDatabaseAndState`` (its ``database_operations`` change the
database only, its ``state_operations`` the model state only, as Django runs them; lists given
by name in the class body are followed). Other operations (indexes,
constraints, ``RunPython``) change no foreign key and are skipped. An operation whose model or
field name is not a literal is an ``orm-dynamic`` warning.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.orm.common_py import DYNAMIC, diag
from ingest.orm.django_fields import FieldSpec, read_field
from ingest.orm.django_state import DjangoState, ModelState
from ingest.orm.py_ast import Dyn, PyModule, bind, dotted, last
from model.inventory import Diagnostic

__all__ = ["DjangoMigration", "apply", "load", "order"]

Key = tuple[str, str]


@dataclass
class DjangoMigration:
    """One migration file: app label, name, path shown, and its parsed class body."""

    app: str
    name: str
    path: str
    module: PyModule
    dependencies: list[Key] = field(default_factory=list)
    replaces: list[Key] = field(default_factory=list)
    operations: list[ast.expr] = field(default_factory=list)
    #: assignments of the class body (``state_operations = [...]`` used by name)
    names: dict[str, ast.expr] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.app, self.name)


def _keys(module: PyModule, node: ast.expr, user_app: str) -> list[Key]:
    out: list[Key] = []
    for elt in node.elts if isinstance(node, (ast.List, ast.Tuple)) else []:
        if isinstance(elt, ast.Call) and last(dotted(elt.func)) == "swappable_dependency":
            out.append((user_app, "__first__"))
            continue
        value = module.value(elt)
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            out.append((str(value[0]), str(value[1])))
    return out


def load(
    module: PyModule, app: str, name: str, path: str, user_app: str, out: list[Diagnostic]
) -> DjangoMigration | None:
    """The migration of a parsed file, ``None`` when the file holds no ``Migration`` class."""
    cls = next((c for c in module.classes() if c.name == "Migration"), None)
    if cls is None:
        return None
    m = DjangoMigration(app, name, path, module)
    for stmt in cls.body:
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)):
            continue
        target, value = stmt.targets[0].id, stmt.value
        m.names[target] = value
        if target == "dependencies":
            m.dependencies = _keys(module, value, user_app)
        elif target == "replaces":
            m.replaces = _keys(module, value, user_app)
        elif target == "operations":
            value = _concatenated(m, value)
            if isinstance(value, (ast.List, ast.Tuple)):
                m.operations = list(value.elts)
            else:
                message = "operations is not a literal list; not read"
                out.append(diag("warning", message, path, stmt.lineno, DYNAMIC, module.excerpt(stmt)))
    return m


def _concatenated(m: DjangoMigration, node: ast.expr) -> ast.expr:
    """``[...]``, a name bound to one, or ``a + b`` of those, as one list."""
    if isinstance(node, ast.Name):
        bound = m.names.get(node.id) or m.module.constants.get(node.id)
        return bound if bound is not None and bound is not node else node
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _concatenated(m, node.left), _concatenated(m, node.right)
        if isinstance(left, (ast.List, ast.Tuple)) and isinstance(right, (ast.List, ast.Tuple)):
            return ast.List([*left.elts, *right.elts], ast.Load())
    return node


def _resolve(
    dep: Key, present: dict[Key, DjangoMigration], by_app: dict[str, list[Key]], moved: dict[Key, Key]
) -> Key | None:
    app, name = dep
    if name in ("__first__", "__latest__"):
        names = sorted(by_app.get(app, []))
        return (names[0] if name == "__first__" else names[-1]) if names else None
    dep = moved.get(dep, dep)
    return dep if dep in present else None


def order(migrations: list[DjangoMigration], out: list[Diagnostic]) -> list[DjangoMigration]:
    """The migrations in apply order (see the module docstring)."""
    present = {m.key: m for m in migrations}
    moved: dict[Key, Key] = {}
    for m in migrations:
        if m.replaces and all(r in present for r in m.replaces):
            for r in m.replaces:
                moved[r] = m.key
    for r in moved:
        present.pop(r, None)
    by_app: dict[str, list[Key]] = {}
    for key in present:
        by_app.setdefault(key[0], []).append(key)
    needs: dict[Key, set[Key]] = {k: set() for k in present}
    for key, m in present.items():
        for dep in m.dependencies:
            got = _resolve(dep, present, by_app, moved)
            if got is not None and got != key:
                needs[key].add(got)
    done = _plan(needs)
    left = sorted(k for k in present if k not in set(done))
    if left:
        first = present[left[0]]
        names = ", ".join(f"{a}.{n}" for a, n in left[:5])
        message = f"{len(left)} migration(s) depend on each other in a cycle; applied by name: {names}"
        out.append(diag("warning", message, first.path, 0, "orm-order"))
    return [present[k] for k in [*done, *left]]


def _plan(needs: dict[Key, set[Key]]) -> list[Key]:
    """Django's ``migrate`` plan: for each leaf (no dependent in its own app), in order, its
    dependencies depth first (``MigrationGraph.iterative_dfs``), each migration once."""
    children: dict[Key, set[Key]] = {k: set() for k in needs}
    for key, parents in needs.items():
        for parent in parents:
            children[parent].add(key)
    leaves = sorted(k for k in needs if all(c[0] != k[0] for c in children[k]))
    plan: list[Key] = []
    done: set[Key] = set()
    for leaf in leaves:
        stack, entered = [(leaf, False)], set()
        while stack:
            key, processed = stack.pop()
            if key in done or (not processed and key in entered):
                continue
            if processed:
                done.add(key)
                plan.append(key)
                continue
            entered.add(key)
            stack.append((key, True))
            stack += [(p, False) for p in sorted(needs[key])]
    return plan


_Op = Callable[[DjangoState, DjangoMigration, dict[str, ast.expr], ast.Call], None]


def _name(
    state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], param: str, call: ast.Call
) -> str | None:
    value = mig.module.string(args.get(param))
    if value is None:
        message = f"{last(dotted(call.func))}: {param} is not a literal; operation not read"
        state.r.warn(message, call.lineno, excerpt=mig.module.excerpt(call))
    return value


def _field(state: DjangoState, mig: DjangoMigration, name: str, node: ast.expr | None) -> FieldSpec | None:
    spec = read_field(mig.module, name, node, mig.app) if node is not None else None
    if isinstance(spec, Dyn) or spec is None:
        line = getattr(node, "lineno", 0)
        shown = spec.text if isinstance(spec, Dyn) else "not a field"
        state.r.warn(
            f"field {name}: {shown}; not read", line, excerpt=mig.module.excerpt(node) if node else ""
        )
        return None
    return spec


def _create_model(
    state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call
) -> None:
    name = _name(state, mig, args, "name", call)
    if name is None:
        return
    fields: dict[str, FieldSpec] = {}
    node = args.get("fields")
    for elt in node.elts if isinstance(node, (ast.List, ast.Tuple)) else []:
        fname = mig.module.string(elt.elts[0]) if isinstance(elt, ast.Tuple) and len(elt.elts) == 2 else None
        spec = (
            _field(state, mig, fname, elt.elts[1])
            if fname is not None and isinstance(elt, ast.Tuple)
            else None
        )
        if spec is not None:
            fields[spec.name] = spec
        elif fname is None:
            state.r.warn(
                "CreateModel: a field entry is not a literal pair; not read",
                getattr(elt, "lineno", call.lineno),
            )
    options = mig.module.value(args.get("options"))
    opts = options if isinstance(options, dict) else {}
    bases = mig.module.value(args.get("bases"))
    parents = [b.lower() for b in bases if isinstance(b, str)] if isinstance(bases, list) else []
    table = opts.get("db_table")
    m = ModelState(
        app=mig.app,
        name=name,
        table=table if isinstance(table, str) else state.default_table(mig.app, name),
        explicit_table=isinstance(table, str),
        fields=fields,
        managed=opts.get("managed") is not False,
        proxy_of=state.key(mig.app, name, parents[0]) if opts.get("proxy") is True and parents else "",
    )
    state.create_model(m, call.lineno, mig.module.excerpt(call))


def _simple(method: str, params: tuple[str, ...]) -> _Op:
    def op(state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call) -> None:
        names = [_name(state, mig, args, p, call) for p in params]
        if None in names:
            return
        getattr(state, method)(mig.app, *names, call.lineno, mig.module.excerpt(call))

    return op


def _with_field(method: str) -> _Op:
    def op(state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call) -> None:
        model, name = _name(state, mig, args, "model_name", call), _name(state, mig, args, "name", call)
        spec = _field(state, mig, name, args.get("field")) if name is not None else None
        if model is not None and spec is not None:
            getattr(state, method)(mig.app, model, spec, call.lineno, mig.module.excerpt(call))

    return op


def _alter_table(state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call) -> None:
    name = _name(state, mig, args, "name", call)
    m = state.model(mig.app, name, call.lineno) if name is not None else None
    table = mig.module.value(args.get("table"))
    if m is None or not isinstance(table, (str, type(None))):
        return
    m.explicit_table = table is not None
    state.rename_table(m, table or state.default_table(m.app, m.name), call.lineno, mig.module.excerpt(call))


def _run_sql(state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call) -> None:
    node = args.get("sql")
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node] if node is not None else []
    for item in items:
        sql = item.elts[0] if isinstance(item, (ast.List, ast.Tuple)) and item.elts else item
        text = mig.module.string(sql)
        if text is None:
            state.r.warn(
                "RunSQL: the SQL is not a literal; not read",
                getattr(sql, "lineno", call.lineno),
                excerpt=mig.module.excerpt(call),
            )
        else:
            state.r.sql(text, getattr(sql, "lineno", call.lineno))
    state.ddl, ddl = False, state.ddl
    try:
        _nested(state, mig, args.get("state_operations"))
    finally:
        state.ddl = ddl


def _separate(state: DjangoState, mig: DjangoMigration, args: dict[str, ast.expr], call: ast.Call) -> None:
    """The database operations change the database only, the state operations the state only."""
    saved = {k: replace(m, fields=dict(m.fields)) for k, m in state.models.items()}
    _nested(state, mig, args.get("database_operations"))
    state.models = saved
    state.ddl = False
    try:
        _nested(state, mig, args.get("state_operations"))
    finally:
        state.ddl = True


def _nested(state: DjangoState, mig: DjangoMigration, node: ast.expr | None) -> None:
    if isinstance(node, ast.Name):
        node = mig.names.get(node.id) or mig.module.constants.get(node.id)
    for elt in node.elts if isinstance(node, (ast.List, ast.Tuple)) else []:
        apply_one(state, mig, elt)


_OPS: dict[str, tuple[tuple[str, ...], _Op]] = {
    "CreateModel": (("name", "fields", "options", "bases", "managers"), _create_model),
    "DeleteModel": (("name",), _simple("delete_model", ("name",))),
    "RenameModel": (("old_name", "new_name"), _simple("rename_model", ("old_name", "new_name"))),
    "AlterModelTable": (("name", "table"), _alter_table),
    "AddField": (("model_name", "name", "field", "preserve_default"), _with_field("add_field")),
    "AlterField": (("model_name", "name", "field", "preserve_default"), _with_field("alter_field")),
    "RemoveField": (("model_name", "name"), _simple("remove_field", ("model_name", "name"))),
    "RenameField": (
        ("model_name", "old_name", "new_name"),
        _simple("rename_field", ("model_name", "old_name", "new_name")),
    ),
    "RunSQL": (("sql", "reverse_sql", "state_operations", "hints", "elidable"), _run_sql),
    "SeparateDatabaseAndState": (("database_operations", "state_operations"), _separate),
}


def apply_one(state: DjangoState, mig: DjangoMigration, node: ast.expr) -> None:
    if not isinstance(node, ast.Call):
        state.r.warn("an operation is not a call; not read", getattr(node, "lineno", 0))
        return
    known = _OPS.get(last(dotted(node.func)))
    if known is not None:
        params, handler = known
        handler(state, mig, bind(node, params), node)


def apply(state: DjangoState, mig: DjangoMigration) -> None:
    """Apply one migration's operations (the replay must have begun its file)."""
    for node in mig.operations:
        apply_one(state, mig, node)
