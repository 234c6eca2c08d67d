"""Run one function in a forked process while the caller goes on with other work.

A scan reads the code of its folders (:func:`ownership.scan.evidence`) and its migrations
independently; on two CPUs or more the code is read in a child process meanwhile, so its wall
time hides behind the migrations' (its CPU time stays what it is). The child is forked, so nothing
is imported again and the function and its argument need not be pickled; only the result is,
through a pipe. No child is started -- the function then runs in the caller when its result is
asked for, exactly as without this module -- when ``FKMAP_WORKERS=1``, on one CPU, where ``fork``
is missing, or when the caller runs other threads (forking a threaded process is unsafe). If the
child fails (an exception, or it dies), the function runs again in the caller: same result or same
exception as without a child.

>>> with in_background(sum, [1, 2, 3]) as later:
...     later()
6
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ingest.workers import cpu_count, requested_workers
from model.timings import stage

if TYPE_CHECKING:  # multiprocessing (10 ms of imports) is imported when a child is started
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["Later", "can_fork_worker", "in_background"]

Job = TypeVar("Job")
Result = TypeVar("Result")


def can_fork_worker() -> bool:
    """Whether a child process may run beside this one: ``FKMAP_WORKERS`` is not ``1``, two CPUs or
    more, ``fork`` exists and this process runs no other thread."""
    return (
        requested_workers() != 1 and cpu_count() > 1 and threading.active_count() == 1 and hasattr(os, "fork")
    )


def _child(compute: Callable[[], Any], conn: Connection) -> None:
    gc.freeze()  # what the parent made stays: the child's collections need not walk it
    try:
        result = (True, compute())
    except BaseException:  # the caller runs ``fn`` again and meets the exception itself
        result = (False, None)
    try:
        conn.send(result)
    except Exception:  # a result that cannot be pickled: the caller computes it
        conn.send((False, None))
    conn.close()


class Later(Generic[Result]):
    """``fn(job)``, maybe being computed by a child process: calling it gives the result (once). Used
    as a context manager, a child whose result was not asked for is stopped on leaving the block."""

    def __init__(self, fn: Callable[[Job], Result], job: Job, waited: str = "") -> None:
        self._compute: Callable[[], Result] = lambda: fn(job)
        self._child: tuple[BaseProcess, Connection] | None = None
        self._waited = waited  # the FKMAP_TIMINGS stage charged with the wait for a child

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        for stream in (sys.stdout, sys.stderr):  # else the child would write their buffers out again
            stream.flush()
        try:
            receiver, sender = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(self._compute, sender))
            process.start()
        except OSError:
            return
        sender.close()
        self._child = (process, receiver)

    def __call__(self) -> Result:
        if self._child is None:
            return self._compute()
        process, receiver = self._child
        self._child = None
        received = False
        try:
            with stage(self._waited) if self._waited else contextlib.nullcontext():
                done, value = receiver.recv()
            received = True
        except (EOFError, OSError):  # the child died
            done, value = False, None
        finally:
            receiver.close()
            if not received:  # died, or the wait was interrupted: nobody will read what it sends
                process.terminate()
            process.join()
        return value if done else self._compute()

    def cancel(self) -> None:
        """Stop the child, if one is still computing (its result was not asked for)."""
        if self._child is not None:
            process, receiver = self._child
            self._child = None
            receiver.close()
            process.terminate()
            process.join()

    def __enter__(self) -> Later[Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def in_background(fn: Callable[[Job], Result], job: Job, *, waited: str = "") -> Later[Result]:
    """``fn(job)`` started now in a forked child when :func:`can_fork_worker`, else computed when the
    result is asked for; the wait for a child is charged to the stage ``waited``
    (:mod:`model.timings`)."""
    later = Later(fn, job, waited)
    if can_fork_worker():
        later._start()
    return later
