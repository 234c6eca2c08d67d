"""Run one function in a forked process while the caller goes on with other work (stdlib only).

A scan reads the code of its folders (:func:`ownership.scan.evidence`) and its migrations
independently; on two CPUs or more the code is read in a child process meanwhile, so its wall
time hides behind the migrations' (its CPU time stays what it is). The child is forked, so nothing
is imported again and the function and its argument need not be pickled; only the result is,
through a pipe. No child is started -- the function then runs in the caller when its result is
asked for, exactly as without this module -- when ``FKMAP_WORKERS=1``, on one CPU, where ``fork``
is missing, or when the caller runs other threads (forking a threaded process is unsafe). If the
child fails (an exception, or it dies), the function runs again in the caller: same result or same
exception as without a child.

>>> later = in_background(sum, [1, 2, 3])
>>> later()
6
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # multiprocessing (10 ms of imports) is imported when a child is started
    from multiprocessing.connection import Connection

__all__ = ["can_fork_worker", "in_background"]

Job = TypeVar("Job")
Result = TypeVar("Result")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork_worker() -> bool:
    """Whether a child process may run beside this one: ``FKMAP_WORKERS`` is not ``1``, two CPUs or
    more, ``fork`` exists and this process runs no other thread."""
    env = os.environ.get("FKMAP_WORKERS", "").strip()
    return (
        not (env.isdigit() and int(env) <= 1)
        and _cpus() > 1
        and threading.active_count() == 1
        and hasattr(os, "fork")
    )


def _child(fn: Callable[[Any], Any], job: Any, conn: Connection) -> None:
    gc.freeze()  # what the parent made stays: the child's collections need not walk it
    try:
        result = (True, fn(job))
    except BaseException:  # the caller runs ``fn`` again and meets the exception itself
        result = (False, None)
    try:
        conn.send(result)
    except Exception:  # a result that cannot be pickled: the caller computes it
        conn.send((False, None))
    conn.close()


def in_background(fn: Callable[[Job], Result], job: Job) -> Callable[[], Result]:
    """A function giving ``fn(job)``, started now in a forked child when :func:`can_fork_worker`,
    else computed when it is called."""
    if not can_fork_worker():
        return lambda: fn(job)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # else the child would write their buffers out again
        stream.flush()
    try:
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(fn, job, sender))
        process.start()
    except OSError:
        return lambda: fn(job)
    sender.close()

    def result() -> Result:
        try:
            done, value = receiver.recv()
        except (EOFError, OSError):  # the child died
            done, value = False, None
        finally:
            receiver.close()
            process.join()
        return value if done else fn(job)

    return result
