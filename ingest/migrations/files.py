"""Find the migration sets in a directory tree and put their files in replay order.

A *migration set* is a directory that directly holds up-migration ``.sql``
files, or versioned sub-directories holding ``up.sql`` (diesel) or
``migration.sql`` (Prisma). Nested sets are separate sets
(``services/auth/migrations`` and ``services/chat/db/migrations``). A single
``.sql`` file (a ``pg_dump --schema-only`` output, a Rails ``structure.sql``)
is a set of its own. Hidden directories, ``node_modules``, ``.venv``,
``venv``, ``vendor``, ``site-packages`` and ``__pycache__`` are skipped;
symbolic links are followed, but a directory already visited through another
path (a link loop) is reported and not read twice.

Down migrations are never applied: ``*.down.sql``, ``down.sql``,
``*_down.sql`` and Flyway undo files ``U<version>__*.sql``. In dbmate files
(``-- migrate:up`` / ``-- migrate:down``) and goose files (``-- +goose Up`` /
``-- +goose Down``) only the up section is replayed: :class:`MigrationFile` says which
kind of file it is, :mod:`ingest.migrations.read` reads its text.

Notes
-----
**Replay order.** Files of a set are replayed in natural version order. The
version is read from the start of the file name (for diesel and Prisma, from
the directory name): a plain number (``018_messaging_schema.sql``,
golang-migrate's ``000001_init.up.sql``), a date-time
(``20240101120000_x.sql``, ``2024_01_01_120000_x.sql``,
``2024-01-01-120000_x``), or a Flyway version (``V1_2__add_index.sql`` is
version 1.2). Versions compare numerically component by component, so ``2`` <
``10`` and ``1.2`` < ``1.10``; files with equal versions (duplicates happen)
are ordered by their path, with an info diagnostic. Files without a version
(Flyway's repeatable ``R__views.sql``, ``schema.sql``) come after all
versioned files, ordered by name. Sets are reported in the order of their
labels.

Examples
--------
>>> parse_name("V1_2__add_index.sql")
('1.2', 'add_index', '')
>>> parse_name("2024_01_01_120000_create_users.sql")
('20240101120000', 'create_users', '2024-01-01T12:00:00')
>>> sorted(["10_b.sql", "2_a.sql", "R__views.sql", "1.10_d.sql", "1.2_c.sql"], key=order_key)
['1.2_c.sql', '1.10_d.sql', '2_a.sql', '10_b.sql', 'R__views.sql']
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Literal

from model.inventory import Diagnostic

__all__ = ["SKIP_DIRS", "MigrationFile", "MigrationSet", "discover", "is_down", "order_key", "parse_name"]

#: Directory names never descended into (hidden directories are skipped too).
SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "vendor", "site-packages", "__pycache__"})
#: File names that hold the migration inside a versioned directory (diesel, Prisma).
_DIR_MIGRATION_FILES = ("up.sql", "migration.sql")
_SNIFF_BYTES = 1024 * 1024

Section = Literal["all", "dbmate", "goose"]


@dataclass(frozen=True)
class MigrationFile:
    """One up migration of a set.

    ``path`` is absolute; ``rel`` is the posix path relative to the scanned root,
    the one users see in ``path:line``. ``version`` is the ordering key as written
    (``'0018'``, ``'20240101120000'``, ``'1.2'``; ``''`` if none), ``name`` the
    descriptive part, ``timestamp`` an ISO date-time when the name carries one.
    ``section`` says which part is applied: ``'all'``, or only the up section of a
    dbmate (``-- migrate:up``) or goose (``-- +goose Up``) file.
    """

    path: str
    rel: str
    version: str
    name: str
    timestamp: str
    section: Section = "all"


@dataclass(frozen=True)
class MigrationSet:
    """A directory of migrations (or a single file), files in replay order."""

    label: str
    files: tuple[MigrationFile, ...]


# --------------------------------------------------------------------------- names
_FLYWAY = re.compile(r"[Vv](\d+(?:[._]\d+)*)__(.*)", re.DOTALL)
_FLYWAY_REPEATABLE = re.compile(r"R__(.*)", re.DOTALL)
_FLYWAY_UNDO = re.compile(r"U\d+(?:[._]\d+)*__")
_TS_SEPARATED = re.compile(r"(\d{4})([_-])(\d{2})\2(\d{2})\2(\d{6})(?:[_\-.\s]+(.*))?", re.DOTALL)
_TS_COMPACT = re.compile(r"(\d{14})(?:[_\-.\s]+(.*))?", re.DOTALL)
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)(?:[_\-.\s]+(.*))?", re.DOTALL)


def _stem(filename: str) -> str:
    return filename[:-4] if filename.lower().endswith(".sql") else filename


def is_down(filename: str) -> bool:
    """True for a down/undo migration, which is never applied.

    >>> [is_down(n) for n in ["001_x.down.sql", "down.sql", "001_x_down.sql", "U2__undo.sql", "001_x.up.sql"]]
    [True, True, True, True, False]
    """
    stem = _stem(filename)
    lowered = stem.lower()
    return lowered == "down" or lowered.endswith((".down", "_down")) or _FLYWAY_UNDO.match(stem) is not None


def _iso(year: str, month: str, day: str, clock: str) -> str:
    try:
        moment = datetime(int(year), int(month), int(day), int(clock[:2]), int(clock[2:4]), int(clock[4:6]))
    except ValueError:
        return ""
    return moment.isoformat()


def parse_name(filename: str) -> tuple[str, str, str]:
    """``(version, name, timestamp)`` read from a migration file or directory name.

    >>> parse_name("000001_create_users.up.sql")
    ('000001', 'create_users', '')
    >>> parse_name("20240101120000_init.sql")
    ('20240101120000', 'init', '2024-01-01T12:00:00')
    >>> parse_name("R__views.sql")
    ('', 'views', '')
    >>> parse_name("structure.sql")
    ('', 'structure', '')
    """
    stem = _stem(filename)
    if stem.lower().endswith(".up"):
        stem = stem[:-3]
    if m := _FLYWAY.fullmatch(stem):
        version = m.group(1).replace("_", ".")
        compact = len(version) == 14 and version.isdigit()
        timestamp = _iso(version[:4], version[4:6], version[6:8], version[8:]) if compact else ""
        return version, m.group(2), timestamp
    if m := _FLYWAY_REPEATABLE.fullmatch(stem):
        return "", m.group(1), ""
    if m := _TS_SEPARATED.fullmatch(stem):
        year, _, month, day, clock, name = m.groups()
        return f"{year}{month}{day}{clock}", name or "", _iso(year, month, day, clock)
    if m := _TS_COMPACT.fullmatch(stem):
        digits, name = m.groups()
        return digits, name or "", _iso(digits[:4], digits[4:6], digits[6:8], digits[8:])
    if m := _NUMBERED.fullmatch(stem):
        return m.group(1), m.group(2) or "", ""
    return "", stem, ""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def order_key(filename: str) -> tuple[int, tuple[int, ...], str]:
    """Sort key of a migration file name: versioned first, numerically, then by name.

    >>> sorted(["10_b.sql", "2_a.sql", "schema.sql"], key=order_key)
    ['2_a.sql', '10_b.sql', 'schema.sql']
    """
    version = parse_name(PurePosixPath(filename).name)[0]
    if version:
        return 0, _version_tuple(version), filename
    return 1, (), filename


def _file_key(f: MigrationFile) -> tuple[int, tuple[int, ...], str]:
    if f.version:
        return 0, _version_tuple(f.version), f.rel
    return 1, (), f.rel


# --------------------------------------------------------------------------- discovery
_DBMATE_UP = re.compile(rb"^--\s*migrate:up\b", re.MULTILINE)
_GOOSE_UP = re.compile(rb"^--\s*\+goose\s+up\b", re.MULTILINE | re.IGNORECASE)
_DBMATE_ANY = re.compile(rb"^--\s*migrate:(?:up|down)\b", re.MULTILINE)
_GOOSE_ANY = re.compile(rb"^--\s*\+goose\s+(?:up|down)\b", re.MULTILINE | re.IGNORECASE)


def _sniff_section(path: str) -> Section:
    """``'dbmate'``/``'goose'`` when the file's head carries their section markers."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "all"  # read_up_text reports the problem
    lowered = head.lower()  # substring tests first: most files carry no marker at all
    if b"migrate:" in lowered and _DBMATE_ANY.search(head):
        return "dbmate"
    if b"+goose" in lowered and _GOOSE_ANY.search(head):
        return "goose"
    return "all"


def _migration_file(path: str, rel: str, version_from: str) -> MigrationFile:
    version, name, timestamp = parse_name(version_from)
    return MigrationFile(path, rel, version, name, timestamp, _sniff_section(path))


def _rel(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)  # already normalized; on POSIX already posix
    return rel if os.sep == "/" else PurePosixPath(Path(rel)).as_posix()


class _Walker:
    def __init__(self, root: str) -> None:
        self.root = root
        self.sets: list[tuple[str, list[MigrationFile]]] = []
        self.diagnostics: list[Diagnostic] = []
        self.seen: dict[str, str] = {}  # real path -> rel path of the first visit

    def diag(self, severity: Literal["error", "warning", "info"], message: str, path: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(severity, message, path=path, code=code))

    def walk(self) -> None:
        """Depth-first, in name order; symbolic links to directories only once every real one is seen."""
        stack: list[tuple[str, tuple[str, ...]]] = [(self.root, ())]
        links: list[tuple[str, tuple[str, ...]]] = []
        while stack or links:
            directory, ancestors = stack.pop() if stack else links.pop(0)
            rel = _rel(self.root, directory)
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

    def scan_dir(self, directory: str, rel: str) -> list[tuple[str, bool]]:
        """Record the set held by ``directory``; return the sub-directories to walk (path, is a link)."""
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.diag("warning", f"cannot list directory: {exc.strerror or exc}", rel, "io-error")
            return []
        files: list[MigrationFile] = []
        subdirs: list[tuple[str, bool]] = []
        for entry in entries:
            path = os.path.join(directory, entry.name)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
                is_link = entry.is_symlink()
            except OSError:
                is_dir = is_file = is_link = False
            if entry.name.startswith("."):
                continue  # hidden directories, editor and macOS "._*" files
            if is_dir:
                if entry.name in SKIP_DIRS:
                    continue
                inner = self.versioned_dir_migration(path, entry.name)
                if inner is None:
                    subdirs.append((path, is_link))
                else:
                    files.append(_migration_file(inner, _rel(self.root, inner), entry.name))
            elif is_file:
                if entry.name.lower().endswith(".sql") and not is_down(entry.name):
                    name_source = entry.name
                    parent = os.path.basename(directory)
                    if entry.name.lower() in _DIR_MIGRATION_FILES and parse_name(parent)[0]:
                        name_source = parent  # a diesel/Prisma directory scanned as the root
                    files.append(_migration_file(path, _rel(self.root, path), name_source))
            elif is_link and entry.name.lower().endswith(".sql"):
                self.diag("warning", "broken symbolic link", _rel(self.root, path), "io-error")
        if files:
            self.sets.append((rel, files))
        return subdirs

    def versioned_dir_migration(self, path: str, name: str) -> str | None:
        """The ``up.sql``/``migration.sql`` of a versioned diesel/Prisma directory, else None."""
        if not parse_name(name)[0]:
            return None
        for candidate in _DIR_MIGRATION_FILES:
            inner = os.path.join(path, candidate)
            if os.path.isfile(inner):
                return inner
        return None


def _duplicate_versions(files: tuple[MigrationFile, ...]) -> list[Diagnostic]:
    by_version: dict[tuple[int, ...], list[MigrationFile]] = defaultdict(list)
    for f in files:
        if f.version:
            by_version[_version_tuple(f.version)].append(f)
    diagnostics = []
    for same in by_version.values():
        if len(same) > 1:
            names = ", ".join(f.rel for f in same)
            message = f"{len(same)} migrations share version {same[0].version}; replayed in order: {names}"
            diagnostics.append(Diagnostic("info", message, path=same[0].rel, code="duplicate-version"))
    return diagnostics


def discover(root: str | Path) -> tuple[list[MigrationSet], list[Diagnostic]]:
    """Find every migration set under ``root`` (a directory or a single ``.sql`` file).

    Returns the sets sorted by label and the diagnostics met on the way; never raises.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> top = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ["auth/migrations/10_b.sql", "auth/migrations/2_a.sql", "auth/migrations/2_a.down.sql"]:
    ...     (top / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (top / name).write_text("SELECT 1;")
    >>> sets, diagnostics = discover(top)
    >>> [(s.label, [f.rel for f in s.files]) for s in sets], diagnostics
    ([('auth/migrations', ['auth/migrations/2_a.sql', 'auth/migrations/10_b.sql'])], [])
    >>> import shutil; shutil.rmtree(top)
    """
    root_path = os.path.abspath(os.fspath(root))
    label_root = os.path.basename(root_path) or "."
    if not os.path.exists(root_path):
        return [], [Diagnostic("error", "no such file or directory", path=str(root), code="io-error")]
    if not os.path.isdir(root_path):
        name = os.path.basename(root_path)
        if not name.lower().endswith(".sql") or not os.path.isfile(root_path):
            return [], [Diagnostic("warning", "not a .sql file; ignored", path=name, code="unsupported")]
        return [MigrationSet(name, (_migration_file(root_path, name, name),))], []
    walker = _Walker(root_path)
    try:
        walker.walk()
    except (OSError, ValueError) as exc:  # a file system that changes under us
        walker.diag("error", f"directory walk stopped: {exc}", str(root), "io-error")
    labels = {rel for rel, _ in walker.sets}
    sets: list[MigrationSet] = []
    diagnostics = list(walker.diagnostics)
    for rel, files in walker.sets:
        label = label_root if rel == "." and label_root not in labels else rel
        ordered = tuple(sorted(files, key=_file_key))
        sets.append(MigrationSet(label, ordered))
        diagnostics.extend(_duplicate_versions(ordered))
    if not sets:
        diagnostics.append(
            Diagnostic("warning", "no .sql migration files found", path=str(root), code="no-migrations")
        )
    sets.sort(key=lambda s: s.label)
    return sets, diagnostics
