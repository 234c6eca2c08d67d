"""Where the workers share bytes: a private ``diskcache`` folder (one host) or Redis (several hosts).

:class:`SharedCache` is the little :mod:`ui.shared.ingest` needs: get, set, an
atomic add (the scan lock), touch and delete, each with an optional lifetime.

The folder is also Dash's ``diskcache`` job store, whose values ``diskcache`` may unpickle,
so it must be private: it is created ``0700``, and one that belongs to someone else or that
group or others could write (or replace) is refused with :class:`UnsafeCacheFolder`
(:func:`ingest.migrations.cache_dir.private_dir`); the app then warns and lets every worker
scan on its own.

Examples
--------
>>> import os, tempfile
>>> cache = open_shared_cache(tempfile.mkdtemp())
>>> cache.add("k", b"1", ttl=60), cache.add("k", b"2", ttl=60), cache.get("k")
(True, False, b'1')
>>> shared = tempfile.mkdtemp(); os.chmod(shared, 0o777)
>>> open_shared_cache(shared)
Traceback (most recent call last):
...
ui.shared.cache.UnsafeCacheFolder: it is writable by group or others (mode 0777)
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

__all__ = ["DiskCache", "RedisCache", "SharedCache", "UnsafeCacheFolder", "open_shared_cache"]


class UnsafeCacheFolder(RuntimeError):
    """The shared cache folder could be written by someone else (the message says why)."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(reason)
        self.folder, self.reason = folder, reason


class SharedCache(Protocol):
    """Bytes by key, shared by every process that serves the dashboard."""

    label: str

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
    (default: ``shared/`` in :func:`ingest.migrations.cache.default_dir`, i.e. under ``$FKMAP_CACHE_DIR``).

    Raises :class:`UnsafeCacheFolder` for a folder someone else could write (see the module docstring).
    """
    if redis_url:
        return RedisCache(redis_url)
    from ingest.migrations.cache import default_dir
    from ingest.migrations.cache_dir import private_dir

    folder = Path(cache_dir) if cache_dir is not None else default_dir() / "shared"
    refused = private_dir(folder)
    if refused is not None:
        raise UnsafeCacheFolder(folder, refused)
    return DiskCache(folder)
