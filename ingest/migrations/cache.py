"""A cache of parse results, keyed by content, so re-scanning an unchanged tree is cheap.

What one migration file parses to -- its dialect, :mod:`ingest.migrations.ops` operations and
parser diagnostics -- depends only on its text, the dialect asked for and the
parser itself: :meth:`ParseCache.key` is ``sha256(parser version, dialect, text)``.
Renaming, moving or touching a file keeps its key; editing it, or upgrading fkmap,
pglast or sqlglot (or editing the ``ingest`` parsers), changes it.

Two kinds of entries, both looked up by content:

* the replay result of a whole migration set (tables, FKs, diagnostics), under a
  key made of its label and its files' paths and content keys
  (:meth:`ParseCache.set_key`): an unchanged set is not even replayed;
* the per-file parse results of a scanned tree, in one *pack* per scanned root
  (:meth:`ParseCache.load_pack`), a mapping from content key to entry: when a set
  changed (a new migration), only the new or edited files are parsed again. One
  pack instead of one file per entry: thousands of small file creations cost more
  than the parsing they save on some file systems.

Where
    ``$FKMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/fkmap``, else ``~/.cache/fkmap``
    (:func:`default_dir`). The scanned tree is never written to.
When
    ``FKMAP_CACHE=0`` (or ``fkmap scan --no-cache``, :func:`cache_override`) turns
    it off, ``FKMAP_CACHE=1`` forces it on; by default it is used for scans of at
    least :data:`MIN_BYTES` of SQL (below that, parsing is quicker than the file
    system round trips).
Safety
    An entry is written to a temporary file and renamed into place, so readers
    never see half an entry. Entries are data, never pickles: typed MessagePack
    (:mod:`ingest.migrations.cache_codec`) that is checked field by field while it is
    read; an unreadable, truncated, foreign or planted entry is ignored (a miss) and
    rewritten. The folder is created private (``0700``); one that belongs to someone
    else or that group or others could write (or replace) is not used at all, with a
    warning (:mod:`ingest.migrations.cache_dir`). Any file-system error
    turns the cache off for the rest of the scan -- a scan never fails because of
    it. Writes happen on a background thread. The cache is bounded
    (``FKMAP_CACHE_MAX_MB``, default 512): at most once an hour, a scan that wrote
    entries drops the oldest ones beyond the bound.

Examples
--------
>>> import shutil, tempfile
>>> from ingest.migrations.ops import DropTable, QName
>>> cache = ParseCache(Path(tempfile.mkdtemp()))
>>> key = cache.key("DROP TABLE t;", None)
>>> cache.load_pack("/repo")
{}
>>> parsed = ("postgres", [DropTable((QName(None, "t"),))], [], "")
>>> cache.store_pack("/repo", {key: encode(key, "001.sql", parsed)})
>>> cache.close()
>>> decode(cache.load_pack("/repo")[key], key, "other/001.sql")[1]
[DropTable(line=0, tables=(QName(schema=None, name='t'),), if_exists=False, cascade=False)]
>>> shutil.rmtree(cache.root)
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.migrations import cache_codec
from ingest.migrations.cache_dir import (  # the switches live there: cheap to import
    cache_override,
    cache_setting,
    default_dir,
    private_dir,
    warn_refused,
)
from ingest.migrations.ops import Op
from model.inventory import Diagnostic, ForeignKey, Table

__all__ = [
    "MIN_BYTES",
    "ParseCache",
    "Parsed",
    "SetResult",
    "cache_override",
    "cache_setting",
    "decode",
    "default_dir",
    "encode",
    "open_cache",
    "parser_version",
]

#: One file's parse: (dialect, operations, parser diagnostics, internal error text or '').
Parsed = tuple[str, list[Op], list[Diagnostic], str]

#: A migration set's replay: (tables, foreign keys, diagnostics), as ``Replayer.result()`` gives.
SetResult = tuple[tuple[Table, ...], tuple[ForeignKey, ...], tuple[Diagnostic, ...]]

#: In automatic mode, scans with less SQL than this do not use the cache.
MIN_BYTES = 1_000_000
#: Bump when the entry layout changes.
FORMAT = 2
_MAGIC = b"fkmap-parse-cache\n"
_SET_MAGIC = b"fkmap-set-cache\n"
_PACK_MAGIC = b"fkmap-pack-cache\n"
_DEFAULT_MAX_MB = 512
_PRUNE_EVERY_S = 3600.0


@functools.cache
def parser_version() -> str:
    """Digest of everything a cached result depends on: the sources of the modules that
    read, split, parse and replay migration files (every module of this package) and of
    the model; pglast, sqlglot and Python versions; the entry format."""
    import pglast

    digest = hashlib.sha256()
    versions = f"{FORMAT}|{sys.version_info[:2]}|{pglast.__version__}|{_sqlglot_version()}"
    digest.update(versions.encode())
    here = Path(__file__).resolve().parent
    sources = [p for p in sorted(here.glob("*.py")) if p.name != "__init__.py"]
    for source in [*sources, here.parent.parent / "model" / "inventory.py"]:
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:
            digest.update(source.name.encode() + b"\0?")
    return digest.hexdigest()[:24]


def _sqlglot_version() -> str:
    """The installed sqlglot's version, read without importing sqlglot (a tenth of a second that a
    PostgreSQL-only scan never needs otherwise): the string its ``_version.py`` assigns to
    ``__version__``, else the package metadata's.

    >>> import importlib.metadata
    >>> _sqlglot_version() == importlib.metadata.version("sqlglot")
    True
    """
    spec = importlib.util.find_spec("sqlglot")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        with contextlib.suppress(OSError, SyntaxError, ValueError):
            tree = ast.parse((Path(folder) / "_version.py").read_bytes())
            for node in tree.body:
                if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
                    continue
                named = any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
                if named and isinstance(node.value.value, str):
                    return node.value.value
    from importlib import metadata  # not imported by a scan otherwise

    try:
        return metadata.version("sqlglot")
    except metadata.PackageNotFoundError:
        return ""


def encode(key: str, rel: str, parsed: Parsed) -> bytes:
    """The bytes of a per-file entry (also what pool workers send back)."""
    return _MAGIC + cache_codec.dump_parsed(key, rel, parsed)


def decode(data: bytes, key: str, rel: str) -> Parsed | None:
    """The parse result of an entry, its diagnostics moved to ``rel``; None if it is not a valid entry."""
    if not data.startswith(_MAGIC):
        return None
    try:
        stored_key, stored_rel, (dialect, ops, diags, error) = cache_codec.load_parsed(
            memoryview(data)[len(_MAGIC) :]
        )
    except ValueError:  # truncated, foreign or from an incompatible version: a miss
        return None
    if stored_key != key:
        return None
    if stored_rel != rel and diags:  # same content at another path: diagnostics name this one
        diags = [dataclasses.replace(d, path=rel) if d.path == stored_rel else d for d in diags]
    return dialect, ops, diags, error


class ParseCache:
    """Entries on disk under ``directory/<parser version>/`` (or ``version``), one file each, named by key."""

    def __init__(self, directory: Path, version: str | None = None) -> None:
        self.root = Path(directory)
        self.dir = self.root / (version or parser_version())  # the reading cache names its own
        self.broken = False  # an unsafe folder or a file-system error turned it off
        self._checked = False
        self.writes = self.set_hits = 0
        self._queue: queue.SimpleQueue[tuple[str, Callable[[], bytes]] | None] | None = None
        self._writer: threading.Thread | None = None

    def key(self, text: str, dialect: str | None) -> str:
        """The content key of ``text`` read in ``dialect`` (None: detected)."""
        digest = hashlib.sha256(f"{parser_version()}\0{dialect or ''}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def set_key(
        self, label: str, dialect: str | None, files: Sequence[tuple[str, str, Sequence[Diagnostic]]]
    ) -> str:
        """The key of a whole migration set's replay: its label, and each file's
        ``(rel path, content key, read diagnostics)`` in replay order."""
        digest = hashlib.sha256(f"{parser_version()}\0set\0{label}\0{dialect or ''}".encode())
        for rel, key, read_diags in files:
            digest.update(f"\0{rel}\0{key}\0{read_diags!r}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / key

    def usable(self) -> bool:
        """False once the cache is off; the first call creates the folder (``0700``) and turns the
        cache off, with a warning, when someone else could write to it."""
        if not self._checked:
            self._checked = True
            refused = private_dir(self.root)
            if refused is not None:
                warn_refused(self.root, refused, "scanning without the parse cache")
                self.broken = True
        return not self.broken

    def raw(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, if any (:mod:`ingest.read_cache` checks them itself)."""
        try:
            return self._path(key).read_bytes() if self.usable() else None
        except OSError:
            return None

    def _read(self, key: str, magic: bytes, kind: str) -> object | None:
        """The payload stored under ``key`` if it is a valid ``magic`` entry of ``kind`` for that key."""
        data = self.raw(key)
        if data is None or not data.startswith(magic):
            return None
        try:
            stored_key, payload = cache_codec.load(kind, memoryview(data)[len(magic) :])
        except ValueError:  # truncated, foreign or from an incompatible version: a miss
            return None
        return payload if stored_key == key else None

    def get_set(self, key: str) -> SetResult | None:
        """The cached replay result of a set, or None."""
        payload = self._read(key, _SET_MAGIC, "set")
        if not isinstance(payload, tuple) or len(payload) != 3:
            return None
        if not all(isinstance(x, tuple) for x in payload):
            return None
        self.set_hits += 1
        return payload

    def put_set(self, key: str, result: SetResult) -> None:
        """Store a set's replay result (encoded and written on the writer thread)."""
        self.put_later(key, lambda: _SET_MAGIC + cache_codec.dump("set", key, result))

    def _pack_key(self, identity: str) -> str:
        return hashlib.sha256(
            f"{parser_version()}\0pack\0{identity}".encode("utf-8", "surrogatepass")
        ).hexdigest()

    def load_pack(self, identity: str) -> dict[str, bytes]:
        """The per-file entries (content key -> :func:`encode`-d entry) of a scanned root."""
        key = self._pack_key(identity)
        payload = self._read(key, _PACK_MAGIC, "pack")
        if not isinstance(payload, dict):
            return {}
        return {k: v for k, v in payload.items() if isinstance(k, str) and isinstance(v, bytes)}

    def store_pack(self, identity: str, entries: dict[str, bytes] | Callable[[], dict[str, bytes]]) -> None:
        """Replace the pack of a scanned root (built, encoded and written on the writer thread)."""
        key = self._pack_key(identity)

        def data() -> bytes:
            payload = entries() if callable(entries) else entries
            return _PACK_MAGIC + cache_codec.dump("pack", key, payload)

        self.put_later(key, data)

    def put(self, key: str, entry: bytes | bytearray) -> None:
        """Store an entry atomically (temporary file, then rename); errors turn the cache off, silently."""
        if not self.usable():
            return
        target = self._path(key)
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(entry)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            self.broken = True
            return
        self.writes += 1

    def put_later(self, key: str, make: Callable[[], bytes]) -> None:
        """:meth:`put` the bytes ``make()`` returns, on a background thread; see :meth:`close`."""
        if not self.usable():
            return
        if self._queue is None:
            self._queue = queue.SimpleQueue()
            self._writer = threading.Thread(target=self._write_queued, name="fkmap-cache-writer", daemon=True)
            self._writer.start()
        self._queue.put((key, make))

    def _write_queued(self) -> None:
        assert self._queue is not None
        while (item := self._queue.get()) is not None:
            key, make = item
            try:
                data = make()
            except Exception:  # a result that cannot be encoded: not cached
                continue
            self.put(key, data)

    def close(self) -> None:
        """Wait for the entries handed to :meth:`put_later`."""
        if self._queue is not None and self._writer is not None:
            self._queue.put(None)
            self._writer.join()
        self._queue = self._writer = None

    def maybe_prune(self, max_bytes: int | None = None) -> None:
        """After a scan that wrote entries: at most hourly, trim the cache to ``max_bytes``."""
        if self.broken or not self.writes:
            return
        stamp = self.root / ".pruned"
        try:
            if stamp.exists() and time.time() - stamp.stat().st_mtime < _PRUNE_EVERY_S:
                return
            stamp.touch()
        except OSError:
            return
        self.prune(max_bytes)

    def prune(self, max_bytes: int | None = None) -> int:
        """Delete the oldest entries (other parser versions first) beyond ``max_bytes``; how many."""
        if max_bytes is None:
            try:
                max_bytes = int(float(os.environ.get("FKMAP_CACHE_MAX_MB", _DEFAULT_MAX_MB)) * 1024 * 1024)
            except ValueError:
                max_bytes = _DEFAULT_MAX_MB * 1024 * 1024
        entries: list[tuple[bool, float, int, str]] = []
        total = 0
        for dirpath, _, names in os.walk(self.root):
            current = Path(dirpath).parent == self.dir
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                total += info.st_size
                if name != ".pruned":
                    entries.append((current, info.st_mtime, info.st_size, path))
        removed = 0
        if total <= max_bytes:
            return 0
        goal = max_bytes * 0.8
        for _, _, size, path in sorted(entries):
            if total <= goal:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size
                removed += 1
        return removed


def open_cache(total_bytes: int, forced: bool | None = None) -> ParseCache | None:
    """The cache to use for a scan of ``total_bytes`` of SQL, or None.

    ``forced`` (the ``cache=`` argument of :func:`ingest.migrations.sets.ingest_path`) wins,
    then :func:`cache_setting`; automatic mode caches scans of at least :data:`MIN_BYTES`.
    """
    setting = forced if forced is not None else cache_setting()
    if setting is False or (setting is None and total_bytes < MIN_BYTES):
        return None
    return ParseCache(default_dir())
