"""What the dashboard draws from: one scan, its graphs and a stable fingerprint.

:class:`Loader` is the seam between ingest and the views. ``create_app`` gives it
either a ready :class:`~model.inventory.Inventory` or the sources to scan; the page
callback asks :meth:`Loader.status` and shows a progress panel while a scan runs
(``background=True``), the views once :class:`AppData` is ready, or the error
message (never a stack trace) when the scan failed. When several processes
serve the app, :class:`ui.shared.loader.SharedLoader` takes the thread's place: a
Dash background callback scans once and every process loads the stored result;
the views do not know the difference.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from graph.build import build_graph
from model.inventory import Inventory, Table, TableRef

__all__ = ["UNASSIGNED", "AppData", "Loader", "Status", "build_app_data", "service_of"]

#: Cluster label for tables the service map could not place.
UNASSIGNED = "(unassigned)"


def service_of(table: Table) -> str:
    """The service whose cluster shows ``table`` (where it lives, not whose data it copies)."""
    return table.service or UNASSIGNED


@dataclass(frozen=True, eq=False)
class AppData:
    """A scan ready to draw.

    ``graph`` is built with dropped FKs and tables included: the analysis
    functions follow present FKs only for behaviour and list dropped ones with
    their state, and the table view can show them on request. ``table_ids`` and
    ``edge_ids`` give every node and edge a short, stable, name-free id for
    Cytoscape. Equality and hashing go by ``fingerprint``, so derived views can
    be cached per inventory content.
    """

    inventory: Inventory
    graph: nx.MultiDiGraph
    fingerprint: str
    services: tuple[str, ...]
    table_ids: dict[TableRef, str] = field(repr=False)
    edge_ids: dict[tuple[TableRef, TableRef, int], str] = field(repr=False)
    by_label: dict[str, TableRef] = field(repr=False)

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AppData) and other.fingerprint == self.fingerprint


def fingerprint(inv: Inventory) -> str:
    """A short content hash of an inventory: the cache key of every derived view.

    >>> fingerprint(Inventory()) == fingerprint(Inventory())
    True
    """
    return hashlib.sha256(inv.to_json(sort_keys=True).encode()).hexdigest()[:16]


def build_app_data(inv: Inventory) -> AppData:
    """Build graphs, ids and the fingerprint for ``inv`` (never modifies it)."""
    full = build_graph(inv, include_dropped=True)
    table_ids = {ref: f"t{i}" for i, ref in enumerate(sorted(full.nodes))}
    edge_ids = {(u, v, k): f"e{i}" for i, (u, v, k) in enumerate(full.edges(keys=True))}
    names = {s.name for s in inv.services}
    names.update(service_of(d["table"]) for _, d in full.nodes(data=True))
    names.update(d["owner"] for _, d in full.nodes(data=True) if d["owner"])
    names.update(a.service for a in inv.shared_access)  # a service known only from its code
    return AppData(
        inventory=inv,
        graph=full,
        fingerprint=fingerprint(inv),
        services=tuple(sorted(names, key=lambda s: (s == UNASSIGNED, s))),
        table_ids=table_ids,
        edge_ids=edge_ids,
        by_label={str(ref): ref for ref in full.nodes},
    )


Status = Literal["loading", "ready", "error"]


class Loader:
    """Holds the dashboard's data, or the scan that is producing it.

    Parameters
    ----------
    produce : callable returning Inventory
        Runs the scan (or returns a given inventory).
    background : bool
        Run ``produce`` in a daemon thread (from :meth:`start`) so the page can
        show progress.
    label : str
        What is being scanned, for the progress panel.
    """

    def __init__(
        self, produce: Callable[[], Inventory], *, background: bool = False, label: str = ""
    ) -> None:
        self.label = label
        self.started = time.monotonic()
        self._produce = produce
        self._data: AppData | None = None
        self._error = ""
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="fkmap-scan", daemon=True)
        else:
            self._run()

    def start(self) -> Loader:
        """Start a background scan (no-op otherwise or when started).

        ``create_app`` calls this last, once every module the app needs is
        imported: a scan thread importing the same C extensions concurrently
        can see them half-initialised.
        """
        if self._thread is not None and not self._thread.is_alive() and not self._done.is_set():
            self.started = time.monotonic()
            self._thread.start()
        return self

    @classmethod
    def from_inventory(cls, inv: Inventory) -> Loader:
        """A loader that is ready at once."""
        return cls(lambda: inv, label="inventory")

    @classmethod
    def from_sources(
        cls,
        sources: Sequence[str],
        config_path: str | None = None,
        *,
        background: bool = False,
        infer: bool = False,
    ) -> Loader:
        """A loader that runs :func:`ownership.scan.scan` on ``sources`` (``infer``: ``--infer``)."""

        def produce() -> Inventory:
            from ownership.scan import scan

            return scan(list(sources), config_path=config_path, infer=infer)

        from ingest.dsn import mask_dsn

        return cls(produce, background=background, label=", ".join(mask_dsn(s) for s in sources))

    def _run(self) -> None:
        try:
            self._data = build_app_data(self._produce())
            # the scan lives as long as the app: out of the collector's sight, or its full passes over
            # millions of objects stall requests (measured: 1.5 s per callback at 20,000 tables)
            gc.collect()
            gc.freeze()
        except Exception as exc:
            from ingest.dsn import scrub

            self._error = scrub(f"{type(exc).__name__}: {exc}")  # never a password on the page
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the scan finished; True when it did."""
        return self._done.wait(timeout)

    @property
    def status(self) -> Status:
        """``loading``, ``ready`` or ``error``."""
        if not self._done.is_set():
            return "loading"
        return "ready" if self._data is not None else "error"

    @property
    def error(self) -> str:
        """The one-line error message of a failed scan ('' otherwise)."""
        return self._error

    @property
    def elapsed(self) -> float:
        """Seconds since the scan started."""
        return time.monotonic() - self.started

    @property
    def data(self) -> AppData:
        """The ready data; raises RuntimeError while loading or after an error."""
        if self._data is None:
            raise RuntimeError(self._error or "scan still running")
        return self._data
