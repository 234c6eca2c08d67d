"""Database engines named by migration file and folder names, and the one chosen when there are several.

Migration tools that support several engines keep one script per engine: golang-migrate/pop
style files (``20240101_users.postgres.up.sql`` beside ``.mysql.``, ``.sqlite3.``,
``.cockroach.``) or one folder per engine (``migrations/postgres``, ``migrations/mysql``;
Spring's ``db/hsqldb`` and ``db/mysql``). fkmap replays one of them: :func:`choose_engine`
takes the engine of the configured dialect (``--dialect``, ``[scan] dialect``) when it is
there, else the first of :data:`PREFERENCE` -- PostgreSQL first, MySQL/MariaDB next, the
in-memory test engines (HSQLDB, H2, Derby) only when there is nothing else.

:func:`engine_of` reads an engine token (``postgresql``, ``pg``, ``sqlite3``, ``cockroachdb``,
``sqlserver``...) and :func:`parse_dialect` gives the dialect the files of an engine are parsed
in (PostgreSQL's grammar for CockroachDB and YugabyteDB; ``''`` for the test engines, whose
files are then detected like any other).

Examples
--------
>>> engine_of("PostgreSQL"), engine_of("sqlite3"), engine_of("cockroachdb"), engine_of("notes")
('postgres', 'sqlite', 'cockroach', '')
>>> choose_engine({"mysql", "postgres", "sqlite"}, None)
'postgres'
>>> choose_engine({"mysql", "hsqldb"}, None), choose_engine({"mysql", "postgres"}, "mysql")
('mysql', 'mysql')
>>> parse_dialect("cockroach"), parse_dialect("mssql"), parse_dialect("hsqldb")
('postgres', 'tsql', '')
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = [
    "ALTERNATIVE_ENGINES",
    "ENGINE_NAMES",
    "PREFERENCE",
    "choose_engine",
    "engine_of",
    "engine_of_dialect",
    "parse_dialect",
]

#: Token (file name part or folder name, lower case) -> engine.
ENGINE_NAMES: dict[str, str] = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "pgsql": "postgres",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "cockroach": "cockroach",
    "cockroachdb": "cockroach",
    "crdb": "cockroach",
    "yugabyte": "yugabyte",
    "yugabytedb": "yugabyte",
    "mssql": "mssql",
    "sqlserver": "mssql",
    "tsql": "mssql",
    "oracle": "oracle",
    "clickhouse": "clickhouse",
    "hsqldb": "hsqldb",
    "hsql": "hsqldb",
    "h2": "h2",
    "derby": "derby",
}

#: Engines in the order one is chosen among alternatives when no dialect is configured.
PREFERENCE: tuple[str, ...] = (
    "postgres",
    "mysql",
    "mariadb",
    "cockroach",
    "yugabyte",
    "sqlite",
    "mssql",
    "oracle",
    "clickhouse",
    "hsqldb",
    "h2",
    "derby",
)

#: Engines whose folders are alternatives of one migration set. ClickHouse is not: it is an
#: analytics store kept beside the main database, never instead of it.
ALTERNATIVE_ENGINES = frozenset(PREFERENCE) - {"clickhouse"}

_PARSE_DIALECT = {
    "postgres": "postgres",
    "cockroach": "postgres",
    "yugabyte": "postgres",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "sqlite": "sqlite",
    "mssql": "tsql",
    "oracle": "oracle",
    "clickhouse": "clickhouse",
}
_FAMILY = {"postgres": ("cockroach", "yugabyte"), "mysql": ("mariadb",), "mariadb": ("mysql",)}


def engine_of(token: str) -> str:
    """The engine a file-name part or folder name stands for, ``''`` for none."""
    return ENGINE_NAMES.get(token.lower(), "")


def parse_dialect(engine: str) -> str:
    """The dialect the files of ``engine`` are parsed in; ``''`` when fkmap has none of its own."""
    return _PARSE_DIALECT.get(engine, "")


def engine_of_dialect(dialect: str | None) -> str:
    """The engine of a (normalized) dialect name: ``tsql`` is ``mssql``; ``''`` for None.

    >>> engine_of_dialect("tsql"), engine_of_dialect("postgres"), engine_of_dialect(None)
    ('mssql', 'postgres', '')
    """
    if not dialect:
        return ""
    return engine_of(dialect) or dialect


def choose_engine(engines: Collection[str], dialect: str | None) -> str:
    """The engine to replay among ``engines``: the configured dialect's (or its family's), else by
    :data:`PREFERENCE` (unknown engines last, by name)."""
    wanted = engine_of_dialect(dialect)
    for candidate in (wanted, *_FAMILY.get(wanted, ())) if wanted else ():
        if candidate in engines:
            return candidate
    rank = {engine: i for i, engine in enumerate(PREFERENCE)}
    return min(engines, key=lambda e: (rank.get(e, len(rank)), e))
