"""Liquibase changes -> DDL operations (the change types that shape tables and keys).

* ``createTable`` (``tableName``, ``schemaName``) with its ``column`` elements and their
  ``constraints``: ``primaryKey``, ``nullable``, ``references="table(col)"`` or
  ``referencedTableName``/``referencedColumnNames``/``referencedTableSchemaName``, with
  ``foreignKeyName`` and ``deleteCascade``;
* ``addColumn`` (the same column elements), ``addForeignKeyConstraint`` (``baseTableName``,
  ``baseColumnNames``, ``constraintName``, ``referencedTableName``, ``referencedColumnNames``,
  ``onDelete``, ``onUpdate``, ``deferrable``, ``initiallyDeferred``, schema names),
  ``dropForeignKeyConstraint``, ``dropAllForeignKeyConstraints``, ``addPrimaryKey``,
  ``addUniqueConstraint``, ``dropTable`` (``cascadeConstraints``), ``renameTable``,
  ``renameColumn``, ``dropColumn``.

``sql``/``sqlFile`` and includes are :mod:`ingest.orm.liquibase`'s. Names are folded to lower
case for PostgreSQL, as Liquibase leaves them unquoted. Other change types (indexes, data,
views) do not touch keys and are skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.migrations.ops import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
    ConstraintSpec,
    CreateTable,
    DropColumn,
    DropConstraint,
    DropTable,
    FKSpec,
    Op,
    QName,
    RenameColumn,
    RenameTable,
)
from ingest.orm.common_js import action
from ingest.orm.liquibase_files import LNode
from model.inventory import Column

__all__ = ["CHANGES", "Names"]


class Names:
    """How names are written: folded to lower case (PostgreSQL) or kept; ``${property}`` filled in."""

    def __init__(self, fold: bool, properties: dict[str, str]) -> None:
        self.fold = fold
        self.properties = properties

    def value(self, node: LNode, key: str) -> str:
        """An attribute with its ``${...}`` properties substituted ('' when absent)."""
        raw = node.attrs.get(key, "")
        for name, value in self.properties.items():
            raw = raw.replace("${" + name + "}", value)
        return raw.strip()

    def name(self, node: LNode, key: str) -> str:
        """An identifier attribute, folded when the database folds unquoted names."""
        value = self.value(node, key)
        return value.lower() if self.fold else value

    def names(self, node: LNode, key: str) -> tuple[str, ...]:
        """A comma-separated list of identifiers."""
        return tuple(n.strip() for n in self.name(node, key).split(",") if n.strip())

    def table(self, node: LNode, key: str = "tableName", schema_key: str = "schemaName") -> QName | None:
        """A table (``None`` when the attribute is missing)."""
        name = self.name(node, key)
        return QName(self.name(node, schema_key) or None, name) if name else None

    def flag(self, node: LNode, key: str) -> bool:
        """A boolean attribute."""
        return self.value(node, key).lower() == "true"


def _references(names: Names, column: str, c: LNode, line: int) -> FKSpec | None:
    refs = names.value(c, "references")
    if refs:
        target, _, cols = refs.partition("(")
        table = target.strip().lower() if names.fold else target.strip()
        ref_columns = tuple(
            x.strip().lower() if names.fold else x.strip() for x in cols.rstrip(") ").split(",") if x.strip()
        )
        ref = QName(None, table) if "." not in table else QName(*table.split(".", 1))
    else:
        found = names.table(c, "referencedTableName", "referencedTableSchemaName")
        if found is None:
            return None
        ref, ref_columns = found, names.names(c, "referencedColumnNames")
    on_delete = "CASCADE" if names.flag(c, "deleteCascade") else "NO ACTION"
    return FKSpec(names.name(c, "foreignKeyName") or None, (column,), ref, ref_columns, on_delete, line=line)


def _columns(names: Names, node: LNode) -> tuple[list[Column], list[str], list[FKSpec]]:
    columns, keys, fks = [], [], []
    for col in node.children:
        if col.tag != "column" or not names.name(col, "name"):
            continue
        name = names.name(col, "name")
        c = next((x for x in col.children if x.tag == "constraints"), LNode("constraints"))
        primary = names.flag(c, "primaryKey")
        nullable = not primary and names.value(c, "nullable").lower() != "false"
        columns.append(Column(name, names.value(col, "type").lower(), nullable))
        if primary:
            keys.append(name)
        fk = _references(names, name, c, c.line or col.line)
        if fk is not None:
            fks.append(fk)
    return columns, keys, fks


def _create_table(names: Names, node: LNode) -> list[Op]:
    table = names.table(node)
    if table is None:
        return []
    columns, keys, fks = _columns(names, node)
    pk = (ConstraintSpec("p", None, tuple(keys)),) if keys else ()
    return [CreateTable(table, tuple(columns), pk, tuple(fks), line=node.line)]


def _add_column(names: Names, node: LNode) -> list[Op]:
    table = names.table(node)
    if table is None:
        return []
    columns, keys, fks = _columns(names, node)
    ops: list[Op] = []
    for column in columns:
        mine = tuple(f for f in fks if f.columns == (column.name,))
        pk = (ConstraintSpec("p", None, (column.name,)),) if column.name in keys else ()
        ops.append(AddColumn(table, column, pk, mine, line=node.line))
    return ops


def _add_fk(names: Names, node: LNode) -> list[Op]:
    table = names.table(node, "baseTableName", "baseTableSchemaName")
    ref = names.table(node, "referencedTableName", "referencedTableSchemaName")
    columns, ref_columns = names.names(node, "baseColumnNames"), names.names(node, "referencedColumnNames")
    if table is None or ref is None or not columns:
        return []
    spec = FKSpec(
        names.name(node, "constraintName") or None,
        columns,
        ref,
        ref_columns,
        action(names.value(node, "onDelete"))
        or ("CASCADE" if names.flag(node, "deleteCascade") else "NO ACTION"),
        action(names.value(node, "onUpdate")) or "NO ACTION",
        deferrable=names.flag(node, "deferrable"),
        initially_deferred=names.flag(node, "initiallyDeferred"),
        line=node.line,
    )
    return [AddForeignKey(table, spec, line=node.line)]


def _drop_fk(names: Names, node: LNode) -> list[Op]:
    table, name = (
        names.table(node, "baseTableName", "baseTableSchemaName"),
        names.name(node, "constraintName"),
    )
    return [DropConstraint(table, name, kind="f", line=node.line)] if table is not None and name else []


def _constraint(kind: str) -> Callable[[Names, LNode], list[Op]]:
    def add(names: Names, node: LNode) -> list[Op]:
        table, columns = names.table(node), names.names(node, "columnNames")
        if table is None or not columns:
            return []
        spec = ConstraintSpec(kind, names.name(node, "constraintName") or None, columns)
        return [AddConstraint(table, spec, line=node.line)]

    return add


def _drop_table(names: Names, node: LNode) -> list[Op]:
    table = names.table(node)
    return (
        [DropTable((table,), cascade=names.flag(node, "cascadeConstraints"), line=node.line)] if table else []
    )


def _rename_table(names: Names, node: LNode) -> list[Op]:
    old, new = names.table(node, "oldTableName"), names.name(node, "newTableName")
    return [RenameTable(old, new, line=node.line)] if old is not None and new else []


def _rename_column(names: Names, node: LNode) -> list[Op]:
    table, old, new = names.table(node), names.name(node, "oldColumnName"), names.name(node, "newColumnName")
    return [RenameColumn(table, old, new, line=node.line)] if table is not None and old and new else []


def _drop_column(names: Names, node: LNode) -> list[Op]:
    table = names.table(node)
    columns = [names.name(node, "columnName")] + [
        names.name(c, "name") for c in node.children if c.tag == "column"
    ]
    return [DropColumn(table, c, line=node.line) for c in columns if c] if table is not None else []


#: Change type -> operations (``dropAllForeignKeyConstraints`` needs the replay state: see liquibase).
CHANGES: dict[str, Callable[[Names, LNode], list[Op]]] = {
    "createTable": _create_table,
    "addColumn": _add_column,
    "addForeignKeyConstraint": _add_fk,
    "dropForeignKeyConstraint": _drop_fk,
    "addPrimaryKey": _constraint("p"),
    "addUniqueConstraint": _constraint("u"),
    "dropTable": _drop_table,
    "renameTable": _rename_table,
    "renameColumn": _rename_column,
    "dropColumn": _drop_column,
}
