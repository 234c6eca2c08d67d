"""TypeScript and JavaScript: SQL literals and the model declarations of the common ORMs.

SQL: every string, template string (``${...}`` becomes a placeholder, so tagged templates such as
``sql`...``` count) and ``"..." + "..."`` chain that parses as SQL.

Declarations (each counts as a write of its table, and makes the name resolvable):

* TypeORM ``@Entity('x')`` / ``@Entity({name: 'x', schema: 's'})``, unnamed: the class name in
  snake case; sequelize-typescript ``@Table({tableName: 'x'})``; NestJS ``@Schema({collection})``;
* Sequelize ``sequelize.define('user', {...}, {tableName})`` (default: the plural of the model name,
  unless ``freezeTableName``) and ``User.init({...}, {sequelize, tableName, modelName})``;
* Mongoose ``mongoose.model('User', schema[, 'collection'])`` (default: the plural, lower-case).

Calls, resolved later against the declarations of the whole scan (see :mod:`.calls_js`):
``prisma.user.create(...)``, ``User.create/update/destroy/findAll(...)``, TypeORM repositories.

>>> facts = read_js(b'''
... @Entity({ name: "users", schema: "auth" })
... export class User {}
... const Post = sequelize.define("post", { title: DataTypes.STRING });
... await prisma.comment.create({ data });
... await Post.destroy({ where: { id } });
... const rows = await db.query(`SELECT * FROM audit_log WHERE at > ${since}`);
... ''', "src/models.ts", "typescript")
>>> [(d.name, d.table, d.how) for d in facts.decls]
[('User', 'auth.users', 'typeorm'), ('post', 'posts', 'sequelize'), ('Post', 'posts', 'sequelize')]
>>> [(r.name, r.access, r.namespace) for r in facts.refs]
[('comment', 'write', 'prisma'), ('Post', 'write', 'class')]
>>> [(f.table, f.access, f.line) for f in facts.found]
[('audit_log', 'read', 7)]
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.calls_js import patterns, read_calls
from ownership.code.facts import Decl, FileFacts
from ownership.code.names import pluralize, pluralize_last, qualified, snake_case
from ownership.code.sql import sql_tables
from ownership.code.treesit import child_text, error_diagnostic, literal_text, literals_from, parse, run

__all__ = ["object_pairs", "read_js", "string_value"]

_QUERY = """
(decorator) @dec
(call_expression function: (member_expression property: (property_identifier) @p)
  arguments: (arguments . (string) @name . (object)) (#eq? @p "define")) @define
(call_expression function: (member_expression object: (identifier) @cls property: (property_identifier) @p)
  arguments: (arguments (object) . (object) @opts .) (#eq? @p "init")) @init
(call_expression function: [(identifier) @p (member_expression property: (property_identifier) @p)]
  arguments: (arguments . (string) @name . (_)) (#eq? @p "model")) @mongoose
"""
_DECORATORS = {"Entity": "typeorm", "Table": "sequelize", "Schema": "mongoose"}
_CLASS_NODES = frozenset({"class_declaration", "class", "abstract_class_declaration"})


def string_value(node: Node | None) -> str:
    """The value of a string or substitution-free template string node, else ``""``."""
    if node is None or node.type not in ("string", "template_string"):
        return ""
    if any(c.type == "template_substitution" for c in node.children):
        return ""
    return literal_text(node)


def object_pairs(node: Node | None) -> dict[str, Node | None]:
    """The keys of an object literal with their value nodes (``None`` for ``{ sequelize }``)."""
    pairs: dict[str, Node | None] = {}
    for child in node.named_children if node is not None and node.type == "object" else ():
        if child.type == "pair":
            key = child.child_by_field_name("key")
            name = string_value(key) if key is not None and key.type == "string" else child_text(key)
            pairs[name] = child.child_by_field_name("value")
        elif child.type == "shorthand_property_identifier":
            pairs[child_text(child)] = None
    return pairs


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _decorated_class(dec: Node) -> Node | None:
    parent = dec.parent
    if parent is not None and parent.type == "export_statement":
        parent = parent.child_by_field_name("declaration")
    return parent if parent is not None and parent.type in _CLASS_NODES else None


def _decorator(dec: Node) -> Decl | None:
    """A TypeORM/sequelize-typescript/NestJS-mongoose class decorator as a declaration."""
    expr = dec.named_children[0] if dec.named_children else None
    call = expr if expr is not None and expr.type == "call_expression" else None
    name = child_text(call, "function") if call is not None else child_text(expr)
    how = _DECORATORS.get(name.rsplit(".", 1)[-1])
    cls = _decorated_class(dec)
    if how is None or cls is None or not (cls_name := child_text(cls, "name")):
        return None
    args = call.child_by_field_name("arguments") if call is not None else None
    first = args.named_children[0] if args is not None and args.named_children else None
    options = object_pairs(first)
    key = {"typeorm": "name", "sequelize": "tableName", "mongoose": "collection"}[how]
    table = string_value(first) or string_value(options.get(key))
    if not table:
        table = snake_case(cls_name) if how == "typeorm" else pluralize_last(snake_case(cls_name))
    return Decl(cls_name, qualified(string_value(options.get("schema")), table), how, _line(cls))


def _assigned_name(call: Node) -> str:
    """The variable a call's value is assigned to (``const User = ...``), else ``""``."""
    parent = call.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        return child_text(parent, "name")
    return ""


def _define(m: dict[str, Node]) -> list[Decl]:
    call = m["define"]
    args = call.child_by_field_name("arguments")
    rest = args.named_children[2:3] if args is not None else []
    options = object_pairs(rest[0] if rest else None)
    model = string_value(m["name"])
    frozen = child_text(options.get("freezeTableName")) == "true"
    table = string_value(options.get("tableName")) or (model if frozen else pluralize(model.lower()))
    table = qualified(string_value(options.get("schema")), table)
    names = [model] + ([var] if (var := _assigned_name(call)) and var != model else [])
    return [Decl(n, table, "sequelize", _line(call)) for n in names]


def _init(m: dict[str, Node]) -> list[Decl]:
    options = object_pairs(m["opts"])
    if not {"sequelize", "tableName", "modelName"} & options.keys():
        return []
    cls = child_text(m["cls"])
    model = string_value(options.get("modelName")) or cls
    frozen = child_text(options.get("freezeTableName")) == "true"
    table = string_value(options.get("tableName")) or (model if frozen else pluralize(model.lower()))
    table = qualified(string_value(options.get("schema")), table)
    return [Decl(n, table, "sequelize", _line(m["init"])) for n in dict.fromkeys((cls, model))]


def _mongoose(m: dict[str, Node]) -> list[Decl]:
    call = m["mongoose"]
    args = call.child_by_field_name("arguments")
    third = args.named_children[2] if args is not None and len(args.named_children) > 2 else None
    model = string_value(m["name"])
    if not model:
        return []
    collection = string_value(third) or pluralize(model.lower())
    names = [model] + ([var] if (var := _assigned_name(call)) and var != model else [])
    return [Decl(n, collection.lower(), "mongoose", _line(call)) for n in names]


def _declarations(found: list[dict[str, Node]]) -> list[Decl]:
    decls: list[Decl] = []
    for m in found:
        if "dec" in m:
            decl = _decorator(m["dec"])
            decls += [decl] if decl is not None else []
        elif "define" in m:
            decls += _define(m)
        elif "init" in m:
            decls += _init(m)
        elif "mongoose" in m:
            decls += _mongoose(m)
    return decls


def read_js(src: bytes, path: str, lang: str = "javascript") -> FileFacts:
    """Table evidence in one file; ``lang`` is ``javascript``, ``typescript`` or ``tsx``."""
    tree = parse(lang, src)
    facts = FileFacts()
    if (diag := error_diagnostic(tree.root_node, path)) is not None:
        facts.diagnostics.append(diag)
    contents, found = run(lang, f"{_QUERY}\n{patterns(lang)}", tree.root_node)
    for node, text in literals_from(contents):
        facts.sql(sql_tables(text), "sql", _line(node))
    facts.decls.extend(_declarations(found))
    read_calls(found, facts)
    return facts
