"""Find the migration sets in a directory tree and put their files in replay order.

A *migration set* is a directory that directly holds up-migration ``.sql`` files, or versioned
sub-directories holding ``up.sql`` (diesel) or ``migration.sql`` (Prisma). Nested sets are
separate sets (``services/auth/migrations`` and ``services/chat/db/migrations``). A single
``.sql`` file (a ``pg_dump --schema-only`` output, a Rails ``structure.sql``) is a set of its
own. The walk (:mod:`ingest.migrations.walk`) skips hidden and vendored directories, makes
one set of a versioned schema tree (``users/versioned/v1.0``, ``v1.1``...), reports goose Go
migrations and does not follow symbolic links out of the scanned folder.

Down migrations are never applied: ``*.down.sql``, ``down.sql``, ``*_down.sql`` and Flyway
undo files ``U<version>__*.sql``. In dbmate files (``-- migrate:up`` / ``-- migrate:down``)
and goose files (``-- +goose Up`` / ``-- +goose Down``) only the up section is replayed:
:class:`MigrationFile` says which kind of file it is, :mod:`ingest.migrations.read` reads
its text.

Scripts kept once per engine -- per-engine files (``001_users.postgres.up.sql`` beside
``.mysql.``) and per-engine folders (``migrations/postgres`` beside ``migrations/mysql``) --
are replayed for one engine only, PostgreSQL unless the dialect asked for says otherwise
(:mod:`ingest.migrations.alternatives`). Sibling folders that hold copies of the same sets
are reported once (:mod:`ingest.migrations.copies`).

Notes
-----
**Replay order.** Files of a set are replayed in natural version order
(:mod:`ingest.migrations.files`: ``2`` < ``10``, ``1.2`` < ``1.10``); files with equal
versions (duplicates happen) are ordered by their path, with an info diagnostic. Files
without a version come after all versioned files: schema scripts, others, then data scripts,
each by name. A versioned schema tree is replayed version after version. Sets are reported
in the order of their labels.

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

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from ingest.migrations.alternatives import add_hints, choose_files, choose_folders
from ingest.migrations.copies import find_copies
from ingest.migrations.files import (
    SKIP_DIRS,
    MigrationFile,
    MigrationSet,
    file_key,
    is_down,
    order_key,
    parse_name,
    version_tuple,
)
from ingest.migrations.walk import RawSet, Walker, migration_file
from model.inventory import Diagnostic

__all__ = ["SKIP_DIRS", "MigrationFile", "MigrationSet", "discover", "is_down", "order_key", "parse_name"]


def _duplicate_versions(files: tuple[MigrationFile, ...]) -> list[Diagnostic]:
    by_version: dict[tuple[int, ...], list[MigrationFile]] = defaultdict(list)
    for f in files:
        if f.version:
            by_version[version_tuple(f.version)].append(f)
    diagnostics = []
    for same in by_version.values():
        if len(same) > 1:
            names = ", ".join(f.rel for f in same)
            message = f"{len(same)} migrations share version {same[0].version}; replayed in order: {names}"
            diagnostics.append(Diagnostic("info", message, path=same[0].rel, code="duplicate-version"))
    return diagnostics


def _single_file(root_path: str) -> tuple[list[MigrationSet], list[Diagnostic]]:
    name = os.path.basename(root_path)
    if not name.lower().endswith(".sql") or not os.path.isfile(root_path):
        return [], [Diagnostic("warning", "not a .sql file; ignored", path=name, code="unsupported")]
    return [MigrationSet(name, tuple(add_hints([migration_file(root_path, name, name)])))], []


def _merge_labels(raw_sets: list[RawSet], label_root: str) -> dict[str, list[RawSet]]:
    """Raw sets by final label (the scanned folder itself is named after it); a versioned tree
    and the folder it is named after are one set."""
    labels = {s.label for s in raw_sets}
    by_label: dict[str, list[RawSet]] = defaultdict(list)
    for s in sorted(raw_sets, key=lambda s: not s.ordered):
        by_label[label_root if s.label == "." and label_root not in labels else s.label].append(s)
    return by_label


def _build(label: str, parts: list[RawSet], dialect: str | None) -> tuple[MigrationSet, list[Diagnostic]]:
    """One set from its raw parts: per-engine files chosen, files ordered, folder hints added."""
    diagnostics: list[Diagnostic] = []
    files: list[MigrationFile] = []
    for part in parts:
        chosen, note = choose_files(RawSet(label, part.files, part.ordered), dialect)
        if note is not None:
            diagnostics.append(note)
        ordered = chosen if part.ordered else sorted(chosen, key=file_key)
        files.extend(ordered)
        if not part.ordered:
            diagnostics.extend(_duplicate_versions(tuple(ordered)))
    return MigrationSet(label, tuple(add_hints(files))), diagnostics


def discover(
    root: str | Path, *, dialect: str | None = None, follow_symlinks: bool = False
) -> tuple[list[MigrationSet], list[Diagnostic]]:
    """Find every migration set under ``root`` (a directory or a single ``.sql`` file).

    ``dialect`` (normalized, or None) chooses the engine replayed when scripts are kept once
    per engine; ``follow_symlinks`` follows symbolic links out of ``root``. Returns the sets
    sorted by label and the diagnostics met on the way; never raises.
    """
    root_path = os.path.abspath(os.fspath(root))
    label_root = os.path.basename(root_path) or "."
    if not os.path.exists(root_path):
        return [], [Diagnostic("error", "no such file or directory", path=str(root), code="io-error")]
    if not os.path.isdir(root_path):
        return _single_file(root_path)
    walker = Walker(root_path, follow_symlinks=follow_symlinks)
    try:
        walker.walk()
    except (OSError, ValueError) as exc:  # a file system that changes under us
        walker.diag("error", f"directory walk stopped: {exc}", str(root), "io-error")
    raw_sets, diagnostics = choose_folders(walker.sets, dialect, label_root)
    diagnostics = [*walker.diagnostics, *diagnostics]
    sets: list[MigrationSet] = []
    for label, parts in _merge_labels(raw_sets, label_root).items():
        migration_set, notes = _build(label, parts, dialect)
        sets.append(migration_set)
        diagnostics.extend(notes)
    if not sets:
        diagnostics.append(
            Diagnostic("warning", "no .sql migration files found", path=str(root), code="no-migrations")
        )
    sets.sort(key=lambda s: s.label)
    diagnostics.extend(find_copies(s.label for s in sets))
    return sets, diagnostics
