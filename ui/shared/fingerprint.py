"""The fingerprint of what a scan reads: the key under which the workers share its inventory.

:func:`source_fingerprint` hashes what the scan reads: each source folder's
file names, sizes and modification times (hidden folders and the folders
:data:`ingest.migrations.layout.SKIP_DIRS` names are skipped, as the scan skips them),
the config file, the code that turns them into an inventory
(:func:`ingest.migrations.cache.parser_version` plus ``model/`` and ``ownership/``), and
for live catalogs (DSNs) the source text and a time bucket of
``catalog_refresh`` seconds: a catalog is re-read at most that often.

Examples
--------
>>> import tempfile
>>> spec = IngestSpec((tempfile.mkdtemp(),))
>>> source_fingerprint(spec) == source_fingerprint(spec)
True
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["IngestSpec", "code_version", "source_fingerprint"]

#: Bump when the stored form of an inventory changes (2: MessagePack, no more pickles).
_FORMAT = 2


@dataclass(frozen=True)
class IngestSpec:
    """What to scan: sources, config file, how often live catalogs are re-read (0: never), and whether
    references are inferred from column names (``--infer``)."""

    sources: tuple[str, ...]
    config_path: str | None = None
    catalog_refresh: int = 3600
    infer: bool = False

    @property
    def id(self) -> str:
        """A stable id of the spec (it hashes DSNs, so no password shows).

        >>> IngestSpec(("a",)).id == IngestSpec(("a",)).id != IngestSpec(("b",)).id
        True
        >>> IngestSpec(("a",)).id != IngestSpec(("a",), infer=True).id
        True
        """
        parts: list[object] = [list(self.sources), self.config_path or ""]
        text = json.dumps([*parts, "infer"] if self.infer else parts)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """What is being scanned, for people (DSN passwords masked)."""
        from ingest.dsn import mask_dsn

        return ", ".join(mask_dsn(s) for s in self.sources)


@cache
def code_version() -> str:
    """Digest of the code an inventory depends on: the parser, ``model/`` and ``ownership/``."""
    from ingest.migrations.cache import parser_version

    digest = hashlib.sha256(f"{_FORMAT}|{parser_version()}".encode())
    root = Path(__file__).resolve().parents[2]  # the checkout: ui/shared/ is two levels down
    for source in [*sorted((root / "model").glob("*.py")), *sorted((root / "ownership").glob("*.py"))]:
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:
            digest.update(source.name.encode() + b"\0?")
    return digest.hexdigest()[:24]


def _tree(digest: Any, root: Path) -> None:
    from ingest.migrations.layout import SKIP_DIRS

    if root.is_file():
        info = root.stat()
        digest.update(f"f\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        rel = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            try:
                info = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            digest.update(f"{rel}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "replace"))


def source_fingerprint(spec: IngestSpec, now: float | None = None) -> str:
    """The cache key of what scanning ``spec`` now would produce (see the module docstring).

    >>> spec = IngestSpec(("postgresql://app:secret@db/shop",), catalog_refresh=60)
    >>> at = [source_fingerprint(spec, now=t) for t in (0, 59, 60)]
    >>> at[0] == at[1] != at[2]
    True
    """
    digest = hashlib.sha256(f"{code_version()}\0{spec.id}\n".encode())
    config = Path(spec.config_path) if spec.config_path else None
    if config is None:
        from ownership.config_file import find_config

        config = find_config(list(spec.sources))
    if config is not None and config.is_file():
        digest.update(b"config\0" + config.read_bytes() + b"\n")
    for source in spec.sources:
        path = Path(source)
        if path.exists():
            digest.update(f"path\0{path.resolve()}\n".encode())
            _tree(digest, path)
        else:  # a live catalog: re-read once per bucket
            bucket = (
                int((time.time() if now is None else now) // spec.catalog_refresh)
                if spec.catalog_refresh
                else 0
            )
            digest.update(f"catalog\0{source}\0{bucket}\n".encode())
    return digest.hexdigest()[:32]
