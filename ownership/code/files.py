"""Which files of a tree the code scan reads: the walk, its skip rules and the languages.

Kept apart from :mod:`~ownership.code.scan` so that the size of a tree's code can be known without
importing the readers and their parsers (:func:`code_bytes`: whether reading it beside the migrations pays).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     for rel in ("api/db.go", "api/db_test.go", "api/migrations/001.py", "web/types.d.ts", "web/app.ts"):
...         Path(tmp, rel).parent.mkdir(parents=True, exist_ok=True)
...         _ = Path(tmp, rel).write_text("x = 1")
...     [(rel, lang) for rel, lang, _ in code_files(Path(tmp))], code_bytes(Path(tmp), 6)
([('api/db.go', 'go'), ('web/app.ts', 'typescript')], 10)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ownership.units import walk_tree

__all__ = ["LANGUAGES", "MAX_FILE_BYTES", "MIGRATION_DIRS", "TEST_DIRS", "code_bytes", "code_files"]

#: Largest source file read (1 MiB).
MAX_FILE_BYTES = 1 << 20
#: Folders holding migrations: schema, not usage.
MIGRATION_DIRS = frozenset({"migrations", "migration", "migrate", "alembic"})
#: Folders of tests and benchmarks: what test code does to a table says nothing of who owns it.
TEST_DIRS = frozenset(
    {"test", "tests", "__tests__", "spec", "specs", "e2e", "fixtures", "testdata", "mocks", "benches"}
)
#: Test files by name (``*_test.go``, ``*.test.ts``, ``*.spec.js``, ``test_*.py``, ``*Test.java``...).
_TEST_FILE_SUFFIXES = ("_test.go", "_test.py", "_spec.rb", "Test.java", "Tests.java", "_test.rs")
_TEST_FILE_MARKS = (".test.", ".spec.")
_MAX_DEPTH = 32
#: Reader language by file suffix.
LANGUAGES = {
    ".rs": "rust",
    ".go": "go",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".java": "java",
    ".rb": "ruby",
    ".py": "python",
    ".prisma": "prisma",
}
_SKIP_SUFFIXES = (".d.ts", ".d.mts", ".d.cts", ".min.js")


def code_files(root: Path) -> Iterator[tuple[str, str, int]]:
    """``(relative POSIX path, language, size in bytes)`` of each source file, in path order."""
    for rel, entries in walk_tree(root, max_depth=_MAX_DEPTH, skip=_skipped_dir):
        for entry in entries:
            if not _skipped_file(entry.name):
                lang = LANGUAGES.get(os.path.splitext(entry.name)[1])
                if lang is not None:
                    path = f"{rel}/{entry.name}" if rel else entry.name
                    yield path, lang, entry.stat(follow_symlinks=False).st_size


def _skipped_dir(name: str) -> bool:
    """Migration folders (schema, not usage) and test folders are not read."""
    return name in MIGRATION_DIRS or name in TEST_DIRS


def _skipped_file(name: str) -> bool:
    """Declaration files, minified bundles and test files are not read."""
    return (
        name.endswith(_SKIP_SUFFIXES)
        or name.endswith(_TEST_FILE_SUFFIXES)
        or any(mark in name for mark in _TEST_FILE_MARKS)
        or (name.startswith("test_") and name.endswith(".py"))
    )


def code_bytes(root: Path, enough: int) -> int:
    """The bytes of the source files under ``root`` (:func:`code_files`), counted until ``enough``."""
    total = 0
    for _, _, size in code_files(root):
        total += size
        if total >= enough:
            break
    return total
