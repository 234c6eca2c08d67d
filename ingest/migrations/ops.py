"""Neutral DDL operations: what the dialect parsers emit and the replayer applies.

:mod:`ingest.migrations.postgres` (pglast) and :mod:`ingest.migrations.sqlglot_dialects` (sqlglot)
translate statements
into these small frozen records, so the semantics of ``CREATE TABLE``,
``ALTER TABLE ... ADD FOREIGN KEY``, renames and drops live once, in
:mod:`ingest.migrations.replay`.

Names are given as written after the dialect's identifier rules (PostgreSQL
folds unquoted names to lower case); an unqualified name has ``schema=None`` and
is resolved against the replayer's search path. Every operation carries the
1-based ``line`` of its statement in the migration file and, for diagnostics,
the statement ``text`` (not part of equality or ``repr``).

Examples
--------
>>> op = AddForeignKey(QName("public", "posts"), FKSpec(None, ("user_id",), QName(None, "users")), line=3)
>>> op.fk.ref_columns
()
>>> excerpt("ALTER TABLE posts\\n    ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id)")
'ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from model.inventory import Column

__all__ = [
    "AddColumn",
    "AddConstraint",
    "AddForeignKey",
    "AlterColumn",
    "AlterConstraint",
    "AttachPartition",
    "ConstraintSpec",
    "CreateIndex",
    "CreateSchema",
    "CreateTable",
    "DetachPartition",
    "DropColumn",
    "DropConstraint",
    "DropIndex",
    "DropSchema",
    "DropTable",
    "FKSpec",
    "LikeSpec",
    "Op",
    "QName",
    "RenameColumn",
    "RenameConstraint",
    "RenameIndex",
    "RenameTable",
    "SetSchema",
    "SetSearchPath",
    "TableOp",
    "ValidateConstraint",
    "excerpt",
    "excerpt_at",
]

EXCERPT_CHARS = 120


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A one-line excerpt of ``text``: whitespace collapsed, at most ``limit`` characters.

    >>> excerpt("CREATE   TABLE t (\\n  id int\\n)")
    'CREATE TABLE t ( id int )'
    >>> len(excerpt("x" * 500))
    120
    """
    one = " ".join(text[: limit * 4].split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def excerpt_at(text: str, first_line: int, line: int, limit: int = EXCERPT_CHARS) -> str:
    """The excerpt of the physical line ``line`` of ``text``, which starts on ``first_line``.

    Falls back to the whole text's excerpt when ``line`` lies outside ``text``.

    >>> excerpt_at("CREATE TABLE t (\\n  a int REFERENCES u\\n)", 10, 11)
    'a int REFERENCES u'
    """
    lines = text.split("\n", line - first_line + 1) if line > first_line else []
    if line > first_line and len(lines) > line - first_line:
        piece = excerpt(lines[line - first_line], limit)
        if piece:
            return piece
    return excerpt(text, limit)


@dataclass(frozen=True)
class QName:
    """A possibly schema-qualified table name; ``schema=None`` means unqualified.

    >>> str(QName(None, "users")), str(QName("auth", "users"))
    ('users', 'auth.users')
    """

    schema: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True)
class FKSpec:
    """A foreign key as declared.

    ``name`` is None when the statement gives none (the replayer then chooses the
    dialect's default name). ``ref_columns`` empty means "the referenced table's
    primary key". ``line`` is the line of the ``REFERENCES``/``FOREIGN KEY`` clause.
    ``on_delete_enforced_by`` is ``"application"`` for an ORM's declared behaviour that the
    constraint does not carry (see :attr:`model.inventory.ForeignKey.on_delete_enforced_by`).
    """

    name: str | None
    columns: tuple[str, ...]
    ref_table: QName
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    on_delete_columns: tuple[str, ...] = ()
    line: int = 0
    on_delete_enforced_by: Literal["database", "application"] = "database"


@dataclass(frozen=True)
class ConstraintSpec:
    """A non-FK constraint, tracked for names and keys.

    ``kind`` is ``'p'`` primary key, ``'u'`` unique, ``'c'`` check, ``'x'`` exclusion.
    For a check constraint ``columns`` holds the columns its expression uses. A
    ``deferrable`` key cannot back a foreign key; ``index`` names the unique index
    that ``ADD CONSTRAINT ... USING INDEX`` turns into the key (``columns`` empty).
    """

    kind: str
    name: str | None
    columns: tuple[str, ...] = ()
    deferrable: bool = False
    index: str | None = None


@dataclass(frozen=True)
class LikeSpec:
    """``LIKE source [INCLUDING ...]``: columns are copied, the key only with ``INCLUDING INDEXES``."""

    table: QName
    including_indexes: bool = False


@dataclass(frozen=True, kw_only=True)
class Op:
    """Base of all operations: the statement's line and text."""

    line: int = 0
    text: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class TableOp(Op):
    """An operation on one existing table; ``table_if_exists`` is ``ALTER TABLE IF EXISTS``."""

    table_if_exists: bool = False


@dataclass(frozen=True)
class SetSearchPath(Op):
    """``SET search_path``; ``schemas=None`` restores the default."""

    schemas: tuple[str, ...] | None


@dataclass(frozen=True)
class CreateSchema(Op):
    """``CREATE SCHEMA``; ``elements`` are the statements nested in it, run inside the schema."""

    name: str
    if_not_exists: bool = False
    elements: tuple[Op, ...] = ()


@dataclass(frozen=True)
class DropSchema(Op):
    """``DROP SCHEMA``: drops every table in the schemas."""

    names: tuple[str, ...]
    if_exists: bool = False
    cascade: bool = False


@dataclass(frozen=True)
class CreateTable(Op):
    """``CREATE TABLE`` with its columns, keys and foreign keys (inline and table-level, in order)."""

    table: QName
    columns: tuple[Column, ...] = ()
    constraints: tuple[ConstraintSpec, ...] = ()
    fks: tuple[FKSpec, ...] = ()
    if_not_exists: bool = False
    like: tuple[LikeSpec, ...] = ()
    inherits: tuple[QName, ...] = ()
    partition_of: QName | None = None


@dataclass(frozen=True)
class DropTable(Op):
    """``DROP TABLE [IF EXISTS] t, ... [CASCADE]``."""

    tables: tuple[QName, ...]
    if_exists: bool = False
    cascade: bool = False


@dataclass(frozen=True)
class AddColumn(TableOp):
    """``ALTER TABLE t ADD COLUMN`` with the column's own constraints and references."""

    table: QName
    column: Column
    constraints: tuple[ConstraintSpec, ...] = ()
    fks: tuple[FKSpec, ...] = ()
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropColumn(TableOp):
    """``ALTER TABLE t DROP COLUMN [IF EXISTS] c [CASCADE]``."""

    table: QName
    column: str
    if_exists: bool = False
    cascade: bool = False


@dataclass(frozen=True)
class AlterColumn(TableOp):
    """A column's type or nullability changes (``None`` = unchanged)."""

    table: QName
    column: str
    type: str | None = None
    nullable: bool | None = None


@dataclass(frozen=True)
class AddForeignKey(TableOp):
    """``ALTER TABLE t ADD [CONSTRAINT n] FOREIGN KEY ... [NOT VALID]``."""

    table: QName
    fk: FKSpec


@dataclass(frozen=True)
class AddConstraint(TableOp):
    """``ALTER TABLE t ADD [CONSTRAINT n] PRIMARY KEY | UNIQUE | CHECK | EXCLUDE``."""

    table: QName
    constraint: ConstraintSpec


@dataclass(frozen=True)
class DropConstraint(TableOp):
    """``DROP CONSTRAINT [IF EXISTS] n [CASCADE]``.

    ``kind`` narrows the target: ``'f'`` (MySQL ``DROP FOREIGN KEY``), ``'p'``
    (MySQL ``DROP PRIMARY KEY``, ``name`` empty) or ``''`` for any constraint.
    """

    table: QName
    name: str
    if_exists: bool = False
    cascade: bool = False
    kind: str = ""


@dataclass(frozen=True)
class ValidateConstraint(TableOp):
    """``ALTER TABLE t VALIDATE CONSTRAINT n``."""

    table: QName
    name: str


@dataclass(frozen=True)
class AlterConstraint(TableOp):
    """``ALTER TABLE t ALTER CONSTRAINT n [NOT] DEFERRABLE [INITIALLY ...]``."""

    table: QName
    name: str
    deferrable: bool | None = None
    initially_deferred: bool | None = None


@dataclass(frozen=True)
class RenameTable(TableOp):
    """``ALTER TABLE t RENAME TO n`` / MySQL ``RENAME TABLE``; the schema stays."""

    table: QName
    new_name: str


@dataclass(frozen=True)
class RenameColumn(TableOp):
    """``ALTER TABLE t RENAME [COLUMN] a TO b``."""

    table: QName
    old: str
    new: str


@dataclass(frozen=True)
class RenameConstraint(TableOp):
    """``ALTER TABLE t RENAME CONSTRAINT a TO b``."""

    table: QName
    old: str
    new: str


@dataclass(frozen=True)
class SetSchema(TableOp):
    """``ALTER TABLE t SET SCHEMA s``."""

    table: QName
    schema: str


@dataclass(frozen=True)
class AttachPartition(TableOp):
    """``ALTER TABLE parent ATTACH PARTITION p``: p folds into parent."""

    table: QName
    partition: QName


@dataclass(frozen=True)
class DetachPartition(TableOp):
    """``ALTER TABLE parent DETACH PARTITION p``: p is a table of its own again."""

    table: QName
    partition: QName


@dataclass(frozen=True)
class CreateIndex(TableOp):
    """``CREATE UNIQUE INDEX [name] ON t (columns)``: a key a foreign key may depend on.

    ``usable`` is False when no foreign key can use it (expressions, a ``WHERE`` clause).
    Indexes that are not unique are not operations: nothing depends on them.
    """

    table: QName
    name: str | None
    columns: tuple[str, ...]
    usable: bool = True
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropIndex(Op):
    """``DROP INDEX [IF EXISTS] name, ... [CASCADE]``: CASCADE drops the FKs that use it."""

    indexes: tuple[QName, ...]
    if_exists: bool = False
    cascade: bool = False


@dataclass(frozen=True)
class RenameIndex(Op):
    """``ALTER INDEX [IF EXISTS] name RENAME TO new`` (a key's index renames its constraint)."""

    index: QName
    new_name: str
    if_exists: bool = False
