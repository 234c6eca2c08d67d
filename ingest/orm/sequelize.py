"""Sequelize models and associations -> :class:`~ingest.orm.js_models.ModelDef`.

Models: ``sequelize.define('name', {attributes}, {options})`` and ``Cls.init({attributes},
{sequelize, tableName, modelName, ...})``. The table is ``tableName``, else the model name
(``freezeTableName``) or its plural, snake-cased with ``underscored`` -- Sequelize's own rule; the
``define:`` options of ``new Sequelize(...)`` in the project are the defaults. An attribute is a
data type or ``{type, allowNull, primaryKey, field, references, onDelete, onUpdate}``; its column is
``field``, else the attribute (snake-cased with ``underscored``). Without a ``primaryKey`` attribute
Sequelize adds ``id``; ``createdAt``/``updatedAt`` (``deletedAt`` when ``paranoid``) unless
``timestamps: false``.

References: ``references: { model: 'user_accounts', key: 'user_id' }`` (a string ``model`` is a
table, a model object or ``{tableName, schema}`` is resolved; ``key`` defaults to ``id``), with the
attribute's ``onDelete``/``onUpdate``. Associations give a key once every model of the project is
known (:func:`associate`): ``A.belongsTo(B)`` puts ``foreignKey`` (default ``<B>Id``) on A's table
referring to ``targetKey`` (default B's key), ``ON DELETE SET NULL`` (``NO ACTION`` when the column
is not nullable) ``ON UPDATE CASCADE``; ``A.hasMany(B)``/``hasOne(B)`` put it on B's table
(``<A>Id`` -> A's ``sourceKey``; ``SET NULL``/``CASCADE``); ``A.belongsToMany(B, {through})`` gives
the join table two ``CASCADE`` keys. ``constraints: false`` declares no key. ``this`` in a class's
``static associate()`` is that class.

>>> from ingest.orm.common_js import parse_js
>>> f = parse_js(b'''
... class Allocation extends Model {}
... Allocation.init({
...   userId: { type: DataTypes.STRING(50), allowNull: false,
...             references: { model: 'user_accounts', key: 'user_id' }, onDelete: 'cascade' },
... }, { sequelize, tableName: 'credit_allocations', underscored: true });''', "m.js", "javascript")
>>> models, assocs = read_models(f, {})
>>> m = models[0]
>>> m.names, str(m.table), [c.name for c in m.columns], m.primary_key
(('Allocation',), 'credit_allocations', ['id', 'user_id', 'created_at', 'updated_at'], ('id',))
>>> [(r.columns, r.target, r.ref_columns, r.on_delete, r.line) for r in m.refs]
[(('user_id',), 'user_accounts', ('user_id',), 'CASCADE', 5)]
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ingest.migrations.ops import QName
from ingest.orm.common_js import JsFile, action, calls, camelize, line, matches, pluralize, snake_case, text
from ingest.orm.js_models import ModelDef, ModelIndex, ModelRef
from model.inventory import Column

__all__ = ["Assoc", "associate", "column_type", "define_defaults", "read_models", "reference"]

_ASSOCIATIONS = frozenset({"belongsTo", "hasMany", "hasOne", "belongsToMany"})
_TYPE_PREFIXES = ("Sequelize.DataTypes.", "DataTypes.", "Sequelize.", "DataType.", "types.")


@dataclass
class Assoc:
    """``source.<kind>(target, options)`` as written: model names, the options' nodes, where."""

    kind: str
    source: str
    target: str
    options: dict[str, Node]
    f: JsFile
    line: int
    text: str


def column_type(f: JsFile, node: Node | None) -> str:
    """A Sequelize data type as written, lower-case: ``DataTypes.STRING(50)`` -> ``string(50)``."""
    node = f.resolve(node)
    value = " ".join(text(node).split())
    for prefix in _TYPE_PREFIXES:
        value = value.replace(prefix, "")
    return value.lower()[:60]


def _model_name(f: JsFile, node: Node | None) -> str:
    """The model an expression names: ``User``, ``models.User``, ``this`` (the enclosing class)."""
    if node is None:
        return ""
    if node.type == "this":
        parent = node.parent
        while parent is not None and parent.type not in (
            "class_declaration",
            "class",
            "abstract_class_declaration",
        ):
            parent = parent.parent
        return text(parent.child_by_field_name("name")) if parent is not None else ""
    if node.type == "member_expression":
        return text(node.child_by_field_name("property"))
    if node.type == "string":
        return f.string(node) or ""
    return text(node) if node.type == "identifier" else ""


def define_defaults(f: JsFile) -> dict[str, Node]:
    """The ``define:`` options of ``new Sequelize(..., { define: {...} })`` in a file."""
    found: dict[str, Node] = {}
    query = "(new_expression constructor: (_) @c arguments: (arguments) @args)"
    for m in matches(f.lang, query, f.root):
        if text(m["c"]).rsplit(".", 1)[-1] == "Sequelize":
            for arg in m["args"].named_children:
                found.update(f.obj(f.obj(arg).get("define")))
    return found


def reference(f: JsFile, spec: dict[str, Node], columns: tuple[str, ...], at: Node) -> ModelRef | None:
    """The reference of ``references: {model, key}`` (or a table name) next to ``onDelete``/``onUpdate``."""
    refs = spec.get("references")
    if refs is None:
        return None
    target = f.obj(refs)
    model = f.resolve(target.get("model") or target.get("table")) if target else f.resolve(refs)
    schema = None
    if model is not None and model.type == "object":
        parts = f.obj(model)
        name, schema, is_table = f.key_text(parts, "tableName") or "", f.key_text(parts, "schema"), True
    elif model is not None and (f.string(model) is not None):
        name, is_table = f.string(model) or "", True
    else:
        name, is_table = _model_name(f, model), False
    if not name:
        return None
    key = f.strings(target.get("key") or target.get("field") or target.get("fields")) or f.strings(
        spec.get("referencesKey")
    )
    return ModelRef(
        columns,
        name,
        schema,
        is_table,
        key or (() if not is_table else ("id",)),
        ref_attrs=not is_table,
        on_delete=action(f.string(spec.get("onDelete"))) or "NO ACTION",
        on_update=action(f.string(spec.get("onUpdate"))) or "NO ACTION",
        line=line(refs),
        text=" ".join(text(at)[:480].split())[:120],
    )


def _column(f: JsFile, attr: str, value: Node, underscored: bool) -> tuple[Column, dict[str, Node]]:
    spec = f.obj(value)
    field_name = f.key_text(spec, "field") or (snake_case(attr) if underscored else attr)
    nullable = f.boolean(spec.get("allowNull")) is not False and f.boolean(spec.get("primaryKey")) is not True
    return Column(field_name, column_type(f, spec.get("type") if spec else value), nullable), spec


def _timestamps(f: JsFile, opts: dict[str, Node], underscored: bool) -> list[Column]:
    if f.boolean(opts.get("timestamps")) is False:
        return []
    wanted = ["createdAt", "updatedAt"] + (["deletedAt"] if f.boolean(opts.get("paranoid")) else [])
    out = []
    for attr in wanted:
        if f.boolean(opts.get(attr)) is False:
            continue
        name = f.key_text(opts, attr) or (snake_case(attr) if underscored else attr)
        out.append(Column(name, "date", attr == "deletedAt"))
    return out


def _model(f: JsFile, names: list[str], attrs_node: Node, opts: dict[str, Node], at: Node) -> ModelDef:
    underscored = f.boolean(opts.get("underscored")) is True
    model = names[0]
    table = f.key_text(opts, "tableName")
    if not table:
        table = model if f.boolean(opts.get("freezeTableName")) else pluralize(model)
        table = snake_case(table) if underscored else table
    m = ModelDef(
        tuple(dict.fromkeys(n for n in names if n)),
        QName(f.key_text(opts, "schema"), table),
        "sequelize",
        f.rel,
        line(at),
        text=text(at)[:200],
    )
    for attr, value in f.obj(attrs_node).items():
        column, spec = _column(f, attr, value, underscored)
        m.columns.append(column)
        m.attrs[attr] = column.name
        if f.boolean(spec.get("primaryKey")):
            m.primary_key += (column.name,)
        ref = reference(f, spec, (column.name,), value)
        if ref is not None:
            m.refs.append(ref)
    if not m.primary_key and "id" not in m.attrs:
        m.columns.insert(0, Column("id", "integer", False))
        m.attrs["id"] = "id"
        m.primary_key = ("id",)
    have = {c.name for c in m.columns}
    m.columns += [c for c in _timestamps(f, opts, underscored) if c.name not in have]
    m.underscored = underscored
    return m


def _is_object(f: JsFile, node: Node) -> bool:
    return (f.resolve(node) or node).type == "object"


def _assigned(call: Node) -> str:
    parent = call.parent
    while parent is not None and parent.type in (
        "await_expression",
        "parenthesized_expression",
        "as_expression",
    ):
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    return ""


def read_models(f: JsFile, defaults: dict[str, Node]) -> tuple[list[ModelDef], list[Assoc]]:
    """The models a file declares and the associations it states (resolved later by :func:`associate`)."""
    models: list[ModelDef] = []
    assocs: list[Assoc] = []
    for c in calls(f, f.root, {"define", "init", *_ASSOCIATIONS}):
        if c.method == "define" and len(c.args) >= 2 and f.string(c.args[0]) and _is_object(f, c.args[1]):
            opts = {**defaults, **f.obj(c.args[2] if len(c.args) > 2 else None)}
            name = f.string(c.args[0]) or ""
            models.append(_model(f, [name, _assigned(c.node)], c.args[1], opts, c.node))
        elif c.method == "init" and len(c.args) >= 2:
            opts = f.obj(c.args[1])
            if {"sequelize", "tableName", "modelName"} & opts.keys():
                cls = _model_name(f, c.receiver)
                model = f.key_text(opts, "modelName") or cls
                models.append(_model(f, [model, cls], c.args[0], {**defaults, **opts}, c.node))
        elif c.method in _ASSOCIATIONS and c.args:
            source, target = _model_name(f, c.receiver), _model_name(f, c.args[0])
            if source and target:
                opts = f.obj(c.args[1] if len(c.args) > 1 else None)
                assocs.append(Assoc(c.method, source, target, opts, f, c.line, text(c.node)[:200]))
    return models, assocs


def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 1:
        return name[:-1]
    return name


def _foreign_key(
    a: Assoc, holder: ModelDef, named_after: ModelDef, alias: str
) -> tuple[str, str, bool | None]:
    """``(attribute, column, allowNull)`` of an association's foreign key."""
    f = a.f
    fk = a.options.get("foreignKey")
    spec = f.obj(fk)
    attr = f.string(fk) or f.key_text(spec, "name") or ""
    if not attr:
        key = named_after.key_attrs()[:1] or ("id",)
        attr = camelize(f"{alias or _singular(named_after.names[0])}_{key[0]}")
    underscored = holder.underscored
    column = (
        holder.attrs.get(attr) or f.key_text(spec, "field") or (snake_case(attr) if underscored else attr)
    )
    declared = next((c for c in holder.columns if c.name == column), None)
    allow = f.boolean(spec.get("allowNull"))
    return attr, column, declared.nullable if declared is not None and allow is None else allow


def _one(index: ModelIndex, a: Assoc) -> None:
    source, target = index.find(a.source), index.find(a.target)
    if source is None or target is None or a.f.boolean(a.options.get("constraints")) is False:
        return
    f = a.f
    alias = f.key_text(a.options, "as") or ""
    if a.kind == "belongsTo":
        holder, referenced, key_opt, defaults = source, target, "targetKey", ("SET NULL", "NO ACTION")
    else:
        holder, referenced, key_opt, defaults = target, source, "sourceKey", ("SET NULL", "CASCADE")
        alias = ""
    _, column, allow = _foreign_key(a, holder, referenced, alias if a.kind == "belongsTo" else "")
    nullable = allow is not False
    key = f.string(a.options.get(key_opt))
    ref = ModelRef(
        (column,),
        referenced.names[0],
        ref_columns=(key,) if key else (),
        ref_attrs=True,
        on_delete=action(f.string(a.options.get("onDelete"))) or (defaults[0] if nullable else defaults[1]),
        on_update=action(f.string(a.options.get("onUpdate"))) or "CASCADE",
        line=a.line,
        add=True,
        nullable=nullable,
        text=a.text,
    )
    holder.refs.append(ref)


def _through(index: ModelIndex, a: Assoc, extra: dict[str, ModelDef]) -> None:
    f = a.f
    source, target = index.find(a.source), index.find(a.target)
    through = f.obj(a.options.get("through")).get("model") or a.options.get("through")
    name = f.string(through) or _model_name(f, through)
    if source is None or target is None or not name:
        return
    join = index.find(name) or extra.get(name)
    if join is None:
        join = extra[name] = ModelDef((name,), QName(None, name), "sequelize", f.rel, a.line, text=a.text)
    for side, opt in ((source, "foreignKey"), (target, "otherKey")):
        given = f.obj(a.options.get(opt))
        attr = f.string(a.options.get(opt)) or f.key_text(given, "name")
        attr = attr or camelize(f"{_singular(side.names[0])}_{(side.key_attrs() or ('id',))[0]}")
        column = join.attrs.get(attr, attr)
        if any(r.columns == (column,) for r in join.refs):
            continue
        join.refs.append(
            ModelRef(
                (column,),
                side.names[0],
                ref_attrs=True,
                on_delete="CASCADE",
                on_update="CASCADE",
                line=a.line,
                add=True,
                nullable=False,
                text=a.text,
            )
        )


def associate(models: list[ModelDef], assocs: list[Assoc]) -> list[ModelDef]:
    """Add the keys of ``assocs`` to the models (every model of the project) and return the join tables
    ``belongsToMany`` creates that no model declares."""
    index = ModelIndex(models)
    extra: dict[str, ModelDef] = {}
    for a in assocs:
        if a.kind == "belongsToMany":
            _through(index, a, extra)
        else:
            _one(index, a)
    return list(extra.values())
