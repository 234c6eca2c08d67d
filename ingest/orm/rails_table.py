"""Rails ``create_table`` blocks, references and key options -> neutral DDL (the base of ``RailsOps``).

``t.<type>``, ``t.column``, ``t.primary_key``, ``t.timestamps``, ``t.references`` /
``t.belongs_to`` and ``t.foreign_key`` of a ``create_table`` block, the ``id:`` and
``primary_key:`` options, and the options of a key (``column:``, ``primary_key:``, ``name:``,
``on_delete:``, ``on_update:``, ``validate:``, ``deferrable:``) with Rails' defaults: see
:mod:`ingest.orm.rails_ops`.
"""

from __future__ import annotations

import hashlib

from ingest.migrations import ops as o
from ingest.orm.common_py import Replay, action, qname
from ingest.orm.rails_inflect import Inflector
from ingest.orm.ruby_calls import Dyn, RCall, RValue
from model.inventory import Column

__all__ = ["RailsTable", "fk_rails_name", "strs"]

_TYPES = {
    "string": "character varying",
    "float": "double precision",
    "decimal": "numeric",
    "datetime": "timestamp",
    "binary": "bytea",
    "primary_key": "bigint",
}
_NOT_COLUMNS = frozenset(
    {"index", "check_constraint", "exclusion_constraint", "unique_constraint", "remove_index"}
    | {
        "change",
        "change_default",
        "change_null",
        "rename_index",
        "remove_check_constraint",
        "remove_timestamps",
    }
)


def fk_rails_name(table: str, columns: list[str]) -> str:
    """Rails' name for an unnamed foreign key.

    >>> fk_rails_name("posts", ["user_id"])
    'fk_rails_5b5ddfd518'
    """
    identifier = f"{table}_{'_and_'.join(columns)}_fk"
    return "fk_rails_" + hashlib.sha256(identifier.encode()).hexdigest()[:10]


def _names(values: list[RValue]) -> list[str] | None:
    return [v for v in values if isinstance(v, str)] if all(isinstance(v, str) for v in values) else None


def strs(value: RValue) -> list[str] | None:
    """A name or a list of names; ``None`` when anything is not a literal."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return _names(value)
    return None


class RailsTable:
    """What every Rails statement needs: literal names, key specs, references, ``create_table``.

    ``schema_file`` defers the keys of ``t.references`` to the end of the file."""

    def __init__(self, replay: Replay, inflect: Inflector, *, schema_file: bool) -> None:
        self.r = replay
        self.inflect = inflect
        self.schema_file = schema_file
        self.deferred: list[o.AddForeignKey] = []

    # -- helpers ------------------------------------------------------------------------------------
    def name(self, call: RCall, value: RValue | None, what: str) -> str | None:
        """A literal name, else a warning (the statement is skipped)."""
        if isinstance(value, str) and value:
            return value
        shown = value.text if isinstance(value, Dyn) else "missing"
        self.r.warn(
            f"{call.method}: {what} is not a literal ({shown}); statement not read",
            call.line,
            excerpt=call.text,
        )
        return None

    def arg(self, call: RCall, index: int, what: str) -> str | None:
        return self.name(call, call.args[index] if len(call.args) > index else None, what)

    def splat(self, call: RCall) -> None:
        if call.splat:
            self.r.warn(f"{call.method}: options passed with ** are not read", call.line, excerpt=call.text)

    def fk_spec(self, table: str, to: str, opts: dict[str, RValue], call: RCall) -> o.FKSpec | None:
        """The key ``table`` -> ``to`` as ``add_foreign_key`` options describe it."""
        pk = strs(opts.get("primary_key", "id"))
        default: list[RValue] = [f"{self.inflect.singularize(qname(to).name)}_{c}" for c in pk or ["id"]]
        columns = strs(opts.get("column", default))
        name = opts.get("name")
        if pk is None or columns is None or not isinstance(name, (str, type(None))):
            self.r.warn(
                f"{call.method}: column, primary key or name is not a literal; key not read", call.line
            )
            return None
        deferrable = opts.get("deferrable")
        return o.FKSpec(
            name=name or fk_rails_name(table, columns),
            columns=tuple(columns),
            ref_table=qname(to),
            ref_columns=tuple(pk),
            on_delete=action(str(opts.get("on_delete") or "")) or "NO ACTION",
            on_update=action(str(opts.get("on_update") or "")) or "NO ACTION",
            deferrable=deferrable in (True, "deferred", "immediate"),
            initially_deferred=deferrable == "deferred",
            validated=opts.get("validate") is not False,
            line=call.line,
        )

    def reference(self, table: str, call: RCall) -> tuple[list[Column], o.FKSpec | None] | None:
        """Columns and key of ``t.references`` / ``add_reference`` (argument 0 of ``call`` is the name)."""
        ref = self.arg(call, 0, "reference name")
        if ref is None:
            return None
        self.splat(call)
        kind = str(call.option("type") or "bigint")
        null = call.option("null") is not False
        columns = [Column(f"{ref}_id", _TYPES.get(kind, kind), null)]
        if call.option("polymorphic"):
            columns.append(Column(f"{ref}_type", "character varying", null))
        fk = call.option("foreign_key")
        if not fk or call.option("polymorphic"):
            return columns, None
        if not isinstance(fk, dict):
            fk = {}
        to = fk.get("to_table", self.inflect.pluralize(ref))
        if not isinstance(to, str):
            self.r.warn(
                f"{call.method}: to_table is not a literal; key not read", call.line, excerpt=call.text
            )
            return columns, None
        return columns, self.fk_spec(table, to, {**fk, "column": f"{ref}_id"}, call)

    def add_fk(self, table: str, spec: o.FKSpec, call: RCall) -> None:
        op = o.AddForeignKey(qname(table), spec, line=call.line, text=call.text)
        if self.schema_file:
            self.deferred.append(op)
        else:
            self.r.apply(op)

    # -- create_table -------------------------------------------------------------------------------
    def create_table(self, call: RCall) -> None:
        table = self.arg(call, 0, "table name")
        if table is None:
            return
        columns, pk, fks = self.id_columns(call)
        for stmt in call.block or []:
            if stmt.receiver == call.block_param:
                fks += self.table_statement(table, stmt, columns, pk)
        if isinstance(call.option("primary_key"), list):
            pk = [c for c in strs(call.option("primary_key")) or []]
        if call.option("force") and self.r.table(qname(table)) is not None:
            self.r.apply(
                o.DropTable((qname(table),), cascade=call.option("force") == "cascade", line=call.line)
            )
        constraints = (o.ConstraintSpec("p", None, tuple(pk)),) if pk else ()
        inline = () if self.schema_file else tuple(s for _, s in fks)
        exists = bool(call.option("if_not_exists"))
        self.r.apply(
            o.CreateTable(
                qname(table), tuple(columns), constraints, inline, exists, line=call.line, text=call.text
            )
        )
        if self.schema_file:
            for stmt, spec in fks:
                self.add_fk(table, spec, stmt)

    def id_columns(self, call: RCall) -> tuple[list[Column], list[str], list[tuple[RCall, o.FKSpec]]]:
        kind = call.option("id", True)
        pk = call.option("primary_key")
        if kind is False or isinstance(pk, list):
            return [], [], []
        name = pk if isinstance(pk, str) else "id"
        type_ = "bigint" if kind is True else str(kind) if isinstance(kind, str) else "bigint"
        return [Column(name, _TYPES.get(type_, type_), False)], [name], []

    def table_statement(
        self, table: str, stmt: RCall, columns: list[Column], pk: list[str]
    ) -> list[tuple[RCall, o.FKSpec]]:
        """One ``t.<x>`` of a ``create_table`` block: columns added in place, keys returned."""
        method = stmt.method
        if method in ("references", "belongs_to"):
            got = self.reference(table, stmt)
            if got is not None:
                columns.extend(got[0])
                return [(stmt, got[1])] if got[1] is not None else []
        elif method == "foreign_key":
            to = self.arg(stmt, 0, "referenced table")
            spec = self.fk_spec(table, to, stmt.options, stmt) if to is not None else None
            return [(stmt, spec)] if spec is not None else []
        else:
            for column in self.columns_of(stmt):
                columns.append(column)
                if method == "primary_key":
                    pk.append(column.name)
        return []

    def columns_of(self, stmt: RCall) -> list[Column]:
        """The columns a ``t.<type> "a", "b"`` / ``t.column "a", :type`` / ``t.timestamps`` declares."""
        method = stmt.method
        if method in _NOT_COLUMNS:
            return []
        null = stmt.option("null") is not False
        if method == "timestamps":
            return [Column(c, "timestamp", null) for c in ("created_at", "updated_at")]
        names = stmt.args[:1] if method == "column" else stmt.args
        kind = str(stmt.args[1]) if method == "column" and len(stmt.args) > 1 else method
        if method == "primary_key":
            names, kind = stmt.args[:1], str(stmt.args[1]) if len(stmt.args) > 1 else "primary_key"
        out = []
        for value in names:
            name = self.name(stmt, value, "column name")
            if name is not None:
                out.append(Column(name, _TYPES.get(kind, kind), null and method != "primary_key"))
        return out
