"""Where remediation records live: :func:`open_store` picks the backend from a URL.

* nothing (``None`` or ``''``): the SQLite file ``.fkmap/state.db`` under
  ``base`` (the current directory by default) -- :data:`DEFAULT_STATE`;
* a path, or a ``sqlite:`` URL (``sqlite:rel/path.db``, and as in SQLAlchemy
  ``sqlite:///rel/path.db`` and ``sqlite:////abs/path.db``): that SQLite file;
* ``postgresql://user@host/db`` (or ``postgres://``): a shared PostgreSQL store.

The store is upgraded to the current layout when opened (:mod:`remediation.store.schema`);
a store written by a newer fkmap raises :class:`~remediation.store.schema.StoreVersionError`
and is left untouched. ``FKMAP_STATE`` in the environment is what ``--state`` defaults to.

Examples
--------
>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as tmp:
...     s = open_store(os.path.join(tmp, "state.db"))
...     s.schema_version(), s.is_empty()
(3, True)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from remediation.store.base import SqlStore
from remediation.store.schema import StoreError

__all__ = ["DEFAULT_STATE", "open_store", "state_url"]

#: The default store, relative to the working directory.
DEFAULT_STATE = ".fkmap/state.db"


def state_url(url: str | None = None) -> str:
    """``url``, else ``$FKMAP_STATE``, else :data:`DEFAULT_STATE`."""
    return url or os.environ.get("FKMAP_STATE") or DEFAULT_STATE


def open_store(url: str | None = None, *, base: str | Path | None = None, upgrade: bool = True) -> SqlStore:
    """Open (and create or upgrade) the store ``url`` names; see the module docstring.

    Parameters
    ----------
    url : str, optional
        File path, ``sqlite:`` URL or ``postgresql://`` URL; :func:`state_url` when omitted.
    base : path, optional
        Folder relative SQLite paths are resolved against (default: the working directory).
    upgrade : bool
        Bring the layout to :data:`SCHEMA_VERSION` (always refuses a newer store).

    Raises
    ------
    StoreError
        An unknown URL scheme, a file that is not a store, a server that cannot be reached.
    StoreVersionError
        The store is newer than this fkmap.
    """
    target = state_url(url)
    lowered = target.lower()
    store: SqlStore
    if lowered.startswith(("postgresql://", "postgres://")):
        from remediation.store.postgres import PostgresStore

        store = PostgresStore(target)
    else:
        if lowered.startswith("sqlite://"):  # SQLAlchemy style: sqlite:///rel.db, sqlite:////abs.db
            target = target[len("sqlite://") :]
            target = target[1:] if target.startswith("/") else target
        elif lowered.startswith("sqlite:"):
            target = target[len("sqlite:") :]
        elif "://" in target:
            scheme = target.split("://", 1)[0]
            raise StoreError(
                f"unknown state URL scheme {scheme!r}; use a file path (.fkmap/state.db), "
                "sqlite:////abs/path/state.db or postgresql://user@host/db"
            )
        elif re.match(r"\s*[A-Za-z_]+\s*=", target) and not Path(target).exists():
            from ingest.dsn import mask_dsn

            raise StoreError(  # never a SQLite file named after a connection string (and its password)
                f"state {mask_dsn(target)!r} looks like a key=value connection string; "
                "give a postgresql://user@host/db URL or a file path"
            )
        path = Path(target)
        if base is not None and not path.is_absolute():
            path = Path(base) / path
        from remediation.store.sqlite import SqliteStore

        store = SqliteStore(path)
    if upgrade:
        try:
            store.upgrade()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"{store.label} is not a usable fkmap remediation store: {exc}") from exc
    return store
