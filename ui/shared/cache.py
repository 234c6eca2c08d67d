"""Where the workers share bytes: a private ``diskcache`` folder (one host) or Redis (several hosts).

:class:`SharedCache` is the little :mod:`ui.shared.ingest` needs: get, set, an
atomic add (the scan lock), touch and delete, each with an optional lifetime.
A cache is ``trusted`` when only this user's processes can write to it (the
folder is created ``0700``, as the parse cache's is): only such a cache may
hold pickles.

Examples
--------
>>> import tempfile
>>> cache = open_shared_cache(tempfile.mkdtemp())
>>> cache.add("k", b"1", ttl=60), cache.add("k", b"2", ttl=60), cache.get("k"), cache.trusted
(True, False, b'1', True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

__all__ = ["DiskCache", "RedisCache", "SharedCache", "open_shared_cache"]


class SharedCache(Protocol):
    """Bytes by key, shared by every process that serves the dashboard.

    ``trusted``: only this user's processes can write it (a private folder),
    so it may hold pickles.
    """

    label: str
    trusted: bool

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...
    def add(self, key: str, value: bytes, ttl: float | None = None) -> bool: ...
    def touch(self, key: str, ttl: float) -> None: ...
    def delete(self, key: str) -> None: ...


class DiskCache:
    """A :class:`SharedCache` in a ``diskcache`` folder (every worker of one host).

    ``handle`` is the :class:`diskcache.Cache`, which Dash's ``DiskcacheManager`` shares.
    """

    def __init__(self, directory: str | Path) -> None:
        import diskcache

        self.label = str(directory)
        self.trusted = True
        self.handle = diskcache.Cache(str(directory))

    def get(self, key: str) -> bytes | None:
        value = self.handle.get(key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self.handle.set(key, value, expire=ttl)

    def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        return bool(self.handle.add(key, value, expire=ttl))

    def touch(self, key: str, ttl: float) -> None:
        self.handle.touch(key, expire=ttl)

    def delete(self, key: str) -> None:
        self.handle.delete(key)


class RedisCache:
    """A :class:`SharedCache` in Redis (workers on several hosts; the Celery broker's server)."""

    def __init__(self, url: str) -> None:
        import redis

        from ingest.dsn import mask_dsn

        self.label = mask_dsn(url)
        self.trusted = False
        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)

    def get(self, key: str) -> bytes | None:
        value = self.client.get(key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self.client.set(key, value, px=int(ttl * 1000) if ttl else None)

    def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        return bool(self.client.set(key, value, nx=True, px=int(ttl * 1000) if ttl else None))

    def touch(self, key: str, ttl: float) -> None:
        self.client.pexpire(key, int(ttl * 1000))

    def delete(self, key: str) -> None:
        self.client.delete(key)


def open_shared_cache(cache_dir: str | Path | None = None, redis_url: str | None = None) -> SharedCache:
    """Redis when ``redis_url`` is given, else the diskcache folder ``cache_dir``
    (default: ``shared/`` in :func:`ingest.migrations.cache.default_dir`, i.e. under ``$FKMAP_CACHE_DIR``)."""
    if redis_url:
        return RedisCache(redis_url)
    if cache_dir is None:
        from ingest.migrations.cache import default_dir

        cache_dir = default_dir() / "shared"
    Path(cache_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
    return DiskCache(cache_dir)
