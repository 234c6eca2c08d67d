"""Stage timings: where one fkmap process spends its time, written when ``FKMAP_TIMINGS=FILE`` asks.

Off by default, and then free: :func:`stage` is a no-op context, :func:`timed` returns the function
it decorates and :func:`iterate` the iterator it is given. With ``FKMAP_TIMINGS`` set when the
process starts, a :class:`Clock` charges wall (``time.perf_counter``) and CPU
(``time.process_time``) seconds to named stages, and at exit the process writes them to FILE
as JSON (``make bench`` reads it)::

    {"stages": {"parse": {"wall_s": 1.9, "cpu_s": 1.9, "calls": 12}, ...},
     "total": {"wall_s": 7.8, "cpu_s": 7.6}, "unattributed": {"wall_s": 0.4, "cpu_s": 0.4}}

Stages nest and each second is charged once, to the innermost stage running: ``split`` inside
``parse`` is not counted in ``parse``. ``total`` runs from the import of this module (about the
start of the process) to the write; ``unattributed`` is what no stage claimed (start-up and
imports, the command line). Worker processes are not followed: with a parse pool, ``parse`` is
the time the main process waited for parsed files (``FKMAP_WORKERS=1`` keeps everything in one
process).

Stages used: ``read`` (finding and reading the sources), ``split``, ``parse``, ``replay``,
``cache`` (the parse cache), ``orm`` (schemas declared in code), ``resolve``, ``code``
(ownership evidence from the services' code), ``ownership``, ``graph``, ``analysis``, ``output``.

Examples
--------
>>> clock = Clock()
>>> with clock.stage("outer"):
...     with clock.stage("inner"):
...         pass
>>> sorted(clock.report()["stages"]), clock.report()["stages"]["inner"]["calls"]
(['inner', 'outer'], 1)
>>> list(clock.iterate("gen", iter([1, 2]))), clock.report()["stages"]["gen"]["calls"]
([1, 2], 3)
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["ENV", "Clock", "iterate", "stage", "timed", "write"]

#: The environment variable naming the file to write the timings to.
ENV = "FKMAP_TIMINGS"

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Clock:
    """Wall and CPU seconds per stage, each second charged to the innermost stage running."""

    def __init__(self) -> None:
        self.started = (time.perf_counter(), time.process_time())
        self.totals: dict[str, list[float]] = {}  # stage -> [wall, cpu, calls]
        self.stack: list[str] = []
        self.mark = self.started

    def _charge(self) -> None:
        now = (time.perf_counter(), time.process_time())
        if self.stack:
            entry = self.totals[self.stack[-1]]
            entry[0] += now[0] - self.mark[0]
            entry[1] += now[1] - self.mark[1]
        self.mark = now

    def enter(self, name: str) -> None:
        """Start charging to ``name`` (the stage running until now pauses)."""
        self._charge()
        self.totals.setdefault(name, [0.0, 0.0, 0])[2] += 1
        self.stack.append(name)

    def leave(self) -> None:
        """Stop charging to the innermost stage (the one around it resumes)."""
        self._charge()
        self.stack.pop()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Charge the time spent inside the ``with`` block to ``name``."""
        self.enter(name)
        try:
            yield
        finally:
            self.leave()

    def iterate(self, name: str, items: Iterator[T]) -> Generator[T, None, None]:
        """``items``, the time spent producing each one charged to ``name`` (not the caller's use of it)."""
        try:
            while True:
                self.enter(name)
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator closed early closes the one it wraps

    def report(self) -> dict[str, Any]:
        """The JSON document: ``stages``, ``total`` and ``unattributed`` (see the module docstring)."""
        wall = time.perf_counter() - self.started[0]
        cpu = time.process_time() - self.started[1]
        stages = {
            name: {"wall_s": round(w, 6), "cpu_s": round(c, 6), "calls": int(n)}
            for name, (w, c, n) in sorted(self.totals.items())
        }
        claimed_wall = sum(w for w, _, _ in self.totals.values())
        claimed_cpu = sum(c for _, c, _ in self.totals.values())
        return {
            "stages": stages,
            "total": {"wall_s": round(wall, 6), "cpu_s": round(cpu, 6)},
            "unattributed": {"wall_s": round(wall - claimed_wall, 6), "cpu_s": round(cpu - claimed_cpu, 6)},
        }


#: The process's clock when ``FKMAP_TIMINGS`` was set at start-up, else None (timing off).
CLOCK: Clock | None = Clock() if os.environ.get(ENV, "").strip() else None


def stage(name: str) -> AbstractContextManager[None]:
    """A ``with`` block charged to stage ``name`` (nothing when timing is off)."""
    return CLOCK.stage(name) if CLOCK is not None else nullcontext()


def timed(name: str) -> Callable[[F], F]:
    """Decorator: every call of the function is charged to stage ``name`` (the function itself when off)."""

    def decorate(fn: F) -> F:
        clock = CLOCK
        if clock is None:
            return fn

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with clock.stage(name):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def iterate(name: str, items: Iterator[T]) -> Iterator[T]:
    """``items``, producing each one charged to stage ``name`` (``items`` itself when off)."""
    return items if CLOCK is None else CLOCK.iterate(name, items)


def write(path: str | Path | None = None) -> None:
    """Write the clock's report to ``path`` (default ``$FKMAP_TIMINGS``); nothing when timing is off.

    Registered to run at exit, so every command writes its timings without asking.
    """
    import multiprocessing

    target = path or os.environ.get(ENV, "").strip()
    if CLOCK is None or not target or multiprocessing.parent_process() is not None:
        return  # a worker process (spawned ones import this module again) never overwrites the file
    with contextlib.suppress(OSError):  # timings are a diagnosis aid: a bad path must not fail the command
        Path(target).write_text(json.dumps(CLOCK.report(), indent=2) + "\n", encoding="utf-8")


if CLOCK is not None:
    atexit.register(write)
