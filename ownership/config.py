"""``fkmap.toml`` as data: the frozen dataclasses of the service map and their defaults.

``Config()`` is the behaviour without a file. :func:`ownership.config_file.load_config`
reads a file into these classes; the table globs they hold are matched by
:func:`ownership.patterns.matches_table`.

Examples
--------
>>> cfg = Config(services=(ServiceRule("auth", tables=("users",)),), replicas=(Replica("msg:users", "auth"),))
>>> cfg.service_names, cfg.service("auth").tables, cfg.replicas[0].owner
(('auth',), ('users',), 'auth')
>>> Config().map_by, "schema_migrations" in Config().ignore_tables
('path', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal

from model.inventory import TableRef
from ownership.patterns import matches_table

__all__ = [
    "DEFAULT_DATABASE_PATTERN",
    "DEFAULT_IGNORE_TABLES",
    "DEFAULT_SCHEMA_PATTERN",
    "MAP_BY",
    "Config",
    "InferConfig",
    "InferRef",
    "Replica",
    "ServiceRule",
]

MAP_BY = ("path", "database", "schema")
DEFAULT_DATABASE_PATTERN = r"^(?P<service>.+?)(_db|_database)?$"
DEFAULT_SCHEMA_PATTERN = r"^(?P<service>.+)$"
#: Bookkeeping tables of migration tools; they hold no foreign keys worth mapping.
DEFAULT_IGNORE_TABLES: tuple[str, ...] = (
    "schema_migrations",
    "flyway_schema_history",
    "__diesel_schema_migrations",
    "_prisma_migrations",
    "_sqlx_migrations",
    "alembic_version",
    "goose_db_version",
    "knex_migrations",
    "knex_migrations_lock",
    "SequelizeMeta",
    "ar_internal_metadata",
    "databasechangelog",
    "databasechangeloglock",
)


@dataclass(frozen=True)
class ServiceRule:
    """One ``[services.<name>]`` table: globs that claim tables for the service.

    ``lines`` maps a key (``tables``, ``paths``...; ``""`` for the header) to its
    line in the file, for the evidence a rule leaves; it takes no part in equality.

    >>> ServiceRule("auth", tables=("users",), lines=(("", 1), ("tables", 2))).line_of("tables")
    2
    """

    name: str
    description: str = ""
    paths: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the file, else of the header, else 0."""
        found = dict(self.lines)
        return found.get(key) or found.get("", 0)


@dataclass(frozen=True)
class Replica:
    """One ``[[replicas]]`` entry: tables matching ``table`` copy ``owner``'s entity.

    With ``deny`` the entry says the matching tables are *not* copies (of
    ``owner`` when one is given, else of anyone): a suspected replica found by
    name and key is dropped. ``line`` is where the entry starts in the file.
    """

    table: str
    owner: str = ""
    deny: bool = False
    line: int = field(default=0, compare=False)

    def denies(self, owner: str) -> bool:
        """True when this entry denies that a matching table copies ``owner``'s entity."""
        return self.deny and self.owner in ("", owner)


@dataclass(frozen=True)
class InferRef:
    """One ``[[infer.references]]``: columns matching ``column`` point at ``target``.

    >>> ref = InferRef("*.sender_id", "auth:users")
    >>> ref.target_service, ref.target_table
    ('auth', 'users')
    >>> ref.matches(TableRef("msg", "public", "messages"), "sender_id")
    True
    """

    column: str
    target: str

    @property
    def target_service(self) -> str:
        """The service part of ``service:table``."""
        return self.target.partition(":")[0]

    @property
    def target_table(self) -> str:
        """The table glob part of ``service:table``."""
        return self.target.partition(":")[2]

    def matches(self, table: TableRef, column: str) -> bool:
        """True when ``table.column`` matches the ``[database:][schema.]table.column`` glob."""
        table_pattern, dot, column_pattern = self.column.rpartition(".")
        if not dot:
            table_pattern = "*"
        return fnmatchcase(column, column_pattern) and matches_table(table_pattern, table)


@dataclass(frozen=True)
class InferConfig:
    """``[infer]``: naming-based references, used only when enabled (``--infer``)."""

    enabled: bool = False
    suffixes: tuple[str, ...] = ("_id", "Id")
    references: tuple[InferRef, ...] = ()


@dataclass(frozen=True)
class Config:
    """The whole ``fkmap.toml``; ``Config()`` is the behaviour without a file."""

    dialect: str | None = None
    map_by: Literal["path", "database", "schema"] = "path"
    database_pattern: str = DEFAULT_DATABASE_PATTERN
    schema_pattern: str = DEFAULT_SCHEMA_PATTERN
    ignore_tables: tuple[str, ...] = DEFAULT_IGNORE_TABLES
    follow_symlinks: bool = False
    services: tuple[ServiceRule, ...] = ()
    replicas: tuple[Replica, ...] = ()
    infer: InferConfig = field(default_factory=InferConfig)
    path: str = ""
    map_by_set: bool = False
    code: bool = True  # ``[scan] code``: read the code of the scanned folders for ownership evidence

    @property
    def map_by_explicit(self) -> bool:
        """True when ``[scan] map_by`` was written in the file (or is not the default ``path``)."""
        return self.map_by_set or self.map_by != "path"

    @property
    def copies(self) -> tuple[Replica, ...]:
        """The ``[[replicas]]`` entries that declare copies (not ``deny`` ones)."""
        return tuple(r for r in self.replicas if not r.deny)

    @property
    def service_names(self) -> tuple[str, ...]:
        """Declared service names in file order."""
        return tuple(s.name for s in self.services)

    def service(self, name: str) -> ServiceRule | None:
        """The declared service called ``name``, or None."""
        return next((s for s in self.services if s.name == name), None)
