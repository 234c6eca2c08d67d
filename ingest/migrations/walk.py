"""Walk a directory tree for migration files: which directories hold sets, and what is left out.

:class:`Walker` visits directories depth first in name order and records every directory that
directly holds up-migration ``.sql`` files, or versioned sub-directories holding ``up.sql``
(diesel) or ``migration.sql`` (Prisma), as a raw set (:class:`RawSet`). The order of the
files of a set and the choice among alternatives are :mod:`ingest.migrations.layout`'s.

* Hidden directories and :data:`~ingest.migrations.files.SKIP_DIRS` are not entered.
* **Versioned schema trees**: sub-directories named as versions (``v1.0``, ``v1.10``,
  ``V2``, ``1.2.3``) that hold ``.sql`` files make one set of their parent, the versions in
  version order (``v1.0`` < ``v1.1`` < ``v1.10`` < ``v2.0``) and the files of a version by
  name; a parent called ``versioned`` or ``versions`` gives its own parent's name to the set
  (``users/versioned/v1.0/*.sql`` is the set ``users``). A manifest beside them is not read.
* **goose Go migrations** (``00002_backfill.go`` that mention goose, beside ``.sql`` files or
  in a folder of their own) cannot be replayed: one ``warning`` each, code ``go-migration``.
* **Symbolic links** to a directory or ``.sql`` file outside the scanned folder are not
  followed (a link to ``/`` would walk the whole file system, a link to another checkout
  would pull its tables in): one ``warning`` each, code ``symlink-outside``, unless the walk
  follows them (``follow_symlinks``: ``--follow-symlinks``, ``[scan] follow_symlinks``).
  Links inside the folder are followed once every real directory is seen; a directory
  reached again (a link loop, an alias) is reported and not read twice.

Examples
--------
>>> import pathlib, tempfile
>>> top = pathlib.Path(tempfile.mkdtemp())
>>> for name in ["v1.10/a.sql", "v1.2/b.sql", "manifest.yaml"]:
...     name = f"users/versioned/{name}"
...     (top / name).parent.mkdir(parents=True, exist_ok=True)
...     _ = (top / name).write_text("SELECT 1;")
>>> walker = Walker(str(top))
>>> walker.walk()
>>> [(s.label, [f.rel for f in s.files], s.ordered) for s in walker.sets]
[('users', ['users/versioned/v1.2/b.sql', 'users/versioned/v1.10/a.sql'], True)]
>>> import shutil; shutil.rmtree(top)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from ingest.migrations.files import (
    SKIP_DIRS,
    MigrationFile,
    is_down,
    order_key,
    parse_name,
    version_tuple,
)
from model.inventory import Diagnostic

__all__ = ["RawSet", "Walker", "migration_file", "rel_path"]

#: File names that hold the migration inside a versioned directory (diesel, Prisma).
_DIR_MIGRATION_FILES = ("up.sql", "migration.sql")
_VERSION_DIR = re.compile(r"[vV]\d+(?:[._]\d+)*|\d+(?:\.\d+)+")
_TREE_PARENTS = ("versioned", "versions")
_GO_MIGRATION = re.compile(r"\d+_\w+\.go")


@dataclass
class RawSet:
    """A set as found: its ``label`` (directory relative to the root, ``'.'`` for the root), its
    files, and whether they are already ``ordered`` (a versioned schema tree)."""

    label: str
    files: list[MigrationFile] = field(default_factory=list)
    ordered: bool = False


def _sniff(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError:
        return b""


def migration_file(path: str, rel: str, version_from: str) -> MigrationFile:
    """The record of the migration at ``path`` (shown as ``rel``), versioned by ``version_from``."""
    version, name, timestamp = parse_name(version_from)
    return MigrationFile(path, rel, version, name, timestamp, "sniff")  # decided when it is read


def rel_path(root: str, path: str) -> str:
    """``path`` relative to ``root``, in posix form."""
    rel = os.path.relpath(path, root)  # already normalized; on POSIX already posix
    return rel if os.sep == "/" else PurePosixPath(Path(rel)).as_posix()


@dataclass
class _Entry:
    name: str
    path: str
    is_dir: bool
    is_file: bool
    is_link: bool


def _entries(directory: str) -> list[_Entry]:
    with os.scandir(directory) as it:
        found = sorted(it, key=lambda e: e.name)
    entries = []
    for e in found:
        try:
            entries.append(
                _Entry(e.name, os.path.join(directory, e.name), e.is_dir(), e.is_file(), e.is_symlink())
            )
        except OSError:
            entries.append(_Entry(e.name, os.path.join(directory, e.name), False, False, False))
    return entries


class Walker:
    """One walk of a tree: :attr:`sets` and :attr:`diagnostics` once :meth:`walk` returns."""

    def __init__(self, root: str, *, follow_symlinks: bool = False) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.follow_symlinks = follow_symlinks
        self.sets: list[RawSet] = []
        self.diagnostics: list[Diagnostic] = []
        self.seen: dict[str, str] = {}  # real path -> rel path of the first visit
        self.trees: dict[
            str, tuple[str, tuple[int, ...], str]
        ] = {}  # version dir -> (label, version, as written)
        self.tree_sets: dict[str, RawSet] = {}

    def diag(self, severity: Literal["error", "warning", "info"], message: str, path: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(severity, message, path=path, code=code))

    def walk(self) -> None:
        """Depth-first, in name order; symbolic links to directories only once every real one is seen."""
        stack: list[tuple[str, tuple[str, ...]]] = [(self.root, ())]
        links: list[tuple[str, tuple[str, ...]]] = []
        while stack or links:
            directory, ancestors = stack.pop() if stack else links.pop(0)
            rel = rel_path(self.root, directory)
            real = os.path.realpath(directory)
            if real in self.seen:
                if real in ancestors:
                    message = f"symbolic link loop back to {self.seen[real]!r}; not followed"
                    self.diag("warning", message, rel, "symlink-loop")
                else:
                    message = f"same directory as {self.seen[real]!r}; scanned once"
                    self.diag("info", message, rel, "duplicate-dir")
                continue
            self.seen[real] = rel
            inside = (*ancestors, real)
            subdirs = self.scan_dir(directory, rel)
            stack.extend((sub, inside) for sub, is_link in reversed(subdirs) if not is_link)
            links.extend((sub, inside) for sub, is_link in subdirs if is_link)
        for tree in self.tree_sets.values():
            tree.files.sort(key=lambda f: (version_tuple(f.version), order_key(PurePosixPath(f.rel).name)))

    def outside(self, entry: _Entry) -> bool:
        """True (and a warning) for a link out of the scanned folder that is not to be followed."""
        if not entry.is_link or self.follow_symlinks:
            return False
        target = os.path.realpath(entry.path)
        if target == self.real_root or target.startswith(self.real_root.rstrip(os.sep) + os.sep):
            return False
        message = (
            f"symbolic link to {target!r}, outside the scanned folder; not followed "
            "(--follow-symlinks or [scan] follow_symlinks = true follows it)"
        )
        self.diag("warning", message, rel_path(self.root, entry.path), "symlink-outside")
        return True

    def scan_dir(self, directory: str, rel: str) -> list[tuple[str, bool]]:
        """Record the set held by ``directory``; return the sub-directories to walk (path, is a link)."""
        try:
            entries = _entries(directory)
        except OSError as exc:
            self.diag("warning", f"cannot list directory: {exc.strerror or exc}", rel, "io-error")
            return []
        files: list[MigrationFile] = []
        subdirs: list[tuple[str, bool]] = []
        go_files: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden directories, editor and macOS "._*" files
            if entry.is_dir:
                if entry.name not in SKIP_DIRS and not self.outside(entry):
                    self.directory(entry, rel, files, subdirs)
            elif entry.is_file:
                if (
                    entry.name.lower().endswith(".sql")
                    and not is_down(entry.name)
                    and not self.outside(entry)
                ):
                    files.append(self.sql_file(directory, entry))
                elif _GO_MIGRATION.fullmatch(entry.name) and not entry.name.endswith("_test.go"):
                    go_files.append(entry.path)
            elif entry.is_link and entry.name.lower().endswith(".sql"):
                self.diag("warning", "broken symbolic link", rel_path(self.root, entry.path), "io-error")
        self.go_migrations(go_files)
        self.record(directory, rel, files)
        return subdirs

    def directory(
        self, entry: _Entry, rel: str, files: list[MigrationFile], subdirs: list[tuple[str, bool]]
    ) -> None:
        """A sub-directory: a diesel/Prisma versioned migration, a version of a tree, or one to walk."""
        inner = self.versioned_dir_migration(entry.path, entry.name)
        if inner is not None:
            files.append(migration_file(inner, rel_path(self.root, inner), entry.name))
            return
        if _VERSION_DIR.fullmatch(entry.name):
            name = PurePosixPath(rel).name
            label = str(PurePosixPath(rel).parent) if name in _TREE_PARENTS and rel != "." else rel
            version = entry.name.lstrip("vV").replace("_", ".")
            self.trees[entry.path] = (label, version_tuple(version), version)
        subdirs.append((entry.path, entry.is_link))

    def sql_file(self, directory: str, entry: _Entry) -> MigrationFile:
        name_source = entry.name
        parent = os.path.basename(directory)
        if entry.name.lower() in _DIR_MIGRATION_FILES and parse_name(parent)[0]:
            name_source = parent  # a diesel/Prisma directory scanned as the root
        return migration_file(entry.path, rel_path(self.root, entry.path), name_source)

    def record(self, directory: str, rel: str, files: list[MigrationFile]) -> None:
        if not files:
            return
        tree = self.trees.get(directory)
        if tree is None:
            self.sets.append(RawSet(rel, files))
            return
        label, _, version = tree
        if label not in self.tree_sets:
            self.tree_sets[label] = RawSet(label, [], ordered=True)
            self.sets.append(self.tree_sets[label])
        self.tree_sets[label].files.extend(
            MigrationFile(f.path, f.rel, version, f.name or PurePosixPath(f.rel).stem, "", f.section)
            for f in files
        )

    def go_migrations(self, paths: list[str]) -> None:
        """One warning per goose Go migration (a ``<version>_<name>.go`` file that mentions goose)."""
        for path in paths:
            if b"goose" in _sniff(path, 64 * 1024):
                rel = rel_path(self.root, path)
                message = (
                    "not read: goose Go migration (its SQL is built by Go code); its changes are missing"
                )
                self.diagnostics.append(Diagnostic("warning", message, path=rel, line=1, code="go-migration"))

    def versioned_dir_migration(self, path: str, name: str) -> str | None:
        """The ``up.sql``/``migration.sql`` of a versioned diesel/Prisma directory, else None."""
        if not parse_name(name)[0]:
            return None
        for candidate in _DIR_MIGRATION_FILES:
            inner = os.path.join(path, candidate)
            if os.path.isfile(inner):
                return inner
        return None
