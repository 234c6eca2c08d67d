"""Rails schema statements and migration calls -> neutral DDL operations on a replay.

Read (``db/schema.rb`` and ``db/migrate/*.rb`` alike):

* ``create_table "t", id: false | :uuid | :serial, primary_key: "uid" | ["a", "b"], force:,
  if_not_exists:`` with its block: ``t.<type> "col", null: false`` (several names allowed),
  ``t.column``, ``t.primary_key``, ``t.timestamps``, ``t.references`` / ``t.belongs_to``
  (``polymorphic:``, ``type:``, ``null:``, ``foreign_key: true | { to_table:, primary_key:,
  on_delete:, on_update:, name: }``) and ``t.foreign_key``;
* ``add_foreign_key from, to, column:, primary_key:, name:, on_delete:, on_update:,
  validate:, deferrable:, if_not_exists:`` -- an unnamed key gets Rails' own name
  ``fk_rails_<first 10 hex of SHA-256("<table>_<cols joined by _and_>_fk")>``, the default
  column is the singular of ``to`` plus ``_id``, the default primary key ``id``;
* ``remove_foreign_key from, to | column: | name: | to_table:`` (the live key is looked up);
* ``add_reference`` / ``add_belongs_to``, ``remove_reference``, ``add_column``,
  ``remove_column(s)``, ``rename_column``, ``drop_table``, ``rename_table``,
  ``create_join_table`` (``table_name:``, ``column_options: { foreign_key: true }``) and
  ``change_table`` blocks (``t.references``, ``t.remove_references``, ``t.remove``,
  ``t.rename``, ``t.foreign_key``, ``t.remove_foreign_key``, columns);
* ``execute "SQL"`` / ``execute <<~SQL`` -- replayed by the SQL reader at its line.

In ``schema.rb`` the keys of ``t.references`` are added after every table (the file is not
an ordered history). A table name, target or column that is not a literal is an
``orm-dynamic`` warning and the statement is skipped; a ``**splat`` of options on a key is
a warning too (the key is kept with the options that are literal).
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.migrations import ops as o
from ingest.orm.common_py import qname
from ingest.orm.rails_table import RailsTable, fk_rails_name
from ingest.orm.ruby_calls import Dyn, RCall

__all__ = ["RailsOps", "fk_rails_name"]


class RailsOps(RailsTable):
    """Applies the Rails calls of one file to a replay."""

    def run(self, calls: list[RCall]) -> None:
        """Apply the calls of one file (then the deferred keys, for ``schema.rb``)."""
        for call in calls:
            if call.receiver and not call.receiver.endswith("connection") and call.receiver != "self":
                continue
            handler = _HANDLERS.get(call.method)
            if handler is not None:
                handler(self, call)
        for op in self.deferred:
            self.r.apply(op)
        self.deferred = []


def _add_foreign_key(self: RailsTable, call: RCall) -> None:
    table, to = self.arg(call, 0, "table name"), self.arg(call, 1, "referenced table")
    if table is None or to is None:
        return
    self.splat(call)
    spec = self.fk_spec(table, to, call.options, call)
    if spec is None:
        return
    if call.option("if_not_exists") and any(fk.columns == spec.columns for fk in self.r.fks_of(qname(table))):
        return
    self.add_fk(table, spec, call)


def _remove_foreign_key(self: RailsTable, call: RCall, table: str | None = None) -> None:
    args = call.args if table is None else [table, *call.args]
    table = self.name(call, args[0] if args else None, "table name")
    if table is None:
        return
    to = args[1] if len(args) > 1 else call.option("to_table")
    column, name = call.option("column"), call.option("name")
    if isinstance(name, str):
        self.r.apply(o.DropConstraint(qname(table), name, kind="f", line=call.line, text=call.text))
        return
    if (
        not isinstance(to, (str, type(None)))
        or not isinstance(column, (str, type(None)))
        or (to is column is None)
    ):
        self.r.warn(
            "remove_foreign_key: the key is not named by literals; not read", call.line, excerpt=call.text
        )
        return
    for fk in self.r.fks_of(qname(table)):
        if (column is None or fk.columns == (column,)) and (to is None or fk.ref.name == qname(to).name):
            self.r.apply(o.DropConstraint(qname(table), fk.name, kind="f", line=call.line, text=call.text))
            return
    columns = [column or f"{self.inflect.singularize(qname(str(to)).name)}_id"]
    self.r.apply(
        o.DropConstraint(
            qname(table),
            fk_rails_name(table, columns),
            kind="f",
            if_exists=bool(call.option("if_exists")),
            line=call.line,
            text=call.text,
        )
    )


def _add_reference(self: RailsTable, call: RCall, table: str | None = None) -> None:
    if table is None:
        table = self.arg(call, 0, "table name")
        call = RCall(call.method, "", call.args[1:], call.options, call.line, call.text, call.splat)
    got = self.reference(table, call) if table is not None else None
    if table is None or got is None:
        return
    columns, spec = got
    for i, column in enumerate(columns):
        fks = (spec,) if spec is not None and i == 0 else ()
        self.r.apply(o.AddColumn(qname(table), column, fks=fks, line=call.line, text=call.text))


def _remove_reference(self: RailsTable, call: RCall, table: str | None = None) -> None:
    args = call.args if table is None else [table, *call.args]
    table = self.name(call, args[0] if args else None, "table name")
    ref = self.name(call, args[1] if len(args) > 1 else None, "reference name")
    if table is None or ref is None:
        return
    names = [f"{ref}_id", *([f"{ref}_type"] if call.option("polymorphic") else [])]
    for column in names:
        self.r.apply(o.DropColumn(qname(table), column, line=call.line, text=call.text))


def _add_column(self: RailsTable, call: RCall, table: str | None = None) -> None:
    args = call.args if table is None else [table, *call.args]
    table = self.name(call, args[0] if args else None, "table name")
    if table is None:
        return
    if call.method in ("add_column", "column"):
        stmt = RCall("column", "", args[1:], call.options, call.line, call.text)
    else:
        stmt = RCall(call.method, "", args[1:], call.options, call.line, call.text)
    for column in self.columns_of(stmt):
        self.r.apply(o.AddColumn(qname(table), column, line=call.line, text=call.text))


def _remove_column(self: RailsTable, call: RCall, table: str | None = None) -> None:
    args = call.args if table is None else [table, *call.args]
    table = self.name(call, args[0] if args else None, "table name")
    names = args[1:2] if call.method == "remove_column" else args[1:]
    for value in names if table is not None else []:
        column = self.name(call, value, "column name")
        if column is not None and table is not None:
            self.r.apply(o.DropColumn(qname(table), column, line=call.line, text=call.text))


def _rename_column(self: RailsTable, call: RCall, table: str | None = None) -> None:
    args = call.args if table is None else [table, *call.args]
    names = [self.name(call, args[i] if len(args) > i else None, "name") for i in range(3)]
    if None not in names:
        t, old, new = (str(n) for n in names)
        self.r.apply(o.RenameColumn(qname(t), old, new, line=call.line, text=call.text))


def _drop_table(self: RailsTable, call: RCall) -> None:
    names = [self.name(call, v, "table name") for v in call.args]
    tables = tuple(qname(n) for n in names if n is not None)
    if tables:
        cascade = call.option("force") == "cascade"
        self.r.apply(
            o.DropTable(tables, bool(call.option("if_exists")), cascade, line=call.line, text=call.text)
        )


def _rename_table(self: RailsTable, call: RCall) -> None:
    old, new = self.arg(call, 0, "table name"), self.arg(call, 1, "new table name")
    if old is not None and new is not None:
        self.r.apply(o.RenameTable(qname(old), qname(new).name, line=call.line, text=call.text))


def _change_table(self: RailsTable, call: RCall) -> None:
    table = self.arg(call, 0, "table name")
    for stmt in call.block or [] if table is not None else []:
        if stmt.receiver != call.block_param or table is None:
            continue
        handler = _CHANGE.get(stmt.method, _add_column)
        if stmt.method in ("foreign_key", "remove_foreign_key"):
            handler(
                self,
                RCall(stmt.method, "", [table, *stmt.args], stmt.options, stmt.line, stmt.text, stmt.splat),
            )
        else:
            handler(self, stmt, table)


def _create_join_table(self: RailsTable, call: RCall) -> None:
    first, second = self.arg(call, 0, "table"), self.arg(call, 1, "table")
    if first is None or second is None:
        return
    name = call.option("table_name")
    if not isinstance(name, str):
        a, b = sorted([first, second])
        prefix = next(
            (a[: i + 1] for i in range(len(a) - 1, -1, -1) if a[i] == "_" and b.startswith(a[: i + 1])), ""
        )
        name = f"{a}_{b[len(prefix) :]}" if prefix else f"{a}_{b}"
    opts = call.option("column_options")
    refs = [
        RCall(
            "references",
            "t",
            [self.inflect.singularize(t)],
            {"null": False, **(opts if isinstance(opts, dict) else {})},
            call.line,
            call.text,
        )
        for t in (first, second)
    ]
    self.create_table(
        RCall(
            "create_table",
            "",
            [name],
            {"id": False},
            call.line,
            call.text,
            block=[*refs, *(call.block or [])],
            block_param="t",
        )
    )


def _execute(self: RailsTable, call: RCall) -> None:
    sql = call.args[0] if call.args else None
    if isinstance(sql, str):
        self.r.sql(sql, call.text_line or call.line)
        return
    shown = sql.text if isinstance(sql, Dyn) else "no argument"
    self.r.warn(f"execute: SQL is not a literal ({shown[:60]}); not read", call.line, excerpt=call.text)


_Handler = Callable[..., None]
_HANDLERS: dict[str, _Handler] = {
    "create_table": RailsTable.create_table,
    "add_foreign_key": _add_foreign_key,
    "remove_foreign_key": _remove_foreign_key,
    "add_reference": _add_reference,
    "add_belongs_to": _add_reference,
    "remove_reference": _remove_reference,
    "remove_belongs_to": _remove_reference,
    "add_column": _add_column,
    "remove_column": _remove_column,
    "remove_columns": _remove_column,
    "rename_column": _rename_column,
    "drop_table": _drop_table,
    "rename_table": _rename_table,
    "change_table": _change_table,
    "create_join_table": _create_join_table,
    "execute": _execute,
}
_CHANGE: dict[str, _Handler] = {
    "references": _add_reference,
    "belongs_to": _add_reference,
    "remove_references": _remove_reference,
    "remove_belongs_to": _remove_reference,
    "remove": _remove_column,
    "rename": _rename_column,
    "foreign_key": _add_foreign_key,
    "remove_foreign_key": _remove_foreign_key,
    "index": lambda *_: None,
}
