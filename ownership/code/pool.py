"""Run a per-file function over batches of files, on every core when the work is large enough.

Reading a source file depends on nothing but its bytes, so batches of files go to a process pool
and their results come back in order. The pool pays only for enough source
(:data:`MIN_POOL_BYTES`) on a machine with two CPUs or more; ``FKMAP_WORKERS=N`` sets the number of
processes (``1``: never a pool), as for the migration scan. Processes are forked when the caller
has a single thread (nothing is imported again), else started by a fork server. If the pool
cannot start or breaks, the batches run in the calling process: same result, only slower.

>>> plan_workers(total_bytes=10_000)
1
>>> list(run_batches(len, [[1, 2], [3]], workers=1))
[2, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ingest.workers import cpu_count, pool_context, requested_workers

__all__ = ["BATCH_BYTES", "MIN_POOL_BYTES", "batches", "plan_workers", "run_batches"]

#: Below this much source, starting processes costs more than it saves.
MIN_POOL_BYTES = 3_000_000
#: About this much source per batch sent to a worker.
BATCH_BYTES = 400_000

Job = TypeVar("Job")
Result = TypeVar("Result")


def plan_workers(*, total_bytes: int, requested: int | None = None) -> int:
    """How many processes to use for ``total_bytes`` of source (``requested`` or ``FKMAP_WORKERS`` wins)."""
    if requested is None:
        requested = requested_workers()
    if requested is not None:
        return max(1, requested)
    return cpu_count() if total_bytes >= MIN_POOL_BYTES and cpu_count() > 1 else 1


def batches(jobs: Sequence[tuple[Job, int]]) -> list[list[Job]]:
    """Contiguous batches of ``(job, size)`` pairs holding about :data:`BATCH_BYTES` each."""
    out: list[list[Job]] = []
    current: list[Job] = []
    size = 0
    for job, job_size in jobs:
        current.append(job)
        size += job_size
        if size >= BATCH_BYTES:
            out.append(current)
            current, size = [], 0
    return [*out, current] if current else out


def run_batches(fn: Callable[[Job], Result], work: Sequence[Job], workers: int) -> Iterator[Result]:
    """``fn(batch)`` for each batch, in order; in a pool of ``workers`` processes when above one."""
    if workers <= 1 or len(work) <= 1:
        yield from (fn(batch) for batch in work)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(work)), mp_context=pool_context()) as pool:
            for result in pool.map(fn, work):
                done += 1
                yield result
    except (BrokenProcessPool, OSError):
        yield from (fn(batch) for batch in work[done:])
