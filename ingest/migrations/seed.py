"""Tables a migration set starts with: created in its replay before its first file.

Hand-written migrations next to a schema that another tool applies (a Prisma schema pushed
with ``prisma db push``, its ``migrations/`` folder holding plain ``ALTER TABLE`` scripts)
change tables they never create. :func:`seeder` turns the schema's tables and foreign keys
(model records, as :mod:`ingest.prisma.read` gives them) into the operations that create them,
so the set's replay (:func:`ingest.migrations.pipeline.replay_sets`) starts from the schema and
its migrations apply on top -- their ``ALTER TABLE`` find the tables, their keys join the
schema's. Each table's location stays the schema line that defines it.

Examples
--------
>>> from model.inventory import Column, ForeignKey, Location, Table, TableRef
>>> from ingest.migrations.replay import Replayer
>>> users = Table(TableRef("m", "public", "users"), (Column("id", "int", False),), ("id",),
...               defined_at=Location("schema.prisma", 2))
>>> r = Replayer("m")
>>> seeder([users], [], "postgres")(r)
>>> r.begin_file("001.sql")
>>> tables, fks, diagnostics = r.result()
>>> [(str(t.ref), t.primary_key, str(t.defined_at)) for t in tables], diagnostics
([('m:public.users', ('id',), 'schema.prisma:2')], ())
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ingest.migrations import ops as o
from ingest.migrations.pipeline import Seeder
from ingest.migrations.replay import Replayer
from model.inventory import ForeignKey, Table, TableRef

__all__ = ["seeder"]


def _qname(ref: TableRef) -> o.QName:
    return o.QName(ref.schema or None, ref.name)


def _create(t: Table) -> o.CreateTable:
    keys = (o.ConstraintSpec("p", None, t.primary_key),) if t.primary_key else ()
    line = t.defined_at.line if t.defined_at is not None else 0
    return o.CreateTable(_qname(t.ref), t.columns, keys, line=line)


def _add_key(fk: ForeignKey) -> o.AddForeignKey:
    line = fk.added_at.line if fk.added_at is not None else 0
    spec = o.FKSpec(
        fk.name,
        fk.columns,
        _qname(fk.ref_table),
        fk.ref_columns,
        fk.on_delete,
        fk.on_update,
        deferrable=fk.deferrable,
        initially_deferred=fk.initially_deferred,
        line=line,
        on_delete_enforced_by=fk.on_delete_enforced_by,
    )
    return o.AddForeignKey(_qname(fk.table), spec, line=line)


def seeder(tables: Sequence[Table], fks: Sequence[ForeignKey], dialect: str) -> Seeder:
    """A :data:`~ingest.migrations.pipeline.Seeder` creating ``tables`` then ``fks`` (declared keys;
    each from the file of its location), in ``dialect``."""
    by_file: dict[str, list[o.Op]] = defaultdict(list)
    for t in tables:
        by_file[t.defined_at.path if t.defined_at is not None else ""].append(_create(t))
    for fk in fks:
        if fk.origin == "declared":
            by_file[fk.added_at.path if fk.added_at is not None else ""].append(_add_key(fk))
    ordered = sorted(by_file.items(), key=lambda item: item[0])
    keys_last: list[tuple[str, list[o.Op]]] = [
        (path, [op for op in ops if isinstance(op, kind)])
        for kind in (o.CreateTable, o.AddForeignKey)
        for path, ops in ordered
    ]

    def seed(r: Replayer) -> None:
        for path, ops in keys_last:
            if ops:
                r.begin_file(path, dialect=dialect)
                for op in ops:
                    r.apply(op)

    return seed
