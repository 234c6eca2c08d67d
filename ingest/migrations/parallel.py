"""Parse migration files on every core: a process pool parses, the caller replays in order.

Parsing a file (split, pglast or sqlglot, conversion to :mod:`ingest.migrations.ops`)
depends on nothing but its text, so it can happen in worker processes while the
parent replays the results strictly in file order -- replay needs the state of
every file before it.

* Many files: :func:`parse_in_pool` sends batches of files (about
  :data:`BATCH_BYTES` of SQL each, contiguous in replay order) to the pool and
  yields each file's result, in order, as soon as it is back. Workers answer with
  :func:`ingest.migrations.cache.encode`-d entries, which the parent keeps for the parse cache.
* One large PostgreSQL file (a dump), on request (``workers=N``, ``FKMAP_WORKERS=N``):
  :func:`parse_parts` cuts its statements into runs, parsed by the pool and yielded
  in order, so the parent replays part 1 while part 2 is parsed.
  :func:`ingest.migrations.postgres.parse_statements` gives the same result for a list of statements
  as for its runs one after the other, so nothing changes. Not by default: the
  operations travel back pickled, which costs half the parse again in CPU, and the
  workers double the memory; it pays on an idle machine only.

Operations are frozen dataclasses and travel pickled. The pool pays only for
enough SQL (:func:`plan_workers`: at least :data:`MIN_BYTES`, two CPUs);
``FKMAP_WORKERS=N`` overrides the count (``1`` = never). Processes are forked when
the caller is single-threaded (quickest: nothing is imported again), else started
by a fork server. If the pool cannot start or a worker dies, the rest is parsed in
the parent: the result is the same, only slower.

Examples
--------
>>> plan_workers(total_bytes=100, files=3)
1
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Literal, TypeVar

from ingest.migrations.cache import encode
from ingest.migrations.ops import Op
from ingest.migrations.parse import parse_file
from ingest.migrations.postgres import parse_statements
from ingest.migrations.split import Statement, split_statements
from ingest.workers import cpu_count, pool_context, requested_workers
from model.inventory import Diagnostic

if TYPE_CHECKING:  # multiprocessing and concurrent.futures (10 ms) are imported when a pool starts
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "BATCH_BYTES",
    "MIN_BYTES",
    "Job",
    "parse_in_pool",
    "parse_parts",
    "plan_workers",
]

#: Below this much SQL to parse, the pool costs more than it saves.
MIN_BYTES = 1_500_000
#: SQL per task sent to a worker (files are never split).
BATCH_BYTES = 200_000

#: A large PostgreSQL file parsed alone is cut into this many parts per worker (:func:`parse_parts`).
PARTS_PER_WORKER = 4

#: One file to parse: (cache key, rel path, text, dialect argument or None).
Job = tuple[str, str, str, str | None]

#: A run of statements of one file to parse: (rel path, [(text, line, offset, kind)]).
PartJob = tuple[str, list[tuple[str, int, int, Literal["sql", "meta"]]]]

T = TypeVar("T")
R = TypeVar("R")


def plan_workers(*, total_bytes: int, files: int, requested: int | None = None) -> int:
    """Worker processes for parsing ``files`` files holding ``total_bytes`` (1 = in the parent).

    ``requested`` (``ingest_path(workers=...)``), else ``FKMAP_WORKERS``, else one per CPU
    when there is enough to parse.
    """
    if requested is None:
        requested = requested_workers()
    if requested is not None:
        return max(1, min(requested, files))
    if files < 2 or total_bytes < MIN_BYTES:
        return 1
    return max(1, min(cpu_count(), files, 8))


def _batches(jobs: Sequence[Job]) -> list[list[Job]]:
    out: list[list[Job]] = []
    size = 0
    for job in jobs:
        if not out or size >= BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(job)
        size += len(job[2])
    return out


def _init_worker() -> None:
    gc.disable()  # parse trees are many small dicts; like the parent, skip the cyclic collector


def _pooled(work: Callable[[T], R], tasks: Sequence[T], workers: int) -> Generator[R, None, None]:
    """``work(task)`` for each task, in order, computed by a pool of up to ``workers`` processes.

    Stops early, without raising, when the pool cannot start or a worker dies or fails:
    the caller does the tasks whose result did not come (those after the ones yielded).
    """
    from concurrent.futures import ProcessPoolExecutor

    pool: ProcessPoolExecutor | None = None
    try:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=pool_context(["ingest.migrations.parse"]),
            initializer=_init_worker,
        )
        yield from pool.map(work, tasks)
    except Exception:  # the pool could not start, a worker died or failed: the parent goes on
        return
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _parse_batch(batch: list[Job]) -> list[bytes]:
    return [encode(key, rel, parse_file(text, rel, dialect)) for key, rel, text, dialect in batch]


def _parse_part(job: PartJob) -> bytes:
    rel, part = job
    statements = [Statement(t, line, offset, kind) for t, line, offset, kind in part]
    return pickle.dumps(parse_statements(statements, rel), protocol=pickle.HIGHEST_PROTOCOL)


def _cut(statements: Sequence[Statement], parts: int) -> list[list[Statement]]:
    """About ``parts`` runs of consecutive statements of similar size, cut only between
    statements on different lines (so no line has diagnostics from two parts)."""
    target = max(sum(len(st.text) for st in statements) // max(parts, 1), 1)
    out: list[list[Statement]] = [[]]
    size = 0
    last_line = 0  # last line of the previous statement
    for st in statements:
        if size >= target and st.line > last_line:
            out.append([])
            size = 0
        out[-1].append(st)
        size += len(st.text)
        last_line = st.line + st.text.count("\n")
    return out


def parse_parts(
    text: str, rel: str, workers: int
) -> Generator[tuple[list[Op], list[Diagnostic]], None, None]:
    """The operations and diagnostics of a large PostgreSQL file, part by part, in order.

    The statements are cut into runs (:func:`_cut`) parsed by ``workers`` processes;
    each part is yielded as soon as it and those before it are back, so the caller
    replays while later parts are parsed. Concatenated, the parts are exactly
    :func:`ingest.migrations.postgres.parse`'s result:
    :func:`ingest.migrations.postgres.parse_statements` gives the same
    for a list of statements as for its runs, one after the other. If the pool fails,
    the remaining parts are parsed here.
    """
    parts = _cut(split_statements(text, dialect="postgres"), workers * PARTS_PER_WORKER)
    jobs: list[PartJob] = [(rel, [(st.text, st.line, st.offset, st.kind) for st in part]) for part in parts]
    done = 0
    for data in _pooled(_parse_part, jobs, workers):
        result: tuple[list[Op], list[Diagnostic]] = pickle.loads(data)
        done += 1
        yield result
    for part in parts[done:]:  # what the pool did not parse
        yield parse_statements(part, rel)


def parse_in_pool(jobs: Sequence[Job], workers: int) -> Generator[bytes, None, None]:
    """:func:`ingest.migrations.cache.encode`-d parse results of ``jobs``, in order, parsed by ``workers``
    processes. When the pool cannot start or breaks, the rest is parsed here."""
    done = 0
    for results in _pooled(_parse_batch, _batches(jobs), workers):
        for entry in results:
            done += 1
            yield entry
    for job in jobs[done:]:  # what the pool did not parse
        yield _parse_batch([job])[0]
