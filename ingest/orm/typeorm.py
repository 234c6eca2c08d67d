"""TypeORM entities -> :class:`~ingest.orm.js_models.ModelDef`.

An entity is a class decorated ``@Entity('name')``, ``@Entity({ name, schema })`` or ``@Entity()``
(the class name in snake case, TypeORM's default naming). Its properties give columns:
``@PrimaryGeneratedColumn()`` (``'uuid'``: a uuid), ``@PrimaryColumn()``, ``@Column()``,
``@CreateDateColumn()``/``@UpdateDateColumn()``/``@DeleteDateColumn()``/``@VersionColumn()``, named by
their ``name`` option, else the property. Columns of a base class the entity ``extends`` are
inherited.

Keys: ``@ManyToOne(() => User, ..., { onDelete, onUpdate, nullable })`` and an owning
``@OneToOne`` (one with ``@JoinColumn``) give a foreign key named as TypeORM names it
(:func:`~ingest.orm.common_js.typeorm_fk_name`, or ``foreignKeyConstraintName``), on
``@JoinColumn({ name, referencedColumnName })`` (an array for composite keys); without a name the
column is ``<property><TargetKey>`` (``user`` -> ``userId``). ``@ManyToMany`` with ``@JoinTable``
gives the join table (``name``, else ``<table>_<property>_<target table>``) with two ``CASCADE``
keys. ``createForeignKeyConstraints: false`` declares none. With ``SnakeNamingStrategy`` in the
project (:func:`read_entities` ``snake``), default names are snake case (``user_id``).

>>> from ingest.orm.common_js import parse_js
>>> f = parse_js(b'''
... @Entity()
... export class UserAccount { @PrimaryColumn({ name: "user_id" }) userId: string; }
... @Entity({ name: "credit_allocations" })
... export class CreditAllocation {
...   @PrimaryGeneratedColumn() id: number;
...   @ManyToOne(() => UserAccount, { onDelete: "CASCADE" })
...   @JoinColumn({ name: "user_id", referencedColumnName: "userId" })
...   user: UserAccount;
... }''', "src/entities.ts", "typescript")
>>> models, junctions = read_entities(f)
>>> [(m.names, str(m.table), m.primary_key) for m in models]
[(('UserAccount',), 'user_account', ('user_id',)), (('CreditAllocation',), 'credit_allocations', ('id',))]
>>> [(r.columns, r.target, r.ref_columns, r.on_delete, r.line) for r in models[1].refs]
[(('user_id',), 'UserAccount', ('userId',), 'CASCADE', 7)]
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ingest.migrations.ops import QName
from ingest.orm.common_js import JsFile, action, line, matches, snake_case, text
from ingest.orm.js_models import ModelDef, ModelIndex, ModelRef
from model.inventory import Column

__all__ = ["Junction", "inherit", "join_tables", "read_entities"]

_CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
_FIELDS = frozenset({"public_field_definition", "field_definition"})
_COLUMNS = frozenset({"Column", "PrimaryColumn", "PrimaryGeneratedColumn", "CreateDateColumn"})
_COLUMNS |= {"UpdateDateColumn", "DeleteDateColumn", "VersionColumn", "ViewColumn"}


@dataclass
class Junction:
    """A ``@ManyToMany`` with ``@JoinTable``: its owner, target and options."""

    owner: ModelDef
    target: str
    prop: str
    options: dict[str, Node]
    relation: dict[str, Node]
    f: JsFile
    line: int
    text: str


def _decorators(node: Node) -> dict[str, tuple[list[Node], Node]]:
    """The decorators directly on a class or property: name -> (arguments, decorator node)."""
    found: dict[str, tuple[list[Node], Node]] = {}
    siblings = list(node.children)
    if node.parent is not None and node.parent.type == "export_statement":
        siblings = list(node.parent.children) + siblings
    for dec in siblings:
        if dec.type != "decorator" or not dec.named_children:
            continue
        expr = dec.named_children[0]
        fn = expr.child_by_field_name("function") if expr.type == "call_expression" else expr
        args = expr.child_by_field_name("arguments") if expr.type == "call_expression" else None
        name = text(fn).rsplit(".", 1)[-1]
        found[name] = (
            [a for a in args.named_children if a.type != "comment"] if args is not None else [],
            dec,
        )
    return found


def _options(f: JsFile, args: list[Node]) -> dict[str, Node]:
    """The last object argument of a decorator (its options)."""
    for arg in reversed(args):
        if (resolved := f.resolve(arg)) is not None and resolved.type == "object":
            return f.obj(resolved)
    return {}


def _target(f: JsFile, node: Node | None) -> str:
    """The entity of ``() => User``, ``type => User`` or ``'User'``."""
    node = f.resolve(node)
    if node is not None and node.type == "arrow_function":
        node = node.child_by_field_name("body")
    if node is not None and node.type == "string":
        return f.string(node) or ""
    return text(node) if node is not None and node.type in ("identifier", "member_expression") else ""


def _column(f: JsFile, m: ModelDef, prop: str, kind: str, args: list[Node], annotation: str) -> None:
    opts = _options(f, args)
    name = f.key_text(opts, "name") or (snake_case(prop) if m.snake else prop)
    first = f.string(args[0]) if args else None
    if kind == "PrimaryGeneratedColumn":
        kind_type = "uuid" if first == "uuid" else "integer"
    else:
        kind_type = f.key_text(opts, "type") or first or annotation
    primary = kind.startswith("Primary") or f.boolean(opts.get("primary")) is True
    nullable = f.boolean(opts.get("nullable")) is True or kind == "DeleteDateColumn"
    m.columns.append(Column(name, kind_type.lower(), nullable and not primary))
    m.attrs[prop] = name
    if primary:
        m.primary_key += (name,)


def _relation(f: JsFile, m: ModelDef, prop: str, decs: dict[str, tuple[list[Node], Node]]) -> None:
    kind = "ManyToOne" if "ManyToOne" in decs else "OneToOne"
    args, dec = decs[kind]
    opts = _options(f, args)
    if (kind == "OneToOne" and "JoinColumn" not in decs) or f.boolean(
        opts.get("createForeignKeyConstraints")
    ) is False:
        return
    target = _target(f, args[0] if args else None)
    joins = decs.get("JoinColumn", ([], dec))[0]
    specs = f.array(joins[0]) if joins and f.array(joins[0]) else [joins[0]] if joins else []
    parts = [f.obj(s) for s in specs]
    columns = tuple(n for n in (f.key_text(p, "name") for p in parts) if n)
    refs = tuple(n for n in (f.key_text(p, "referencedColumnName") for p in parts) if n)
    name = next((n for n in (f.key_text(p, "foreignKeyConstraintName") for p in parts) if n), None)
    if not target or (columns and refs and len(columns) != len(refs)):
        return
    m.refs.append(
        ModelRef(
            columns if len(columns) == len(parts) else (),
            target,
            ref_columns=refs if len(refs) == len(parts) else (),
            ref_attrs=True,
            on_delete=action(f.key_text(opts, "onDelete")) or "NO ACTION",
            on_update=action(f.key_text(opts, "onUpdate")) or "NO ACTION",
            name=name,
            line=line(dec),
            prop=prop,
            add=True,
            nullable=f.boolean(opts.get("nullable")) is not False,
            text=" ".join(text(dec).split())[:200],
        )
    )


def _members(f: JsFile, m: ModelDef, body: Node | None, junctions: list[Junction]) -> None:
    for member in body.named_children if body is not None else []:
        if member.type not in _FIELDS:
            continue
        prop = text(member.child_by_field_name("name") or member.child_by_field_name("property"))
        decs = _decorators(member)
        annotation = text(member.child_by_field_name("type")).lstrip(": ").strip()
        kind = next((k for k in decs if k in _COLUMNS), None)
        if kind is not None:
            _column(f, m, prop, kind, decs[kind][0], annotation)
        elif "ManyToOne" in decs or "OneToOne" in decs:
            _relation(f, m, prop, decs)
        elif "ManyToMany" in decs and "JoinTable" in decs:
            args, dec = decs["ManyToMany"]
            join_args = decs["JoinTable"][0]
            junctions.append(
                Junction(
                    m,
                    _target(f, args[0] if args else None),
                    prop,
                    _options(f, args),
                    f.obj(join_args[0] if join_args else None),
                    f,
                    line(dec),
                    text(dec)[:200],
                )
            )


def read_entities(f: JsFile, snake: bool = False) -> tuple[list[ModelDef], list[Junction]]:
    """The entities of a file (and classes with columns an entity may extend: ``orm`` ``typeorm-base``),
    and the ``@ManyToMany`` join tables to make once every entity is known (:func:`join_tables`)."""
    models: list[ModelDef] = []
    junctions: list[Junction] = []
    kinds = "(class_declaration) (class)" + (
        "" if f.lang == "javascript" else " (abstract_class_declaration)"
    )
    for found in matches(f.lang, f"[{kinds}] @c", f.root):
        cls = found["c"]
        name = text(cls.child_by_field_name("name"))
        decs = _decorators(cls)
        heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
        parent = (
            next(
                (
                    text(c.named_children[0])
                    for c in heritage.named_children
                    if c.type == "extends_clause" and c.named_children
                ),
                "",
            )
            if heritage is not None
            else ""
        )
        entity = decs.get("Entity")
        args = entity[0] if entity else []
        opts = _options(f, args)
        table = (f.string(args[0]) if args else None) or f.key_text(opts, "name") or snake_case(name)
        m = ModelDef(
            (name,),
            QName(f.key_text(opts, "schema"), table),
            "typeorm" if entity else "typeorm-base",
            f.rel,
            line(cls),
            text=text(cls).split("{", 1)[0][:200],
            snake=snake,
            extends=parent.split("<", 1)[0],
        )
        _members(f, m, cls.child_by_field_name("body"), junctions)
        if entity or m.columns:
            models.append(m)
    return models, junctions


def inherit(models: list[ModelDef]) -> list[ModelDef]:
    """The entities, with the columns, key and references of the classes they extend; bases dropped."""
    by_name = {m.names[0]: m for m in models}
    out = []
    for m in models:
        if m.orm != "typeorm":
            continue
        seen, base = {m.names[0]}, by_name.get(m.extends)
        while base is not None and base.names[0] not in seen:
            seen.add(base.names[0])
            have = {c.name for c in m.columns}
            m.columns = [c for c in base.columns if c.name not in have] + m.columns
            m.primary_key = m.primary_key or base.primary_key
            m.attrs = {**base.attrs, **m.attrs}
            m.refs = base.refs + m.refs
            base = by_name.get(base.extends)
        out.append(m)
    return out


def join_tables(index: ModelIndex, junctions: list[Junction]) -> list[ModelDef]:
    """The join tables of ``@ManyToMany`` + ``@JoinTable``: two ``CASCADE`` keys each."""
    tables: list[ModelDef] = []
    for j in junctions:
        f, target = j.f, index.find(j.target)
        if target is None:
            continue
        name = f.key_text(j.relation, "name") or snake_case(
            f"{j.owner.table.name}_{j.prop}_{target.table.name}"
        )
        join = ModelDef(
            (f"{j.owner.names[0]}.{j.prop}",),
            QName(f.key_text(j.relation, "schema") or j.owner.table.schema, name),
            "typeorm",
            f.rel,
            j.line,
            text=j.text,
            snake=j.owner.snake,
        )
        for side, key in ((j.owner, "joinColumn"), (target, "inverseJoinColumn")):
            spec = f.obj(j.relation.get(key))
            column, ref = f.key_text(spec, "name"), f.key_text(spec, "referencedColumnName")
            on_delete = action(f.key_text(j.options, "onDelete")) if side is j.owner else None
            join.refs.append(
                ModelRef(
                    (column,) if column else (),
                    side.names[0],
                    ref_columns=(ref,) if ref else (),
                    ref_attrs=True,
                    on_delete=on_delete or "CASCADE",
                    on_update="CASCADE",
                    line=j.line,
                    add=True,
                    nullable=False,
                    by_table=True,
                    text=j.text,
                )
            )
        join.primary_key = ()
        tables.append(join)
    return tables
