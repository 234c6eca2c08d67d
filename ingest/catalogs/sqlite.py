"""Read foreign keys, tables and primary keys from a SQLite database file.

:func:`ingest_sqlite` takes ``sqlite:///relative/path.db`` or
``sqlite:////absolute/path.db`` (SQLAlchemy's spelling, :mod:`ingest.catalogs.sqlite_url`) and returns one
:class:`~model.inventory.Inventory` with the catalog contract of
:mod:`ingest.catalogs.postgres`: ``TableRef.database`` is the file's name without its
extension, ``schema`` is ``''`` (as in the SQL replay of SQLite migrations),
every key is present, and ``defined_at``/``added_at`` hold the URL.

The file is opened read-only (``file:...?mode=ro`` URI, so it is never created
or written) with Python's :mod:`sqlite3`. Tables come from ``sqlite_schema``
(internal ``sqlite_*`` tables and virtual tables left out), columns and primary
keys from ``PRAGMA table_info``, keys from ``PRAGMA foreign_key_list`` (columns
in key order, ``ON DELETE``/``ON UPDATE``). A ``REFERENCES parent`` without
columns means the parent's primary key. SQLite does not keep constraint names
apart from the ``CREATE TABLE`` text: an explicit ``CONSTRAINT name`` is read
from it (matched to a key by its columns, in the order written), other keys get
PostgreSQL's default name (``<table>_<col>_fkey``), as the SQL replay names them.
A key into a table the file does not hold gets an ``external`` table and a
``warning`` (code ``unknown-table``).

It never raises: a missing or non-SQLite file is one ``error`` diagnostic
(code ``connect``).

Examples
--------
>>> import sqlite3, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "shop.db")
>>> with sqlite3.connect(path) as c:
...     _ = c.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY);"
...                         "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
...                         " user_id INT REFERENCES users ON DELETE CASCADE);")
>>> inv = ingest_sqlite("sqlite:///" + path)
>>> [(fk.name, str(fk.table), fk.columns, fk.ref_columns, fk.on_delete) for fk in inv.foreign_keys]
[('orders_user_id_fkey', 'shop:.orders', ('user_id',), ('id',), 'CASCADE')]
>>> ingest_sqlite("sqlite:///" + path + ".missing").diagnostics[0].code
'connect'
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ingest.catalogs.sqlite_url import sqlite_path
from ingest.dsn import mask_dsn
from ingest.migrations.naming import choose_name, fk_addition
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

__all__ = ["ingest_sqlite", "read"]

_IDENT = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[^\s(),"`\[\]]+)'
_NAMED_TABLE_FK = re.compile(rf"\bCONSTRAINT\s+({_IDENT})\s+FOREIGN\s+KEY\s*\(([^)]*)\)", re.I)
_NAMED_COLUMN_FK = re.compile(
    rf"(?:^|[(,])\s*({_IDENT})[^,(]*?(?:\([^)]*\)[^,(]*?)?\bCONSTRAINT\s+({_IDENT})\s+REFERENCES\b", re.I
)


def _unquote_ident(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in '"`':
        return text[1:-1].replace(text[0] * 2, text[0])
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1]
    return text


def _explicit_names(sql: str) -> dict[tuple[str, ...], list[str]]:
    """``CONSTRAINT name`` s of the keys in a ``CREATE TABLE`` text, by lower-cased column tuple,
    in the order they are written."""
    found: list[tuple[int, tuple[str, ...], str]] = []
    for m in _NAMED_TABLE_FK.finditer(sql or ""):
        cols = tuple(_unquote_ident(c).lower() for c in m.group(2).split(","))
        found.append((m.start(), cols, _unquote_ident(m.group(1))))
    for m in _NAMED_COLUMN_FK.finditer(sql or ""):
        found.append((m.start(), (_unquote_ident(m.group(1)).lower(),), _unquote_ident(m.group(2))))
    names: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for _, cols, name in sorted(found):
        names[cols].append(name)
    return names


def _pragma(conn: sqlite3.Connection, pragma: str, table: str) -> list[tuple[Any, ...]]:
    return conn.execute(f'PRAGMA {pragma}("{table.replace(chr(34), chr(34) * 2)}")').fetchall()


def _read(conn: sqlite3.Connection, database: str, label: str) -> Inventory:
    at = Location(label)
    rows = conn.execute(
        "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' "
        "ORDER BY name"
    ).fetchall()
    sql_of = {name: sql for name, sql in rows}
    by_lower = {name.lower(): name for name in sql_of}
    info = {name: _pragma(conn, "table_info", name) for name in sql_of}
    tables: dict[TableRef, Table] = {}
    primary: dict[str, tuple[str, ...]] = {}
    for name, described in info.items():
        pk = tuple(c[1] for c in sorted((c for c in described if c[5]), key=lambda c: c[5]))
        primary[name] = pk
        cols = tuple(Column(c[1], (c[2] or "").lower(), not c[3] and c[1] not in pk) for c in described)
        ref = TableRef(database, "", name)
        tables[ref] = Table(ref, cols, pk, defined_at=at)
    fks: list[ForeignKey] = []
    diagnostics: list[Diagnostic] = []
    for name in sql_of:
        groups: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in _pragma(conn, "foreign_key_list", name):
            groups[row[0]].append(row)
        explicit = _explicit_names(sql_of[name])
        taken: set[str] = set()
        for _, parts in sorted(groups.items(), key=lambda kv: -kv[0]):  # ids count down in declaration order
            parts.sort(key=lambda r: r[1])
            parent = by_lower.get(parts[0][2].lower(), parts[0][2])
            columns = tuple(p[3] for p in parts)
            ref_columns = tuple(p[4] for p in parts if p[4] is not None)
            ref = TableRef(database, "", parent)
            if ref not in tables:
                tables[ref] = Table(ref, external=True)
                message = f"{name} references table {parent}, which {database} does not hold"
                diagnostics.append(Diagnostic("warning", message, label, code="unknown-table"))
            if not ref_columns:
                ref_columns = primary.get(parent, ())
                if not ref_columns:
                    message = (
                        f"{name}({', '.join(columns)}) REFERENCES {parent} names no columns and {parent} has "
                        "no primary key; referenced columns left empty"
                    )
                    diagnostics.append(Diagnostic("warning", message, label, code="unresolved-reference"))
            named = explicit.get(tuple(c.lower() for c in columns))
            fk_name = named.pop(0) if named else choose_name(name, fk_addition(columns), "fkey", taken)
            taken.add(fk_name)
            on_update, on_delete = parts[0][5], parts[0][6]
            fks.append(
                ForeignKey(
                    fk_name,
                    TableRef(database, "", name),
                    columns,
                    ref,
                    ref_columns,
                    on_delete if on_delete in ACTIONS else "NO ACTION",
                    on_update if on_update in ACTIONS else "NO ACTION",
                    added_at=at,
                )
            )
    fks.sort(key=lambda fk: (fk.table, fk.name))
    return Inventory(tuple(sorted(tables.values(), key=lambda t: t.ref)), tuple(fks), tuple(diagnostics))


def ingest_sqlite(url: str, *, timeout: float = 10.0) -> Inventory:
    """Read a SQLite file named by a ``sqlite:///path`` URL, read-only. Never raises.

    ``timeout`` is how long to wait for a lock held by a writer.
    """
    label = mask_dsn(url).split("?", 1)[0]
    source = Source("catalog", label)

    def failed(message: str, code: str = "connect") -> Inventory:
        return Inventory(diagnostics=(Diagnostic("error", message, label, code=code),), sources=(source,))

    path = sqlite_path(url)
    if not path:
        return failed(f"{label}: name a database file (sqlite:///relative.db or sqlite:////absolute.db)")
    database = Path(path).stem or Path(path).name
    uri = "file:" + quote(os.path.abspath(path), safe="/") + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        return failed(f"cannot open {label}: {exc}")
    try:
        inv = _read(conn, database, label)
    except sqlite3.DatabaseError as exc:
        return failed(f"cannot open {label}: {exc}")
    except Exception as exc:  # a bug must not stop the scan
        return failed(f"cannot read {label}: {type(exc).__name__}: {exc}", "source-failed")
    finally:
        conn.close()
    return Inventory(inv.tables, inv.foreign_keys, inv.diagnostics, sources=(source,))


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """The reader of ``sqlite:`` sources (:mod:`ingest.registry`): :func:`ingest_sqlite`."""
    return ingest_sqlite(source)
