"""The store of a long-running app: opened on first use, seeded from the plan file next to the config.

The dashboard only touches the store when the remediation page is shown, so
an app that never shows it creates no file. :func:`remediation_handle` finds
the ``fkmap-plan.yaml`` next to the service map: the demo ships one, so a
fresh ``make run`` shows progress in every phase.

Examples
--------
>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     handle = StoreHandle(os.path.join(tmp, "state.db"))
...     before = os.path.exists(handle.label)
...     store = handle.get()
...     after = os.path.exists(handle.label)
>>> before, after, handle.seeded is None
(False, True, True)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from model.inventory import ForeignKey, Inventory
from remediation.plan_import import ImportReport, seed_store_from_plan
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.store.schema import StoreError

__all__ = ["PLAN_NAME", "StoreHandle", "remediation_handle", "tracked_phases"]

#: The plan file an empty store is seeded from, next to the service map.
PLAN_NAME = "fkmap-plan.yaml"


class StoreHandle:
    """Opens the store on first use (and seeds it from ``plan`` when it is empty).

    ``seeded`` is the :class:`~remediation.plan_import.ImportReport` of the
    seeding, None when nothing was imported.
    """

    def __init__(
        self, url: str | None = None, *, plan: str | Path | None = None, store: SqlStore | None = None
    ) -> None:
        self.url = url
        self.plan = Path(plan) if plan else None
        self._store = store
        self._lock = threading.Lock()
        self.seeded: ImportReport | None = None

    def get(self) -> SqlStore:
        """The open store (raises :class:`~remediation.store.schema.StoreError` when it cannot be opened)."""
        with self._lock:
            if self._store is None:
                store = open_store(self.url)
                if self.plan is not None:
                    self.seeded = seed_store_from_plan(store, self.plan)
                self._store = store
            return self._store

    @property
    def opened(self) -> bool:
        """True once :meth:`get` opened the store."""
        return self._store is not None

    @property
    def label(self) -> str:
        """The store's label once opened, else its URL."""
        return self._store.label if self._store is not None else (self.url or "")


def remediation_handle(
    state: str | None = None, sources: Sequence[str] | None = None, config_path: str | None = None
) -> StoreHandle:
    """The store handle of an app.

    ``state`` names the store (else ``$FKMAP_STATE``, else ``.fkmap/state.db``).
    When the app scans ``sources``, the ``fkmap-plan.yaml`` next to the config
    (``config_path``, else the ``fkmap.toml`` found in the first source folder)
    is imported into the store the first time it is opened empty.
    """
    plan: Path | None = None
    if config_path:
        plan = Path(config_path).parent / PLAN_NAME
    elif sources:
        from ownership.config_file import find_config

        found = find_config(list(sources))
        plan = found.parent / PLAN_NAME if found is not None else None
    return StoreHandle(state, plan=plan if plan is not None and plan.is_file() else None)


def tracked_phases(inv: Inventory, handle: StoreHandle) -> Callable[[ForeignKey], str] | None:
    """The report's ``phase_of`` from the handle's store; None when the store cannot be opened."""
    from remediation.service import report_phase_of

    try:
        return report_phase_of(inv, handle.get())
    except StoreError:
        return None
