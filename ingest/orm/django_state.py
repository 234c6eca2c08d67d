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

from dataclasses import replace

from ingest.migrations import ops as o
from ingest.orm.django_fields import FieldSpec
from ingest.orm.django_tables import DjangoTables, ModelState
from model.inventory import ForeignKey, Location, TableRef

__all__ = ["DjangoState", "ModelState"]


class DjangoState(DjangoTables):
    """Model state of one Django project, changed by declarations or migration operations."""

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
        old_key, old_table = m.key, m.table
        del self.models[old_key]
        m.name = new
        self.models[m.key] = m
        pointing = []
        for other in self.models.values():
            for name, f in list(other.fields.items()):
                if (
                    f.relation
                    and self.key(other.app, other.name if other is not m else old, f.target) == old_key
                ):
                    other.fields[name] = replace(f, target=f"{app}.{new}")
                    pointing.append((other, other.fields[name]))
        if not m.explicit_table:
            self.rename_table(m, self.default_table(app, new), line, text)
        if m.table == old_table or m.proxy_of or not m.managed:
            return  # Django: a rename that keeps the table changes nothing in the database
        for other, f in pointing:  # Django alters the fields pointing here: their keys are made anew
            if f.relation == "m2m":
                self.rename_m2m_column(other, f, f"{old.lower()}_id", f"{new.lower()}_id", line, text)
            elif other.managed and not other.proxy_of:
                self.rekey(other.table, f.db_column, f.db_column, self.spec_at(other, f, 0), line, text)
        for f in m.fields.values():  # its own many-to-many tables: the column naming it
            if f.relation == "m2m" and self.key(m.app, m.name, f.target) != m.key:
                self.rename_m2m_column(m, f, f"{old.lower()}_id", f"{new.lower()}_id", line, text, own=True)

    def rename_m2m_column(
        self, m: ModelState, f: FieldSpec, old: str, new: str, line: int, text: str, *, own: bool = False
    ) -> None:
        """Rename the column of an automatic many-to-many table that names a renamed model."""
        table = self.m2m_table(m, f)
        if table is None or (self.key(m.app, m.name, f.target) == m.key and not own):
            return
        ref, ref_column = (m.table, self.pk(m)[0]) if own else self.target(m, f)[:2]
        self.rekey(table, old, new, self.m2m_key(table, new, ref, ref_column, 0), line, text)

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
        if not self.altered(m, old, f):
            return
        if old.relation or f.relation:
            self.rekey(m.table, old.db_column, f.db_column, self.fk_spec(m, f), line, text)
        elif old.db_column != f.db_column:
            self.apply(
                o.RenameColumn(o.QName(None, m.table), old.db_column, f.db_column, line=line, text=text)
            )

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
        elif f.relation and f.relation != "m2m" and f.db_column != renamed.db_column:
            self.rekey(m.table, f.db_column, renamed.db_column, self.spec_at(m, renamed, 0), line, text)
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
                            on_delete_enforced_by=f.on_delete_enforced_by,
                        )
                    )
        return out
