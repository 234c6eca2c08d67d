"""A cache of finished outputs: a command run again on unchanged input prints what it printed.

The reading cache (:mod:`ingest.read_cache`) keeps each source's inventory, but a re-scan still
assigns services, reads the code for evidence and writes the output -- most of its time. Here the
output itself is kept (the text ``fkmap scan`` printed or wrote, its exit status and its message
on standard error) and given back when nothing it was made from changed:

* the **files** under every source (:mod:`ingest.file_states`: an unchanged file is one ``stat``,
  a touched one is hashed again and compared);
* the **request**: the command, the sources as given and where they really are, every option
  that shapes the output (format, ``--dialect``, ``--infer``, ...), the ``--config`` file's and
  each source folder's ``fkmap.toml``'s content;
* the **environment**: every ``FKMAP_*`` variable but those that change no output
  (:data:`NEUTRAL_ENV`), the Python version;
* the **code**: size and modification time of every file of fkmap's packages, and the installed
  distributions (their ``*.dist-info`` names carry versions).

Only local paths are cached (a live database may change under the same DSN). An entry lives in the
cache folder (:func:`~ingest.migrations.cache_dir.default_dir`, ``result/``), under the same
switches as the other caches (``--no-cache``, ``FKMAP_CACHE``; in automatic mode inputs of at least
:data:`~ingest.migrations.cache.MIN_BYTES`), and only in a folder no one else can write. It is the
magic line, the output's bytes (written there as the command makes them, and copied from there to
the terminal or file, on a hit as on the first run: never held whole), a JSON header (key, status,
message, the snapshots) and checksums: data, never code. A damaged or foreign entry is a warning
(``fkmap.cache``) and a full run.

Standard library only, so a hit imports next to nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ingest.file_states import Snapshot, snapshot, unchanged
from ingest.migrations.cache_dir import cache_setting, default_dir, private_dir, warn_refused

__all__ = ["NEUTRAL_ENV", "Kept", "Pending", "Request", "begin", "code_state", "eligible", "lookup", "stats"]

log = logging.getLogger("fkmap.cache")

_MAGIC = b"fkmap-result-cache\n"
_FORMAT = 1
#: After the header: its length, the output's Adler-32, the header's CRC-32.
_TRAILER = struct.Struct(">QII")
_PIECE = 1 << 20
#: Environment variables that change no output: where and whether caches are used, how many
#: workers, the timings file.
NEUTRAL_ENV = frozenset(
    {"FKMAP_CACHE", "FKMAP_CACHE_DIR", "FKMAP_CACHE_MAX_MB", "FKMAP_WORKERS", "FKMAP_TIMINGS"}
)
#: fkmap's packages (and app.py): the code an output depends on.
_PACKAGES = ("model", "ingest", "ownership", "graph", "checks", "exports", "remediation", "ui", "cli")


class ResultStats:
    """What the cache did in this process (tests read it; nothing depends on it)."""

    def __init__(self) -> None:
        self.hits = self.stores = self.refused = 0


stats = ResultStats()


@dataclass(frozen=True)
class Request:
    """One run of a command: its name, sources, the options that shape its output, the config given."""

    command: str
    sources: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()
    config_path: str | None = None
    follow_symlinks: bool = False


def _local(source: str) -> bool:
    """A source that is a path on this machine, never a DSN (which may change under the same name)."""
    return "://" not in source and not source.lower().startswith("sqlite:") and os.path.exists(source)


def eligible(request: Request) -> bool:
    """Whether ``request`` may be served from or kept in the cache."""
    return cache_setting() is not False and bool(request.sources) and all(map(_local, request.sources))


def _folder_of(source: str) -> str:
    return source if os.path.isdir(source) else os.path.dirname(source) or "."


def _file_digest(path: str | None) -> str:
    if path is None:
        return "-"
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        return f"?{exc.errno}"


def code_state() -> str:
    """Digest of fkmap's code (each file's path, size and modification time), the Python version
    and the installed distributions."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}".encode())
    for name in (*_PACKAGES, "app.py"):
        top = os.path.join(root, name)
        for directory, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for file in sorted(files):
                try:
                    info = os.stat(os.path.join(directory, file))
                except OSError:
                    continue
                digest.update(
                    f"{directory}/{file}\0{info.st_size}\0{info.st_mtime_ns}\n".encode(errors="replace")
                )
        if os.path.isfile(top):
            info = os.stat(top)
            digest.update(f"{top}\0{info.st_size}\0{info.st_mtime_ns}\n".encode(errors="replace"))
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            try:
                names = sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
            except OSError:
                continue
            digest.update(("\0".join(names) + "\n").encode(errors="replace"))
    return digest.hexdigest()


def _key(request: Request) -> str:
    parts = [code_state(), request.command, repr(request.options), str(request.follow_symlinks)]
    config = request.config_path
    parts.append(f"config\0{config}\0{config and os.path.realpath(config)}\0{_file_digest(config)}")
    for source in request.sources:
        nearby = os.path.join(_folder_of(source), "fkmap.toml")
        parts.append(f"source\0{source}\0{os.path.realpath(source)}\0{_file_digest(nearby)}")
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith("FKMAP_") and k not in NEUTRAL_ENV)
    parts.append(repr(env))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _folder(create: bool = True) -> Path | None:
    """The entries' folder, when the cache folder is this user's alone (else a warning, and None);
    without ``create``, None also when there is no cache folder yet."""
    root = default_dir()
    if not create and not root.is_dir():
        return None
    refused = private_dir(root)
    if refused is not None:
        warn_refused(root, refused, "running without the result cache")
        return None
    return root / "result"


def _path(folder: Path, key: str) -> Path:
    return folder / key[:2] / key


def _checksum(handle: BinaryIO, start: int, length: int) -> int:
    """Adler-32 of ``length`` bytes from ``start``, read a piece at a time."""
    handle.seek(start)
    value = zlib.adler32(b"")
    while length > 0:
        piece = handle.read(min(length, _PIECE))
        if not piece:
            raise ValueError("it is cut short")
        value = zlib.adler32(piece, value)
        length -= len(piece)
    return value


@dataclass(frozen=True)
class Kept:
    """An output in an entry: ``length`` bytes (UTF-8) from ``offset`` of the file ``path``, the exit
    status and the message for standard error (``""``: none)."""

    path: Path
    offset: int
    length: int
    status: int = 0
    message: str = ""

    def text(self) -> str:
        """The output as text."""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            return handle.read(self.length).decode("utf-8", "surrogatepass")

    def copy_to(self, target: BinaryIO) -> None:
        """Write the output's bytes to ``target`` (by the kernel when it is a file or a pipe)."""
        target.flush()
        with open(self.path, "rb") as handle:
            try:
                fd = target.fileno()
            except (OSError, ValueError, io.UnsupportedOperation):
                fd = -1
            sent = 0
            if fd >= 0:
                with contextlib.suppress(OSError):
                    while sent < self.length:
                        done = os.sendfile(fd, handle.fileno(), self.offset + sent, self.length - sent)
                        if done == 0:
                            break
                        sent += done
            handle.seek(self.offset + sent)
            left = self.length - sent
            while left > 0:
                piece = handle.read(min(left, _PIECE))
                if not piece:
                    raise OSError(f"{self.path} is cut short")
                target.write(piece)
                left -= len(piece)
        target.flush()


def _load(path: Path, key: str) -> tuple[dict[str, Any], Kept]:
    """The header and the output of the entry ``path`` for ``key``; ValueError saying why not.

    An entry: the magic line, the output's bytes, the header (JSON), then a trailer of the
    header's length, the output's Adler-32 and the header's CRC-32."""
    with open(path, "rb") as handle:
        if handle.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("it is not a result-cache entry")
        end = handle.seek(0, os.SEEK_END)
        if end < len(_MAGIC) + _TRAILER.size:
            raise ValueError("it is cut short")
        handle.seek(end - _TRAILER.size)
        size, output_sum, header_sum = _TRAILER.unpack(handle.read(_TRAILER.size))
        start = end - _TRAILER.size - size
        if start < len(_MAGIC):
            raise ValueError("it is cut short")
        handle.seek(start)
        head = handle.read(size)
        if zlib.crc32(head) != header_sum:
            raise ValueError("its header's checksum does not match (damaged or altered)")
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != _FORMAT or header.get("key") != key:
            raise ValueError("it belongs to another request")
        length = start - len(_MAGIC)
        if _checksum(handle, len(_MAGIC), length) != output_sum:
            raise ValueError("its output's checksum does not match (damaged or altered)")
    kept = Kept(path, len(_MAGIC), length, int(header["status"]), str(header["message"]))
    return header, kept


def _still_valid(header: dict[str, Any]) -> bool:
    """Whether every source holds what the entry's snapshots recorded."""
    follow = bool(header["follow"])
    for source, taken, size, records in header["snapshots"]:
        snap = Snapshot(tuple(tuple(r) for r in records), int(taken), int(size))
        if not unchanged(snap, str(source), follow_symlinks=follow):
            return False
    return True


def lookup(request: Request) -> Kept | None:
    """The output kept for ``request`` when nothing it depends on changed, else None."""
    if not eligible(request):
        return None
    folder = _folder(create=False)
    if folder is None:
        return None
    key = _key(request)
    path = _path(folder, key)
    if not path.exists():
        return None
    try:
        header, kept = _load(path, key)
        if not _still_valid(header):
            return None
    except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
        stats.refused += 1
        log.warning("ignoring the result-cache entry %s: %s; running in full", key[:16], exc)
        return None
    stats.hits += 1
    return kept


@dataclass(frozen=True)
class Pending:
    """An entry being written: the request's snapshots, taken before the work, and the output's
    file (:attr:`stream`, text written as UTF-8); :meth:`commit` completes it."""

    key: str
    snapshots: tuple[tuple[str, Snapshot], ...]
    follow: bool
    target: Path
    temporary: Path
    stream: TextIO

    def commit(self, status: int, message: str) -> Kept:
        """Complete the entry with the exit status and message and put it in place; the output kept."""
        self.stream.flush()
        binary = self.stream.buffer
        length = binary.tell() - len(_MAGIC)
        header = {
            "format": _FORMAT,
            "key": self.key,
            "status": status,
            "message": message,
            "follow": self.follow,
            "snapshots": [[s, snap.taken_ns, snap.bytes, snap.records] for s, snap in self.snapshots],
        }
        head = json.dumps(header, separators=(",", ":")).encode("ascii")
        output_sum = _checksum(binary, len(_MAGIC), length)
        binary.seek(0, os.SEEK_END)
        binary.write(head + _TRAILER.pack(len(head), output_sum, zlib.crc32(head)))
        self.stream.close()
        kept = Kept(self.temporary, len(_MAGIC), length, status, message)
        try:
            os.replace(self.temporary, self.target)
        except OSError as exc:
            log.warning("could not keep the result in the cache: %s", exc)
            return kept
        stats.stores += 1
        return replace(kept, path=self.target)

    def discard(self) -> None:
        """Drop the entry (the work failed)."""
        self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)


def _follows(request: Request) -> bool:
    """Whether the sources are walked through links out of them: ``--follow-symlinks``, or a config
    that may say so (any that names ``follow_symlinks``: walking more only makes the check stricter)."""
    if request.follow_symlinks:
        return True
    configs = [request.config_path] if request.config_path else []
    configs.extend(os.path.join(_folder_of(s), "fkmap.toml") for s in request.sources)
    for config in configs:
        try:
            if b"follow_symlinks" in Path(config).read_bytes():
                return True
        except OSError:
            continue
    return False


def begin(request: Request) -> Pending | None:
    """An entry for ``request``, its sources' snapshots taken before the work; None when the request
    is not cached (in automatic mode, inputs under ``MIN_BYTES``)."""
    from ingest.migrations.cache import MIN_BYTES

    if not eligible(request):
        return None
    follow = _follows(request)
    snaps = tuple((s, snapshot(s, follow_symlinks=follow)) for s in request.sources)
    if cache_setting() is None and sum(snap.bytes for _, snap in snaps) < MIN_BYTES:
        return None
    folder = _folder()
    if folder is None:
        return None
    key = _key(request)
    target = _path(folder, key)
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    except OSError as exc:
        log.warning("could not keep the result in the cache: %s", exc)
        return None
    handle = os.fdopen(fd, "w+b")
    handle.write(_MAGIC)
    stream = io.TextIOWrapper(handle, encoding="utf-8", errors="surrogatepass", newline="")
    return Pending(key, snaps, follow, target, Path(tmp), stream)
