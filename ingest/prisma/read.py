"""Prisma schemas (``*.prisma``) -> the neutral model.

A *Prisma schema* is every ``.prisma`` file of one directory (Prisma's
multi-file schemas keep several in ``prisma/schema/``). Its logical database,
``TableRef.database``, is that directory relative to the scanned root
(``services/user-service/prisma``), the way migration sets are labelled; the
scanned root itself is labelled with its own name. A schema file read on its
own (``fkmap scan path/schema.prisma``) is labelled with its directory as given.
The text is parsed by :mod:`ingest.prisma.parse` (no maintained Python library
parses the Prisma Schema Language) and read into models by
:mod:`ingest.prisma.schema`; this module turns them into an inventory.

What a schema gives
-------------------
* one table per ``model``: ``@@map("table")`` names it, ``@map("col")`` its
  columns, ``@@schema("s")`` its schema (else ``public`` for PostgreSQL and
  CockroachDB, ``''`` for the others, as the SQL replay does); relation fields
  are not columns. The primary key comes from ``@id`` or ``@@id([a, b])``.
  ``defined_at`` is the ``model`` line;
* one declared foreign key per ``@relation(fields: [...], references: [...])``,
  named by ``map:`` or Prisma's default ``<table>_<col>[_<col>...]_fkey``
  (cut to the provider's identifier length), with ``onDelete``/``onUpdate``
  (Prisma's defaults: ``RESTRICT`` when a key field is required, ``SET NULL``
  when all are optional; ``ON UPDATE CASCADE``); ``added_at`` is the relation
  field's line. Implicit many-to-many relations (two list fields without
  ``fields:``) give Prisma's join table ``_AToB`` with columns ``A``/``B`` and
  their two ``ON DELETE CASCADE`` keys. With ``relationMode = "prisma"`` the
  database holds no constraint: relations become ``origin='inferred'``
  references instead;
* one ``origin='inferred'`` reference per scalar field whose trailing comment
  (or ``///`` doc comment) says ``References [database.]Model.field``
  (``participant1Id String // References user_db.User.id``) -- an explicit
  declaration, emitted with or without ``--infer``, named
  ``inferred:<table>.<column>`` like :mod:`ownership.infer`'s
  (:mod:`ingest.prisma.references`);
* for a schema that gives tables, one :class:`~model.inventory.Migration` per
  file, so the service map's path rules see its directory like a migration set's.

Enums, ``generator`` blocks, views and comments are otherwise ignored;
``datasource db { provider = ... }`` sets the default schema, column type names
and identifier length. The name heuristic of ``--infer`` applies to the tables
read here like to any other (``scan`` runs :mod:`ownership.infer` afterwards).

Resolving ``References user_db.User.id``
    The target model is looked up by name (else by table name) among the Prisma
    schemas of the same scanned source. When several schemas define it, the
    database part picks the one whose directory names it: ``user_db``,
    ``user-service`` and ``user`` all name ``user`` (suffixes ``_db``,
    ``_database``, ``-service``, ``_svc``... are ignored). Without a database
    part the field's own schema wins. ``Model.field`` names a field (or a
    column); ``database.Model`` means the model's single-column primary key.
    A target that cannot be settled is a ``warning`` (code ``prisma-reference``).

Schema *and* migrations: migrations win
    When a schema's directory, or its ``migrations/`` sub-directory (Prisma's
    ``prisma/migrations/<ts>_x/migration.sql``), is a scanned migration set, the
    tables and foreign keys come from the migrations alone -- they carry the
    history -- and the schema only adds its comment-declared references, pointed
    at the migration set's tables. A model whose table the migrations do not
    create is reported (``info``, code ``prisma-drift``) and its reference skipped.

Schema *and* hand-written migrations: the schema first
    A migration set that is not Prisma's own (plain ``.sql`` files such as
    ``migrations/001_add_fk.sql`` rather than ``<ts>_x/migration.sql``) changes the
    tables the schema creates (``prisma db push``). Its replay starts from the schema's
    tables and keys (:func:`prisma_seeds`, :mod:`ingest.migrations.seed`) and the
    migrations apply on top: the models keep their tables, the migrations' ``ALTER TABLE``
    find them, and every table lives in the migration set's database.

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "schema.prisma").write_text('''
... datasource db { provider = "postgresql" }
... model User { id String @id }
... model Post {
...   id     Int    @id
...   userId String @map("user_id")
...   user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
... }''')
>>> inv = ingest_prisma(d / "schema.prisma")
>>> [(fk.name, str(fk.table), fk.columns, fk.on_delete, fk.on_update) for fk in inv.foreign_keys]
[('Post_user_id_fkey', '...:public.Post', ('user_id',), 'CASCADE', 'CASCADE')]
>>> import shutil; shutil.rmtree(d)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ingest.migrations.files import MigrationSet
from ingest.migrations.pipeline import Seeder
from ingest.migrations.seed import seeder
from ingest.prisma.nodes import Attribute, PrismaField, Value
from ingest.prisma.references import SchemaReferences
from ingest.prisma.schema import (
    Model,
    PrismaSchema,
    column_type,
    diag,
    discover_schemas,
    names_of,
    pk_type,
    read_schema,
    relation_has_fields,
    relation_name,
    text_of,
)
from model.inventory import (
    Column,
    ForeignKey,
    Inventory,
    Location,
    Migration,
    Source,
    Table,
    TableRef,
)

__all__ = [
    "Model",
    "PrismaSchema",
    "add_prisma",
    "discover_schemas",
    "ingest_prisma",
    "prisma_seeds",
    "read",
    "read_schema",
]

_ACTIONS = {
    "cascade": "CASCADE",
    "setnull": "SET NULL",
    "restrict": "RESTRICT",
    "noaction": "NO ACTION",
    "setdefault": "SET DEFAULT",
}
_MAX_IDENTIFIER = {"postgresql": 63, "postgres": 63, "cockroachdb": 63, "mysql": 64, "sqlserver": 128}
_DIALECTS = {"mysql": "mysql", "sqlite": "sqlite", "sqlserver": "tsql"}


class _Emitter(SchemaReferences):
    """Turns schemas into tables, keys, references and diagnostics, given the migration sets."""

    #: Hand-written migration sets whose replay started from a schema's tables (:func:`prisma_seeds`).
    seeded: frozenset[str] = frozenset()

    def run(self) -> None:
        for s in self.schemas:
            self.diagnostics.extend(s.diagnostics)
            if s.provider == "mongodb":
                note = "MongoDB schema: collections have no foreign keys; nothing read"
                self.diagnostics.append(diag("info", note, s.files[0], 0, "unsupported"))
                continue
            if not self.db[s.label][1]:  # tables come from the migrations when there are any
                self.emit_tables(s)
            elif self.db[s.label][0] in self.seeded:
                self.emit_seeded(s)
            self.emit_comment_references(s)

    def emit_seeded(self, s: PrismaSchema) -> None:
        """What a schema that seeded a set adds besides its tables and keys (in the replay already):
        the files as migrations of the set, the relations of ``relationMode = "prisma"``."""
        tables, fks, migrations = len(self.tables), len(self.fks), len(self.migrations)
        self.emit_tables(s)
        database = self.db[s.label][0]
        del self.tables[tables:]
        self.fks[fks:] = [fk for fk in self.fks[fks:] if fk.origin == "inferred"]
        self.migrations[migrations:] = [replace(m, database=database) for m in self.migrations[migrations:]]

    # -- a schema without migrations: tables, relations, join tables --------------------------------
    def emit_tables(self, s: PrismaSchema) -> None:
        for ordinal, path in enumerate(s.files):
            self.migrations.append(Migration(path, s.label, ordinal, 0, "", PurePosixPath(path).stem))
        for m in s.models.values():
            nullable = set()
            fields = {f.name: f for f in m.block.fields}
            cols = []
            for name, column in m.columns.items():
                f = fields[name]
                free = (f.optional or f.is_list) and column not in m.primary_key
                cols.append(Column(column, column_type(f, s.provider), free))
                if free:
                    nullable.add(name)
            at = Location(m.block.path, m.block.line)
            self.tables.append(Table(self.ref(s, m), tuple(cols), m.primary_key, defined_at=at))
            for f in m.block.fields:
                relation = f.attribute("relation")
                if f.type in s.models and relation is not None and relation.arg("fields") is not None:
                    self.relation(s, m, f, relation, nullable)
        self.many_to_many(s)

    def relation(self, s: PrismaSchema, m: Model, f: PrismaField, rel: Attribute, nullable: set[str]) -> None:
        target = s.models[f.type]
        local, remote = names_of(rel.arg("fields")), names_of(rel.arg("references"))
        where = (m.block.path, f.line)
        bad = [n for n in local if n not in m.columns] + [n for n in remote if n not in target.columns]
        if bad or not local or len(local) != len(remote):
            why = f"unknown field(s) {', '.join(bad)}" if bad else "fields and references differ in length"
            self.diagnostics.append(
                diag("error", f"relation {m.name}.{f.name}: {why}; skipped", *where, "parse-error")
            )
            return
        columns = tuple(m.columns[n] for n in local)
        optional = all(n in nullable for n in local)
        on_delete = _action(rel.arg("onDelete"), "SET NULL" if optional else "RESTRICT")
        on_update = _action(rel.arg("onUpdate"), "CASCADE")
        table, ref_table = self.ref(s, m), self.ref(s, target)
        ref_columns = tuple(target.columns[n] for n in remote)
        name = text_of(rel.arg("map")) or _fk_name(m.table, columns, s.provider)
        self.key(s, name, table, columns, ref_table, ref_columns, on_delete, on_update, Location(*where))

    def key(
        self,
        s: PrismaSchema,
        name: str,
        table: TableRef,
        columns: tuple[str, ...],
        ref_table: TableRef,
        ref_columns: tuple[str, ...],
        on_delete: str,
        on_update: str,
        at: Location,
    ) -> None:
        if s.relation_mode.lower() == "prisma":  # emulated by Prisma Client: no constraint in the database
            fk = ForeignKey(
                f"inferred:{table.name}.{','.join(columns)}",
                table,
                columns,
                ref_table,
                ref_columns,
                added_at=at,
                origin="inferred",
            )
        else:
            fk = ForeignKey(name, table, columns, ref_table, ref_columns, on_delete, on_update, added_at=at)
        self.fks.append(fk)

    def many_to_many(self, s: PrismaSchema) -> None:
        seen: set[str] = set()
        for m in s.models.values():
            for f in m.block.fields:
                if not (f.is_list and f.type in s.models) or relation_has_fields(f):
                    continue
                other = s.models[f.type]
                name = relation_name(f)
                back = [
                    g
                    for g in other.block.fields
                    if g.type == m.name and g is not f and g.is_list and relation_name(g) == name
                ]
                if not back or relation_has_fields(back[0]):
                    continue
                a, b = sorted([m, other], key=lambda x: x.name)
                table = "_" + (name or f"{a.name}To{b.name}")
                if table in seen:
                    continue
                seen.add(table)
                self.join_table(s, table, a, b, Location(m.block.path, f.line))

    def join_table(self, s: PrismaSchema, name: str, a: Model, b: Model, at: Location) -> None:
        if len(a.primary_key) != 1 or len(b.primary_key) != 1:
            message = f"many-to-many {name}: {a.name} and {b.name} need a single-field @id; skipped"
            self.diagnostics.append(diag("warning", message, at.path, at.line, "unsupported"))
            return
        ref = TableRef(self.db[s.label][0], a.schema, name)
        types = [pk_type(x, s.provider) for x in (a, b)]
        cols = (Column("A", types[0], False), Column("B", types[1], False))
        self.tables.append(Table(ref, cols, ("A", "B"), defined_at=at))
        for col, target in (("A", a), ("B", b)):
            fk_name = _fk_name(name, (col,), s.provider)
            self.key(
                s, fk_name, ref, (col,), self.ref(s, target), target.primary_key, "CASCADE", "CASCADE", at
            )


def _action(value: Value | None, default: str) -> str:
    return _ACTIONS.get(text_of(value).lower(), default) if value is not None else default


def _fk_name(table: str, columns: tuple[str, ...], provider: str) -> str:
    """Prisma's default constraint name, cut to the provider's identifier length.

    >>> _fk_name("Post", ("authorId",), "postgresql"), len(_fk_name("t" * 80, ("c",), "postgresql"))
    ('Post_authorId_fkey', 63)
    """
    stem = f"{table}_{'_'.join(columns)}"
    limit = _MAX_IDENTIFIER.get(provider)
    if limit is not None:
        stem = stem.encode("utf-8")[: limit - len("_fkey")].decode("utf-8", "ignore")
    return f"{stem}_fkey"


def _fk_key(fk: ForeignKey) -> tuple[TableRef, str]:
    return (fk.table, fk.name)


def _hand_written(files: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """Sets (label -> file paths) that are not Prisma's ``<ts>_x/migration.sql`` folders."""
    return frozenset(
        label for label, paths in files.items() if any(not p.endswith("/migration.sql") for p in paths)
    )


def _seeding(emitter: _Emitter, s: PrismaSchema, hand_written: frozenset[str]) -> bool:
    database, from_migrations = emitter.db[s.label]
    return from_migrations and database in hand_written and s.provider != "mongodb"


def prisma_seeds(schemas: list[PrismaSchema]) -> Callable[[Sequence[MigrationSet]], dict[str, Seeder]]:
    """Given the discovered migration sets, the seeders of the hand-written ones beside a schema
    (see the module docstring): each creates the schema's tables and keys in the set's replay."""

    def seeds(sets: Sequence[MigrationSet]) -> dict[str, Seeder]:
        hand = _hand_written({m.label: [f.rel for f in m.files] for m in sets})
        emitter = _Emitter(schemas, {m.label for m in sets}, set())
        out: dict[str, Seeder] = {}
        for s in schemas:
            if _seeding(emitter, s, hand):
                first_table, first_fk = len(emitter.tables), len(emitter.fks)
                emitter.emit_tables(s)
                dialect = _DIALECTS.get(s.provider, "postgres")
                tables, fks = emitter.tables[first_table:], emitter.fks[first_fk:]
                out[emitter.db[s.label][0]] = seeder(tables, fks, dialect)
        return out

    return seeds


def _combine(inv: Inventory, schemas: list[PrismaSchema]) -> Inventory:
    set_labels = {m.database for m in inv.migrations}
    present = {t.ref for t in inv.tables if not t.external and t.dropped_at is None}
    emitter = _Emitter(schemas, set_labels, present)
    by_set: dict[str, list[str]] = {}
    for m in inv.migrations:
        by_set.setdefault(m.database, []).append(m.path)
    emitter.seeded = _hand_written(by_set)
    emitter.run()
    base = len(inv.migrations)
    migrations = [replace(m, order=base + i) for i, m in enumerate(emitter.migrations)]
    diagnostics = [d for d in inv.diagnostics if d.code != "no-migrations"]
    return replace(
        inv,
        tables=tuple(sorted((*inv.tables, *emitter.tables), key=lambda t: t.ref)),
        foreign_keys=tuple(sorted((*inv.foreign_keys, *emitter.fks), key=_fk_key)),
        diagnostics=(*diagnostics, *emitter.diagnostics),
        migrations=(*inv.migrations, *migrations),
    )


def add_prisma(inv: Inventory, root: str | Path, schemas: list[PrismaSchema] | None = None) -> Inventory:
    """``inv`` (the migrations read from directory ``root``) plus the Prisma ``schemas`` under ``root``
    (found again when not given).

    Returns ``inv`` itself when there is no ``.prisma`` file. Never raises.
    """
    try:
        schemas = discover_schemas(root) if schemas is None else schemas
        return _combine(inv, schemas) if schemas else inv
    except Exception as exc:  # a bug must not stop the scan
        message = f"internal error reading Prisma schemas: {type(exc).__name__}: {exc}"
        return replace(inv, diagnostics=(*inv.diagnostics, diag("error", message, str(root), 0, "internal")))


def ingest_prisma(path: str | Path) -> Inventory:
    """Read one ``.prisma`` file, or every Prisma schema under a directory, on its own.

    A file's database label is its directory as given (``services/user/prisma``);
    its ``path:line`` locations use the path as given.
    """
    source = Source("migrations", str(path))
    if Path(path).is_dir():
        return add_prisma(Inventory(sources=(source,)), path)
    shown = PurePosixPath(Path(path)).as_posix()
    label = PurePosixPath(shown).parent.as_posix()
    if label in ("", "."):
        label = Path(os.path.abspath(os.fspath(path))).parent.name or "."
    try:
        if not Path(path).is_file():
            raise FileNotFoundError(str(path))
        schema = read_schema(label, [(os.fspath(path), shown)])
        return _combine(Inventory(sources=(source,)), [schema])
    except Exception as exc:
        code = "io-error" if isinstance(exc, OSError) else "internal"
        message = f"cannot read Prisma schema: {type(exc).__name__}: {exc}"
        return Inventory(diagnostics=(diag("error", message, shown, 0, code),), sources=(source,))


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of ``.prisma`` sources (:mod:`ingest.registry`): :func:`ingest_prisma`."""
    return ingest_prisma(Path(source))
