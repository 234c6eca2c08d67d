"""A cache of whole readings: an unchanged folder or file gives back its inventory, nothing re-read.

:func:`ingest.registry.read_source` hands every local source (a folder, a ``.sql`` dump, a schema
file; not a live database nor a saved scan) to :func:`cached_read`. Parsing is only part of a
reading: the walk, the layout, the replay of every set and the schemas in code come after it, so
the parse cache (:mod:`ingest.migrations.cache`) alone leaves most of a re-scan to do. Here the
finished inventory of the source -- tables, foreign keys, migrations and every diagnostic -- is
kept, and given back when nothing it depends on changed:

* the **content** of every file under the source (:func:`snapshot_digest` of a snapshot of
  :mod:`ingest.file_states`, the result cache's own when it still holds: each file's path and
  SHA-256, every symbolic link and where it points; hidden folders and
  :data:`~ingest.migrations.files.SKIP_DIRS` are not walked, as no reader walks them, and
  ``fkmap.toml`` is left out, as no reader reads it);
* the **options** of the reading: the reader, the source as given and its real path, the
  dialect (the effective config's ``[scan] dialect`` or ``--dialect``), ``follow_symlinks``
  and the limits of :func:`~ingest.migrations.limits.max_tables` and
  :func:`~ingest.migrations.read.max_sql_bytes`;
* the **code**: the files of ``ingest/`` and ``model/`` and the installed distributions
  (:func:`code_digest`).

Touching a file (same content) keeps the entry; editing one replaces it -- and then only that
file's migration set is replayed again, the others come from the parse cache's per-set entries.

An entry is typed MessagePack (msgspec) of the :class:`~model.inventory.Inventory`, behind a
CRC-32 checksum, in the parse cache's private folder (:mod:`ingest.migrations.cache_dir`, the
same switches: ``--no-cache``, ``FKMAP_CACHE``, and in automatic mode sources of at least
:data:`~ingest.migrations.cache.MIN_BYTES`). One entry per source and options: a new reading
replaces it. A damaged, foreign or planted entry is never believed: the source is read again and
a warning is logged (``fkmap.cache``). Decoded entries share their repeated values
(:mod:`ingest.compact`), as a fresh reading does.

Examples
--------
>>> import shutil, tempfile
>>> from ingest.file_states import snapshot
>>> top = Path(tempfile.mkdtemp())
>>> _ = (top / "001.sql").write_text("CREATE TABLE t (id int);")
>>> snap = snapshot(str(top), follow_symlinks=False)
>>> digest = snapshot_digest(snap)
>>> (len(digest), snap.bytes)
(64, 24)
>>> _ = (top / "001.sql").write_text("CREATE TABLE u (id int);")
>>> snapshot_digest(snapshot(str(top), follow_symlinks=False)) != digest
True
>>> shutil.rmtree(top)
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import msgspec

from ingest.compact import Sharer
from ingest.file_states import Snapshot, latest, unchanged
from ingest.gc_pause import gc_paused
from ingest.migrations.cache import MIN_BYTES, ParseCache, cache_setting, default_dir
from ingest.migrations.limits import max_tables
from ingest.migrations.read import max_sql_bytes
from model.inventory import ForeignKey, Inventory, Table

__all__ = ["ReadStats", "cached_read", "code_digest", "snapshot_digest", "stats"]

log = logging.getLogger("fkmap.cache")

_MAGIC = b"fkmap-read-cache\n"
_FORMAT = 1
#: Files no reader reads: fkmap's own config (what of it changes a reading, the dialect and
#: ``follow_symlinks``, is in the key), so editing its services keeps the entry.
_NOT_READ = frozenset({"fkmap.toml"})
_CHECK = 4  # bytes of CRC-32 after the magic line: damage shows (the typed decoding checks the rest)
_ENCODER = msgspec.msgpack.Encoder()
#: (key, content digest, the inventory without tables and FKs, its tables, its FKs): the tables and
#: FKs are decoded one by one (each a zero-copy :class:`msgspec.Raw` until then)
_DECODER = msgspec.msgpack.Decoder(tuple[str, str, Inventory, list[msgspec.Raw], list[msgspec.Raw]])
_TABLE = msgspec.msgpack.Decoder(Table)
_FK = msgspec.msgpack.Decoder(ForeignKey)


class ReadStats:
    """What the cache did in this process: entries given back, written, and refused."""

    def __init__(self) -> None:
        self.hits = self.stores = self.refused = 0


#: The counters of this process (tests read them; nothing depends on them).
stats = ReadStats()


@functools.cache
def code_digest() -> str:
    """Digest of the code a reading depends on: every file of ``ingest/`` and ``model/``, the
    Python version and the installed distributions (their ``*.dist-info`` names carry versions)."""
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}".encode())
    root = Path(__file__).resolve().parent.parent
    for folder in ("ingest", "model"):
        for source in sorted((root / folder).rglob("*")):
            if "__pycache__" in source.parts or not source.is_file():
                continue
            try:
                digest.update(source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes())
            except OSError:
                digest.update(source.name.encode() + b"\0?")
    site = Path(msgspec.__file__).resolve().parent.parent
    try:
        digest.update("\0".join(sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))).encode())
    except OSError:
        digest.update(b"?")
    return digest.hexdigest()


def snapshot_digest(snap: Snapshot) -> str:
    """SHA-256 over what a snapshot's records say of content: each file's path, size and SHA-256 (its
    modification time, when too large to hash), each link's target, each folder, each entry that
    could not be read; ``fkmap.toml`` is left out (:data:`_NOT_READ`)."""
    digest = hashlib.sha256()
    for kind, rel, size, mtime, _, _, extra in snap.records:
        if kind != "D" and rel.rsplit("/", 1)[-1] in _NOT_READ:
            continue
        detail = f"{size}\0{extra or mtime}" if kind == "F" else extra
        digest.update(f"{kind}\0{rel}\0{detail}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _key(reader: str, source: str, dialect: str | None, follow_symlinks: bool) -> str:
    options = (
        f"{code_digest()}\0{reader}\0{source}\0{os.path.realpath(source)}\0{dialect or ''}\0"
        f"{follow_symlinks}\0{max_tables()}\0{max_sql_bytes()}"
    )
    return hashlib.sha256(options.encode("utf-8", "surrogateescape")).hexdigest()


def _checksum(body: memoryview) -> bytes:
    return zlib.crc32(body).to_bytes(_CHECK, "big")


def _encode(key: str, content: str, inventory: Inventory) -> bytearray:
    """The bytes of an entry, encoded in place after the magic line and the checksum (an entry is
    tens of MB at 20,000 tables: never copied)."""
    head = replace(inventory, tables=(), foreign_keys=())
    start = len(_MAGIC) + _CHECK
    entry = bytearray(start)
    _ENCODER.encode_into((key, content, head, inventory.tables, inventory.foreign_keys), entry, start)
    entry[: len(_MAGIC)] = _MAGIC
    entry[len(_MAGIC) : start] = _checksum(memoryview(entry)[start:])
    return entry


def _load(data: bytes, key: str, content: str) -> Inventory | None:
    """The inventory of an entry for ``key`` and ``content``, its repeated values shared; None for
    an entry of another content; ValueError saying why for what is no entry of ``key``.

    Tables and foreign keys are decoded one at a time and shared (:class:`~ingest.compact.Sharer`)
    as they come, so the decoded copy never exists whole beside the shared one."""
    if not data.startswith(_MAGIC):
        raise ValueError("it is not a reading-cache entry")
    body = memoryview(data)[len(_MAGIC) + _CHECK :]
    if _checksum(body) != data[len(_MAGIC) : len(_MAGIC) + _CHECK]:
        raise ValueError("its checksum does not match (damaged or altered)")
    try:
        stored_key, stored_content, head, packed_tables, packed_fks = _DECODER.decode(body)
        if stored_key != key:
            raise ValueError("it belongs to another source")
        if stored_content != content:
            return None  # the source changed: a plain miss
        share = Sharer()
        tables = [share.table(_TABLE.decode(t)) for t in packed_tables]
        fks = [share.foreign_key(_FK.decode(fk)) for fk in packed_fks]
    except msgspec.DecodeError as exc:
        raise ValueError(f"it does not hold an inventory ({exc})") from None
    return replace(head, tables=tuple(tables), foreign_keys=tuple(fks))


def _decode(data: bytes, key: str, content: str) -> Inventory | None:
    """:func:`_load`; None with a warning when the entry is damaged or not fkmap's."""
    try:
        return _load(data, key, content)
    except ValueError as exc:
        stats.refused += 1
        log.warning("ignoring the reading-cache entry %s: %s; reading the source again", key[:16], exc)
        return None


def cached_read(
    reader: str,
    source: str,
    dialect: str | None,
    follow_symlinks: bool,
    read: Callable[[], Inventory],
) -> Inventory:
    """``read()``, or the inventory it gave last time for the same content, options and code."""
    setting = cache_setting()
    if setting is False or not os.path.exists(source):
        return read()
    with gc_paused():
        snap, earlier = latest(source, follow_symlinks=follow_symlinks)
        content, size = snapshot_digest(snap), snap.bytes
        if setting is None and size < MIN_BYTES:
            return read()
        store = ParseCache(default_dir(), f"read-{code_digest()[:24]}")
        key = _key(reader, source, dialect, follow_symlinks)
        data = store.raw(key)
        found = _decode(data, key, content) if data is not None else None
        if found is not None:
            stats.hits += 1
            return found
        inventory = read()
        # an earlier snapshot held before the reading; a file changed since belongs to no key yet
        if not earlier or unchanged(snap, source, follow_symlinks=follow_symlinks):
            store.put(key, _encode(key, content, inventory))
    if store.writes:
        stats.stores += 1
        store.maybe_prune()
    return inventory
