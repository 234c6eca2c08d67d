"""The PostgreSQL backend, for a store shared by a team (``--state postgresql://...``).

The tables (``fkmap_*``) live in the database the URL names, next to anything
else. Each operation runs in one ``READ COMMITTED`` transaction; the
conditional ``UPDATE ... WHERE version = ?`` makes a concurrent writer wait for
the row lock and then find the new version, so a lost race is always reported.
Schema upgrades of concurrent openers are serialised by a transaction-level
advisory lock.
"""

from __future__ import annotations

from typing import Any

from remediation.store.base import SqlStore
from remediation.store.schema import StoreError

__all__ = ["PostgresStore", "mask_url"]

#: Key of the advisory lock held while the layout is upgraded ("fkmap" in ASCII).
_LOCK_KEY = 0x666B6D6170


def mask_url(url: str) -> str:
    """``url`` with its password hidden (also a ``?password=`` and one with an unencoded ``/`` or ``@``).

    >>> mask_url("postgresql://app:s3cret@db:5432/state"), mask_url("postgres://app:s3/cr@t@db/state")
    ('postgresql://app@db:5432/state', 'postgres://app@db/state')
    """
    from ingest.dsn import mask_dsn

    return mask_dsn(url)


class PostgresStore(SqlStore):
    """A store in the PostgreSQL database named by ``url``."""

    dialect = "postgres"
    placeholder = "%s"
    schema_lock = f"SELECT pg_advisory_xact_lock({_LOCK_KEY})"

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        super().__init__(mask_url(url))
        self.url = url
        self.connect_timeout = connect_timeout
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise StoreError(f"a PostgreSQL store needs psycopg: {exc}") from exc
        self._psycopg = psycopg

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, autocommit=True, connect_timeout=self.connect_timeout)
        except self._psycopg.Error as exc:
            from ingest.dsn import dsn_secrets, scrub

            lines = str(exc).replace(self.url, self.label).strip().splitlines() or [type(exc).__name__]
            message = scrub(lines[0], dsn_secrets(self.url))
            raise StoreError(f"cannot connect to the remediation store {self.label}: {message}") from None

    def _is_integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.IntegrityError)

    def _is_full(self, exc: BaseException) -> bool:
        # 53100 disk_full: "could not extend file ...: No space left on device"
        return getattr(exc, "sqlstate", None) == "53100" or super()._is_full(exc)
