"""How many processes a command may use: the CPUs it may run on and ``FKMAP_WORKERS``.

``FKMAP_WORKERS=N`` (a whole number from 1) sets the processes of every pool -- the migration
parse pool, the code-reading pool, the background code reader -- and ``1`` keeps all work in the
calling process. Unset, ``0`` or anything else: each pool decides from the size of its work and
:func:`cpu_count`. :func:`pool_context` is how a pool starts its processes. Standard library only
and nothing at import, so the lightest paths can ask.

>>> import os
>>> os.environ["FKMAP_WORKERS"] = " 3 "; requested_workers()
3
>>> os.environ["FKMAP_WORKERS"] = "0"; requested_workers() is None
True
>>> del os.environ["FKMAP_WORKERS"]; cpu_count() >= 1
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # multiprocessing (10 ms of imports) is imported when a pool starts
    from multiprocessing.context import BaseContext

__all__ = ["cpu_count", "pool_context", "requested_workers"]


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def requested_workers() -> int | None:
    """The processes ``FKMAP_WORKERS`` asks for (a whole number from 1), else None: automatic."""
    env = os.environ.get("FKMAP_WORKERS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else None


def pool_context(preload: Sequence[str] = ()) -> BaseContext:
    """How a pool's processes start: ``fork`` while this process runs no other thread (a fork of
    a threaded process may deadlock), else ``forkserver`` (importing the modules ``preload`` names
    once, in the server), else ``spawn``."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        if preload:
            ctx.set_forkserver_preload(list(preload))
        return ctx
    return multiprocessing.get_context("spawn")
