"""Walk a tree, read every source file with its language's reader, resolve ORM names, attribute units.

Files read: Rust ``.rs``, Go ``.go``, TypeScript ``.ts/.mts/.cts/.tsx``, JavaScript
``.js/.jsx/.mjs/.cjs``, Java ``.java``, Ruby ``.rb``, Python ``.py`` and Prisma ``.prisma``
(declarations ``.d.ts`` and minified ``.min.js`` are not). Skipped folders: those of
:data:`ownership.units.SKIP_DIRS`, hidden ones, and migration folders (``migrations``,
``migration``, ``migrate``, ``alembic``): migrations are schema, read by the migration scan, not
usage; test folders and test files (:data:`TEST_DIRS`, ``*_test.go``, ``*.spec.ts``...): what a
test does to a table says nothing of who owns it. Symbolic links are not followed; the walk stops
at depth 32. A file over :data:`MAX_FILE_BYTES` is not read (one ``info`` diagnostic, code
``file-too-large``); a parsed file with a syntax error gives one ``warning`` (code ``parse-error``)
and what its parse tree still holds. Nothing is ever executed.

Passes: first every file is read, and parsed unless :mod:`~ownership.code.gate` shows it holds no
SQL, declaration or driver call; the files skipped only for want of those are read again, and
parsed when they name something the parsed files declared (repeated while that adds
declarations). References (``User.create``, ``prisma.user.update``) are then resolved against the
declarations of the whole scan (:class:`~ownership.code.facts.DeclIndex`); each use belongs to the
innermost unit holding its file (:func:`ownership.units.unit_of`), the root (``""``) when none
does. The calling process reads every file, looks it up in the cache (:mod:`~ownership.code.cache`)
and puts it through the gate; the files left to parse are parsed on every core when they are many
(:mod:`~ownership.code.pool`, sized by their bytes alone).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from model.inventory import Diagnostic
from ownership.code.cache import CachedFile, file_key, open_code_cache
from ownership.code.evidence import CodeScan, TableUse, sorted_uses
from ownership.code.facts import DeclIndex, FileFacts
from ownership.code.files import LANGUAGES, MAX_FILE_BYTES, MIGRATION_DIRS, code_files
from ownership.code.gate import REFERENCING, identifiers, needs_parse
from ownership.code.golang import read_go
from ownership.code.java import read_java
from ownership.code.javascript import read_js
from ownership.code.pool import batches, plan_workers, run_batches
from ownership.code.prisma import read_prisma
from ownership.code.python import read_python
from ownership.code.ruby import read_ruby
from ownership.code.rust import read_rust
from ownership.units import Unit, unit_in, unit_index

__all__ = ["LANGUAGES", "MAX_FILE_BYTES", "MIGRATION_DIRS", "code_files", "scan_code"]

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


def _too_large(rel: str, size: int) -> Diagnostic:
    message = f"{rel}: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for source files; not read"
    return Diagnostic("info", message, rel, 0, code="file-too-large")


@dataclass(frozen=True)
class _Outcome:
    """What became of one file: its facts when parsed, else whether references may be in it."""

    rel: str
    lines: int
    facts: FileFacts | None = None
    problem: Diagnostic | None = None
    deferred: bool = False
    read: bool = True


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _unreadable(rel: str, exc: OSError) -> _Outcome:
    problem = Diagnostic("warning", f"cannot read: {exc.strerror or exc}", rel, 0, code="unreadable")
    return _Outcome(rel, 0, problem=problem, read=False)


def _parse(rel: str, lang: str, data: bytes, lines: int) -> _Outcome:
    try:
        return _Outcome(rel, lines, facts=_READERS[lang](data, rel))
    except Exception as exc:  # a reader bug must not stop the scan
        message = f"internal error reading {lang} source: {type(exc).__name__}: {exc}"
        return _Outcome(rel, lines, problem=Diagnostic("error", message, rel, 0, code="internal"))


def _batch(job: tuple[list[tuple[str, str, bytes]], bool]) -> list[_Outcome]:
    """Parse a batch of files read by the caller (in a worker process for large scans); their lines
    are counted in the first pass only."""
    files, first = job
    return [_parse(rel, lang, data, _line_count(data) if first else 0) for rel, lang, data in files]


def _uses(unit: str, rel: str, facts: FileFacts, index: DeclIndex) -> Iterator[TableUse]:
    for found in facts.found:
        yield TableUse(unit, found.table, found.access, found.how, rel, found.line)
    for decl in facts.decls:
        if decl.table and not decl.alias_of:
            yield TableUse(unit, decl.table, decl.access, decl.how, rel, decl.line)
    for ref in facts.refs:
        if (hit := index.lookup(unit, ref)) is not None:
            yield TableUse(unit, hit[0], ref.access, hit[1], rel, ref.line)


class _Scan:
    """The state of one scan across its passes."""

    def __init__(self, root: Path, workers: int | None, prefilter: bool) -> None:
        self.root, self.prefilter = str(root), prefilter
        self.sizes: dict[str, int] = {}
        self.langs: dict[str, str] = {}
        self.facts: dict[str, FileFacts] = {}
        self.diagnostics: list[Diagnostic] = []
        self.files = self.lines = 0
        for rel, lang, size in code_files(root):
            if size > MAX_FILE_BYTES:
                self.diagnostics.append(_too_large(rel, size))
            else:
                self.sizes[rel], self.langs[rel] = size, lang
        self.requested = workers
        total = sum(self.sizes.values())
        self.cache = open_code_cache(root, total) if prefilter else None
        self.cached = self.cache.load() if self.cache is not None else {}
        self.keys: dict[str, str] = {}
        self.entries: dict[str, CachedFile] = {}

    def run(self, rels: list[str], names: frozenset[bytes] | None) -> list[str]:
        """Read ``rels``; the paths left for a later pass (only references could be in them).

        Every file is read here, looked up in the cache and put through the gate; only the files to
        parse go to the workers, whose number depends on their size alone."""
        done: list[_Outcome] = []
        todo: list[tuple[tuple[str, str, bytes], int]] = []
        for rel in rels:
            out = self._triage(rel, names)
            if isinstance(out, bytes):
                todo.append(((rel, self.langs[rel], out), len(out)))
            else:
                done.append(out)
        workers = plan_workers(total_bytes=sum(size for _, size in todo), requested=self.requested)
        work = [(batch, names is None) for batch in batches(todo)]
        deferred: list[str] = []
        for outcomes in (done, *run_batches(_batch, work, workers)):
            for out in outcomes:
                self._remember(out, names)
                self.files += names is None and out.read
                self.lines += out.lines
                if out.problem is not None:
                    self.diagnostics.append(out.problem)
                if out.facts is not None:
                    self.facts[out.rel] = out.facts
                    self.diagnostics.extend(out.facts.diagnostics)
                elif out.deferred:
                    deferred.append(out.rel)
        return deferred

    def _triage(self, rel: str, names: frozenset[bytes] | None) -> _Outcome | bytes:
        """What becomes of a file without parsing it (cached, or shut out by the gate), else its bytes
        to parse."""
        lang = self.langs[rel]
        try:
            with open(os.path.join(self.root, rel), "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return _unreadable(rel, exc)
        entry = None
        if self.cache is not None:
            key = self.keys[rel] = file_key(lang, rel, data)
            entry = self.cached.get(key)
        if names is None:
            if entry is not None:
                self.entries[key] = entry
                if entry.parsed:
                    return _Outcome(rel, entry.lines, facts=entry.facts)
                return _Outcome(rel, entry.lines, deferred=lang in REFERENCING)
            if self.prefilter and not needs_parse(lang, data):
                return _Outcome(rel, _line_count(data), deferred=lang in REFERENCING)
            return data
        if names.isdisjoint(identifiers(data)):
            return _Outcome(rel, 0, deferred=True)
        if entry is not None and entry.facts is not None:
            return _Outcome(rel, 0, facts=entry.facts)
        return data

    def _remember(self, out: _Outcome, names: frozenset[bytes] | None) -> None:
        """Keep what a file read from disk gave, for the cache (a file whose reader failed is not kept)."""
        key = self.keys.get(out.rel)
        if key is None or out.problem is not None:
            return
        if names is None and key not in self.entries:
            self.entries[key] = CachedFile(out.lines, out.facts is not None, out.facts)
        elif names is not None and out.facts is not None and key in self.entries:
            self.entries[key] = replace(self.entries[key], facts=out.facts)

    def declared(self) -> frozenset[bytes]:
        return frozenset(d.name.lower().encode() for f in self.facts.values() for d in f.decls)


def scan_code(
    root: Path, units: Sequence[Unit], *, workers: int | None = None, prefilter: bool = True
) -> CodeScan:
    """Every table use in the source code under ``root``, attributed to ``units`` (see the module doc).

    ``workers`` sets the number of processes (default: :func:`~ownership.code.pool.plan_workers`);
    ``prefilter=False`` parses every file, even those :mod:`~ownership.code.gate` shows cannot hold
    evidence (same uses; syntax errors of such files are then reported too).

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
    state = _Scan(Path(root), workers, prefilter)
    deferred = state.run(sorted(state.sizes), None)
    names: frozenset[bytes] = frozenset()
    while deferred and (grown := state.declared()) != names:
        names = grown  # a second pass, again while it adds declarations (an alias of an alias...)
        deferred = state.run(deferred, names)
    by_path = unit_index(units)
    read = [(_unit_path(by_path, rel), rel, facts) for rel, facts in sorted(state.facts.items())]
    index = DeclIndex((unit, decl) for unit, _, facts in read for decl in facts.decls)
    uses = {use for unit, rel, facts in read for use in _uses(unit, rel, facts, index)}
    state.diagnostics.sort(key=lambda d: (d.path, d.line, d.code, d.message))
    if state.cache is not None:
        state.cache.store(state.entries)
    paths = tuple(sorted(state.sizes))
    return CodeScan(sorted_uses(uses), tuple(state.diagnostics), state.files, state.lines, paths)


def _unit_path(index: Mapping[str, Unit], rel: str) -> str:
    unit = unit_in(index, rel)
    return unit.path if unit is not None else ""
