"""The files under a source as a scan met them, and whether they are still so: re-scans' cheap check.

:func:`snapshot` walks a folder as the readers do
(hidden folders and :data:`SKIP_DIRS` are not walked; a folder reached
twice through a link is listed once; links out of the folder are followed only with
``follow_symlinks``) and records every entry: each file's path, size, modification and change
times, inode and SHA-256 (not of a file over :data:`BIG_BYTES`, which no reader reads: its size
and times stand for it); each link's target; each folder. A single file is one record.

:func:`unchanged` walks again and says whether every record still holds. It only ``stat``-s the
files: a file whose size, times and inode are as recorded is taken as unchanged -- unless it
was modified within :data:`RACY_NS` of the snapshot (its time cannot tell a later edit of the
same size apart, as git's "racily clean" entries), then it is hashed again. A file whose times
changed (touched, checked out again) is hashed and compared: same content, still unchanged.
A file added, removed or renamed, or a link retargeted, is a change.

Standard library only: the start of every re-scan imports this.

Examples
--------
>>> import os, tempfile
>>> top = tempfile.mkdtemp()
>>> _ = open(os.path.join(top, "001.sql"), "w").write("CREATE TABLE t (id int);")
>>> snap = snapshot(top, follow_symlinks=False)
>>> [(r[0], r[1], r[2]) for r in snap.records], snap.bytes
([('D', '', 0), ('F', '001.sql', 24)], 24)
>>> unchanged(snap, top, follow_symlinks=False)
True
>>> _ = open(os.path.join(top, "001.sql"), "w").write("CREATE TABLE u (id int);")
>>> unchanged(snap, top, follow_symlinks=False)
False
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass

from ingest.real_paths import inside

__all__ = ["BIG_BYTES", "RACY_NS", "SKIP_DIRS", "Record", "Snapshot", "latest", "snapshot", "unchanged"]

#: A file larger than this is never read whole by a reader (:data:`~ingest.migrations.read.MAX_FILE_BYTES`):
#: its size and times stand for its content, which is not hashed.
BIG_BYTES = 256 * 1024 * 1024
#: Directory names never descended into by any reader (hidden directories are skipped too).
SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "vendor", "site-packages", "__pycache__"})

#: A file modified less than this before its snapshot is hashed at every check (2 s: the
#: coarsest file-system clock, FAT's).
RACY_NS = 2_000_000_000
#: (kind, relative path, size, mtime_ns, ctime_ns, inode, what else identifies it): kind ``F``
#: a regular file (its SHA-256), ``L`` a link (its target), ``D`` a folder (``""``, ``seen``,
#: ``outside``), ``S`` anything else (its file type), ``E`` an entry that could not be read (errno).
Record = tuple[str, str, int, int, int, int, str]
#: A record as the walk yields it, and the path to hash when it is a regular file (else None).
_Found = tuple[Record, str | None]


@dataclass(frozen=True)
class Snapshot:
    """Every record under a source, the time the walk began and the bytes of its files."""

    records: tuple[Record, ...]
    taken_ns: int
    bytes: int


def _hash(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError as exc:
        return f"?{exc.errno}"


def _stat_record(rel: str, path: str, info: os.stat_result) -> _Found:
    if stat.S_ISREG(info.st_mode):
        return ("F", rel, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, ""), path
    return ("S", rel, 0, 0, 0, 0, str(stat.S_IFMT(info.st_mode))), None


def _error(rel: str, exc: OSError) -> _Found:
    return ("E", rel, 0, 0, 0, 0, str(exc.errno)), None


class _Walk:
    """One walk under ``top``: the records found, folders seen (by real path), folders still to read."""

    def __init__(self, top: str, follow: bool) -> None:
        self.real_top = os.path.realpath(top)
        self.follow = follow
        self.seen: set[str] = set()
        self.found: list[_Found] = []
        self.todo: list[tuple[str, str, str]] = []

    def allowed(self, real: str) -> bool:
        return self.follow or inside(real, self.real_top)

    def run(self, top: str) -> list[_Found]:
        """The records of every folder under ``top``, each folder's entries by name, depth first."""
        self.todo.append((top, "", self.real_top))
        while self.todo:
            self.folder(*self.todo.pop())
        return self.found

    def folder(self, path: str, rel: str, real: str) -> None:
        """Record the folder ``path`` and its entries; queue its sub-folders."""
        found = self.found
        if real in self.seen or not self.allowed(real):
            found.append((("D", rel, 0, 0, 0, 0, "seen" if real in self.seen else "outside"), None))
            return
        self.seen.add(real)
        found.append((("D", rel, 0, 0, 0, 0, ""), None))
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.append(_error(rel, exc))
            return
        prefix = f"{rel}/" if rel else ""
        folders: list[tuple[str, str, str]] = []
        for entry in entries:
            sub = prefix + entry.name
            try:
                if entry.is_symlink():
                    self.link(entry.path, sub, folders)
                elif entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                        folders.append((entry.path, sub, os.path.join(real, entry.name)))
                else:
                    found.append(_stat_record(sub, entry.path, entry.stat(follow_symlinks=False)))
            except OSError as exc:
                found.append(_error(sub, exc))
        self.todo.extend(reversed(folders))

    def link(self, path: str, rel: str, folders: list[tuple[str, str, str]]) -> None:
        """A symbolic link: its target, then what it leads to when the readers follow it."""
        self.found.append((("L", rel, 0, 0, 0, 0, os.readlink(path)), None))
        real = os.path.realpath(path)
        if os.path.isdir(real):
            name = os.path.basename(path)
            if not name.startswith(".") and name not in SKIP_DIRS:
                folders.append((path, rel, real))
        elif self.allowed(real):  # else not read (the readers report it): only where it points matters
            self.found.append(_stat_record(rel, path, os.stat(path)))


def _walk(path: str, follow: bool) -> list[_Found]:
    """Every record under ``path`` (regular files without their digest), in a fixed order."""
    top = os.path.abspath(path)
    walk = _Walk(top, follow)
    if os.path.isdir(top):
        return walk.run(top)
    try:
        if os.path.islink(top):
            walk.link(top, os.path.basename(top), [])
        else:
            walk.found.append(_stat_record(os.path.basename(top), top, os.lstat(top)))
    except OSError as exc:
        walk.found.append(_error(os.path.basename(top), exc))
    return walk.found


#: The last snapshot taken of each (absolute path, follow_symlinks) in this process (:func:`latest`).
_LAST: dict[tuple[str, bool], Snapshot] = {}


def snapshot(path: str, *, follow_symlinks: bool) -> Snapshot:
    """The records of everything under ``path`` (a folder or a file), every file hashed."""
    taken = time.time_ns()
    records: list[Record] = []
    size = 0
    for record, content in _walk(path, follow_symlinks):
        if content is not None:
            record = (*record[:6], _hash(content) if record[2] <= BIG_BYTES else "")
            size += record[2]
        records.append(record)
    snap = Snapshot(tuple(records), taken, size)
    _LAST[(os.path.abspath(path), follow_symlinks)] = snap
    return snap


def latest(path: str, *, follow_symlinks: bool) -> tuple[Snapshot, bool]:
    """A snapshot of ``path`` that holds now, and whether it is an earlier one: the last this process
    took, when :func:`unchanged` says it still holds (a walk of ``stat`` calls instead of hashing
    every file again: the result cache takes one before a scan reads its sources), else a new one.

    >>> import tempfile
    >>> top = tempfile.mkdtemp()
    >>> _ = open(os.path.join(top, "001.sql"), "w").write("CREATE TABLE t (id int);")
    >>> first = snapshot(top, follow_symlinks=False)
    >>> latest(top, follow_symlinks=False) == (first, True)
    True
    >>> _ = open(os.path.join(top, "002.sql"), "w").write("CREATE TABLE u (id int);")
    >>> again, earlier = latest(top, follow_symlinks=False)
    >>> earlier, len(again.records)
    (False, 3)
    """
    last = _LAST.get((os.path.abspath(path), follow_symlinks))
    if last is not None and unchanged(last, path, follow_symlinks=follow_symlinks):
        return last, True
    return snapshot(path, follow_symlinks=follow_symlinks), False


def _same_file(old: Record, new: Record, content: str, racy_before: int) -> bool:
    if old[2:6] == new[2:6] and (old[3] < racy_before or not old[6]):
        return True  # as recorded, and recorded well after its last modification (or too big to hash)
    return old[2] == new[2] and bool(old[6]) and _hash(content) == old[6]


def unchanged(snap: Snapshot, path: str, *, follow_symlinks: bool) -> bool:
    """Whether ``path`` holds what ``snap`` recorded (see the module docstring)."""
    old = snap.records
    now = _walk(path, follow_symlinks)
    if len(now) != len(old):
        return False
    racy_before = snap.taken_ns - RACY_NS
    for before, (record, content) in zip(old, now, strict=True):
        if before[:2] != record[:2]:
            return False
        if content is None:
            if before[6] != record[6]:
                return False
        elif not _same_file(before, record, content, racy_before):
            return False
    return True
