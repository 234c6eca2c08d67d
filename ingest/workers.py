"""How many processes a command may use: the CPUs it may run on and ``FKMAP_WORKERS``.

``FKMAP_WORKERS=N`` (a whole number from 1) sets the processes of every pool -- the migration
parse pool, the code-reading pool, the background code reader -- and ``1`` keeps all work in the
calling process. Unset, ``0`` or anything else: each pool decides from the size of its work and
:func:`cpu_count`. Standard library only and nothing at import, so the lightest paths can ask.

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

__all__ = ["cpu_count", "requested_workers"]


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
