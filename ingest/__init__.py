"""Sources -> the neutral model: migration folders, Prisma schemas, live catalogs, saved scans.

:func:`read_source` reads one source of any kind into an
:class:`~model.inventory.Inventory`; :mod:`ingest.registry` lists the kinds (:data:`READERS`)
and how a source string is matched to its reader. The readers live in
:mod:`ingest.migrations` (SQL migration folders and files, replayed), :mod:`ingest.prisma`
(Prisma schemas), :mod:`ingest.catalogs` (live PostgreSQL, MySQL/MariaDB and SQLite
catalogs) and :mod:`ingest.saved` (saved ``.json`` scans); :mod:`ingest.dsn` reads
PostgreSQL connection strings and masks their passwords. Services are not assigned here
(see :mod:`ownership`).

Examples
--------
>>> inv = read_source("/nonexistent/fkmap/source")
>>> [(d.severity, d.code) for d in inv.diagnostics]
[('error', 'io-error')]
"""

from __future__ import annotations

from ingest.registry import READERS, Reader, is_dsn_source, read_source, server_source

__all__ = ["READERS", "Reader", "is_dsn_source", "read_source", "server_source"]
