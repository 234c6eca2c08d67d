"""Replay neutral DDL operations into the tables and foreign keys of one logical database.

A :class:`Replayer` holds the mutable state of one migration set: live tables
by ``(schema, name)``, their columns, keys and constraint names, the search path
of the current file, and the history of every foreign key ever added. It applies
:mod:`ingest.migrations.ops` in order and never raises: anything PostgreSQL would reject
(a duplicate table, dropping an unknown constraint, ``DROP TABLE`` of a table
other tables still reference without ``CASCADE``) becomes a :class:`Diagnostic`
and the replay goes on with the most useful interpretation.

What the result holds
---------------------
* ``tables``: every live table, plus *external* tables (referenced or altered but
  never created in the set: ``external=True``, ``defined_at=None``). A dropped
  table appears only when a foreign key (present or dropped) names it, with
  ``dropped_at`` set; it never shadows a live table of the same name.
  Partitions (``PARTITION OF`` / ``ATTACH PARTITION``) are folded into their
  partitioned root: they are not tables of the output, their FKs and the FKs
  pointing at them belong to the root, and an ``info`` diagnostic lists them.
* ``foreign_keys``: every FK ever added, present or dropped (``dropped_at`` set),
  with ``added_at`` at the line of its ``REFERENCES``/``FOREIGN KEY`` clause. The FKs of a
  statement that fails on an empty server, as a table it names is not created yet (or
  ever), have ``fresh_db_failure`` and a warning names the table; they stay present.
  A FK re-added after a drop is a new record. Table names are the tables' final names
  (a FK follows renames of its tables, also after it was dropped); columns are those at
  the time it was dropped.
* Unnamed FKs get the server's default name (see :mod:`ingest.migrations.naming`), so a
  later ``DROP CONSTRAINT`` by that name matches.

Diagnostic codes: ``unknown-table``, ``forward-reference``, ``duplicate-table``,
``duplicate-column``, ``duplicate-constraint``, ``duplicate-index``, ``unknown-constraint``,
``unknown-column``, ``unresolved-reference``, ``drop-dependent``, ``skipped``,
``partition``, ``internal``.

Examples
--------
>>> from ingest.migrations.ops import CreateTable, FKSpec, QName, ConstraintSpec
>>> from model.inventory import Column
>>> pk = ConstraintSpec("p", None, ("id",))
>>> users = CreateTable(QName(None, "users"), (Column("id", "integer"),), (pk,))
>>> posts = CreateTable(QName(None, "posts"), (Column("user_id", "integer"),),
...                     fks=(FKSpec(None, ("user_id",), QName(None, "users")),), line=5)
>>> inv = replay("shop", [("001_init.sql", [users, posts])])
>>> [(fk.name, fk.ref_columns, str(fk.added_at)) for fk in inv.foreign_keys]
[('posts_user_id_fkey', ('id',), '001_init.sql:5')]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from ingest.compact import Sharer
from ingest.migrations import ops as o
from ingest.migrations.replay_constraints import ConstraintReplayer
from ingest.migrations.replay_keys import MYSQL_NAMING
from ingest.migrations.replay_state import TableState, fk_sort_key, materialize, release
from model.inventory import Diagnostic, ForeignKey, Inventory, Table

__all__ = ["DEFAULT_SCHEMA", "MYSQL_NAMING", "Replayer", "fk_sort_key", "replay"]

#: Schema of unqualified names when no search path says otherwise (other dialects: ``''``).
DEFAULT_SCHEMA = {"postgres": "public", "postgresql": "public", "redshift": "public"}
_IGNORED_PATH = frozenset({"$user", "pg_catalog", "pg_temp"})


class Replayer(ConstraintReplayer):
    """Mutable replay state of one logical database (one migration set).

    Call :meth:`begin_file` before the operations of each file, :meth:`apply`
    for each operation, then :meth:`result` once.
    """

    def __init__(self, database: str, share: Sharer | None = None) -> None:
        super().__init__(database)
        self.share = share  # hands out the values of the result (a set's own Sharer when None)
        self._drops = itertools.count(1)
        self._handlers = {
            o.SetSearchPath: self._set_search_path,
            o.CreateSchema: self._create_schema,
            o.DropSchema: self._drop_schema,
            o.CreateTable: self._create_table,
            o.DropTable: self._drop_tables,
            o.AddColumn: self._add_column,
            o.DropColumn: self._drop_column,
            o.AlterColumn: self._alter_column,
            o.AddForeignKey: self._add_foreign_key,
            o.AddConstraint: self._add_constraint_op,
            o.DropConstraint: self._drop_constraint,
            o.ValidateConstraint: self._validate_constraint,
            o.AlterConstraint: self._alter_constraint,
            o.RenameTable: self._rename_table,
            o.RenameColumn: self._rename_column,
            o.RenameConstraint: self._rename_constraint,
            o.SetSchema: self._set_schema,
            o.AttachPartition: self._attach_partition,
            o.DetachPartition: self._detach_partition,
            o.CreateIndex: self._create_index,
            o.DropIndex: self._drop_index,
            o.RenameIndex: self._rename_index,
        }

    # ------------------------------------------------------------------ driving
    def begin_file(self, path: str, *, dialect: str = "postgres") -> None:
        """Start a file: its diagnostics carry ``path``; the search path resets to the default."""
        self.path = path
        self._file_order.setdefault(path, len(self._file_order))
        self.dialect = dialect
        self.default_schema = DEFAULT_SCHEMA.get(dialect, "")
        self.search_path = [self.default_schema]
        self._begin_statement(None)

    def apply(self, op: o.Op) -> None:
        """Apply one operation; an unexpected failure becomes an ``internal`` diagnostic."""
        handler = self._handlers.get(type(op))
        if handler is None:
            return
        if (op.line, op.text) != self._statement:  # the operations of one statement come together
            self._begin_statement((op.line, op.text))
        try:
            handler(op)  # type: ignore[operator]
        except Exception as exc:
            self._diag(
                "error", "internal", f"internal error replaying statement: {type(exc).__name__}: {exc}", op
            )

    def add_diagnostic(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic found elsewhere (parser, reader) so :meth:`result` orders it with the rest."""
        self._file_order.setdefault(diagnostic.path, len(self._file_order))
        self.diagnostics.add(diagnostic)

    def result(self) -> tuple[tuple[Table, ...], tuple[ForeignKey, ...], tuple[Diagnostic, ...]]:
        """Sorted tables and FKs, and diagnostics in replay order (file, then line).

        FKs sort by table, name, then when they were added (file replay order, line),
        so the records of a FK dropped and re-added read in history order.
        """
        tables, fks, notes = materialize(self.database, self.live.values(), self.history, self.share)
        self.share = None  # a replayer is a reference cycle (its handlers): it must not keep the values
        self._release_state()
        self.diagnostics.extend(notes)
        diags = self.diagnostics.result()
        order = self._file_order
        diags.sort(key=lambda d: (order.get(d.path, len(order)), d.line))
        return tables, tuple(sorted(fks, key=lambda f: fk_sort_key(f, order))), tuple(diags)

    def _release_state(self) -> None:
        """Break the table <-> FK <-> index reference cycles so memory is freed without the cyclic GC."""
        release(self.live.values(), self.history, self.indexes)
        self.history = []
        self.live = {}
        self._handlers = {}  # bound methods: the replayer's own reference cycle

    # ------------------------------------------------------------------ schemas and search path
    def _set_search_path(self, op: o.SetSearchPath) -> None:
        if op.schemas is None:
            self.search_path = [self.default_schema]
        else:
            self.search_path = [s for s in op.schemas if s and s not in _IGNORED_PATH]

    def _create_schema(self, op: o.CreateSchema) -> None:
        saved = self.search_path
        self.search_path = [op.name, *saved]
        try:
            for element in op.elements:
                self.apply(element)
        finally:
            self.search_path = saved

    def _drop_schema(self, op: o.DropSchema) -> None:
        for name in op.names:
            doomed = [t for (schema, _), t in self.live.items() if schema == name and t.partition_of is None]
            if doomed and not op.cascade:
                self._diag(
                    "warning",
                    "drop-dependent",
                    f"DROP SCHEMA {name} without CASCADE fails while it holds tables; they are dropped here",
                    op,
                )
            for t in doomed:
                if t.dropped_at is None:
                    self._drop_table(t, op, cascade=True)

    # ------------------------------------------------------------------ tables
    def _create_table(self, op: o.CreateTable) -> None:
        schema, name = self._schema_for(op.table), op.table.name
        t = self.live.get((schema, name))
        if t is not None and not t.external:
            self._table_exists(t, op)
            return
        t = self._defined(t, schema, name, op)
        self._copy_columns(t, op)
        if op.partition_of is not None:
            self._create_partition(t, op.partition_of, op)
        for column in op.columns:
            t.columns[column.name] = column
        for spec in op.constraints:
            self._add_constraint(t, spec, op)
        for fk_spec in op.fks:
            self._add_fk(t, fk_spec, op)
        if t.primary_key:  # REFERENCES t without columns, seen before t was created
            for incoming in t.incoming:
                if not incoming.ref_columns:
                    incoming.ref_columns = t.primary_key

    def _table_exists(self, t: TableState, op: o.CreateTable) -> None:
        """``CREATE TABLE`` of a table that exists: skipped, quietly with ``IF NOT EXISTS``."""
        if not op.if_not_exists:
            message = (
                f"CREATE TABLE {t}: the table already exists (created at {t.defined_at}); statement skipped"
            )
            self._diag("warning", "duplicate-table", message, op)
        elif op.fks:
            self._diag(
                "info",
                "skipped",
                f"CREATE TABLE {t}: the table exists since {t.defined_at}, "
                f"so the {len(op.fks)} foreign key(s) of this statement are not created",
                op,
            )

    def _defined(self, t: TableState | None, schema: str, name: str, op: o.CreateTable) -> TableState:
        """The table ``op`` creates: new, or the external one earlier statements referenced."""
        if t is None:
            t = self._new_table(schema, name)
        else:
            if t.first_ref is not None:
                self._diag(
                    "warning",
                    "forward-reference",
                    f"table {t} is created here but referenced earlier at {t.first_ref[0]}; "
                    "that statement fails on a fresh database",
                    op,
                )
            t.external = False
        t.defined_at = self._loc(op.line)
        return t

    def _copy_columns(self, t: TableState, op: o.CreateTable) -> None:
        """The columns of ``INHERITS`` parents and ``LIKE`` sources (and a ``LIKE``'s key when asked)."""
        for parent_q in op.inherits:
            parent = self._lookup(parent_q)
            if parent is None:
                self._diag(
                    "warning", "unknown-table", f"INHERITS {parent_q}: table is not created in this set", op
                )
            else:
                t.columns.update(parent.columns)
        for like in op.like:
            source = self._lookup(like.table)
            if source is None:
                self._diag(
                    "warning", "unknown-table", f"LIKE {like.table}: table is not created in this set", op
                )
                continue
            t.columns.update(source.columns)
            if like.including_indexes and source.primary_key and not t.primary_key:
                self._add_constraint(t, o.ConstraintSpec("p", None, source.primary_key), op)

    def _create_partition(self, t: TableState, parent_q: o.QName, op: o.CreateTable) -> None:
        """``CREATE TABLE t PARTITION OF parent``: ``t`` joins ``parent`` and takes its columns."""
        parent = self._lookup(parent_q)
        if parent is None:
            parent = self._target(o.TableOp(line=op.line, text=op.text), parent_q, create=True)
        if parent is not None and self._partition_cycle(t, parent, op):
            parent = None
        if parent is not None:
            t.partition_of = parent
            parent.children[t] = None
            t.columns.update(parent.columns)

    def _drop_tables(self, op: o.DropTable) -> None:
        for q in op.tables:
            t = self._lookup(q)
            if t is None:
                if not op.if_exists:
                    self._diag(
                        "warning",
                        "unknown-table",
                        f"DROP TABLE {q}: table is not created in this migration set",
                        op,
                    )
                continue
            self._drop_table(t, op, cascade=op.cascade)

    def _drop_table(self, t: TableState, op: o.Op, *, cascade: bool) -> None:
        loc = self._loc(op.line)
        for child in list(t.children):
            if child.dropped_at is None:
                self._drop_table(child, op, cascade=True)
        for fk in list(t.fks.values()):
            self._drop_fk(fk, loc)
        dependents = [fk for fk in t.incoming if fk.table is not t and fk.table.partition_of is not t]
        for fk in dependents:
            self._drop_fk(fk, loc)
        if dependents and not cascade:
            names = ", ".join(f"{fk.table}.{fk.name}" for fk in dependents[:5])
            self._diag(
                "warning",
                "drop-dependent",
                f"DROP TABLE {t} without CASCADE fails while {len(dependents)} foreign key(s) reference it "
                f"({names}); they are recorded as dropped here",
                op,
            )
        for name in self._all_names(t):
            self._release(t.schema, name)
        self.indexes.dropped(t)
        if t.partition_of is not None:
            t.partition_of.children.pop(t, None)
        self.live.pop((t.schema, t.name), None)
        t.dropped_at = loc
        t.drop_seq = next(self._drops)

    def _rename_table(self, op: o.RenameTable) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        if (t.schema, op.new_name) in self.live:
            self._diag("warning", "duplicate-table", f"RENAME {t} TO {op.new_name}: that name is taken", op)
            return
        old = t.name
        del self.live[(t.schema, old)]
        t.name = op.new_name
        self.live[(t.schema, t.name)] = t
        if self.dialect in MYSQL_NAMING:  # MySQL renames its generated FK names with the table
            prefix = f"{old}_ibfk_"
            for fk in [fk for name, fk in t.fks.items() if name.startswith(prefix)]:
                self._rename_fk(fk, f"{t.name}_ibfk_{fk.name[len(prefix) :]}")

    def _set_schema(self, op: o.SetSchema) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        if (op.schema, t.name) in self.live:
            self._diag(
                "warning", "duplicate-table", f"SET SCHEMA {op.schema}: {op.schema}.{t.name} exists", op
            )
            return
        for name in self._all_names(t):
            self._release(t.schema, name)
            self._claim(op.schema, name)
        del self.live[(t.schema, t.name)]
        old, t.schema = t.schema, op.schema
        self.indexes.moved(t, old)
        self.live[(t.schema, t.name)] = t

    def _attach_partition(self, op: o.AttachPartition) -> None:
        parent = self._target(op, op.table, create=True)
        part = self._lookup(op.partition)
        if parent is None:
            return
        if part is None:
            self._diag(
                "warning", "unknown-table", f"ATTACH PARTITION {op.partition}: table is not created", op
            )
            return
        if self._partition_cycle(part, parent, op):
            return
        if part.partition_of is not None:
            part.partition_of.children.pop(part, None)
        part.partition_of = parent
        parent.children[part] = None

    def _partition_cycle(self, part: TableState, parent: TableState, op: o.Op) -> bool:
        """True (with a warning) when ``part`` is ``parent`` or an ancestor of it: PostgreSQL refuses that."""
        ancestor: TableState | None = parent
        seen: set[int] = set()
        while ancestor is not None and id(ancestor) not in seen:
            seen.add(id(ancestor))
            if ancestor is part:
                message = f"{part} cannot be a partition of {parent}: it would be a partition of itself"
                self._diag("warning", "partition", message, op)
                return True
            ancestor = ancestor.partition_of
        return False

    def _detach_partition(self, op: o.DetachPartition) -> None:
        part = self._lookup(op.partition)
        if part is not None and part.partition_of is not None:
            part.partition_of.children.pop(part, None)
            part.partition_of = None


def replay(
    database: str, files: Iterable[tuple[str, Sequence[o.Op]]], *, dialect: str = "postgres"
) -> Inventory:
    """Replay ``(path, operations)`` pairs in order into one logical database.

    Returns an inventory without services, sources or migrations (the caller adds those).
    """
    r = Replayer(database)
    for path, operations in files:
        r.begin_file(path, dialect=dialect)
        for op in operations:
            r.apply(op)
    tables, fks, diags = r.result()
    return Inventory(tables=tables, foreign_keys=fks, diagnostics=diags)
