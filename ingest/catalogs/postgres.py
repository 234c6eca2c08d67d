"""Read foreign keys, tables and primary keys from a live PostgreSQL catalog.

:func:`ingest_dsn` takes a DSN naming one database
(``postgresql://app@db:5432/shop``) or a whole instance (no database:
``postgresql://app@db:5432/``) and returns one :class:`~model.inventory.Inventory`.
It never raises: an unreachable server, bad credentials, a missing ``CONNECT``
privilege or a database dropped mid-scan become one-line error diagnostics
(code ``connect`` or ``source-failed``) naming the masked DSN, and the other
databases are still read.

What is read, per database, in exactly two catalog queries (kept as ``.sql``
resources in ``ingest/catalogs/sql/``):

* ``tables.sql`` — tables with their columns and primary keys (key order);
* ``foreign_keys.sql`` — every foreign key from ``pg_constraint`` with both
  column lists in key order, ``ON DELETE``/``ON UPDATE`` actions, deferrability,
  ``NOT VALID`` and (PostgreSQL 15+) ``ON DELETE SET NULL (col, ...)``.

System schemas and extension-owned objects are left out; a partitioned table is
reported once, as its root (partitions and the constraints PostgreSQL clones onto
them are skipped, a key pointing at a partition is reported on the root).

Connections are read-only: ``default_transaction_read_only=on``, a
``statement_timeout``, ``application_name=fkmap``, a ``connect_timeout``, and
every query runs in a read-only transaction that is rolled back. PostgreSQL 12
or newer is required (``pg_partition_root``).

Tables carry ``TableRef.database`` = the real database name; ``defined_at`` and
``ForeignKey.added_at`` are :class:`~model.inventory.Location` s holding the masked
DSN of that database. Services are not assigned here (see ``ownership.services``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib import resources
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from ingest.dsn import Dsn, is_dsn, mask_dsn, parse_dsn, scrub, to_instance_dsn
from model.inventory import Column, Diagnostic, ForeignKey, Inventory, Location, Source, Table, TableRef

__all__ = [
    "MIN_SERVER_VERSION",
    "connect_read_only",
    "foreign_keys_sql",
    "ingest_dsn",
    "list_databases",
    "read",
    "read_database",
    "server_source",
]

log = logging.getLogger(__name__)

#: Oldest supported server (``pg_partition_root`` appeared in PostgreSQL 12).
MIN_SERVER_VERSION = 120000

#: ``pg_constraint.confdeltype``/``confupdtype`` codes.
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

#: ``ON DELETE SET NULL (col, ...)`` columns in key order (PostgreSQL 15+); the CASE skips
#: the sub-select for the (usual) keys without a column list.
_DELSETCOLS = (
    "CASE WHEN fk.confdelsetcols IS NULL THEN '{}'::text[] ELSE "
    "ARRAY(SELECT att.attname::text FROM unnest(fk.confdelsetcols) WITH ORDINALITY AS k(attnum, ord) "
    "JOIN LATERAL (SELECT a.attname FROM pg_catalog.pg_attribute a "
    "WHERE a.attrelid = fk.conrelid AND a.attnum = k.attnum LIMIT 1) att ON true "
    "ORDER BY k.ord) END"
)

#: Databases tried, in order, to list an instance's databases.
MAINTENANCE_DATABASES = ("postgres", "template1")
#: Connection errors after which another maintenance database may still work.
_DATABASE_SPECIFIC = ("does not exist", "permission denied", "not permitted", "not currently accepting")


def _sql(name: str) -> str:
    return resources.files("ingest.catalogs").joinpath("sql", name).read_text(encoding="utf-8")


def foreign_keys_sql(server_version: int) -> str:
    """The foreign-key query for a server version (``server_version_num``).

    >>> "unnest(fk.confdelsetcols)" in foreign_keys_sql(150000)
    True
    >>> "unnest(fk.confdelsetcols)" in foreign_keys_sql(140000)
    False
    """
    columns = _DELSETCOLS if server_version >= 150000 else "'{}'::text[]"
    return _sql("foreign_keys.sql").replace("{on_delete_columns}", columns)


def connect_read_only(
    dsn: Dsn, *, statement_timeout: float = 30.0, connect_timeout: int = 10
) -> psycopg.Connection[tuple[Any, ...]]:
    """Open a read-only connection: what fkmap uses for every catalog read.

    Startup options set ``default_transaction_read_only=on``, ``statement_timeout``
    (seconds) and ``jit=off``; ``application_name`` is ``fkmap``; ``connect_timeout``
    applies unless the DSN sets one. Transactions are opened ``READ ONLY`` too.
    Raises the driver's exception when the connection fails (its text may hold
    the DSN: pass it through :func:`ingest.dsn.scrub`).
    """
    params = dict(dsn.params)
    ours = (
        f"-c default_transaction_read_only=on -c statement_timeout={int(statement_timeout * 1000)} "
        "-c jit=off"  # JIT compilation costs more than it saves on catalog queries
    )
    params["options"] = f"{params.get('options', '')} {ours}".strip()
    params["application_name"] = "fkmap"
    params.setdefault("connect_timeout", str(connect_timeout))
    conn = psycopg.connect(make_conninfo("", **params))
    conn.read_only = True
    return conn


def _cause(exc: BaseException) -> str:
    """The server's primary message when there is one (no LINE/caret context), else the text."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return str(primary or exc or type(exc).__name__)


def _error(dsn: Dsn, code: str, what: str, exc: BaseException) -> Diagnostic:
    cause = scrub(_cause(exc), dsn.secrets)
    label = dsn.label
    return Diagnostic("error", f"{what} {label}: {cause}", path=label, code=code)


def list_databases(
    dsn: Dsn, *, statement_timeout: float = 30.0, connect_timeout: int = 10
) -> tuple[list[str], list[Diagnostic]]:
    """Names of the non-template databases the role may read, plus diagnostics for the others.

    The list is read through the DSN's own database when it names one, else
    through ``postgres`` or ``template1``. Databases that forbid connections or
    that the role has no ``CONNECT`` privilege on yield an error diagnostic
    (code ``connect``) and are left out. Never raises.
    """
    tried = [dsn.dbname] if dsn.dbname else []
    tried += [name for name in MAINTENANCE_DATABASES if name not in tried]
    first_error: Diagnostic | None = None
    for name in tried:
        try:
            with connect_read_only(
                dsn.for_database(name), statement_timeout=statement_timeout, connect_timeout=connect_timeout
            ) as conn:
                rows = conn.execute(_sql("databases.sql")).fetchall()
                conn.rollback()
        except Exception as exc:  # any failure becomes a diagnostic
            first_error = first_error or _error(dsn, "connect", "cannot list the databases of", exc)
            if any(hint in str(exc) for hint in _DATABASE_SPECIFIC):
                continue  # this database is missing or closed to us: try the next one
            break  # unreachable server or bad credentials: another database will not help
        names: list[str] = []
        diagnostics: list[Diagnostic] = []
        for datname, allow_connections, can_connect, role in rows:
            label = dsn.for_database(datname).label
            if not allow_connections:
                why = "the database does not allow connections (datallowconn = false)"
            elif not can_connect:
                why = f"permission denied: role {role!r} has no CONNECT privilege on it"
            else:
                names.append(datname)
                continue
            diagnostics.append(
                Diagnostic("error", f"cannot connect to {label}: {why}", path=label, code="connect")
            )
        return names, diagnostics
    assert first_error is not None
    return [], [first_error]


def read_database(dsn: Dsn, *, statement_timeout: float = 30.0, connect_timeout: int = 10) -> Inventory:
    """Read one database (``dsn.dbname``) into an inventory; failures become diagnostics.

    Never raises. The inventory's ``sources`` is left empty (see :func:`ingest_dsn`).
    """
    label = dsn.label
    try:
        conn = connect_read_only(dsn, statement_timeout=statement_timeout, connect_timeout=connect_timeout)
    except Exception as exc:
        return Inventory(diagnostics=(_error(dsn, "connect", "cannot connect to", exc),))
    try:
        with conn:
            version = conn.info.server_version
            if version < MIN_SERVER_VERSION:
                message = (
                    f"{label}: PostgreSQL server version {version} is not supported "
                    f"(fkmap reads catalogs of PostgreSQL 12 or newer)"
                )
                return Inventory(diagnostics=(Diagnostic("error", message, path=label, code="unsupported"),))
            table_rows = conn.execute(_sql("tables.sql")).fetchall()
            fk_rows = conn.execute(foreign_keys_sql(version)).fetchall()
            conn.rollback()
    except Exception as exc:
        return Inventory(diagnostics=(_error(dsn, "source-failed", "cannot read the catalog of", exc),))
    log.debug("read %d tables and %d foreign keys from %s", len(table_rows), len(fk_rows), label)
    refs = _Refs(dsn.dbname)
    return Inventory(
        tables=tuple(_tables(refs, label, table_rows)),
        foreign_keys=tuple(_foreign_keys(refs, label, fk_rows)),
    )


class _Refs(dict[tuple[str, str], TableRef]):
    """One shared :class:`TableRef` per (schema, name) of a database."""

    def __init__(self, database: str) -> None:
        super().__init__()
        self.database = database

    def __missing__(self, key: tuple[str, str]) -> TableRef:
        ref = self[key] = TableRef(self.database, *key)
        return ref


def _tables(refs: _Refs, label: str, rows: Iterable[tuple[Any, ...]]) -> list[Table]:
    at = Location(label)
    out = []
    # Frozen values can be shared: ('id', 'integer', NOT NULL) is one object for all tables.
    known: dict[tuple[str, str, bool], Column] = {}
    for schema, name, names, types, nullable, primary_key in sorted(rows, key=lambda r: (r[0], r[1])):
        columns = []
        for spec in zip(names, types, nullable, strict=True):
            column = known.get(spec)
            if column is None:
                column = known[spec] = Column(*spec)
            columns.append(column)
        out.append(Table(refs[schema, name], tuple(columns), tuple(primary_key), defined_at=at))
    return out


def _foreign_keys(refs: _Refs, label: str, rows: Iterable[tuple[Any, ...]]) -> list[ForeignKey]:
    at = Location(label)
    out = []
    actions = _ACTIONS
    for row in sorted(rows, key=lambda r: (r[1], r[2], r[0])):
        (name, schema, table, columns, ref_schema, ref_table, ref_columns) = row[:7]
        (on_delete, on_update, deferrable, deferred, validated, set_columns) = row[7:]
        out.append(
            ForeignKey(
                name,
                refs[schema, table],
                tuple(columns),
                refs[ref_schema, ref_table],
                tuple(ref_columns),
                actions.get(on_delete, "NO ACTION"),
                actions.get(on_update, "NO ACTION"),
                deferrable,
                deferred,
                validated,
                tuple(set_columns or ()),
                at,
            )
        )
    return out


def ingest_dsn(
    dsn: str,
    *,
    all_databases: bool = False,
    statement_timeout: float = 30.0,
    connect_timeout: int = 10,
) -> Inventory:
    """Read one database, or every database of an instance, into one inventory.

    Parameters
    ----------
    dsn
        URL or ``key=value`` DSN. Without a database (``postgresql://app@db:5432/``)
        every non-template database of the instance is read.
    all_databases
        Read every database of the instance even though ``dsn`` names one.
    statement_timeout
        Seconds a catalog query may run.
    connect_timeout
        Seconds to wait for a connection (unless the DSN sets ``connect_timeout``).

    Returns
    -------
    Inventory
        Tables and foreign keys of every database read, diagnostics for those
        that could not be read, and one ``Source('catalog', <masked DSN>)``.
        Never raises.

    Examples
    --------
    >>> inv = ingest_dsn("postgresql://app:s3cret@127.0.0.1:1/shop", connect_timeout=2)
    >>> [(d.code, d.path) for d in inv.diagnostics]
    [('connect', 'postgresql://app@127.0.0.1:1/shop')]
    >>> "s3cret" in inv.to_json()
    False
    """
    try:
        parsed = parse_dsn(dsn)
    except Exception as exc:  # ValueError, already scrubbed
        masked = mask_dsn(dsn)
        diagnostic = Diagnostic("error", scrub(str(exc)), path=masked, code="connect")
        return Inventory(diagnostics=(diagnostic,), sources=(Source("catalog", masked),))
    try:
        return _ingest(parsed, all_databases, statement_timeout, connect_timeout)
    except Exception as exc:  # a bug must not stop the scan
        diagnostic = _error(parsed, "source-failed", "cannot read the catalog of", exc)
        return Inventory(diagnostics=(diagnostic,), sources=(Source("catalog", parsed.label),))


def _ingest(parsed: Dsn, all_databases: bool, statement_timeout: float, connect_timeout: int) -> Inventory:
    source = Source("catalog", parsed.instance.label if all_databases else parsed.label)
    if parsed.is_instance or all_databases:
        names, diagnostics = list_databases(
            parsed, statement_timeout=statement_timeout, connect_timeout=connect_timeout
        )
    else:
        names, diagnostics = [parsed.dbname], []
    tables: list[Table] = []
    fks: list[ForeignKey] = []
    # Each database's part is sorted already; databases are read in name order.
    for name in sorted(names):
        part = read_database(
            parsed.for_database(name), statement_timeout=statement_timeout, connect_timeout=connect_timeout
        )
        tables += part.tables
        fks += part.foreign_keys
        diagnostics += part.diagnostics
    return Inventory(
        tables=tuple(tables),
        foreign_keys=tuple(fks),
        diagnostics=tuple(diagnostics),
        sources=(source,),
    )


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of PostgreSQL sources (:mod:`ingest.registry`): :func:`ingest_dsn`; never raises."""
    try:
        return ingest_dsn(source)
    except Exception as exc:
        label = mask_dsn(source)
        message = f"internal error reading catalog: {type(exc).__name__}"
        return Inventory(
            diagnostics=(Diagnostic("error", message, label, code="internal"),),
            sources=(Source("catalog", label),),
        )


def server_source(source: str) -> str:
    """``source`` naming every database of its instance (``--all-databases``): a URL without its
    database. A ``key=value`` string is kept as it is.

    >>> server_source("postgresql://app@db:5432/shop"), server_source("host=db dbname=shop")
    ('postgresql://app@db:5432/', 'host=db dbname=shop')
    """
    return to_instance_dsn(source) if is_dsn(source) else source
