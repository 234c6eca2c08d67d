"""The replay state of one logical database and its foreign keys.

:class:`KeyReplayer` holds the state and the handlers for foreign keys;
:class:`ingest.migrations.replay_constraints.ConstraintReplayer` adds columns, keys and
unique indexes, and :class:`ingest.migrations.replay.Replayer` the driving methods and the
table and schema operations. Constraint names are tracked per schema (PostgreSQL
picks default names unique among a schema's constraints), non-FK constraints too,
so that unnamed foreign keys get the exact default name and ``DROP CONSTRAINT`` of
a check or unique constraint is no false alarm.
"""

from __future__ import annotations

from ingest.diagnostics import PerFileCap
from ingest.migrations import ops as o
from ingest.migrations.naming import choose_name, fk_addition, mysql_fk_name
from ingest.migrations.replay_state import FKState, Indexes, TableState
from model.inventory import Column, Diagnostic, Location, Severity

__all__ = ["MYSQL_NAMING", "KeyReplayer"]

#: Dialects whose unnamed FKs are called ``<table>_ibfk_<n>``.
MYSQL_NAMING = frozenset({"mysql", "mariadb", "doris", "starrocks", "singlestore"})


class KeyReplayer:
    """Replay state of one logical database, with the foreign key operations."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.live: dict[tuple[str, str], TableState] = {}
        self.history: list[FKState] = []
        self.diagnostics = PerFileCap()  # at most MAX_PER_FILE per file, as they come
        self.path = ""
        self.dialect = "postgres"
        self.default_schema = "public"
        self.search_path: list[str] = ["public"]
        self._names: dict[str, dict[str, int]] = {}
        self._file_order: dict[str, int] = {}
        self.indexes = Indexes()
        self._statement: tuple[int, str] | None = None  # (line, text) of the statement being applied
        self._statement_fks: list[FKState] = []
        self._statement_fails = False
        #: tables created outside the set before its statements that reference them run, by
        #: (schema, name) -> what creates them (:meth:`provide`)
        self.provided: dict[tuple[str, str], str] = {}

    def _begin_statement(self, key: tuple[int, str] | None) -> None:
        self._statement = key
        self._statement_fks = []
        self._statement_fails = False

    # ------------------------------------------------------------------ helpers
    def _diag(self, severity: Severity, code: str, message: str, op: o.Op, line: int = 0) -> None:
        line = line or op.line
        self.diagnostics.add(
            Diagnostic(severity, message, self.path, line, o.excerpt_at(op.text, op.line, line), code)
        )

    def _loc(self, line: int) -> Location:
        return Location(self.path, line)

    def _lookup(self, q: o.QName) -> TableState | None:
        if q.schema is not None:
            return self.live.get((q.schema, q.name))
        for schema in self.search_path:
            t = self.live.get((schema, q.name))
            if t is not None:
                return t
        return None

    def _schema_for(self, q: o.QName) -> str:
        if q.schema is not None:
            return q.schema
        return self.search_path[0] if self.search_path else self.default_schema

    def _new_table(self, schema: str, name: str, *, external: bool = False) -> TableState:
        t = TableState(schema, name, external=external)
        self.live[(schema, name)] = t
        return t

    def _claim(self, schema: str, name: str) -> None:
        names = self._names.get(schema)
        if names is None:
            names = self._names[schema] = {}
        names[name] = names.get(name, 0) + 1

    def _release(self, schema: str, name: str) -> None:
        names = self._names.get(schema)
        count = names.get(name, 0) if names is not None else 0
        if names is not None and count > 1:
            names[name] = count - 1
        elif names is not None and count:
            del names[name]

    def _all_names(self, t: TableState) -> list[str]:
        return [*t.constraints, *t.fks]

    def _target(self, op: o.TableOp, q: o.QName, *, create: bool = False) -> TableState | None:
        """The table an ALTER works on; unknown => warning, and a placeholder when ``create``."""
        t = self._lookup(q)
        if t is not None or op.table_if_exists:
            return t
        schema = self._schema_for(q)
        self._diag(
            "warning",
            "unknown-table",
            f"ALTER TABLE {schema}.{q.name}: table is not created in this migration set",
            op,
        )
        if not create:
            return None
        # not found through the search path (it may be empty): never replace a table of that name
        return self.live.get((schema, q.name)) or self._new_table(schema, q.name, external=True)

    def _referenced(self, q: o.QName, op: o.Op, line: int) -> TableState:
        t = self._lookup(q)
        if t is None:
            schema = self._schema_for(q)
            t = self.live.get((schema, q.name)) or self._new_table(schema, q.name, external=True)
        if t.external:
            t.refs += 1
            if t.first_ref is None:
                t.first_ref = (self._loc(line), o.excerpt_at(op.text, op.line, line))
        return t

    # ------------------------------------------------------------------ columns
    def _alter_column(self, op: o.AlterColumn) -> None:
        t = self._target(op, op.table)
        column = t.columns.get(op.column) if t is not None else None
        if t is None or column is None:
            return
        t.columns[op.column] = Column(
            column.name,
            column.type if op.type is None else op.type,
            column.nullable if op.nullable is None else op.nullable,
        )

    def _add_foreign_key(self, op: o.AddForeignKey) -> None:
        t = self._target(op, op.table, create=True)
        if t is not None:
            self._add_fk(t, op.fk, op)

    def _add_fk(self, t: TableState, spec: o.FKSpec, op: o.Op) -> None:
        line = spec.line or op.line
        ref = self._referenced(spec.ref_table, op, line)
        ref_columns = spec.ref_columns
        if not ref_columns:
            ref_columns = ref.primary_key or (("id",) if "id" in ref.columns else ())
        if spec.name:
            name = spec.name
        elif self.dialect in MYSQL_NAMING:
            name = mysql_fk_name(t.name, t.fks)
        else:
            name = choose_name(t.name, fk_addition(spec.columns), "fkey", self._names.get(t.schema, {}))
        if name in t.fks or name in t.constraints:
            self._diag(
                "warning",
                "duplicate-constraint",
                f"constraint {name} already exists on {t}; this FOREIGN KEY fails and is not recorded",
                op,
                line,
            )
            return
        fk = FKState(
            name=name,
            table=t,
            columns=spec.columns,
            ref=ref,
            ref_columns=ref_columns,
            spec=spec,
            validated=spec.validated,
            added_at=self._loc(line),
            excerpt=o.excerpt_at(op.text, op.line, line) if not ref_columns else "",
            deferrable=spec.deferrable,
            initially_deferred=spec.initially_deferred,
            index=self.indexes.used_by(ref, ref_columns, primary=not spec.ref_columns),
        )
        self._fresh_db(fk, t, ref)
        t.fks[name] = fk
        ref.incoming[fk] = None
        self._claim(t.schema, name)
        self.history.append(fk)

    def provide(self, q: o.QName, by: str) -> None:
        """Table ``q``, if no statement of the set creates it, exists before the statements that
        follow: ``by`` creates it (a Django app the migration depends on). A key into it does not
        fail on a fresh database."""
        self.provided.setdefault((self._schema_for(q), q.name), by)

    def _fresh_db(self, fk: FKState, t: TableState, ref: TableState) -> None:
        """On an empty server the statement adding ``fk`` fails when a table it names does not
        exist yet (created later, or never, and not provided): then every FK of that statement is
        flagged."""
        if ref.external and not ref.provided_by:
            ref.provided_by = self.provided.get((ref.schema, ref.name), "")
        if not self._statement_fails and ((ref.external and not ref.provided_by) or t.external):
            self._statement_fails = True
            for earlier in self._statement_fks:
                earlier.fresh_db_failure = True
        fk.fresh_db_failure = self._statement_fails
        self._statement_fks.append(fk)

    def _drop_fk(self, fk: FKState, loc: Location) -> None:
        fk.dropped_at = loc
        fk.table.fks.pop(fk.name, None)
        fk.ref.incoming.pop(fk, None)
        self._release(fk.table.schema, fk.name)

    def _rename_fk(self, fk: FKState, new: str) -> None:
        t = fk.table
        del t.fks[fk.name]
        self._release(t.schema, fk.name)
        fk.name = new
        t.fks[new] = fk
        self._claim(t.schema, new)

    def _find_fk(self, op: o.TableOp, q: o.QName, name: str) -> FKState | None:
        t = self._target(op, q)
        if t is None:
            return None
        fk = t.fks.get(name)
        if fk is None and name not in t.constraints and not t.external:
            self._diag("warning", "unknown-constraint", f"{t} has no constraint named {name}", op)
        return fk

    def _validate_constraint(self, op: o.ValidateConstraint) -> None:
        fk = self._find_fk(op, op.table, op.name)
        if fk is not None:
            fk.validated = True

    def _alter_constraint(self, op: o.AlterConstraint) -> None:
        fk = self._find_fk(op, op.table, op.name)
        if fk is not None:
            if op.deferrable is not None:
                fk.deferrable = op.deferrable
            if op.initially_deferred is not None:
                fk.initially_deferred = op.initially_deferred
