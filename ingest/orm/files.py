"""Finding the files that declare schemas in code, and reading them safely.

:func:`walk` lists the files under a folder whose names a reader wants, in path order, skipping
what the migration reader skips (hidden folders, ``node_modules``, ``vendor``...) and build output
(``dist``, ``build``, ``coverage``...), whose compiled copies would declare every table twice.
:func:`read_bytes` reads one file within a size limit; :func:`mentions` is the cheap byte test
that decides whether a file is worth parsing at all.

>>> import pathlib, tempfile
>>> top = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("src/models/user.js", "dist/models/user.js", "node_modules/x/index.js", "README.md"):
...     (top / name).parent.mkdir(parents=True, exist_ok=True)
...     _ = (top / name).write_text("sequelize.define('user', {})")
>>> [rel for _, rel in walk(top, (".js",))]
['src/models/user.js']
>>> import shutil; shutil.rmtree(top)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from ingest.migrations.files import SKIP_DIRS
from ingest.real_paths import RealDirs, inside
from model.inventory import Diagnostic

__all__ = ["BUILD_DIRS", "MAX_BYTES", "candidates", "mentions", "read_bytes", "relative", "walk"]

#: Build output and tool folders: compiled copies of the sources, never read.
BUILD_DIRS = frozenset(
    {"dist", "build", "out", "coverage", "bower_components", "jspm_packages", "target", "bin", "obj"}
)
#: Files larger than this are not read (generated bundles, data).
MAX_BYTES = 2 * 1024 * 1024


def relative(root: str, path: str) -> str:
    """``path`` relative to ``root``, in posix form."""
    return PurePosixPath(Path(os.path.relpath(path, root))).as_posix()


def walk(root: str | Path, suffixes: Iterable[str], follow_symlinks: bool = False) -> list[tuple[str, str]]:
    """``(absolute path, path relative to root)`` of the files named ``*<suffix>`` under ``root``
    (any case), in path order. A directory is read once (a link loop is not followed twice);
    links out of ``root`` are followed only with ``follow_symlinks``, as the migration walk does."""
    wanted = tuple(s.lower() for s in suffixes)
    top = os.path.abspath(os.fspath(root))
    reals = RealDirs(top)
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for directory, dirs, files in os.walk(top, followlinks=True):
        real = reals.of(directory)
        if real in seen or not (follow_symlinks or inside(real, reals.top)):
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS and d not in BUILD_DIRS
        )
        reals.expect(directory, real, dirs)
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.startswith(".") or not name.lower().endswith(wanted):
                continue
            if follow_symlinks or inside(reals.file(directory, real, name), reals.top):
                found.append((path, relative(top, path)))
    found.sort(key=lambda item: item[1])
    return found


def read_bytes(path: str, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a file, or ``None`` and a diagnostic when it is too large or unreadable."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            message = (
                f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit of schema files in code; skipped"
            )
            return None, Diagnostic("warning", message, rel, code="file-too-large")
        with open(path, "rb") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, Diagnostic("warning", f"cannot read file: {exc.strerror or exc}", rel, code="io-error")


def mentions(data: bytes, words: Iterable[bytes]) -> bool:
    """Whether ``data`` holds one of ``words`` (a byte test, before any parsing)."""
    return any(w in data for w in words)


def candidates(
    root: str | Path, suffixes: Iterable[str], words: Iterable[bytes], follow_symlinks: bool = False
) -> Iterator[tuple[str, str, bytes]]:
    """``(path, rel, bytes)`` of the files :func:`walk` lists that hold one of ``words``. Files over
    :data:`MAX_BYTES` (bundles, lock files) and unreadable ones are passed over silently: a file
    that does not declare a schema is no problem of the scan."""
    wanted = tuple(words)
    for path, rel in walk(root, suffixes, follow_symlinks):
        try:
            if os.path.getsize(path) > MAX_BYTES:
                continue
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if mentions(data, wanted):
            yield path, rel, data
