"""Real paths (links resolved) of the folders of a walk, worked out from their parents' real paths.

The walks of a scanned tree follow links into it once and leave links out of it alone, so they
need each folder's real path. ``os.path.realpath`` costs a system call per component of the path,
every folder again; a folder that is no link has its parent's real path plus its own name, so
:class:`RealDirs` calls ``realpath`` only at links (one ``lstat`` per folder to know).

>>> import tempfile
>>> top = tempfile.mkdtemp()
>>> os.makedirs(os.path.join(top, "a", "b"))
>>> os.symlink(os.path.join(top, "a"), os.path.join(top, "link"))
>>> reals = RealDirs(top)
>>> found = {}
>>> for directory, dirs, _ in os.walk(top, followlinks=True):
...     real = found[os.path.relpath(directory, top)] = reals.of(directory)
...     reals.expect(directory, real, dirs)
>>> all(found[rel] == os.path.realpath(os.path.join(top, rel)) for rel in found)
True
>>> found["link/b"] == os.path.join(reals.top, "a", "b"), inside(found["link"], reals.top)
(True, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["RealDirs", "inside"]


def inside(real: str, top: str) -> bool:
    """Whether the real path ``real`` is ``top`` or under it."""
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


class RealDirs:
    """The real paths of the folders an ``os.walk`` of ``top`` yields: ask :meth:`of` for each folder
    it gives, then tell :meth:`expect` which sub-folders it will visit."""

    def __init__(self, top: str) -> None:
        self.top = os.path.realpath(top)
        self._known: dict[str, str] = {top: self.top}

    def of(self, directory: str) -> str:
        """The real path of ``directory`` (``realpath`` for one no parent announced)."""
        real = self._known.pop(directory, None)
        return real if real is not None else os.path.realpath(directory)

    def expect(self, directory: str, real: str, names: Iterable[str]) -> None:
        """The sub-folders ``names`` of ``directory`` (whose real path is ``real``) come next."""
        for name in names:
            self._known[os.path.join(directory, name)] = self.file(directory, real, name)

    def file(self, directory: str, real: str, name: str) -> str:
        """The real path of the entry ``name`` of ``directory`` (whose real path is ``real``)."""
        path = os.path.join(directory, name)
        return os.path.realpath(path) if os.path.islink(path) else os.path.join(real, name)
