"""The neutral model: what every source is read into and every view is drawn from.

All classes are frozen, hashable dataclasses holding tuples, so they can be used
as set members and dict keys and are never mutated after construction. A whole
:class:`Inventory` round-trips through JSON with :meth:`Inventory.to_json` and
:meth:`Inventory.from_json`.

Examples
--------
>>> users = TableRef("auth", "public", "users")
>>> fk = ForeignKey(
...     name="posts_user_id_fkey",
...     table=TableRef("auth", "public", "posts"),
...     columns=("user_id",),
...     ref_table=users,
...     ref_columns=("id",),
...     on_delete="CASCADE",
... )
>>> fk.state
'present'
>>> inv = Inventory(foreign_keys=(fk,))
>>> Inventory.from_json(inv.to_json()) == inv
True
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

__all__ = [
    "ACTIONS",
    "Column",
    "Diagnostic",
    "Evidence",
    "ForeignKey",
    "Inventory",
    "Location",
    "Migration",
    "Service",
    "Severity",
    "SharedAccess",
    "Source",
    "Table",
    "TableRef",
    "from_dict",
    "to_dict",
]

#: Referential actions, spelled as PostgreSQL prints them.
ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True, slots=True)
class TableRef:
    """A table's identity: logical database, schema and name.

    For migrations the database is the migration set's label (its directory
    relative to the scanned root); for catalogs it is the real database name.

    >>> TableRef("shop", "public", "orders").qualified
    'public.orders'
    >>> TableRef("shop", "", "orders").qualified  # MySQL: no schema level
    'orders'
    """

    database: str
    schema: str
    name: str

    @property
    def qualified(self) -> str:
        """``schema.name`` (just ``name`` without a schema), the way people say it in a review."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def __str__(self) -> str:
        return f"{self.database}:{self.schema}.{self.name}"


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """Where something was stated: a file and 1-based line, or a database.

    >>> str(Location("db/001_init.sql", 12))
    'db/001_init.sql:12'
    >>> str(Location("postgresql://app@db/shop"))
    'postgresql://app@db/shop'
    """

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Column:
    """A column: name, SQL type as written (normalised lower-case) and nullability."""

    name: str
    type: str = ""
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for a table's owner; :attr:`Table.owner_evidence` lists them decisive first.

    ``kind`` is one of ``config``, ``schema``, ``unit``, ``library``,
    ``code-write``, ``code-read``, ``file-name``, ``name-family``,
    ``fk-neighbourhood``, ``folder``, ``database``, ``replica-of``, ``kept``;
    ``service`` the service it points at; ``detail`` a sentence for people;
    ``path``/``line`` the place it was read from (a file of the repository, a
    line of ``fkmap.toml``), when there is one.

    >>> str(Evidence("code-write", "content", "written by content (src/db.rs:41)", "src/db.rs", 41))
    'code-write: content: written by content (src/db.rs:41)'
    """

    kind: str
    service: str
    detail: str
    path: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.kind}: {self.service}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Table:
    """A table of one logical database.

    ``external`` marks a table that is referenced but defined by no statement
    of its own database. ``service`` is empty until the service map assigns it;
    ``replica_of`` names the service that owns the entity this table copies
    (a local *shadow* ``users`` table), so FKs into it are coupling to that owner.
    ``resolved_to`` is set on an external table that another scanned database
    defines (the reference fails on a fresh database). ``provided_by`` says, for an
    external table, what creates it before the scanned migrations that reference it run
    (``Django app auth``: a dependency those migrations declare); FKs into such a table do
    not fail on a fresh database. ``owner_evidence`` says why the table has its owner,
    decisive reason first.
    """

    ref: TableRef
    columns: tuple[Column, ...] = ()
    primary_key: tuple[str, ...] = ()
    external: bool = False
    defined_at: Location | None = None
    dropped_at: Location | None = None
    service: str = ""
    replica_of: str = ""
    resolved_to: TableRef | None = None
    provided_by: str = ""
    owner_evidence: tuple[Evidence, ...] = ()

    @property
    def owner(self) -> str:
        """The service whose data this table holds: ``replica_of`` or ``service``."""
        return self.replica_of or self.service


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key (declared) or a reference inferred from naming (``origin='inferred'``).

    Columns and referenced columns are in key order. ``validated`` is False for
    ``NOT VALID``. ``on_delete_columns`` holds the column list of
    ``ON DELETE SET NULL (col, ...)``. ``added_at``/``dropped_at`` carry the
    history; a dropped FK stays in the inventory with ``state == 'dropped'``.
    ``fresh_db_failure``: the statement that adds it fails on an empty server for a
    reason its tables do not show: a table it names is created only later in the
    migrations, the table it is added to is never created, or another foreign key of
    the statement fails. (A referenced table never created shows: ``external``; the
    graph's ``fresh_db_failure`` covers both.)
    ``on_delete_enforced_by``: ``"application"`` when ``on_delete`` is a behaviour the
    application's ORM carries out itself (Django's ``on_delete=CASCADE``: the constraint in the
    database is ``NO ACTION``); ``"database"`` when the constraint itself does it.
    """

    name: str
    table: TableRef
    columns: tuple[str, ...]
    ref_table: TableRef
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    on_delete_columns: tuple[str, ...] = ()
    added_at: Location | None = None
    dropped_at: Location | None = None
    origin: Literal["declared", "inferred"] = "declared"
    fresh_db_failure: bool = False
    on_delete_enforced_by: Literal["database", "application"] = "database"

    @property
    def state(self) -> Literal["present", "dropped"]:
        """``'dropped'`` once a migration dropped it, else ``'present'``."""
        return "dropped" if self.dropped_at is not None else "present"

    @property
    def database_on_delete(self) -> str:
        """The ``ON DELETE`` action of the constraint in the database (``NO ACTION`` when the
        application enforces ``on_delete``)."""
        return self.on_delete if self.on_delete_enforced_by == "database" else "NO ACTION"

    @property
    def is_self_reference(self) -> bool:
        """True when the FK points at its own table."""
        return self.table == self.ref_table

    @property
    def key(self) -> tuple[TableRef, tuple[str, ...], TableRef, tuple[str, ...]]:
        """Structural identity (table, columns, referenced table, referenced columns)."""
        return (self.table, self.columns, self.ref_table, self.ref_columns)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found while reading a source; the run always goes on.

    ``code`` is a short stable slug (``parse-error``, ``unknown-table``,
    ``unsupported``, ``config``, ``connect``...). ``excerpt`` is a short,
    single-line piece of the offending input.
    """

    severity: Severity
    message: str
    path: str = ""
    line: int = 0
    excerpt: str = ""
    code: str = ""

    @property
    def location(self) -> Location:
        """The diagnostic's place as a :class:`Location`."""
        return Location(self.path, self.line)


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file (or section) that was replayed.

    ``ordinal`` is its 0-based position within its set; ``order`` its position
    in the whole scan (sets one after another). ``version`` is the ordering key
    read from the name, ``timestamp`` an ISO date-time when the name carries one.
    """

    path: str
    database: str
    ordinal: int
    order: int
    version: str = ""
    name: str = ""
    timestamp: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    """A service: a name and what the service map knows of it."""

    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SharedAccess:
    """A service other than a table's owner reads or writes it: coupling without a foreign key.

    ``path``/``line`` is the first place in that service's code doing so.
    """

    table: TableRef
    owner: str
    service: str
    access: Literal["read", "write"]
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Source:
    """What was scanned: ``kind`` is ``migrations``, ``catalog`` or ``inventory``.

    ``label`` is safe to show (DSNs are masked).
    """

    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything one scan found. Tuples are sorted by the producers."""

    FORMAT_VERSION = 1

    tables: tuple[Table, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    migrations: tuple[Migration, ...] = ()
    services: tuple[Service, ...] = ()
    sources: tuple[Source, ...] = field(default=())
    shared_access: tuple[SharedAccess, ...] = ()

    def table(self, ref: TableRef) -> Table | None:
        """The table with this ref, or None."""
        return self.tables_by_ref().get(ref)

    def tables_by_ref(self) -> dict[TableRef, Table]:
        """A fresh ``{ref: table}`` mapping."""
        return {t.ref: t for t in self.tables}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the internal form, not the ``scan`` contract)."""
        return {"format_version": self.FORMAT_VERSION, **to_dict(self)}

    def to_json(self, **kwargs: Any) -> str:
        """Serialise to JSON; :meth:`from_json` reads it back equal."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inventory:
        """Build an inventory from :meth:`to_dict` output."""
        body = {k: v for k, v in data.items() if k != "format_version"}
        return from_dict(cls, body)

    @classmethod
    def from_json(cls, text: str) -> Inventory:
        """Parse :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))


T = TypeVar("T")


def to_dict(obj: Any) -> dict[str, Any]:
    """Dataclass to plain dict of lists/dicts/scalars (tuples become lists)."""
    return typing.cast(dict[str, Any], _plain(obj))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild dataclass ``cls`` from :func:`to_dict` output, recursively.

    Unknown keys are ignored so newer files still load; missing keys take defaults.
    """
    kwargs = {name: _build(tp, data[name]) for name, tp in _field_types(cls) if name in data}  # type: ignore[arg-type]
    return cls(**kwargs)


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """``(field name, resolved type)`` pairs of a dataclass; resolving hints is slow, so once per class."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _build(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is tuple:
        args = get_args(tp)
        return tuple(_build(args[0], v) for v in value)
    if dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_dict(tp, value)  # type: ignore[arg-type]
    return value
