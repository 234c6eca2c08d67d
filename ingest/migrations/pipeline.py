"""From migration sets to tables, FKs and diagnostics: read, look up the cache, parse, replay.

:func:`replay_sets` is the body of :func:`ingest.migrations.sets.ingest_path` once the sets are
discovered. Every file is read; with a parse cache (:mod:`ingest.migrations.cache`) an unchanged set's
replay is taken as it was, and the files of the other sets are looked up in the scanned
root's pack; the rest are parsed -- by a process pool when that pays
(:mod:`ingest.migrations.parallel`), the results consumed in order while later files are still being
parsed -- and each set is replayed in file order by one :class:`~ingest.migrations.replay.Replayer`.
New results go back to the cache. Each set's tables and FKs share their repeated values with the
sets before (:class:`ingest.compact.Sharer`). None of this changes the result. A set may be *seeded*:
tables known before its first file (a Prisma schema beside hand-written migrations,
:mod:`ingest.prisma.read`) are created in its replay first; its replay is not cached. A
PostgreSQL file parsed here is replayed batch by batch as it is parsed
(:func:`ingest.migrations.postgres.iter_parse`), so its operations are never all held at
once. Reading stops, with one ``too-many-tables``
error and nothing replayed, once the files read declare more tables than
:func:`ingest.migrations.limits.max_tables`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path

from ingest.compact import Sharer
from ingest.migrations import postgres as pg
from ingest.migrations.cache import ParseCache, Parsed, SetResult, decode, encode, open_cache
from ingest.migrations.layout import MigrationFile, MigrationSet
from ingest.migrations.limits import count_tables, max_tables, too_many_tables
from ingest.migrations.ops import Op
from ingest.migrations.parallel import PARTS_PER_WORKER, parse_in_pool, parse_parts, plan_workers
from ingest.migrations.parse import detect_dialect, file_dialect, parse_file
from ingest.migrations.read import read_up_text
from ingest.migrations.replay import Replayer
from ingest.workers import cpu_count, requested_workers
from model.inventory import Diagnostic, ForeignKey, Migration, Table
from model.timings import iterate, stage, timed

__all__ = ["Seeder", "replay_parsed", "replay_sets"]

#: Creates the tables a set starts with in its replayer, before the set's first file.
Seeder = Callable[[Replayer], None]


def replay_parsed(r: Replayer, rel: str, parsed: Parsed) -> None:
    """Apply one file's parse to ``r`` (its parser diagnostics first)."""
    name, ops, diags, error = parsed
    r.begin_file(rel, dialect=name)
    if error:
        r.add_diagnostic(Diagnostic("error", f"internal error parsing file: {error}", rel, 0, "", "internal"))
        return
    for d in diags:
        r.add_diagnostic(d)
    apply = r.apply
    for op in ops:
        apply(op)


def _replay_streamed(r: Replayer, rel: str, streamed: _Streamed) -> None:
    """Like :func:`_replay_parsed`, part after part. The same result: parts are cut between
    lines, so each part's diagnostics still come before its replay's on any line."""
    r.begin_file(rel, dialect=streamed.dialect)
    apply = r.apply
    for ops, diags in streamed:
        for d in diags:
            r.add_diagnostic(d)
        for op in ops:
            apply(op)


class _File:
    """One migration file on its way through read, cache lookup, parse and replay."""

    __slots__ = (
        "dialect",
        "entry",
        "f",
        "keep",
        "key",
        "label",
        "ordinal",
        "parsed",
        "problem",
        "read_diags",
        "text",
    )

    def __init__(self, label: str, ordinal: int, f: MigrationFile) -> None:
        self.label, self.ordinal, self.f = label, ordinal, f
        self.text = self.key = ""
        self.dialect: str | None = None  # the file's own (file_dialect), once read
        self.read_diags: list[Diagnostic] = []
        self.problem: Exception | None = None  # raised while reading: an internal diagnostic
        self.parsed: Parsed | None = None
        self.keep = False  # worth a per-file cache entry (a set of one file has its set's entry)
        self.entry: bytes | Parsed | None = None  # for the cache: encoded, or to encode


def _read_all(
    sets: Sequence[MigrationSet], dialect: str | None
) -> tuple[list[list[_File]], int, Diagnostic | None]:
    """Every file's text and dialect, set by set; the characters read; and the error that stopped
    the reading when the files declare more tables than :func:`~ingest.migrations.limits.max_tables`."""
    groups = [[_File(s.label, ordinal, f) for ordinal, f in enumerate(s.files)] for s in sets]
    total = tables = 0
    limit = max_tables()
    for group in groups:
        for item in group:
            try:
                item.text, item.read_diags = read_up_text(item.f)
                item.dialect = file_dialect(item.f, dialect, item.text)
            except Exception as exc:
                item.problem = exc
            total += len(item.text)
            tables += count_tables(item.text)
            if tables > limit:
                return [], total, too_many_tables(item.f.rel, tables, limit)
    return groups, total, None


@timed("cache")
def _cached_sets(
    store: ParseCache,
    identity: str,
    sets: Sequence[MigrationSet],
    groups: list[list[_File]],
    dialect: str | None,
) -> tuple[dict[int, str], dict[int, SetResult], dict[str, bytes]]:
    """Look up the cache: each set's key and cached replay (sets whose files were all read),
    and for the files of the other sets, their cached parse (from the pack, returned too)."""
    keys: dict[int, str] = {}
    done: dict[int, SetResult] = {}
    for i, (s, group) in enumerate(zip(sets, groups, strict=True)):
        for item in group:
            if item.problem is None:
                item.key = store.key(item.text, item.dialect)
                item.keep = len(group) > 1
        if all(item.problem is None for item in group):
            keys[i] = store.set_key(s.label, dialect, [(it.f.rel, it.key, it.read_diags) for it in group])
            hit = store.get_set(keys[i])
            if hit is not None:
                done[i] = hit
    pack: dict[str, bytes] = {}
    if any(item.keep for i, group in enumerate(groups) if i not in done for item in group):
        pack = store.load_pack(identity)
        for i, group in enumerate(groups):
            for item in group if i not in done else ():
                entry = pack.get(item.key) if item.keep else None
                if entry is not None:
                    item.parsed = decode(entry, item.key, item.f.rel)
                    item.entry = entry if item.parsed is not None else None
    return keys, done, pack


@timed("cache")
def _store_pack(store: ParseCache, identity: str, groups: list[list[_File]], old: dict[str, bytes]) -> None:
    """Replace the pack with the entries of the files scanned now (kept ones of unchanged sets too)."""
    entries: dict[str, bytes | Parsed] = {}
    fresh = False
    for group in groups:
        for item in group:
            if not item.keep:
                continue
            if item.entry is not None:
                entries[item.key] = item.entry
                fresh = fresh or not isinstance(item.entry, bytes)
            elif item.key in old:
                entries[item.key] = old[item.key]
    if fresh or entries.keys() != old.keys():
        rels = {item.key: item.f.rel for group in groups for item in group}

        def encoded() -> dict[str, bytes]:
            return {k: v if isinstance(v, bytes) else encode(k, rels[k], v) for k, v in entries.items()}

        store.store_pack(identity, encoded)


def _parsed_in_order(
    files: list[_File], dialect: str | None, store: ParseCache | None, workers: int | None
) -> Generator[Parsed | _Streamed | None, None, None]:
    """Each file's parse (None when reading it failed), in order.

    Files without a cached parse are parsed by a process pool when that pays (their
    results are consumed in order while later files are still being parsed), else
    here; a large PostgreSQL file alone is parsed in parts (:class:`_Streamed`).
    New parses are kept on the files for the cache.
    """
    todo = [item for item in files if item.problem is None and item.parsed is None]
    count = plan_workers(total_bytes=sum(len(i.text) for i in todo), files=len(todo), requested=workers)
    pooled: Generator[bytes, None, None] | None = None
    todo_ids: set[int] = set()
    if count > 1:
        pooled = parse_in_pool([(item.key, item.f.rel, item.text, item.dialect) for item in todo], count)
        todo_ids = {id(item) for item in todo}
    caching = store is not None
    try:
        for item in files:
            parsed = item.parsed
            if parsed is None and item.problem is None:
                if pooled is not None and id(item) in todo_ids:
                    entry = next(pooled)
                    parsed = decode(entry, item.key, item.f.rel)
                    if caching and item.keep and parsed is not None and not parsed[3]:
                        item.entry = entry
                if parsed is None:
                    name = item.dialect or detect_dialect(item.text)  # detected once, here
                    streamed = _in_parts(item.text, item.f.rel, name, workers)
                    if streamed is None and not (caching and item.keep):
                        streamed = _in_batches(item.text, item.f.rel, name)
                    if streamed is not None:  # replayed while its later parts are parsed
                        item.text = ""
                        yield streamed
                        if caching and item.keep and streamed.complete:
                            item.entry = streamed.parsed()
                        continue
                    parsed = parse_file(item.text, item.f.rel, name)
                    if caching and item.keep and not parsed[3]:
                        item.entry = parsed  # encoded on the cache's writer thread
            item.text = ""  # free the text once parsed
            item.parsed = None
            yield parsed
    finally:
        if pooled is not None:
            pooled.close()


class _Streamed:
    """A PostgreSQL file whose statements are being parsed in parts: by a pool
    (:func:`ingest.migrations.parallel.parse_parts`; the parts seen are kept for the cache),
    or here batch by batch (:func:`_in_batches`; nothing kept)."""

    __slots__ = ("complete", "diags", "dialect", "keep", "ops", "parts")

    def __init__(
        self, dialect: str, parts: Iterator[tuple[list[Op], list[Diagnostic]]], *, keep: bool = True
    ) -> None:
        self.dialect, self.parts, self.keep = dialect, parts, keep
        self.ops: list[Op] = []
        self.diags: list[Diagnostic] = []
        self.complete = False

    def __iter__(self) -> Iterator[tuple[list[Op], list[Diagnostic]]]:
        for ops, diags in self.parts:
            if self.keep:
                self.ops += ops
                self.diags += diags
            yield ops, diags
        self.complete = self.keep

    def parsed(self) -> Parsed:
        return self.dialect, self.ops, self.diags, ""


def _in_parts(text: str, rel: str, dialect: str, workers: int | None) -> _Streamed | None:
    """A PostgreSQL file parsed alone, its statements in parts by a pool, when asked for.

    Only on request (``workers=N`` or ``FKMAP_WORKERS=N``): on an idle machine it saves about
    a third of a dump's time, but it costs half as much CPU again and twice the memory, and
    on a busy machine it is slower than one process.
    """
    if workers is None and requested_workers() is None:
        return None
    if dialect != "postgres":
        return None
    count = plan_workers(total_bytes=len(text), files=cpu_count() * PARTS_PER_WORKER, requested=workers)
    return _Streamed(dialect, iterate("parse", parse_parts(text, rel, count))) if count > 1 else None


def _in_batches(text: str, rel: str, dialect: str) -> _Streamed | None:
    """A PostgreSQL file parsed here, batch by batch as it is replayed; None for other dialects."""
    if dialect != "postgres":
        return None

    def batches() -> Iterator[tuple[list[Op], list[Diagnostic]]]:
        yield from iterate("parse", pg.iter_parse(text, rel))  # a failure surfaces while the file is replayed

    return _Streamed(dialect, batches(), keep=False)


@timed("replay")
def _replay_set(
    s: MigrationSet,
    group: list[_File],
    stream: Iterator[Parsed | _Streamed | None],
    seed: Seeder | None,
    share: Sharer,
) -> SetResult:
    r = Replayer(s.label, share)  # its result is built from shared values
    if seed is not None:
        seed(r)
    for item in group:
        parsed = next(stream)
        f = item.f
        try:
            if item.problem is not None:
                raise item.problem
            for d in item.read_diags:
                r.add_diagnostic(d)
            if isinstance(parsed, _Streamed):
                _replay_streamed(r, f.rel, parsed)
            elif parsed is not None:
                replay_parsed(r, f.rel, parsed)
        except Exception as exc:
            r.add_diagnostic(
                Diagnostic("error", f"internal error: {type(exc).__name__}: {exc}", f.rel, code="internal")
            )
    return r.result()


def replay_sets(
    path: str | Path,
    sets: Sequence[MigrationSet],
    dialect: str | None,
    *,
    cache: bool | None = None,
    workers: int | None = None,
    seeds: Mapping[str, Seeder] | None = None,
) -> tuple[list[Table], list[ForeignKey], list[Diagnostic], list[Migration]]:
    """Tables, FKs and diagnostics of every set (in set order), and one Migration per file.

    ``path`` is the scanned root (the cache's pack belongs to it); ``dialect`` an already
    normalized dialect or None (detected per file); ``seeds`` the seeders of sets by label.
    """
    seeds = seeds or {}
    tables: list[Table] = []
    fks: list[ForeignKey] = []
    diagnostics: list[Diagnostic] = []
    migrations: list[Migration] = []
    groups, total, stop = _read_all(sets, dialect)
    if stop is not None:
        return tables, fks, [stop], migrations
    store = open_cache(total, cache)
    identity = os.path.realpath(path)
    set_keys: dict[int, str] = {}
    done: dict[int, SetResult] = {}
    pack: dict[str, bytes] = {}
    if store is not None:
        set_keys, done, pack = _cached_sets(store, identity, sets, groups, dialect)
        for i in [i for i, s in enumerate(sets) if s.label in seeds]:
            done.pop(i, None)
            set_keys.pop(i, None)
    todo = [item for i, group in enumerate(groups) if i not in done for item in group]
    parsing = _parsed_in_order(todo, dialect, store, workers)
    stream = iterate("parse", parsing)
    share = Sharer()  # each set's result, fresh or cached, shares its repeated values as it comes
    try:
        for i, (s, group) in enumerate(zip(sets, groups, strict=True)):
            result = done.get(i)
            if result is None:
                result = _replay_set(s, group, stream, seeds.get(s.label), share)
                if store is not None and i in set_keys:
                    store.put_set(set_keys[i], result)
                set_tables, set_fks, set_diags = result
                tables += set_tables
                fks += set_fks
            else:
                set_tables, set_fks, set_diags = result
                tables += [share.table(t) for t in set_tables]
                fks += [share.foreign_key(fk) for fk in set_fks]
            diagnostics += set_diags
            for item in group:
                f = item.f
                migrations.append(
                    Migration(f.rel, s.label, item.ordinal, len(migrations), f.version, f.name, f.timestamp)
                )
        if store is not None and len(done) < len(sets):
            _store_pack(store, identity, groups, pack)
    finally:
        parsing.close()
        if store is not None:
            with stage("cache"):
                store.close()
                store.maybe_prune()
    return tables, fks, diagnostics, migrations
