"""The loader of a dashboard served by several workers, and what its background job does.

``create_app(..., shared=SharedSettings(...))`` (what ``gunicorn app:server``
builds when ``FKMAP_CACHE_DIR`` or ``FKMAP_REDIS_URL`` is set) uses a
:class:`SharedLoader` instead of the scan thread of :class:`ui.data.Loader`:

* while the inventory of the current source fingerprint is not in the shared
  cache, the page shows its progress panel and a small callback starts the
  background callback of :mod:`ui.callbacks.ingest` (:func:`kick`) -- once
  per browser tab, never while that tab's job runs;
* the job runs in a ``DiskcacheManager`` process (one host) or a Celery
  worker (``FKMAP_REDIS_URL``, :func:`background_manager`): it scans, or
  follows the scan another job runs
  (:meth:`ui.shared.ingest.SharedIngest.run_or_follow`, :func:`run_job`),
  reporting progress to the bar above the page;
* every worker then loads the same stored inventory (once per fingerprint)
  and serves it: nothing is scanned twice.

The job finds its :class:`~ui.shared.ingest.SharedIngest` by the spec id in
its trigger (:data:`_INGESTS`), so the function Dash registers is the same in
every process, including a Celery worker that built the app from the same
environment (``celery -A app:celery_app worker``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import dash

from ui.data import AppData, Loader, Status, build_app_data
from ui.shared.cache import DiskCache, open_shared_cache
from ui.shared.fingerprint import IngestSpec
from ui.shared.ingest import Progress, SharedIngest

__all__ = [
    "SharedLoader",
    "SharedSettings",
    "background_manager",
    "kick",
    "make_celery",
    "progress_outputs",
    "run_job",
]

#: The shared ingests of this process by spec id (what a background job looks up).
_INGESTS: dict[str, SharedIngest] = {}


@dataclass(frozen=True)
class SharedSettings:
    """Where the workers share the ingest: a diskcache folder, or Redis (and Celery) when ``redis_url``."""

    cache_dir: str | None = None
    redis_url: str | None = None
    catalog_refresh: int = 3600


class SharedLoader(Loader):
    """A :class:`~ui.data.Loader` whose data comes from the shared cache (see the module docstring).

    Overrides every public member of ``Loader``. ``status`` is ``ready`` once
    this process holds the inventory of the current source fingerprint: when
    the inventory is stored but not loaded here yet, asking for the status
    starts loading it in a thread (so the first page after a scan keeps
    polling instead of waiting on one long request). The fingerprint is
    recomputed at most every ``recheck`` seconds; when it changed, ``status``
    is ``loading`` until the new inventory is stored and loaded, while
    ``data`` keeps serving the previous one so open pages keep working.
    """

    #: Seconds a worker shows a failed load before it tries again.
    RETRY_S = 30.0

    def __init__(
        self, ingest: SharedIngest, *, recheck: float = 30.0, settings: SharedSettings | None = None
    ) -> None:  # no Loader.__init__
        self.ingest = ingest
        self.settings = settings or SharedSettings()
        self.label = ingest.spec.label
        self.started = time.monotonic()
        self.recheck = recheck
        self._lock = threading.Lock()
        self._key = ""
        self._key_at = float("-inf")
        self._data: AppData | None = None
        self._data_key = ""
        self._loading = ""  # the key a thread is loading
        # (key, message, when) of a stored inventory that did not load here; tried again after RETRY_S
        self._failed: tuple[str, str, float] = ("", "", 0.0)
        _INGESTS[ingest.spec.id] = ingest

    @classmethod
    def create(
        cls, sources: Sequence[str], config_path: str | None, settings: SharedSettings, *, infer: bool = False
    ) -> SharedLoader:
        """The loader of ``sources`` over the cache ``settings`` names (``infer``: ``--infer``)."""
        spec = IngestSpec(tuple(sources), config_path, settings.catalog_refresh, infer=infer)
        cache = open_shared_cache(settings.cache_dir, settings.redis_url)
        return cls(SharedIngest(spec, cache), settings=settings)

    def key(self) -> str:
        """The current source fingerprint (recomputed at most every ``recheck`` seconds)."""
        now = time.monotonic()
        if now - self._key_at >= self.recheck:
            key = self.ingest.key()
            self._key, self._key_at = key, now
        return self._key

    def start(self) -> SharedLoader:
        """Nothing to start: the page's background callback runs the scan."""
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the inventory is loaded here or failed (someone must run the job); True when it is."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.status == "loading":
            if end is not None and time.monotonic() >= end:
                return False
            time.sleep(0.05)
        return True

    def stored(self) -> bool:
        """True when the inventory of the current fingerprint is in the shared cache (or loaded here)."""
        key = self.key()
        return self._data_key == key or self.ingest.has_inventory(key)

    @property
    def status(self) -> Status:
        key = self.key()
        if self._data_key == key:
            return "ready"
        if self._failed_for(key):
            return "error"
        if self.ingest.has_inventory(key):
            self._load_soon(key)
            return "loading"
        return "error" if self.ingest.error(key) else "loading"

    @property
    def error(self) -> str:
        key = self.key()
        return self._failed[1] if self._failed_for(key) else self.ingest.error(key)

    @property
    def elapsed(self) -> float:
        progress = self.ingest.progress(self.key())
        if progress is not None:
            return max(0.0, time.time() - progress.started)
        return time.monotonic() - self.started

    @property
    def data(self) -> AppData:
        """The inventory of the current fingerprint once loaded; until then the previous one, if any."""
        data = self._data
        if data is None:
            raise RuntimeError(self.error or "scan still running")
        return data

    def request(self) -> str:
        """Ask the next ingest job for the current fingerprint; returns it."""
        key = self.key()
        self.ingest.request(key)
        return key

    def _failed_for(self, key: str) -> bool:
        return self._failed[0] == key and time.monotonic() - self._failed[2] < self.RETRY_S

    def _load_soon(self, key: str) -> None:
        with self._lock:
            if self._loading == key:
                return
            self._loading = key
        threading.Thread(target=self._load, args=(key,), name="fkmap-load", daemon=True).start()

    def _load(self, key: str) -> None:
        try:
            inventory = self.ingest.inventory(key)
            if inventory is not None:  # else it expired meanwhile: the next status check asks again
                data = build_app_data(inventory)
                with self._lock:
                    self._data, self._data_key = data, key
        except Exception as exc:
            message = f"the stored scan could not be loaded: {type(exc).__name__}: {exc}"
            self._failed = (key, message, time.monotonic())
        finally:
            with self._lock:
                self._loading = ""


# ---------------------------------------------------------------------------------------------- logic
def progress_outputs(progress: Progress) -> tuple[dict[str, Any], str]:
    """``(bar style, text)`` for a progress: a width when there is an estimate, else the sliding bar.

    >>> progress_outputs(Progress(40.0, "Reading 1 source… 3 s", 0.0))
    ({'width': '40%', 'marginLeft': '0', 'animation': 'none'}, 'Reading 1 source… 3 s')
    """
    if progress.percent is None:
        return {}, progress.text
    return {"width": f"{progress.percent:.0f}%", "marginLeft": "0", "animation": "none"}, progress.text


def kick(loader: SharedLoader, running: bool | None, current: str | None) -> str | None:
    """The next trigger of the ingest job, or None when none is needed.

    A tab starts a job when the inventory is loading and its own job is not
    running; the trigger names the spec (``<spec id>:<n>``).
    """
    if running or loader.status != "loading" or loader.stored():
        return None
    loader.request()
    try:
        n = int(str(current).rsplit(":", 1)[1]) + 1
    except (IndexError, ValueError):
        n = 1
    return f"{loader.ingest.spec.id}:{n}"


def run_job(token: str, report: Callable[[Progress], None]) -> str:
    """What the background job does: scan or follow, for the spec the token names; the outcome."""
    spec_id = str(token).split(":", 1)[0]
    ingest = _INGESTS.get(spec_id)
    if ingest is None:
        raise RuntimeError(
            "this worker was started with other sources than the web server "
            "(give both the same FKMAP_SOURCES and FKMAP_CONFIG)"
        )
    return ingest.run_or_follow(report)


# ---------------------------------------------------------------------------------------------- wiring
def make_celery(redis_url: str, queue: str) -> Any:
    """A Celery app on Redis (broker and result backend); its default queue is ``queue``,
    so deployments sharing a Redis never take each other's jobs."""
    from celery import Celery

    celery_app = Celery("fkmap", broker=redis_url, backend=redis_url)
    celery_app.conf.update(
        task_default_queue=queue,
        broker_connection_retry_on_startup=True,
        result_expires=3600,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
    )
    return celery_app


def background_manager(loader: SharedLoader) -> tuple[Any, Any]:
    """The background callback manager of ``loader``'s job, and the Celery app or None.

    Celery with Redis when the settings name Redis (a queue of the spec's own),
    else diskcache on the very cache that holds the inventories.
    """
    settings = loader.settings
    if settings.redis_url:
        celery_app = make_celery(settings.redis_url, f"fkmap-{loader.ingest.spec.id}")
        return dash.CeleryManager(celery_app), celery_app  # type: ignore[no-untyped-call]
    cache = loader.ingest.cache
    if not isinstance(cache, DiskCache):
        raise TypeError(f"a diskcache manager needs a diskcache folder, not {cache.label}")
    return dash.DiskcacheManager(cache.handle), None  # type: ignore[no-untyped-call]
