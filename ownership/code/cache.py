"""A cache of what each source file's reader found, keyed by content, so re-scanning unchanged code is cheap.

What a file yields -- whether :mod:`~ownership.code.gate` sends it to its parser, and the parser's
:class:`~ownership.code.facts.FileFacts` -- depends only on its bytes, its path (diagnostics name
it), its language and the readers themselves: :func:`file_key` is ``sha256(reader version, language,
path, bytes)``, where the reader version (:func:`reader_version`) digests the sources of this package
and of the model, the Python, tree-sitter, grammar, pglast and sqlglot versions. Editing a file, or
upgrading any of those, changes the key; a stale entry is never read.

One *pack* per scanned root (:class:`CodeCache`): a mapping from key to :class:`CachedFile`,
replaced after each scan by the entries of the files that scan read, so it never outgrows the
tree. It lives in the parse cache's folder (``$FKMAP_CACHE_DIR``, ``~/.cache/fkmap``...: see
:mod:`ingest.migrations.cache`) under ``code/``, follows the same switches (``FKMAP_CACHE=0``,
``fkmap scan --no-cache``; automatic mode for at least :data:`~ingest.migrations.cache.MIN_BYTES`
of source) and the same safety rules: the folder must be private (:mod:`ingest.migrations.cache_dir`,
else one warning and no cache), a pack is typed MessagePack checked field by field while it is
read (never a pickle; anything else is a miss), written to a temporary file and renamed into
place; a file-system error turns the cache off for the scan, never fails it.

>>> import shutil, tempfile
>>> from ownership.code.facts import FileFacts, Found
>>> cache = CodeCache(Path(tempfile.mkdtemp()), "/repo")
>>> key = file_key("go", "api/db.go", b'const q = "DELETE FROM carts"')
>>> cache.store({key: CachedFile(1, True, FileFacts(found=[Found("carts", "write", "sql", 1)]))})
>>> CodeCache(cache.root, "/repo").load()[key].facts.found
[Found(table='carts', access='write', how='sql', line=1)]
>>> shutil.rmtree(cache.root)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from ingest.migrations.cache import MIN_BYTES, cache_setting, default_dir
from ingest.migrations.cache_dir import private_dir, warn_refused
from ownership.code.facts import FileFacts

__all__ = ["CachedFile", "CodeCache", "file_key", "open_code_cache", "reader_version"]

#: Bump when the pack layout changes.
FORMAT = 1
_MAGIC = b"fkmap-code-cache\n"
_PACKAGES = (
    "tree-sitter",
    "tree-sitter-go",
    "tree-sitter-java",
    "tree-sitter-javascript",
    "tree-sitter-ruby",
    "tree-sitter-rust",
    "tree-sitter-typescript",
    "pglast",
    "sqlglot",
)


@dataclass(frozen=True)
class CachedFile:
    """One file as the first pass left it: its line count, whether the gate sent it to its parser, and
    the parser's facts when it was parsed (in either pass; ``None`` otherwise)."""

    lines: int
    parsed: bool
    facts: FileFacts | None = None


_ENCODER = msgspec.msgpack.Encoder()
_PACK = msgspec.msgpack.Decoder(tuple[str, dict[str, CachedFile]])


def _version(package: str) -> str:
    from importlib import metadata  # 20 ms of imports, needed only when the cache is used

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


@functools.cache
def reader_version() -> str:
    """Digest of everything a cached result depends on besides the file (see the module docstring)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}".encode())
    digest.update("|".join(f"{p}={_version(p)}" for p in _PACKAGES).encode())
    here = Path(__file__).resolve().parent
    for source in [*sorted(here.glob("*.py")), here.parent.parent / "model" / "inventory.py"]:
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:
            digest.update(source.name.encode() + b"\0?")
    return digest.hexdigest()[:24]


def file_key(lang: str, rel: str, data: bytes) -> str:
    """The content key of the file ``rel`` (language ``lang``) holding ``data``."""
    digest = hashlib.sha256(f"{reader_version()}\0{lang}\0".encode())
    digest.update(rel.encode("utf-8", "surrogatepass") + b"\0" + data)
    return digest.hexdigest()


class CodeCache:
    """The pack of one scanned root under ``directory/code/`` (see the module docstring)."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.root = Path(directory)
        name = hashlib.sha256(f"{reader_version()}\0{identity}".encode("utf-8", "surrogatepass"))
        self.path = self.root / "code" / f"{name.hexdigest()[:32]}.pack"
        self.identity = identity
        self.broken = False
        self._checked = False

    def usable(self) -> bool:
        """False once the cache is off; the first call turns it off, with a warning, for a folder that
        someone else could write to."""
        if not self._checked:
            self._checked = True
            refused = private_dir(self.root)
            if refused is not None:
                warn_refused(self.root, refused, "scanning code without its cache")
                self.broken = True
        return not self.broken

    def load(self) -> dict[str, CachedFile]:
        """The entries of the pack (an empty mapping when there is none or it is not a valid pack)."""
        if not self.usable():
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(_MAGIC):
            return {}
        try:
            identity, entries = _PACK.decode(memoryview(data)[len(_MAGIC) :])
        except (msgspec.DecodeError, ValueError, TypeError):
            return {}
        return entries if identity == self.identity else {}

    def store(self, entries: dict[str, CachedFile]) -> None:
        """Replace the pack with ``entries`` (atomically); errors turn the cache off, silently."""
        if not self.usable():
            return
        try:
            payload = _MAGIC + _ENCODER.encode((self.identity, entries))
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, TypeError, ValueError):
            self.broken = True


def open_code_cache(root: Path, total_bytes: int) -> CodeCache | None:
    """The cache for a code scan of ``total_bytes`` under ``root``, or None (see the module docstring)."""
    setting = cache_setting()
    if setting is False or (setting is None and total_bytes < MIN_BYTES):
        return None
    return CodeCache(default_dir(), os.path.abspath(root))
