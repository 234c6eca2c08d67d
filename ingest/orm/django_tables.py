"""Django's model state as tables: names, primary keys, relation targets, and the DDL pieces of fields.

:class:`ModelState` is one model (app label, name, table, fields in order, managed, proxy);
:class:`DjangoTables` resolves relation targets (``self``, ``Model``, ``app.Model``,
``settings.AUTH_USER_MODEL``, a proxy's concrete model, a model the scan does not define:
Django's name for its table and ``id``) and builds what the operations of
:class:`~ingest.orm.django_state.DjangoState` run: columns, foreign keys named as Django names
them, automatic many-to-many tables, and the drop-and-recreate of a key whose field Django
alters (:meth:`DjangoTables.rekey`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ingest.migrations import ops as o
from ingest.orm.common_py import Replay
from ingest.orm.django_fields import USER_MODEL, FieldSpec, fk_name, truncate_name
from model.inventory import Column

__all__ = ["DjangoTables", "ModelState"]

_KNOWN_TABLES = {
    "contenttypes.contenttype": "django_content_type",
    "sites.site": "django_site",
    "sessions.session": "django_session",
    "admin.logentry": "django_admin_log",
    "flatpages.flatpage": "django_flatpage",
    "redirects.redirect": "django_redirect",
}


@dataclass
class ModelState:
    """A model: app label, name, table, fields in order, and whether Django creates its table."""

    app: str
    name: str
    table: str
    explicit_table: bool = False
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    managed: bool = True
    proxy_of: str = ""

    @property
    def key(self) -> str:
        return f"{self.app}.{self.name.lower()}"


class DjangoTables:
    """The models of one Django project as tables, and the DDL pieces of their fields."""

    def __init__(self, replay: Replay, *, user_model: str = "auth.User", auto_type: str = "bigint") -> None:
        self.r = replay
        self.user_model = user_model
        self.auto_type = auto_type
        self.models: dict[str, ModelState] = {}
        #: app folder (module) names -> app labels, for targets written as imports
        self.aliases: dict[str, str] = {}
        self.max_length = 64 if replay.dialect == "mysql" else 63
        self.deferrable = replay.schema == "public"
        #: False while operations change the state only
        self.ddl = True
        #: apps outside the scan that the migrations replayed so far depend on: Django migrates
        #: them first, so their tables exist (:meth:`target` says so to the replay)
        self.dependencies_outside: set[str] = set()

    def apply(self, op: o.Op) -> None:
        """Run DDL, unless only the state changes (``SeparateDatabaseAndState.state_operations``)."""
        if self.ddl:
            self.r.apply(op)

    # -- resolution ---------------------------------------------------------------------------------
    def key(self, app: str, model: str, target: str) -> str:
        """The ``app.modelname`` a raw target names."""
        if target == "self":
            return f"{app}.{model.lower()}"
        if target == USER_MODEL:
            target = self.user_model
        owner, _, name = (target if "." in target else f"{app}.{target}").rpartition(".")
        return f"{self.aliases.get(owner, owner)}.{name}".lower()

    def default_table(self, app: str, name: str) -> str:
        return truncate_name(f"{app}_{name.lower()}", self.max_length)

    def concrete(self, key: str) -> ModelState | None:
        m = self.models.get(key)
        for _ in range(16):
            if m is None or not m.proxy_of:
                break
            m = self.models.get(m.proxy_of)
        return m

    def table_of(self, key: str) -> str:
        m = self.concrete(key)
        if m is not None:
            return m.table
        app, _, name = key.partition(".")
        return _KNOWN_TABLES.get(key, self.default_table(app, name))

    def pk(self, m: ModelState | None) -> tuple[str, str]:
        """Column and type of a model's primary key (``id`` for a model the scan does not define)."""
        if m is None:
            return "id", self.auto_type
        f = next((f for f in m.fields.values() if f.primary_key), None)
        if f is None:
            return "id", self.auto_type
        return f.db_column, self.column_type(m, f)

    def column_type(self, m: ModelState, f: FieldSpec) -> str:
        if f.relation in ("fk", "o2o"):
            target = self.concrete(self.key(m.app, m.name, f.target))
            return self.auto_type if target is m and f.primary_key else self.pk(target)[1]
        return f.type

    def target(self, m: ModelState, f: FieldSpec) -> tuple[str, str, str]:
        """``(table, column, type)`` a relation field of ``m`` points at."""
        key = self.key(m.app, m.name, f.target)
        target = self.concrete(key)
        column, type_ = self.pk(target)
        if f.to_field:
            named = target.fields.get(f.to_field) if target is not None else None
            column = named.db_column if named is not None else f.to_field
        table = self.table_of(key)
        app = key.partition(".")[0]
        if target is None and app in self.dependencies_outside:
            self.r.replayer.provide(o.QName(None, table), f"Django app {app}")
        return table, column, type_

    # -- DDL pieces ---------------------------------------------------------------------------------
    def column(self, m: ModelState, f: FieldSpec) -> Column:
        return Column(f.db_column, self.column_type(m, f), f.null and not f.primary_key)

    def fk_spec(self, m: ModelState, f: FieldSpec) -> o.FKSpec | None:
        if f.relation not in ("fk", "o2o") or not f.db_constraint:
            return None
        table, column, _ = self.target(m, f)
        return o.FKSpec(
            name=fk_name(m.table, f.db_column, table, column, self.max_length),
            columns=(f.db_column,),
            ref_table=o.QName(None, table),
            ref_columns=(column,),
            on_delete=f.on_delete,
            deferrable=self.deferrable,
            initially_deferred=self.deferrable,
            line=f.line,
            on_delete_enforced_by=f.on_delete_enforced_by,
        )

    def m2m_table(self, m: ModelState, f: FieldSpec) -> str | None:
        """The automatic table of a many-to-many field, ``None`` with ``through=``."""
        if f.relation != "m2m" or f.through:
            return None
        return f.db_table or truncate_name(f"{m.table}_{f.name}", self.max_length)

    def create_m2m(self, m: ModelState, f: FieldSpec, line: int, text: str) -> None:
        table = self.m2m_table(m, f)
        if table is None:
            return
        key = self.key(m.app, m.name, f.target)
        to_table, to_column, to_type = self.target(m, f)
        own_column, own_type = self.pk(m)
        target_name = key.partition(".")[2]
        if key == m.key:
            first, second = f"from_{m.name.lower()}_id", f"to_{target_name}_id"
        else:
            first, second = f"{m.name.lower()}_id", f"{target_name}_id"
        columns = (
            Column("id", self.auto_type, False),
            Column(first, own_type, False),
            Column(second, to_type, False),
        )
        fks = tuple(
            self.m2m_key(table, col, ref, ref_col, f.line)
            for col, ref, ref_col in ((first, m.table, own_column), (second, to_table, to_column))
        )
        pk = (o.ConstraintSpec("p", None, ("id",)),)
        self.apply(o.CreateTable(o.QName(None, table), columns, pk, fks, line=line, text=text))

    def spec_at(self, m: ModelState, f: FieldSpec, line: int) -> o.FKSpec | None:
        """The key of ``f`` located at ``line`` of the current file."""
        spec = self.fk_spec(m, f)
        return replace(spec, line=line) if spec is not None else None

    def m2m_key(self, table: str, column: str, ref: str, ref_column: str, line: int) -> o.FKSpec:
        """A key of an automatic many-to-many table (``ON DELETE CASCADE``, by Django in Python)."""
        return o.FKSpec(
            fk_name(table, column, ref, ref_column, self.max_length),
            (column,),
            o.QName(None, ref),
            (ref_column,),
            "CASCADE",
            deferrable=self.deferrable,
            initially_deferred=self.deferrable,
            line=line,
            on_delete_enforced_by="application",
        )

    def rekey(self, table: str, old: str, new: str, spec: o.FKSpec | None, line: int, text: str) -> None:
        """What Django's ``alter_field`` does to a key column: drop its keys, rename it, add ``spec``
        (named after the tables and columns of now; located at ``line`` unless it has a line)."""
        if spec is not None and not spec.line:
            spec = replace(spec, line=line)
        qn = o.QName(None, table)
        for fk in self.r.fks_of(qn):
            if fk.columns == (old,):
                self.apply(o.DropConstraint(qn, fk.name, kind="f", line=line, text=text))
        if old != new:
            self.apply(o.RenameColumn(qn, old, new, line=line, text=text))
        if spec is not None:
            self.apply(o.AddForeignKey(qn, spec, line=line, text=text))

    def altered(self, m: ModelState, old: FieldSpec, new: FieldSpec) -> bool:
        """Django's ``_field_should_be_altered``: a change of column, class, target or any
        attribute that reaches the database."""
        if (old.kind, old.db_column, old.db_attrs) != (new.kind, new.db_column, new.db_attrs):
            return True
        return bool(new.relation) and self.target(m, old)[:2] != self.target(m, new)[:2]
