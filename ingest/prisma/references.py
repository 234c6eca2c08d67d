"""Comment-declared references of Prisma schemas: ``userId String // References user_db.User.id``.

A scalar field whose trailing comment (or ``///`` doc comment) says ``References
[database.]Model.field`` declares a reference the database does not enforce: it is read as
an ``origin='inferred'`` foreign key named ``inferred:<table>.<column>``, with or without
``--infer``. How the target is resolved is told in :mod:`ingest.prisma.read`; what cannot be
settled is a ``warning`` (code ``prisma-reference``), a model the migrations do not create
an ``info`` (code ``prisma-drift``).

Examples
--------
>>> names_hint("services/user-service/prisma", "user_db"), names_hint("services/chat/prisma", "user_db")
(True, False)
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ingest.prisma.schema import Model, PrismaSchema, diag, names_of
from model.inventory import Diagnostic, ForeignKey, Location, Migration, Table, TableRef

__all__ = ["SchemaReferences", "names_hint"]

_REFERENCE = re.compile(
    r"\brefer(?:ences?|s)\b\s*(?:to\b\s*)?:?\s*((?:\"?[A-Za-z_][\w-]*\"?\.){1,2}\"?[A-Za-z_]\w*\"?)", re.I
)
_HINT_SUFFIX = re.compile(r"(?:[_-]?(?:db|database|service|svc|api))+$")


class SchemaReferences:
    """What the Prisma schemas of one scan give -- tables, keys, migrations, diagnostics -- and
    the references their comments declare (:meth:`emit_comment_references`).

    ``set_labels`` are the scanned migration sets: a schema whose directory (or its
    ``migrations/``) is one takes its tables from the migrations, ``present`` the tables
    they hold. :class:`ingest.prisma.read._Emitter` adds the schemas' own tables and keys.
    """

    def __init__(self, schemas: list[PrismaSchema], set_labels: set[str], present: set[TableRef]) -> None:
        self.schemas = schemas
        self.present = present
        self.db: dict[str, tuple[str, bool]] = {}  # label -> (database, from migrations)
        for s in schemas:
            parent = s.label.rsplit("/", 1)[0] if "/" in s.label else ""
            candidates = [s.label, f"{s.label}/migrations"]
            if PurePosixPath(s.label).name == "schema" and parent:
                candidates.append(f"{parent}/migrations")
            hit = next((c for c in candidates if c in set_labels), None)
            self.db[s.label] = (hit, True) if hit else (s.label, False)
        self.tables: list[Table] = []
        self.fks: list[ForeignKey] = []
        self.migrations: list[Migration] = []
        self.diagnostics: list[Diagnostic] = []

    def ref(self, s: PrismaSchema, m: Model) -> TableRef:
        return TableRef(self.db[s.label][0], m.schema, m.table)

    def emit_comment_references(self, s: PrismaSchema) -> None:
        for m in s.models.values():
            keyed = {
                n for f in m.block.fields if (r := f.attribute("relation")) for n in names_of(r.arg("fields"))
            }
            for f in m.block.fields:
                if f.name not in m.columns or f.name in keyed:
                    continue
                found = _REFERENCE.search(f.comment) or _REFERENCE.search(f.doc)
                if found is None:
                    continue
                at = Location(m.block.path, f.line)
                parts = [p.strip('"') for p in found.group(1).split(".")]
                target = self.resolve(s, parts, at)
                if target is None:
                    continue
                tschema, tmodel, tcolumn = target
                table, ref_table = self.ref(s, m), self.ref(tschema, tmodel)
                if not self.exists(s, m, table, at) or not self.exists(tschema, tmodel, ref_table, at):
                    continue
                column = m.columns[f.name]
                self.fks.append(
                    ForeignKey(
                        f"inferred:{table.name}.{column}",
                        table,
                        (column,),
                        ref_table,
                        (tcolumn,),
                        added_at=at,
                        origin="inferred",
                    )
                )

    def exists(self, s: PrismaSchema, m: Model, ref: TableRef, at: Location) -> bool:
        database, from_migrations = self.db[s.label]
        if not from_migrations or ref in self.present:
            return True
        message = (
            f"model {m.name} maps to table {ref.qualified}, which the migrations in {database!r} do not "
            "create; the reference declared in this comment is skipped"
        )
        self.diagnostics.append(diag("info", message, at.path, at.line, "prisma-drift"))
        return False

    def warn(self, message: str, at: Location) -> None:
        self.diagnostics.append(diag("warning", message, at.path, at.line, "prisma-reference"))

    def find(self, name: str) -> list[tuple[PrismaSchema, Model]]:
        exact = [(s, s.models[name]) for s in self.schemas if name in s.models]
        return exact or [(s, m) for s in self.schemas for m in s.models.values() if m.table == name]

    def resolve(
        self, own: PrismaSchema, parts: list[str], at: Location
    ) -> tuple[PrismaSchema, Model, str] | None:
        if len(parts) == 3:
            hint, model, fieldname = parts
        elif self.find(parts[0]):
            hint, model, fieldname = "", parts[0], parts[1]
        else:
            hint, model, fieldname = parts[0], parts[1], ""
        said = ".".join(parts)
        found = self.find(model)
        if hint:
            found = [c for c in found if names_hint(c[0].label, hint)] or found
        elif any(c[0] is own for c in found):
            found = [c for c in found if c[0] is own]
        if not found:
            self.warn(f"comment references {said}, but no scanned Prisma schema defines model {model}", at)
            return None
        if len(found) > 1:
            where = ", ".join(sorted(c[0].label for c in found))
            self.warn(f"comment references {said}: model {model} is defined by several schemas ({where})", at)
            return None
        schema, target = found[0]
        if fieldname:
            column = target.columns.get(fieldname) or next(
                (c for c in target.columns.values() if c == fieldname), ""
            )
        else:
            column = target.primary_key[0] if len(target.primary_key) == 1 else ""
        if not column:
            what = f"has no field {fieldname}" if fieldname else "has no single-field @id"
            self.warn(f"comment references {said}, but model {target.name} {what}", at)
            return None
        return schema, target, column


def names_hint(label: str, hint: str) -> bool:
    """True when a path segment of ``label`` names the database ``hint`` (``user_db`` ~ ``user-service``)."""
    want = _HINT_SUFFIX.sub("", hint.lower()) or hint.lower()
    for segment in label.lower().split("/"):
        if segment == hint.lower() or (_HINT_SUFFIX.sub("", segment) or segment) == want:
            return True
    return False
