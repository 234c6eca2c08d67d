"""Read foreign keys, tables and primary keys from a live MySQL or MariaDB server.

:func:`ingest_mysql` takes ``mysql://user:secret@host:3306/shop`` (or
``mariadb://...``) and returns one :class:`~model.inventory.Inventory`, the same
contract as the PostgreSQL reader (:mod:`ingest.catalogs.postgres`): ``TableRef.database``
is the MySQL database, ``schema`` is ``''`` (MySQL has no schema level; the SQL
replay of MySQL migrations uses ``''`` for unqualified names too, so ``fkmap
diff`` pairs them), every key is present, and ``defined_at``/``added_at`` hold
the masked DSN of the table's database. Without a database
(``mysql://app@db/``) every database but ``mysql``, ``information_schema``,
``performance_schema`` and ``sys`` is read. A key into a database that was not
read gets an ``external`` table.

It never raises: an unreachable server, bad credentials, a missing database or
a failing query become one-line ``error`` diagnostics (code ``connect`` or
``source-failed``) naming the masked DSN; passwords never appear in any output.

What is read, from ``information_schema`` through PyMySQL, in one connection:
``TABLES`` (base and system-versioned tables), ``COLUMNS`` (``COLUMN_TYPE``,
``IS_NULLABLE``), primary keys and foreign keys from ``KEY_COLUMN_USAGE``
joined with ``REFERENTIAL_CONSTRAINTS`` (``DELETE_RULE``/``UPDATE_RULE``),
columns in ``ORDINAL_POSITION`` order. A user with only the ``SELECT`` privilege
does not see ``REFERENTIAL_CONSTRAINTS``; the rules are then read from
``SHOW CREATE TABLE`` (granting any other privilege, e.g. ``REFERENCES``, avoids it). The session is read-only
(``SET SESSION TRANSACTION READ ONLY``, then ``START TRANSACTION READ ONLY``,
rolled back), statements are capped (``max_statement_time`` on MariaDB,
``max_execution_time`` on MySQL), and the socket has connect and read timeouts.

The URL is read by :mod:`ingest.catalogs.mysql_dsn` (its query parameters are listed
there; others are ignored with a ``warning``).

Examples
--------
>>> inv = ingest_mysql("mariadb://app:s3cret@127.0.0.1:1/shop", connect_timeout=2)
>>> [(x.code, x.path) for x in inv.diagnostics]
[('connect', 'mariadb://app@127.0.0.1:1/shop')]
>>> "s3cret" in inv.to_json()
False
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from ingest.catalogs.mysql_dsn import MysqlDsn, parse_mysql_dsn
from ingest.dsn import scrub
from model.inventory import (
    ACTIONS,
    Column,
    Diagnostic,
    ForeignKey,
    Inventory,
    Location,
    Source,
    Table,
    TableRef,
)

__all__ = ["SYSTEM_DATABASES", "connect_read_only", "ingest_mysql", "read"]

log = logging.getLogger(__name__)

#: Databases never read by an instance scan.
SYSTEM_DATABASES = ("information_schema", "mysql", "performance_schema", "sys")
_TRUE = ("1", "true", "yes", "on")
_BT = r"`(?:[^`]|``)*`"
_RULE = "RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT"
_CLAUSE = re.compile(
    rf"CONSTRAINT ({_BT}) FOREIGN KEY \((?:{_BT}|[^()`])*\) REFERENCES (?:{_BT}\.)?{_BT} "
    rf"\((?:{_BT}|[^()`])*\)(?: ON DELETE ({_RULE}))?(?: ON UPDATE ({_RULE}))?"
)

_DATABASES_SQL = (
    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
    "WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') "
    "ORDER BY SCHEMA_NAME"
)
_TABLES_SQL = (
    "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
    "WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA IN ({names})"
)
_COLUMNS_SQL = (
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE "
    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({names}) "
    "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"
)
_PRIMARY_SQL = (
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
    "WHERE CONSTRAINT_NAME = 'PRIMARY' AND TABLE_SCHEMA IN ({names}) "
    "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"
)
_FOREIGN_SQL = (
    "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
    "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
    "r.DELETE_RULE, r.UPDATE_RULE "
    "FROM information_schema.KEY_COLUMN_USAGE k "
    "LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
    "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
    "AND r.TABLE_NAME = k.TABLE_NAME "
    "WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND k.TABLE_SCHEMA IN ({names}) "
    "ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
)


def connect_read_only(dsn: MysqlDsn, *, statement_timeout: float = 30.0, connect_timeout: int = 10) -> Any:
    """Open a PyMySQL connection with a read-only session and statement/socket timeouts.

    The caller closes it. Raises the driver's exception when the connection
    fails (pass its text through :func:`ingest.dsn.scrub` with ``dsn.secrets``).
    """
    import pymysql

    params = dict(dsn.params)
    kwargs: dict[str, Any] = {
        "host": dsn.host or "localhost",
        "port": dsn.port or 3306,
        "user": dsn.user or None,
        "password": dsn.password,
        "connect_timeout": int(params.get("connect_timeout") or connect_timeout),
        "read_timeout": int(statement_timeout) + 10,
        "write_timeout": int(statement_timeout) + 10,
        "charset": params.get("charset") or "utf8mb4",
        "autocommit": True,
        "program_name": "fkmap",
        "local_infile": False,
    }
    if params.get("unix_socket"):
        kwargs["unix_socket"] = params["unix_socket"]
    ssl = {k[4:]: params[k] for k in ("ssl_ca", "ssl_cert", "ssl_key") if params.get(k)}
    if ssl:
        kwargs["ssl"] = ssl
    for key in ("ssl_verify_cert", "ssl_verify_identity", "ssl_disabled"):
        if key in params:
            kwargs[key] = params[key].lower() in _TRUE
    conn = pymysql.connect(**kwargs)
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            server = conn.get_server_info().lower()
            try:
                if "mariadb" in server:
                    cur.execute("SET SESSION max_statement_time = %s", (float(statement_timeout),))
                else:
                    cur.execute("SET SESSION max_execution_time = %s", (int(statement_timeout * 1000),))
            except pymysql.MySQLError:
                log.debug("server %s has no statement timeout setting", server)
    except Exception:
        conn.close()
        raise
    return conn


def _s(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)


def _cause(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[0], int):
        return f"{args[1]} (error {args[0]})"
    return str(exc) or type(exc).__name__


def _error(dsn: MysqlDsn, code: str, what: str, exc: BaseException) -> Diagnostic:
    return Diagnostic("error", f"{what} {dsn.label}: {scrub(_cause(exc), dsn.secrets)}", dsn.label, code=code)


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _rules_from_ddl(cur: Any, database: str, table: str, default: str) -> dict[str, tuple[str, str]]:
    """``{constraint: (on delete, on update)}`` read from ``SHOW CREATE TABLE`` (SELECT suffices)."""
    cur.execute(f"SHOW CREATE TABLE {_quote(database)}.{_quote(table)}")
    row = cur.fetchone()
    ddl = _s(row[1]) if row else ""
    return {
        m.group(1)[1:-1].replace("``", "`"): (m.group(2) or default, m.group(3) or default)
        for m in _CLAUSE.finditer(ddl)
    }


def _fill_rules(cur: Any, fk_rows: list[tuple[Any, ...]], mariadb: bool) -> list[tuple[Any, ...]]:
    """Rules of keys hidden from ``REFERENTIAL_CONSTRAINTS``.

    A user holding only SELECT sees a key's columns in ``KEY_COLUMN_USAGE`` but not
    its row in ``REFERENTIAL_CONSTRAINTS`` (any other privilege shows it); the
    rules are then read from the table's ``CREATE TABLE`` text, where an omitted
    rule is the server's default (``RESTRICT`` on MariaDB, ``NO ACTION`` on MySQL).
    """
    hidden = sorted({(r[0], r[1]) for r in fk_rows if r[7] is None})
    if not hidden:
        return fk_rows
    log.debug("reading ON DELETE/ON UPDATE of %d tables from SHOW CREATE TABLE", len(hidden))
    default = "RESTRICT" if mariadb else "NO ACTION"
    rules = {key: _rules_from_ddl(cur, *key, default) for key in hidden}
    out = []
    for r in fk_rows:
        if r[7] is None:
            on_delete, on_update = rules[(r[0], r[1])].get(r[2], (default, default))
            r = (*r[:7], on_delete, on_update)
        out.append(r)
    return out


def _read(conn: Any, names: Sequence[str]) -> tuple[list[tuple[Any, ...]], ...]:
    marks = ", ".join(["%s"] * len(names))
    out = []
    with conn.cursor() as cur:
        cur.execute("START TRANSACTION READ ONLY")
        for sql in (_TABLES_SQL, _COLUMNS_SQL, _PRIMARY_SQL, _FOREIGN_SQL):
            cur.execute(sql.format(names=marks), tuple(names))
            out.append([tuple(_s(v) if v is not None else None for v in row) for row in cur.fetchall()])
        out[3] = _fill_rules(cur, out[3], "mariadb" in conn.get_server_info().lower())
        conn.rollback()
    return tuple(out)


def _inventory(
    dsn: MysqlDsn, rows: tuple[list[tuple[Any, ...]], ...]
) -> tuple[list[Table], list[ForeignKey]]:
    table_rows, column_rows, primary_rows, fk_rows = rows
    at = {db: Location(dsn.for_database(db).label) for db, *_ in table_rows}
    columns: dict[tuple[str, str], list[Column]] = {}
    for db, table, name, kind, nullable in column_rows:
        columns.setdefault((db, table), []).append(Column(name, kind, nullable == "YES"))
    primary: dict[tuple[str, str], list[str]] = {}
    for db, table, name in primary_rows:
        primary.setdefault((db, table), []).append(name)
    tables = {
        TableRef(db, "", table): Table(
            TableRef(db, "", table),
            tuple(columns.get((db, table), ())),
            tuple(primary.get((db, table), ())),
            defined_at=at[db],
        )
        for db, table in table_rows
    }
    keys: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
    for row in fk_rows:
        keys.setdefault((row[0], row[1], row[2]), []).append(row)
    fks = []
    for (db, table, name), parts in keys.items():
        ref = TableRef(parts[0][4], "", parts[0][5])
        if ref not in tables:
            tables[ref] = Table(ref, external=True)
        on_delete, on_update = parts[0][7], parts[0][8]
        fks.append(
            ForeignKey(
                name,
                TableRef(db, "", table),
                tuple(p[3] for p in parts),
                ref,
                tuple(p[6] for p in parts),
                on_delete if on_delete in ACTIONS else "NO ACTION",
                on_update if on_update in ACTIONS else "NO ACTION",
                added_at=at.get(db, Location(dsn.for_database(db).label)),
            )
        )
    fks.sort(key=lambda fk: (fk.table, fk.name))
    return sorted(tables.values(), key=lambda t: t.ref), fks


def _ingest(dsn: MysqlDsn, all_databases: bool, statement_timeout: float, connect_timeout: int) -> Inventory:
    instance = all_databases or not dsn.database
    source = Source("catalog", dsn.instance.label if instance else dsn.label)
    diagnostics = [
        Diagnostic("warning", f"{dsn.label}: DSN parameter {key!r} is not understood; ignored", dsn.label,
                   code="config")
        for key in dsn.ignored
    ]  # fmt: skip
    try:
        conn = connect_read_only(
            dsn.instance, statement_timeout=statement_timeout, connect_timeout=connect_timeout
        )
    except Exception as exc:
        diagnostics.append(_error(dsn, "connect", "cannot connect to", exc))
        return Inventory(diagnostics=tuple(diagnostics), sources=(source,))
    try:
        with conn.cursor() as cur:
            cur.execute(_DATABASES_SQL)
            visible = [_s(row[0]) for row in cur.fetchall()]
        if instance:
            names = visible
        elif dsn.database in visible or dsn.database in SYSTEM_DATABASES:
            names = [dsn.database]
        else:
            message = (
                f"cannot connect to {dsn.label}: database {dsn.database!r} does not exist or is not visible"
            )
            diagnostics.append(Diagnostic("error", message, dsn.label, code="connect"))
            return Inventory(diagnostics=tuple(diagnostics), sources=(source,))
        rows = _read(conn, names) if names else ([], [], [], [])
    except Exception as exc:
        diagnostics.append(_error(dsn, "source-failed", "cannot read the catalog of", exc))
        return Inventory(diagnostics=tuple(diagnostics), sources=(source,))
    finally:
        conn.close()
    tables, fks = _inventory(dsn, rows)
    log.debug("read %d tables and %d foreign keys from %s", len(tables), len(fks), source.label)
    return Inventory(tuple(tables), tuple(fks), tuple(diagnostics), sources=(source,))


def ingest_mysql(
    dsn: str, *, all_databases: bool = False, statement_timeout: float = 30.0, connect_timeout: int = 10
) -> Inventory:
    """Read one database, or every non-system database of a MySQL/MariaDB server.

    Parameters
    ----------
    dsn
        ``mysql://user:password@host:port/database`` (or ``mariadb://``); without
        a database every non-system database is read.
    all_databases
        Read every database even though ``dsn`` names one.
    statement_timeout
        Seconds a catalog query may run.
    connect_timeout
        Seconds to wait for the connection (unless the DSN sets ``connect_timeout``).

    Returns
    -------
    Inventory
        Tables and foreign keys, diagnostics, one ``Source('catalog', <masked DSN>)``.
        Never raises.
    """
    try:
        parsed = parse_mysql_dsn(dsn)
    except ValueError as exc:
        label = dsn.split("://", 1)[0] + "://..."
        return Inventory(
            diagnostics=(Diagnostic("error", str(exc), label, code="connect"),),
            sources=(Source("catalog", label),),
        )
    try:
        return _ingest(parsed, all_databases, statement_timeout, connect_timeout)
    except Exception as exc:  # a bug must not stop the scan
        return Inventory(
            diagnostics=(_error(parsed, "source-failed", "cannot read the catalog of", exc),),
            sources=(Source("catalog", parsed.label),),
        )


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of ``mysql://``/``mariadb://`` sources (:mod:`ingest.registry`): :func:`ingest_mysql`."""
    return ingest_mysql(source)
