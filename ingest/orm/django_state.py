"""Django's model state, changed by model declarations or migration operations and applied to a replay as DDL.

:class:`DjangoState` keeps every model by ``app_label.modelname`` (lower case) with its table
and fields, the way Django's migration state does, and turns each change into the DDL Django
would run: ``CREATE TABLE`` with the key constraints and automatic many-to-many tables
(``<table>_<field>`` with ``<model>_id``/``<target>_id``, or ``from_``/``to_`` for a model
related to itself, both ``ON DELETE CASCADE``), ``ADD COLUMN``, ``DROP COLUMN``, renames,
``DROP TABLE ... CASCADE``. Relations are resolved when applied: ``self``, ``Model`` (same
app), ``app.Model``, ``settings.AUTH_USER_MODEL``; a proxy model stands for its concrete
model; a model the scan does not define (``auth.User``, ``contenttypes.ContentType``) is an
external table with Django's name for it and primary key ``id``. Keys with
``db_constraint=False`` are no constraint: :meth:`DjangoState.inferred` gives them as
``origin='inferred'`` references.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ingest.migrations import ops as o
from ingest.orm.common_py import Replay
from ingest.orm.django_fields import USER_MODEL, FieldSpec, fk_name, truncate_name
from model.inventory import Column, ForeignKey, Location, TableRef

__all__ = ["DjangoState", "ModelState"]

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


class DjangoState:
    """Model state of one Django project, applied to ``replay``."""

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
        return self.table_of(key), column, type_

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
            o.FKSpec(
                fk_name(table, col, ref, ref_col, self.max_length),
                (col,),
                o.QName(None, ref),
                (ref_col,),
                "CASCADE",
                deferrable=self.deferrable,
                initially_deferred=self.deferrable,
                line=f.line,
            )
            for col, ref, ref_col in ((first, m.table, own_column), (second, to_table, to_column))
        )
        pk = (o.ConstraintSpec("p", None, ("id",)),)
        self.apply(o.CreateTable(o.QName(None, table), columns, pk, fks, line=line, text=text))

    # -- operations ---------------------------------------------------------------------------------
    def create_model(self, m: ModelState, line: int, text: str, *, with_fks: bool = True) -> None:
        """Register a model and create its table (keys inline, or later with :meth:`add_keys`)."""
        self.models[m.key] = m
        if m.proxy_of or not m.managed:
            return
        fields = [f for f in m.fields.values() if f.relation != "m2m"]
        columns = tuple(self.column(m, f) for f in fields)
        pk = self.pk(m)[0]
        constraints = (o.ConstraintSpec("p", None, (pk,)),) if pk in {c.name for c in columns} else ()
        specs = tuple(s for f in fields if (s := self.fk_spec(m, f)) is not None) if with_fks else ()
        self.apply(o.CreateTable(o.QName(None, m.table), columns, constraints, specs, line=line, text=text))
        if with_fks:
            for f in m.fields.values():
                self.create_m2m(m, f, line, text)

    def add_keys(self, m: ModelState, line: int, text: str) -> None:
        """The keys and many-to-many tables of a model created with ``with_fks=False``."""
        if m.proxy_of or not m.managed:
            return
        for f in m.fields.values():
            spec = self.fk_spec(m, f)
            if spec is not None:
                self.apply(o.AddForeignKey(o.QName(None, m.table), spec, line=f.line or line, text=f.text))
            self.create_m2m(m, f, f.line or line, f.text or text)

    def model(self, app: str, name: str, line: int) -> ModelState | None:
        m = self.models.get(f"{app}.{name.lower()}")
        if m is None:
            self.r.warn(
                f"model {app}.{name} is not defined by the migrations before this one", line, "unknown-table"
            )
        return m

    def delete_model(self, app: str, name: str, line: int, text: str) -> None:
        m = self.model(app, name, line)
        if m is None:
            return
        del self.models[m.key]
        if m.proxy_of or not m.managed:
            return
        for f in m.fields.values():
            if (table := self.m2m_table(m, f)) is not None:
                self.apply(o.DropTable((o.QName(None, table),), cascade=True, line=line, text=text))
        self.apply(o.DropTable((o.QName(None, m.table),), cascade=True, line=line, text=text))

    def rename_table(self, m: ModelState, table: str, line: int, text: str) -> None:
        """Give ``m`` the table ``table``; its automatic many-to-many tables follow."""
        old = replace(m)
        m.table = table
        if m.proxy_of or not m.managed or old.table == table:
            return
        self.apply(o.RenameTable(o.QName(None, old.table), table, line=line, text=text))
        for f in m.fields.values():
            before, after = self.m2m_table(old, f), self.m2m_table(m, f)
            if before is not None and after is not None and before != after:
                self.apply(o.RenameTable(o.QName(None, before), after, line=line, text=text))

    def rename_model(self, app: str, old: str, new: str, line: int, text: str) -> None:
        m = self.model(app, old, line)
        if m is None:
            return
        old_key = m.key
        del self.models[old_key]
        m.name = new
        self.models[m.key] = m
        for other in self.models.values():
            for name, f in list(other.fields.items()):
                if (
                    f.relation
                    and self.key(other.app, other.name if other is not m else old, f.target) == old_key
                ):
                    other.fields[name] = replace(f, target=f"{app}.{new}")
                    self.rename_m2m_column(other, f, old, new, line, text)
        if not m.explicit_table:
            self.rename_table(m, self.default_table(app, new), line, text)

    def rename_m2m_column(
        self, m: ModelState, f: FieldSpec, old: str, new: str, line: int, text: str
    ) -> None:
        table = self.m2m_table(m, f)
        if table is not None and self.key(m.app, m.name, f.target) != m.key:
            self.apply(
                o.RenameColumn(
                    o.QName(None, table), f"{old.lower()}_id", f"{new.lower()}_id", line=line, text=text
                )
            )

    def add_field(self, app: str, model: str, f: FieldSpec, line: int, text: str) -> None:
        m = self.model(app, model, line)
        if m is None:
            return
        m.fields[f.name] = f
        if m.proxy_of or not m.managed:
            return
        if f.relation == "m2m":
            self.create_m2m(m, f, line, text)
            return
        spec = self.fk_spec(m, f)
        self.apply(
            o.AddColumn(
                o.QName(None, m.table), self.column(m, f), fks=(spec,) if spec else (), line=line, text=text
            )
        )

    def remove_field(self, app: str, model: str, name: str, line: int, text: str) -> None:
        m = self.model(app, model, line)
        f = m.fields.pop(name, None) if m is not None else None
        if m is None or f is None or m.proxy_of or not m.managed:
            return
        table = self.m2m_table(m, f)
        if table is not None:
            self.apply(o.DropTable((o.QName(None, table),), cascade=True, line=line, text=text))
        elif f.relation != "m2m":
            self.apply(o.DropColumn(o.QName(None, m.table), f.db_column, cascade=True, line=line, text=text))

    def alter_field(self, app: str, model: str, f: FieldSpec, line: int, text: str) -> None:
        m = self.model(app, model, line)
        old = m.fields.get(f.name) if m is not None else None
        if m is None or old is None:
            if m is not None:
                self.add_field(app, model, f, line, text)
            return
        m.fields[f.name] = f
        if m.proxy_of or not m.managed or "m2m" in (f.relation, old.relation):
            return
        table = o.QName(None, m.table)
        if old.db_column != f.db_column:
            self.apply(o.RenameColumn(table, old.db_column, f.db_column, line=line, text=text))
        before, after = self.fk_spec(m, old), self.fk_spec(m, f)
        if before is not None and after is not None and replace(before, line=0) == replace(after, line=0):
            return
        for fk in self.r.fks_of(table):
            if fk.columns == (f.db_column,):
                self.apply(o.DropConstraint(table, fk.name, kind="f", line=line, text=text))
        if after is not None:
            self.apply(o.AddForeignKey(table, after, line=line, text=text))

    def rename_field(self, app: str, model: str, old: str, new: str, line: int, text: str) -> None:
        m = self.model(app, model, line)
        f = m.fields.get(old) if m is not None else None
        if m is None or f is None:
            return
        renamed = replace(f, name=new)
        m.fields = {(new if k == old else k): (renamed if k == old else v) for k, v in m.fields.items()}
        if m.proxy_of or not m.managed:
            return
        before, after = self.m2m_table(m, f), self.m2m_table(m, renamed)
        if before is not None and after is not None and before != after:
            self.apply(o.RenameTable(o.QName(None, before), after, line=line, text=text))
        elif f.relation != "m2m" and f.db_column != renamed.db_column:
            self.apply(
                o.RenameColumn(o.QName(None, m.table), f.db_column, renamed.db_column, line=line, text=text)
            )

    def inferred(self, database: str, paths: dict[tuple[str, str], str]) -> list[ForeignKey]:
        """References of ``db_constraint=False`` keys of the final state (``paths``: where each field is)."""
        out = []
        for m in self.models.values():
            if m.proxy_of or not m.managed:
                continue
            for f in m.fields.values():
                if f.relation in ("fk", "o2o") and not f.db_constraint:
                    table, column, _ = self.target(m, f)
                    ref = TableRef(database, self.r.schema, m.table)
                    at = Location(paths.get((m.key, f.name), ""), f.line)
                    out.append(
                        ForeignKey(
                            f"inferred:{m.table}.{f.db_column}",
                            ref,
                            (f.db_column,),
                            TableRef(database, self.r.schema, table),
                            (column,),
                            f.on_delete,
                            added_at=at,
                            origin="inferred",
                        )
                    )
        return out
