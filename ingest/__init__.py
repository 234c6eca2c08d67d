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
>>> from ingest import read_source
>>> inv = read_source("/nonexistent/fkmap/source")
>>> [(d.severity, d.code) for d in inv.diagnostics]
[('error', 'io-error')]

The names are loaded from :mod:`ingest.registry` when first used, so that importing a module
of this package (a cache's switches, say) does not import every reader's matcher.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.registry import READERS, Reader, is_dsn_source, read_source, server_source

__all__ = ["READERS", "Reader", "is_dsn_source", "read_source", "server_source"]


def __getattr__(name: str) -> Any:
    """``READERS``, ``Reader``, ``is_dsn_source``, ``read_source`` and ``server_source`` of
    :mod:`ingest.registry`, imported on first use."""
    if name in __all__:
        return getattr(importlib.import_module("ingest.registry"), name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
