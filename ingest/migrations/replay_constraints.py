"""Keys, unique indexes and the foreign keys that depend on them, in the replay.

:class:`ConstraintReplayer` adds to :class:`~ingest.migrations.replay_keys.KeyReplayer` the
operations on columns and on non-FK constraints, and ``CREATE UNIQUE INDEX`` / ``DROP
INDEX`` / ``ALTER INDEX ... RENAME``. As in PostgreSQL, a foreign key depends on one unique
index of the referenced table (:meth:`~ingest.migrations.replay_state.Indexes.used_by`:
the primary key's for ``REFERENCES t``, else the oldest usable unique index on exactly
its columns); dropping that index or its primary key / unique constraint drops the
foreign key (``CASCADE``; without it PostgreSQL refuses, and a ``drop-dependent``
warning says the keys are recorded as dropped here). A foreign key added before any
such index existed (PostgreSQL would refuse it) depends on any key on its columns.
"""

from __future__ import annotations

from ingest.migrations import ops as o
from ingest.migrations.naming import choose_name, fk_addition
from ingest.migrations.replay_keys import KeyReplayer
from ingest.migrations.replay_state import FKState, IndexState, TableState
from model.inventory import Column

__all__ = ["ConstraintReplayer"]


class ConstraintReplayer(KeyReplayer):
    """Column, key and index operations of the replay (see the module)."""

    # ------------------------------------------------------------------ columns
    def _add_column(self, op: o.AddColumn) -> None:
        t = self._target(op, op.table, create=True)
        if t is None:
            return
        if op.column.name in t.columns:
            if not op.if_not_exists:
                self._diag(
                    "warning", "duplicate-column", f"ADD COLUMN {op.column.name}: {t} already has it", op
                )
            return
        t.columns[op.column.name] = op.column
        for spec in op.constraints:
            self._add_constraint(t, spec, op)
        for fk in op.fks:
            self._add_fk(t, fk, op)

    def _drop_column(self, op: o.DropColumn) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        col = op.column
        if col not in t.columns and not (op.if_exists or t.external):
            self._diag("warning", "unknown-column", f"DROP COLUMN {col}: {t} has no such column", op)
        t.columns.pop(col, None)
        loc = self._loc(op.line)
        for fk in [fk for fk in t.fks.values() if col in fk.columns]:
            self._drop_fk(fk, loc)
        dependents = [fk for fk in t.incoming if col in fk.ref_columns]
        for fk in dependents:
            self._drop_fk(fk, loc)
        if dependents and not op.cascade:
            names = ", ".join(f"{fk.table}.{fk.name}" for fk in dependents[:5])
            self._diag(
                "warning",
                "drop-dependent",
                f"DROP COLUMN {t}.{col} without CASCADE fails while foreign keys reference it ({names}); "
                "they are recorded as dropped here",
                op,
            )
        for name, (kind, cols) in list(t.constraints.items()):
            if col in cols:
                self._remove_constraint(t, name, kind)
        for idx in [idx for idx in t.indexes.values() if col in idx.columns]:
            self.indexes.remove(idx)  # PostgreSQL drops the indexes on a dropped column

    def _rename_column(self, op: o.RenameColumn) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        old, new = op.old, op.new
        if old in t.columns:
            t.columns = {
                (new if k == old else k): (Column(new, c.type, c.nullable) if k == old else c)
                for k, c in t.columns.items()
            }
        elif not t.external:
            self._diag("warning", "unknown-column", f"RENAME COLUMN {old}: {t} has no such column", op)

        def swap(cols: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if c == old else c for c in cols)

        t.primary_key = swap(t.primary_key)
        t.constraints = {name: (kind, swap(cols)) for name, (kind, cols) in t.constraints.items()}
        for idx in t.indexes.values():
            idx.columns = swap(idx.columns)
        for fk in t.fks.values():
            fk.columns = swap(fk.columns)
        for fk in t.incoming:
            fk.ref_columns = swap(fk.ref_columns)

    # ------------------------------------------------------------------ constraints
    def _add_constraint_op(self, op: o.AddConstraint) -> None:
        t = self._target(op, op.table, create=True)
        if t is not None:
            self._add_constraint(t, op.constraint, op)

    def _add_constraint(self, t: TableState, spec: o.ConstraintSpec, op: o.Op) -> None:
        """Add a key or check to ``t``; a primary key also makes its columns NOT NULL (in every
        dialect, wherever the key is declared: the parsers leave that to the replay). A key
        has a unique index of its name (``USING INDEX`` takes over an existing one)."""
        taken = self._names.get(t.schema, {})
        using = self.indexes.by_name.get((t.schema, spec.index)) if spec.index else None
        cols = using.columns if using is not None else spec.columns
        if spec.kind == "p":
            if any(kind == "p" for kind, _ in t.constraints.values()):
                self._diag("warning", "duplicate-constraint", f"{t} already has a primary key", op)
                return
            name = spec.name or spec.index or choose_name(t.name, None, "pkey", taken)
            t.primary_key = cols
            for c in cols:
                if c in t.columns:
                    t.columns[c] = Column(c, t.columns[c].type, False)
        elif spec.kind == "c":
            name = spec.name or choose_name(t.name, cols[0] if len(cols) == 1 else None, "check", taken)
        else:
            label = "excl" if spec.kind == "x" else "key"
            name = spec.name or spec.index or choose_name(t.name, fk_addition(cols), label, taken)
        if name in t.constraints or name in t.fks:
            self._diag("warning", "duplicate-constraint", f"constraint {name} already exists on {t}", op)
            return
        t.constraints[name] = (spec.kind, cols)
        self._claim(t.schema, name)
        if using is not None and using.table is t:
            self.indexes.rename(using, name)
            using.constraint = spec.kind
        elif spec.kind in ("p", "u"):
            self.indexes.add(t, name, cols, not spec.deferrable, spec.kind)

    def _remove_constraint(self, t: TableState, name: str, kind: str) -> IndexState | None:
        """Remove a constraint; the index of a key goes with it (returned)."""
        del t.constraints[name]
        self._release(t.schema, name)
        if kind == "p":
            t.primary_key = ()
        idx = t.indexes.get(name)
        if idx is not None and idx.constraint:
            self.indexes.remove(idx)
            return idx
        return None

    def _drop_constraint(self, op: o.DropConstraint) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        if op.kind == "p":  # MySQL's DROP PRIMARY KEY
            for name, (kind, _) in list(t.constraints.items()):
                if kind == "p":
                    self._remove_constraint(t, name, kind)
            t.primary_key = ()
            return
        fk = t.fks.get(op.name)
        if fk is not None:
            self._drop_fk(fk, self._loc(op.line))
            return
        con = t.constraints.get(op.name) if op.kind != "f" else None
        if con is None:
            if not (op.if_exists or t.external):
                what = "foreign key" if op.kind == "f" else "constraint"
                self._diag("warning", "unknown-constraint", f"DROP: {t} has no {what} named {op.name}", op)
            return
        idx = self._remove_constraint(t, op.name, con[0])
        if idx is not None:
            self._drop_dependents(idx, op, op.cascade, f"DROP CONSTRAINT {op.name}")

    def _rename_constraint(self, op: o.RenameConstraint) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        if op.new in t.fks or op.new in t.constraints:
            self._diag("warning", "duplicate-constraint", f"RENAME CONSTRAINT: {op.new} exists on {t}", op)
        elif op.old in t.fks:
            self._rename_fk(t.fks[op.old], op.new)
        elif op.old in t.constraints:
            self._rename_key(t, op.old, op.new)
        elif not t.external:
            self._diag(
                "warning", "unknown-constraint", f"RENAME CONSTRAINT: {t} has no constraint {op.old}", op
            )

    def _rename_key(self, t: TableState, old: str, new: str) -> None:
        """A non-FK constraint and its index take a new name."""
        t.constraints[new] = t.constraints.pop(old)
        self._release(t.schema, old)
        self._claim(t.schema, new)
        idx = t.indexes.get(old)
        if idx is not None and idx.constraint:
            self.indexes.rename(idx, new)

    # ------------------------------------------------------------------ unique indexes
    def _drop_dependents(self, idx: IndexState, op: o.Op, cascade: bool, what: str) -> None:
        """Drop the foreign keys that depend on ``idx``, which was just dropped."""
        cols = set(idx.columns)
        dependents: list[FKState] = [
            fk
            for fk in idx.table.incoming
            if fk.index is idx or (fk.index is None and fk.ref_columns and set(fk.ref_columns) == cols)
        ]
        for fk in dependents:
            self._drop_fk(fk, self._loc(op.line))
        if dependents and not cascade:
            names = ", ".join(f"{fk.table}.{fk.name}" for fk in dependents[:5])
            self._diag(
                "warning",
                "drop-dependent",
                f"{what} without CASCADE fails while {len(dependents)} foreign key(s) depend on it "
                f"({names}); they are recorded as dropped here",
                op,
            )

    def _find_index(self, q: o.QName) -> IndexState | None:
        schemas = [q.schema] if q.schema is not None else self.search_path
        for schema in schemas:
            idx = self.indexes.by_name.get((schema, q.name))
            if idx is not None:
                return idx
        return None

    def _create_index(self, op: o.CreateIndex) -> None:
        t = self._target(op, op.table)
        if t is None:
            return
        schema = t.schema
        taken = {name for s, name in self.indexes.by_name if s == schema} | set(self._names.get(schema, {}))
        name = op.name or choose_name(t.name, fk_addition(op.columns), "idx", dict.fromkeys(taken, 1))
        if (schema, name) in self.indexes.by_name:
            if not op.if_not_exists:
                self._diag(
                    "warning", "duplicate-index", f"CREATE INDEX {name}: {schema} has an index so named", op
                )
            return
        self.indexes.add(t, name, op.columns, op.usable)

    def _drop_index(self, op: o.DropIndex) -> None:
        """Unique indexes only: nothing depends on the others (they are not tracked)."""
        for q in op.indexes:
            idx = self._find_index(q)
            if idx is None:
                continue
            if idx.constraint:
                message = (
                    f"DROP INDEX {q} fails: constraint {idx.name} on {idx.table} requires it "
                    "(drop the constraint instead); nothing is dropped here"
                )
                self._diag("warning", "drop-dependent", message, op)
                continue
            self.indexes.remove(idx)
            self._drop_dependents(idx, op, op.cascade, f"DROP INDEX {q}")

    def _rename_index(self, op: o.RenameIndex) -> None:
        idx = self._find_index(op.index)
        if idx is None:
            return
        if idx.constraint:
            self._rename_key(idx.table, idx.name, op.new_name)
        else:
            self.indexes.rename(idx, op.new_name)
