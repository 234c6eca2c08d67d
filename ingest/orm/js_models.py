"""Models declared in code (Sequelize models, TypeORM entities) and their references, as DDL operations.

A reader turns each model into a :class:`ModelDef` -- its table, columns, primary key, and the
:class:`ModelRef` references it declares, whose target may be another model (by class or model
name) or a table. :class:`ModelIndex` holds the models of one project and resolves a reference
once every file is read: the target's table, its key when no column is named, attribute names
mapped to column names, and TypeORM's default join column (``<relation><TargetKey>``).
:func:`model_ops` gives the operations to replay: one ``CREATE TABLE`` per model whose table the
project's migrations did not create, then one ``ADD FOREIGN KEY`` per reference (so a model may
refer to one declared later); a reference on a table the migrations created but lack is reported
(``orm-drift``), since migrations carry the history.

>>> users = ModelDef(("User",), QName(None, "users"), "sequelize", "m/user.js", 3,
...                  [Column("id", "integer", False)], ("id",))
>>> ref = ModelRef(("user_id",), "User", line=9)
>>> posts = ModelDef(("Post",), QName(None, "posts"), "sequelize", "m/post.js", 5,
...                  [Column("user_id", "integer")], ("id",), [ref])
>>> steps, notes = model_ops(ModelIndex([users, posts]), {})
>>> [(path, type(op).__name__, op.line) for path, op in steps], notes
([('m/post.js', 'CreateTable', 5), ('m/user.js', 'CreateTable', 3), ('m/post.js', 'AddForeignKey', 9)], [])
>>> steps[2][1].fk.ref_table, steps[2][1].fk.ref_columns
(QName(schema=None, name='users'), ('id',))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.migrations.ops import AddForeignKey, ConstraintSpec, CreateTable, FKSpec, Op, QName
from ingest.orm.common_js import camelize, snake_case, typeorm_fk_name
from model.inventory import Column, Diagnostic

__all__ = ["ModelDef", "ModelIndex", "ModelRef", "model_ops"]


@dataclass
class ModelRef:
    """A reference declared by a model.

    ``columns`` are the local columns (empty: TypeORM's default join column, made from ``prop``
    and the target's key); ``target`` a model name, or a table name when ``is_table``;
    ``ref_columns`` the referenced columns (empty: the target's primary key), attribute names
    when ``ref_attrs``. With ``add`` the ORM adds the key's columns to the table when absent (the
    foreign key attribute of an association, a TypeORM join column), ``nullable`` or not. ``name``
    is the constraint name, when the ORM fixes one. ``by_table`` makes TypeORM's default column
    of a join table: ``<target table>_<key column>``.
    """

    columns: tuple[str, ...]
    target: str
    schema: str | None = None
    is_table: bool = False
    ref_columns: tuple[str, ...] = ()
    ref_attrs: bool = False
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    name: str | None = None
    line: int = 0
    prop: str = ""
    add: bool = False
    nullable: bool = True
    by_table: bool = False
    text: str = ""


@dataclass
class ModelDef:
    """A model: the names code calls it by, its table, where it is declared, columns and key.

    ``attrs`` maps attribute (property) names to column names; ``orm`` is ``sequelize`` or
    ``typeorm`` (it decides default names); ``underscored`` is Sequelize's option of that name,
    ``snake`` TypeORM's ``SnakeNamingStrategy``; ``extends`` the class a TypeORM entity extends
    (its columns are inherited).
    """

    names: tuple[str, ...]
    table: QName
    orm: str
    path: str
    line: int
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    refs: list[ModelRef] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    underscored: bool = False
    snake: bool = False
    extends: str = ""

    def column_of(self, attr: str) -> str:
        """The column of an attribute (the name itself when it is no known attribute)."""
        return self.attrs.get(attr, attr)

    def key_attrs(self) -> tuple[str, ...]:
        """The attribute names of the primary key columns."""
        by_column = {c: a for a, c in self.attrs.items()}
        return tuple(by_column.get(c, c) for c in self.primary_key)


class ModelIndex:
    """The models of one project, by every name they are called by (first declaration wins)."""

    def __init__(self, models: Iterable[ModelDef]) -> None:
        self.models = sorted(models, key=lambda m: (m.path, m.line))
        self.by_name: dict[str, ModelDef] = {}
        for m in self.models:
            for name in m.names:
                self.by_name.setdefault(name, m)

    def find(self, name: str) -> ModelDef | None:
        """The model called ``name``, else the model whose table is ``name``."""
        found = self.by_name.get(name)
        if found is None:
            found = next((m for m in self.models if m.table.name == name), None)
        return found


def _fk_name(owner: ModelDef, columns: tuple[str, ...], given: str | None) -> str | None:
    """TypeORM names every foreign key itself (``FK_`` + a hash); the others leave it to the database."""
    if given or owner.orm != "typeorm":
        return given
    return typeorm_fk_name(str(owner.table), columns)


def resolve(index: ModelIndex, owner: ModelDef, ref: ModelRef) -> tuple[FKSpec | None, str]:
    """The foreign key a reference declares, or ``(None, why)`` when its target is unknown."""
    target = None if ref.is_table else index.find(ref.target)
    if target is None and not ref.is_table:
        return None, f"model {ref.target!r} is not declared in this project"
    ref_table = target.table if target is not None else QName(ref.schema, ref.target)
    if ref.ref_columns:
        ref_columns = (
            tuple(target.column_of(a) for a in ref.ref_columns)
            if target and ref.ref_attrs
            else ref.ref_columns
        )
    else:
        ref_columns = target.primary_key if target is not None else ("id",)
    columns = ref.columns
    if not columns:  # TypeORM: <relation>_<referenced property> (<table>_<column> in a join table)
        if ref.by_table:
            names, prefix = ref_columns, ref_table.name
        else:
            names, prefix = (
                ref.ref_columns or (target.key_attrs() if target is not None else ("id",)),
                ref.prop,
            )
        style = snake_case if owner.snake else camelize
        columns = tuple(style(f"{prefix}_{n}") for n in names)
    if len(columns) != len(ref_columns):
        return None, f"{len(columns)} column(s) refer to {len(ref_columns)} key column(s) of {ref_table}"
    name = _fk_name(owner, columns, ref.name)
    spec = FKSpec(name, columns, ref_table, ref_columns, ref.on_delete, ref.on_update, line=ref.line)
    return spec, ""


def model_ops(
    index: ModelIndex, created: dict[str, set[tuple[tuple[str, ...], str]]]
) -> tuple[list[tuple[str, Op]], list[Diagnostic]]:
    """``(path, operation)`` steps creating the models' tables and keys, and the notes on references
    skipped. ``created`` maps the tables the project's migrations created (by ``name`` and
    ``schema.name``) to their keys: ``(columns, referenced table name)``."""
    steps: list[tuple[str, Op]] = []
    keys: list[tuple[str, Op]] = []
    notes: list[Diagnostic] = []
    for m in index.models:
        from_migrations = str(m.table) in created
        migrated = created.get(str(m.table), set())
        seen: set[tuple[tuple[str, ...], QName]] = set()
        columns = list(m.columns)
        for ref in m.refs:
            spec, why = resolve(index, m, ref)
            if spec is None:
                notes.append(
                    Diagnostic(
                        "warning",
                        f"{m.names[0]}: reference skipped: {why}",
                        m.path,
                        ref.line,
                        ref.text,
                        "orm-reference",
                    )
                )
                continue
            if (spec.columns, spec.ref_table) in seen:
                continue  # A.belongsTo(B) and B.hasMany(A) declare the same key
            seen.add((spec.columns, spec.ref_table))
            if from_migrations and (spec.columns, spec.ref_table.name) in migrated:
                continue
            if from_migrations:
                message = (
                    f"model {m.names[0]} declares {', '.join(spec.columns)} -> {spec.ref_table}; "
                    f"its table comes from the migrations, which are read instead"
                )
                notes.append(Diagnostic("info", message, m.path, ref.line, ref.text, "orm-drift"))
                continue
            have = {c.name for c in columns}
            columns += [Column(c, "", ref.nullable) for c in spec.columns if ref.add and c not in have]
            keys.append((m.path, AddForeignKey(m.table, spec, line=ref.line, text=ref.text)))
        if from_migrations:
            continue
        pk = (ConstraintSpec("p", None, m.primary_key),) if m.primary_key else ()
        steps.append((m.path, CreateTable(m.table, tuple(columns), pk, line=m.line, text=m.text)))
    return steps + keys, notes
