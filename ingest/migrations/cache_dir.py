"""Cache folders only this user can write: created ``0700``, refused when anyone else could write.

What a cache folder holds is read back as scan results (the parse cache of
:mod:`ingest.migrations.cache`, the shared scan of :mod:`ui.shared`), and the shared one is also
Dash's ``diskcache`` job store, so another local user who can write into it could change what
fkmap reports -- or, through ``diskcache``'s own pickled values, run code as the scanning user.
:func:`private_dir` creates the folder ``0700`` and accepts it only when

* it is a directory owned by this user (a symbolic link to it must be owned by this user or
  root), not writable by group or others, and
* no one else can rename it away: every folder above belongs to this user or root and is
  writable by group or others only with the sticky bit (as ``/tmp``).

Otherwise the caller warns once (:func:`warn_refused`) and goes on without that cache.

The switches every cache obeys live here too, with nothing but the standard library, so a
cache lookup at start-up imports no parser: where the caches are (:func:`default_dir`) and
whether they are used (:func:`cache_setting`, :func:`cache_override`; ``--no-cache`` and
``FKMAP_CACHE``). :mod:`ingest.migrations.cache` re-exports them.

Examples
--------
>>> import tempfile, os
>>> base = tempfile.mkdtemp()
>>> private_dir(Path(base) / "fkmap") is None, oct(os.stat(Path(base) / "fkmap").st_mode & 0o777)
(True, '0o700')
>>> os.chmod(base + "/fkmap", 0o777)
>>> private_dir(Path(base) / "fkmap")
'it is writable by group or others (mode 0777)'
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = ["cache_override", "cache_setting", "default_dir", "private_dir", "warn_refused"]

log = logging.getLogger("fkmap.cache")
_warned: set[str] = set()


def private_dir(path: Path) -> str | None:
    """Create ``path`` (``0700``) if missing; None when only this user can write it, else why not."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        link = os.lstat(path)
        info = os.stat(path)
    except OSError as exc:
        return f"it cannot be created or read ({exc.strerror})"
    me = os.geteuid()
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in (me, 0):
        return f"it is a symbolic link owned by user {link.st_uid}"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if info.st_uid != me:
        return f"it belongs to user {info.st_uid}, not to {me}"
    if info.st_mode & 0o022:
        return f"it is writable by group or others (mode {stat.S_IMODE(info.st_mode):04o})"
    return _open_parent(Path(os.path.realpath(path)).parent) or _open_parent(path.absolute().parent)


def _open_parent(folder: Path) -> str | None:
    """Why someone else could replace the cache folder through a folder above it, or None: every
    folder above must belong to this user or root, and be writable by group or others only with
    the sticky bit (as ``/tmp``)."""
    me = os.geteuid()
    for parent in (folder, *folder.parents):
        try:
            info = os.stat(parent)
        except OSError as exc:
            return f"{parent} cannot be read ({exc.strerror})"
        if info.st_uid not in (me, 0):
            return f"{parent} above it belongs to user {info.st_uid}"
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            return f"{parent} above it is writable by group or others without the sticky bit"
    return None


def warn_refused(path: Path, reason: str, what: str) -> None:
    """Log, once per folder and process, that the cache folder ``path`` is not used, and why."""
    if str(path) in _warned:
        return
    _warned.add(str(path))
    log.warning(
        "not using the cache folder %s: %s; it must belong to you and be writable by you alone "
        "(chmod 700, or set FKMAP_CACHE_DIR to such a folder); %s",
        path,
        reason,
        what,
    )


_override: contextvars.ContextVar[bool | None] = contextvars.ContextVar("fkmap_cache_override", default=None)


@contextlib.contextmanager
def cache_override(enabled: bool | None) -> Iterator[None]:
    """Within the block, force the cache on (True) or off (False); None leaves the default.

    >>> with cache_override(False):
    ...     cache_setting()
    False
    """
    token = _override.set(enabled)
    try:
        yield
    finally:
        _override.reset(token)


def cache_setting() -> bool | None:
    """True/False when forced (:func:`cache_override`, then ``FKMAP_CACHE``); None for automatic."""
    forced = _override.get()
    if forced is not None:
        return forced
    value = os.environ.get("FKMAP_CACHE", "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return None


def default_dir() -> Path:
    """``$FKMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/fkmap``, else ``~/.cache/fkmap``."""
    explicit = os.environ.get("FKMAP_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = (
        Path(xdg).expanduser() if xdg and os.path.isabs(os.path.expanduser(xdg)) else Path.home() / ".cache"
    )
    return base / "fkmap"
