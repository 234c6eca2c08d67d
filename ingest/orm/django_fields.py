"""Django model fields as read from code, and the names Django gives tables and constraints.

:func:`read_field` reads one ``name = models.XField(...)`` (or a migration's
``("name", models.XField(...))``) into a :class:`FieldSpec`: its column (``db_column``, else
the name, ``<name>_id`` for a relation), SQL type, nullability, primary key and, for
``ForeignKey``/``OneToOneField``/``ManyToManyField`` (and subclasses named so, such as
``ParentalKey``/``TreeForeignKey``), the target (``"app.Model"``, ``"Model"``, ``"self"``,
a class, ``settings.AUTH_USER_MODEL``/``get_user_model()``), ``to_field``, ``on_delete``,
``db_constraint``, ``through`` and ``db_table``.

``on_delete`` is recorded as the behaviour the model declares (``CASCADE`` -> ``CASCADE``,
``PROTECT``/``RESTRICT`` -> ``RESTRICT``, ``SET_NULL`` -> ``SET NULL``, ``SET_DEFAULT`` and
``SET(...)`` -> ``SET DEFAULT`` (``SET(None)`` -> ``SET NULL``), ``DO_NOTHING`` -> ``NO
ACTION``; Django 6's ``DB_*`` variants alike). Django carries out all but ``DO_NOTHING`` and the
``DB_*`` variants in Python and creates the constraint without ``ON DELETE`` (``NO ACTION``; on
PostgreSQL ``DEFERRABLE INITIALLY DEFERRED``), so those keys are marked
``on_delete_enforced_by="application"``; the ``DB_*`` variants are the database's.

>>> def field(src):
...     module = PyModule(src, "models.py")
...     spec = read_field(module, "author", module.tree.body[0].value, "blog")
...     return spec.on_delete, spec.on_delete_enforced_by
>>> field("models.ForeignKey('auth.User', on_delete=models.CASCADE)")
('CASCADE', 'application')
>>> field("models.ForeignKey('auth.User', on_delete=models.DB_CASCADE)")
('CASCADE', 'database')
>>> field("models.ForeignKey('auth.User', on_delete=models.DO_NOTHING)")
('NO ACTION', 'database')

Names are Django's own: the default table ``<app_label>_<model name lower>`` and an
automatic many-to-many table ``<table>_<field>`` cut by ``truncate_name``; a foreign key
``<table>_<column>_<md5 digest>_fk_<to table>_<to column>`` (``_create_index_name``).

>>> fk_name("blog_post", "author_id", "auth_user", "id")
'blog_post_author_id_dd7a8485_fk_auth_user_id'
>>> truncate_name("a" * 70, 63)[-4:], len(truncate_name("a" * 70, 63))
('0f5c', 63)
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, replace
from typing import Literal

from ingest.orm.py_ast import Dyn, PyModule, bind, dotted, kwarg, last

__all__ = ["USER_MODEL", "FieldSpec", "fk_name", "index_name", "read_field", "relation_of", "truncate_name"]

#: The target of ``settings.AUTH_USER_MODEL`` until the project's setting resolves it.
USER_MODEL = "__user__"
_ON_DELETE = {
    "CASCADE": "CASCADE",
    "PROTECT": "RESTRICT",
    "RESTRICT": "RESTRICT",
    "SET_NULL": "SET NULL",
    "SET_DEFAULT": "SET DEFAULT",
    "DO_NOTHING": "NO ACTION",
    "DB_CASCADE": "CASCADE",
    "DB_SET_NULL": "SET NULL",
    "DB_SET_DEFAULT": "SET DEFAULT",
    "DB_RESTRICT": "RESTRICT",
    "DB_DO_NOTHING": "NO ACTION",
}
_TYPES = {
    "AutoField": "integer",
    "BigAutoField": "bigint",
    "SmallAutoField": "smallint",
    "IntegerField": "integer",
    "BigIntegerField": "bigint",
    "SmallIntegerField": "smallint",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "bigint",
    "PositiveSmallIntegerField": "smallint",
    "BooleanField": "boolean",
    "NullBooleanField": "boolean",
    "TextField": "text",
    "DateField": "date",
    "DateTimeField": "timestamp with time zone",
    "TimeField": "time",
    "DurationField": "interval",
    "FloatField": "double precision",
    "UUIDField": "uuid",
    "JSONField": "jsonb",
    "BinaryField": "bytea",
    "GenericIPAddressField": "inet",
    "IPAddressField": "inet",
}
_VARCHAR = {
    "CharField": 0,
    "EmailField": 254,
    "URLField": 200,
    "SlugField": 50,
    "FileField": 100,
    "ImageField": 100,
}
#: Django's ``Field.non_db_attrs`` (and the relation target, compared resolved).
_NON_DB = frozenset(
    {"blank", "choices", "db_column", "editable", "error_messages", "help_text", "limit_choices_to"}
    | {"on_delete", "related_name", "related_query_name", "validators", "verbose_name", "to"}
)
_NOT_COLUMNS = frozenset({"GenericForeignKey", "GenericRelation", "ForeignObject", "CompositePrimaryKey"})


@dataclass(frozen=True)
class FieldSpec:
    """One model field as declared; ``target`` is raw (``app.Model``, ``Model``, ``self``, the user model)."""

    name: str
    kind: str
    relation: str = ""
    target: str = ""
    column: str = ""
    to_field: str = ""
    on_delete: str = "NO ACTION"
    #: "application" when Django carries ``on_delete`` out in Python (the constraint is NO ACTION)
    on_delete_enforced_by: Literal["database", "application"] = "database"
    null: bool = False
    primary_key: bool = False
    db_constraint: bool = True
    through: str = ""
    db_table: str = ""
    type: str = ""
    line: int = 0
    text: str = ""
    #: the arguments that reach the database, as written (Django compares them to decide an alteration)
    db_attrs: str = ""

    @property
    def db_column(self) -> str:
        """The column: ``db_column``, else the name (``<name>_id`` for a key)."""
        if self.column:
            return self.column
        return f"{self.name}_id" if self.relation in ("fk", "o2o") else self.name


def relation_of(kind: str) -> str:
    """``fk``, ``o2o``, ``m2m`` or ``''`` for a field class name.

    >>> [relation_of(k) for k in ("ForeignKey", "ParentalKey", "TreeOneToOneField", "ManyToManyField")]
    ['fk', 'fk', 'o2o', 'm2m']
    """
    if kind.endswith("ForeignKey") or kind == "ParentalKey":
        return "fk"
    if kind.endswith("OneToOneField"):
        return "o2o"
    return "m2m" if kind.endswith("ManyToManyField") else ""


def _is_field(kind: str) -> bool:
    return bool(relation_of(kind)) or (kind.endswith("Field") and kind not in _NOT_COLUMNS)


def names_digest(*args: str, length: int) -> str:
    h = hashlib.md5(usedforsecurity=False)
    for arg in args:
        h.update(arg.encode())
    return h.hexdigest()[:length]


def truncate_name(name: str, length: int, hash_len: int = 4) -> str:
    """Django's ``truncate_name``: a name over ``length`` is cut and ends with a digest."""
    if len(name) <= length:
        return name
    return name[: length - hash_len] + names_digest(name, length=hash_len)


def index_name(table: str, columns: list[str], suffix: str, max_length: int = 63) -> str:
    """Django's ``BaseDatabaseSchemaEditor._create_index_name``."""
    hash_suffix = f"{names_digest(table, *columns, length=8)}{suffix}"
    name = f"{table}_{'_'.join(columns)}_{hash_suffix}"
    if len(name) <= max_length:
        return name
    if len(hash_suffix) > max_length / 3:
        hash_suffix = hash_suffix[: max_length // 3]
    other = (max_length - len(hash_suffix)) // 2 - 1
    name = f"{table[:other]}_{'_'.join(columns)[:other]}_{hash_suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = f"D{name[:-1]}"
    return name


def fk_name(table: str, column: str, to_table: str, to_column: str, max_length: int = 63) -> str:
    """The name Django gives the foreign key constraint of ``table.column``."""
    return index_name(table, [column], f"_fk_{to_table}_{to_column}", max_length)


def _on_delete(module: PyModule, node: ast.expr | None) -> str:
    if isinstance(node, ast.Call) and last(dotted(node.func)) == "SET":
        arg = node.args[0] if node.args else None
        return "SET NULL" if isinstance(arg, ast.Constant) and arg.value is None else "SET DEFAULT"
    return _ON_DELETE.get(last(dotted(node)), "NO ACTION") if node is not None else "NO ACTION"


def _enforced_by(node: ast.expr | None) -> Literal["database", "application"]:
    """Who carries out ``on_delete``: the database for ``DO_NOTHING`` (nothing to do) and the
    ``DB_*`` variants (in the constraint), else Django, in Python."""
    if node is None:
        return "database"
    name = last(dotted(node.func if isinstance(node, ast.Call) else node))
    return "database" if name == "DO_NOTHING" or name.startswith("DB_") else "application"


def _target(module: PyModule, node: ast.expr | None, app: str) -> str | Dyn:
    """The raw target of a relation: a string as written, a class as ``app.Class``."""
    if node is None:
        return Dyn("no target")
    if isinstance(node, ast.Call) and last(dotted(node.func)) == "get_user_model":
        return USER_MODEL
    name = dotted(node)
    if name.endswith("AUTH_USER_MODEL"):
        return USER_MODEL
    if name and "." not in name and name in module.constants:
        got = module.value(module.constants[name])
        return got if isinstance(got, str) else Dyn(module.source(node))
    if name and "." not in name:
        origin = module.imports.get(name)
        if origin is None:
            return name  # a class of this module, or a name resolved against the app
        return _from_module(origin, app)
    if name:
        return _from_module(name, app)
    got = module.value(node)
    return got if isinstance(got, (str, Dyn)) else Dyn(module.source(node))


def _from_module(origin: str, app: str) -> str:
    """``accounts.models.User`` -> ``accounts.User``; ``.models.User`` -> ``<app>.User``."""
    parts = origin.split(".")
    model = parts[-1]
    modules = [p for p in parts[:-1] if p]
    if "models" in modules:
        modules = modules[: modules.index("models")]
    if not modules:
        return f"{app}.{model}"
    return f"{modules[-1]}.{model}"


def read_field(module: PyModule, name: str, node: ast.expr, app: str) -> FieldSpec | Dyn | None:
    """The field ``name = node`` declares; ``None`` when ``node`` is no field (a manager, a constant)."""
    if not isinstance(node, ast.Call):
        return None
    kind = last(dotted(node.func))
    if not _is_field(kind):
        return None
    relation = relation_of(kind)
    args = bind(node, ("to", "on_delete") if relation else ("verbose_name", "name"))
    flags = {k: module.value(kwarg(node, k)) for k in ("null", "primary_key", "db_constraint")}
    spec = FieldSpec(
        name=name,
        kind=kind,
        relation=relation,
        column=module.string(kwarg(node, "db_column")) or "",
        null=flags["null"] is True,
        primary_key=flags["primary_key"] is True,
        db_constraint=flags["db_constraint"] is not False,
        type=_type(module, kind, node),
        line=node.lineno,
        text=module.excerpt(node),
        db_attrs=_db_attrs(module, node, 2),
    )
    if not relation:
        return spec
    target = _target(module, args.get("to"), app)
    if isinstance(target, Dyn):
        return target
    through = args.get("through")
    through_name = "" if through is None else _target(module, through, app)
    return replace(
        spec,
        target=target,
        on_delete=_on_delete(module, args.get("on_delete")),
        on_delete_enforced_by=_enforced_by(args.get("on_delete")),
        to_field=module.string(kwarg(node, "to_field")) or "",
        through=through_name if isinstance(through_name, str) else through_name.text,
        db_table=module.string(kwarg(node, "db_table")) or "",
    )


def _db_attrs(module: PyModule, node: ast.Call, skip: int) -> str:
    """The arguments of a field call that reach the database, canonical."""
    named = sorted((k.arg, module.source(k.value)) for k in node.keywords if k.arg and k.arg not in _NON_DB)
    return repr([*(module.source(a) for a in node.args[skip:]), *named])


def _type(module: PyModule, kind: str, node: ast.Call) -> str:
    if kind in _TYPES:
        return _TYPES[kind]
    if kind in _VARCHAR:
        length = module.value(kwarg(node, "max_length"))
        size = length if isinstance(length, int) else _VARCHAR[kind]
        return f"varchar({size})" if size else "varchar"
    if kind == "DecimalField":
        digits, places = module.value(kwarg(node, "max_digits")), module.value(kwarg(node, "decimal_places"))
        return (
            f"numeric({digits},{places})"
            if isinstance(digits, int) and isinstance(places, int)
            else "numeric"
        )
    return kind.removesuffix("Field").lower() or kind.lower()
