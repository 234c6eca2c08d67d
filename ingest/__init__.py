"""Sources -> the neutral model: migration folders, Prisma schemas, live catalogs, saved inventories.

:func:`ingest_source` picks the reader from the source string:

* ``postgresql://...`` or ``postgres://...``, or a libpq ``key=value`` string
  (``host=db dbname=shop``) that names no file — a live catalog, read by
  ``ingest.catalogs.postgres.ingest_dsn`` (imported only then);
* ``mysql://...`` or ``mariadb://...`` — a live MySQL/MariaDB catalog, read by
  :func:`ingest.catalogs.mysql.ingest_mysql`;
* ``sqlite:///path.db`` — a SQLite file, read by :func:`ingest.catalogs.sqlite.ingest_sqlite`;
* a ``.json`` file holding an :meth:`Inventory.to_json <model.inventory.Inventory.to_json>`
  document — loaded as is, with a ``Source("inventory", path)`` added;
* a ``.prisma`` file — a Prisma schema, read by :func:`ingest.prisma.read.ingest_prisma`;
* anything else — a migration folder or ``.sql`` file, replayed by
  :func:`ingest.migrations.sets.ingest_path`; the Prisma schemas of a folder are added
  by :func:`ingest.prisma.read.add_prisma` (tables from migrations win over a schema's).

It never raises: an unusable source gives an inventory holding one ``error`` diagnostic.

Examples
--------
>>> inv = ingest_source("/nonexistent/fkmap/source")
>>> [(d.severity, d.code) for d in inv.diagnostics]
[('error', 'io-error')]
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from model.inventory import Diagnostic, Inventory, Source

__all__ = ["DSN_SCHEMES", "ingest_source", "is_dsn_source"]


#: URL schemes read as live catalogs (everything else is a path).
DSN_SCHEMES = ("postgresql://", "postgres://", "mysql://", "mariadb://", "sqlite:")


def is_dsn_source(source: str) -> bool:
    """True when ``source`` names a database rather than a path, as :func:`ingest_source` decides:
    a URL of :data:`DSN_SCHEMES`, or a libpq ``key=value`` string that is no existing path.

    >>> [is_dsn_source(s) for s in ("mariadb://app@db/shop", "sqlite:///app.db", "db/migrations")]
    [True, True, False]
    >>> is_dsn_source("host=db dbname=shop")
    True
    """
    return source.lower().startswith(DSN_SCHEMES) or _is_dsn(source)


_CONNINFO = re.compile(r"\s*[A-Za-z_]+\s*=")


def _is_dsn(source: str) -> bool:
    """A PostgreSQL URL, or a libpq ``key=value`` string (``host=db dbname=shop``) that is no path."""
    if source.lower().startswith(("postgresql://", "postgres://")):
        return True
    return _CONNINFO.match(source) is not None and not Path(source).exists()


def _masked(source: str) -> str:
    try:
        from ingest.dsn import mask_dsn

        return mask_dsn(source)
    except Exception:
        return source.split("://", 1)[0] + "://..."


def _failed(kind: str, label: str, message: str, code: str) -> Inventory:
    return Inventory(
        diagnostics=(Diagnostic("error", message, label, code=code),), sources=(Source(kind, label),)
    )


def _from_catalog(source: str) -> Inventory:
    label = _masked(source)
    try:
        from ingest.catalogs.postgres import ingest_dsn
    except ImportError as exc:
        return _failed("catalog", label, f"live catalogs cannot be read: {exc}", "unsupported")
    try:
        return ingest_dsn(source)
    except Exception as exc:
        return _failed("catalog", label, f"internal error reading catalog: {type(exc).__name__}", "internal")


def _from_json(path: Path) -> Inventory:
    label = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return _failed("inventory", label, f"cannot read inventory: {exc}", "io-error")
    except json.JSONDecodeError as exc:
        return _failed("inventory", label, f"not valid JSON: {exc.msg} (line {exc.lineno})", "parse-error")
    if not isinstance(data, dict) or "format_version" not in data:
        return _failed(
            "inventory",
            label,
            "not an fkmap inventory (no format_version); save one with Inventory.to_json",
            "unsupported",
        )
    if data["format_version"] != Inventory.FORMAT_VERSION:
        version, mine = data["format_version"], Inventory.FORMAT_VERSION
        message = f"inventory format_version {version!r}; this fkmap reads {mine}"
        return _failed("inventory", label, message, "unsupported")
    try:
        inv = Inventory.from_dict(data)
    except Exception as exc:
        return _failed("inventory", label, f"malformed inventory: {type(exc).__name__}: {exc}", "parse-error")
    source = Source("inventory", label)
    if source in inv.sources:
        return inv
    return Inventory(
        tables=inv.tables,
        foreign_keys=inv.foreign_keys,
        diagnostics=inv.diagnostics,
        migrations=inv.migrations,
        services=inv.services,
        sources=(*inv.sources, source),
    )


def ingest_source(source: str, *, dialect: str | None = None) -> Inventory:
    """Read one source (DSN, SQLite URL, saved ``.json`` inventory, Prisma schema or migration path)."""
    if _is_dsn(source):
        return _from_catalog(source)
    lowered = source.lower()
    if lowered.startswith(("mysql://", "mariadb://")):
        from ingest.catalogs.mysql import ingest_mysql

        return ingest_mysql(source)
    if lowered.startswith("sqlite:"):
        from ingest.catalogs.sqlite import ingest_sqlite

        return ingest_sqlite(source)
    path = Path(source)
    if path.suffix.lower() == ".json" and path.is_file():
        return _from_json(path)
    from ingest.prisma.read import add_prisma, ingest_prisma

    if path.suffix.lower() == ".prisma" and path.is_file():
        return ingest_prisma(path)
    from ingest.migrations.sets import ingest_path

    inv = ingest_path(path, dialect=dialect)
    return add_prisma(inv, path) if path.is_dir() else inv
