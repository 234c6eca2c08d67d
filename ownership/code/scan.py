"""Walk a tree, read every source file with its language's reader, resolve ORM names, attribute units.

Files read: Rust ``.rs``, Go ``.go``, TypeScript ``.ts/.mts/.cts/.tsx``, JavaScript
``.js/.jsx/.mjs/.cjs``, Java ``.java``, Ruby ``.rb``, Python ``.py`` and Prisma ``.prisma``
(declarations ``.d.ts`` and minified ``.min.js`` are not). Skipped folders: those of
:data:`ownership.units.SKIP_DIRS`, hidden ones, and migration folders (``migrations``,
``migration``, ``migrate``, ``alembic``): migrations are schema, read by the migration scan, not
usage. Symbolic links are not followed; the walk stops at depth 32. A file over
:data:`MAX_FILE_BYTES` is not read (one ``info`` diagnostic, code ``file-too-large``); a file with a
syntax error gives one ``warning`` (code ``parse-error``) and what its parse tree still holds.
Nothing is ever executed.

After all files are read, references (``User.create``, ``prisma.user.update``) are resolved
against the declarations of the whole scan (:class:`~ownership.code.facts.DeclIndex`); each use
belongs to the innermost unit holding its file (:func:`ownership.units.unit_of`), the root
(``""``) when none does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from model.inventory import Diagnostic
from ownership.code.evidence import CodeScan, TableUse
from ownership.code.facts import DeclIndex, FileFacts
from ownership.code.golang import read_go
from ownership.code.java import read_java
from ownership.code.javascript import read_js
from ownership.code.prisma import read_prisma
from ownership.code.python import read_python
from ownership.code.ruby import read_ruby
from ownership.code.rust import read_rust
from ownership.units import SKIP_DIRS, Unit, unit_of

__all__ = ["LANGUAGES", "MAX_FILE_BYTES", "MIGRATION_DIRS", "code_files", "scan_code"]

#: Largest source file read (1 MiB).
MAX_FILE_BYTES = 1 << 20
#: Folders holding migrations: schema, not usage.
MIGRATION_DIRS = frozenset({"migrations", "migration", "migrate", "alembic"})
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
Reader = Callable[[bytes, str], FileFacts]
_READERS: dict[str, Reader] = {
    "rust": read_rust,
    "go": read_go,
    "typescript": lambda src, path: read_js(src, path, "typescript"),
    "tsx": lambda src, path: read_js(src, path, "tsx"),
    "javascript": read_js,
    "java": read_java,
    "ruby": read_ruby,
    "python": read_python,
    "prisma": read_prisma,
}


def code_files(root: Path) -> Iterator[tuple[str, str, int]]:
    """``(relative POSIX path, language, size in bytes)`` of each source file, in path order."""
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        try:
            with os.scandir(root / rel if rel else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                skipped = (
                    entry.name.startswith(".") or entry.name in SKIP_DIRS or entry.name in MIGRATION_DIRS
                )
                if not skipped and depth < _MAX_DEPTH:
                    subdirs.append((path, depth + 1))
            elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(_SKIP_SUFFIXES):
                lang = LANGUAGES.get(os.path.splitext(entry.name)[1])
                if lang is not None:
                    yield path, lang, entry.stat(follow_symlinks=False).st_size
        stack.extend(reversed(subdirs))


def _too_large(rel: str, size: int) -> Diagnostic:
    message = f"{rel}: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for source files; not read"
    return Diagnostic("info", message, rel, 0, code="file-too-large")


def _read(root: Path, rel: str, lang: str) -> tuple[FileFacts | None, int, Diagnostic | None]:
    """One file's facts and line count, or the diagnostic saying why it was not read."""
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        return (
            None,
            0,
            Diagnostic("warning", f"cannot read: {exc.strerror or exc}", rel, 0, code="unreadable"),
        )
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    try:
        return _READERS[lang](data, rel), lines, None
    except Exception as exc:  # a reader bug must not stop the scan
        message = f"internal error reading {lang} source: {type(exc).__name__}: {exc}"
        return None, lines, Diagnostic("error", message, rel, 0, code="internal")


def _uses(unit: str, rel: str, facts: FileFacts, index: DeclIndex) -> Iterator[TableUse]:
    for found in facts.found:
        yield TableUse(unit, found.table, found.access, found.how, rel, found.line)
    for decl in facts.decls:
        if decl.table and not decl.alias_of:
            yield TableUse(unit, decl.table, "write", decl.how, rel, decl.line)
    for ref in facts.refs:
        if (hit := index.lookup(unit, ref)) is not None:
            yield TableUse(unit, hit[0], ref.access, hit[1], rel, ref.line)


def scan_code(root: Path, units: Sequence[Unit]) -> CodeScan:
    """Every table use in the source code under ``root``, attributed to ``units`` (see the module doc).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "api").mkdir()
    ...     _ = Path(tmp, "api", "go.mod").write_text("module example.com/api")
    ...     _ = Path(tmp, "api", "db.go").write_text('package api\\nconst q = "DELETE FROM carts"')
    ...     scan = scan_code(Path(tmp), [Unit("api", "api", ("go.mod",), "service")])
    >>> scan.uses
    (TableUse(unit='api', table='carts', access='write', how='sql', path='api/db.go', line=2),)
    >>> scan.files, scan.lines
    (1, 2)
    """
    root = Path(root)
    read: list[tuple[str, str, FileFacts]] = []
    diagnostics: list[Diagnostic] = []
    files = lines = 0
    for rel, lang, size in code_files(root):
        if size > MAX_FILE_BYTES:
            diagnostics.append(_too_large(rel, size))
            continue
        facts, count, problem = _read(root, rel, lang)
        files, lines = files + 1, lines + count
        if problem is not None:
            diagnostics.append(problem)
        if facts is not None:
            unit = unit_of(units, rel)
            read.append((unit.path if unit is not None else "", rel, facts))
            diagnostics.extend(facts.diagnostics)
    index = DeclIndex((unit, decl) for unit, _, facts in read for decl in facts.decls)
    uses = {use for unit, rel, facts in read for use in _uses(unit, rel, facts, index)}
    diagnostics.sort(key=lambda d: (d.path, d.line, d.code, d.message))
    return CodeScan(tuple(sorted(uses)), tuple(diagnostics), files, lines)
