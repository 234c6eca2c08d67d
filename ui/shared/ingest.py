"""One ingest shared by every worker: the inventory in a shared cache, the scan behind a lock.

When several processes serve the dashboard (``gunicorn -w 4 app:server``, or
web and Celery containers), the scan must run once and every process must draw
the same inventory. :class:`SharedIngest` does that with three ideas:

Fingerprint
    The inventory is keyed by :func:`ui.shared.fingerprint.source_fingerprint`
    of the sources: a change of a file, the config or the code means a new scan.
Cache
    The inventory is stored under its fingerprint in a
    :class:`~ui.shared.cache.SharedCache`: a
    ``diskcache`` folder on one host, or Redis when the workers live on several
    hosts. It is stored as compressed, typed MessagePack (:func:`encode_inventory`):
    data only, checked field by field while it is read, never a pickle, so
    whoever can write to the cache can at worst make a page show an error, never
    run code in the workers. Entries expire after
    :data:`INVENTORY_TTL` seconds without use; a failed scan's message after
    :data:`ERROR_TTL`, so a later page load tries again.
Lock
    The first job to :meth:`SharedCache.add` the lock runs the scan; it renews
    the lock every few seconds and publishes its progress. Every other job
    *follows*: it mirrors that progress until the inventory (or the error)
    appears, and takes over when the lock expires (its holder died).

Nothing here imports Dash: :mod:`ui.shared.loader` and :mod:`ui.callbacks.ingest`
wire it to background callbacks.

Examples
--------
>>> import tempfile
>>> from model.inventory import Inventory
>>> from ui.shared.cache import open_shared_cache
>>> sources, cache_dir = tempfile.mkdtemp(), tempfile.mkdtemp()
>>> cache = open_shared_cache(cache_dir)
>>> shared = SharedIngest(IngestSpec((sources,)), cache, scanner=lambda s, c: Inventory())
>>> shared.run_or_follow(lambda p: None)
'ready'
>>> shared.inventory(shared.key()) == Inventory()
True
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from ingest.compact import compact
from model.inventory import Inventory
from ui.shared.cache import SharedCache
from ui.shared.fingerprint import IngestSpec, source_fingerprint

__all__ = [
    "ERROR_TTL",
    "INVENTORY_TTL",
    "LOCK_TTL",
    "Progress",
    "SharedIngest",
    "decode_inventory",
    "encode_inventory",
]

#: Seconds an unused inventory stays in the shared cache.
INVENTORY_TTL = 7 * 24 * 3600
#: Seconds a failed scan's message is served before a page load tries again.
ERROR_TTL = 120
#: Seconds the scan lock outlives its last renewal (a dead scanner is replaced after this).
LOCK_TTL = 60
_RENEW_EVERY = 5.0
_PREFIX = "fkmap:"

Scanner = Callable[[list[str], "str | None"], Inventory]
Outcome = Literal["ready", "error"]


# ---------------------------------------------------------------------------------------------- ingest
_INVENTORY = msgspec.msgpack.Decoder(Inventory)


def encode_inventory(inventory: Inventory) -> bytes:
    """The stored form: ``M`` + zlib(MessagePack of the inventory's fields).

    >>> decode_inventory(encode_inventory(Inventory())) == Inventory()
    True
    """
    return b"M" + zlib.compress(msgspec.msgpack.encode(inventory), 6)


def decode_inventory(blob: bytes) -> Inventory:
    """Read :func:`encode_inventory` output, checking every field's type; a pickle is never read.

    Raises ValueError for anything else.

    >>> decode_inventory(b"P" + b"cos\\nsystem\\n(S'touch /tmp/x'\\ntR.")
    Traceback (most recent call last):
    ...
    ValueError: not a stored inventory (kind b'P')
    """
    kind, body = blob[:1], blob[1:]
    if kind != b"M":
        raise ValueError(f"not a stored inventory (kind {kind!r})")
    try:
        return compact(_INVENTORY.decode(zlib.decompress(body)))  # one object per repeated value
    except (zlib.error, msgspec.DecodeError) as exc:
        raise ValueError(f"not a stored inventory: {exc}") from None


@dataclass(frozen=True)
class Progress:
    """A running scan's progress: ``percent`` is None while no estimate exists."""

    percent: float | None
    text: str
    started: float

    def to_bytes(self) -> bytes:
        return json.dumps({"percent": self.percent, "text": self.text, "started": self.started}).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Progress | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(data["percent"], str(data["text"]), float(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None


class SharedIngest:
    """The scan of ``spec`` through ``cache``: run it once, let everyone else follow.

    ``scanner(sources, config_path)`` defaults to :func:`ownership.scan.scan` (looked up
    when called). See the module docstring.
    """

    def __init__(self, spec: IngestSpec, cache: SharedCache, *, scanner: Scanner | None = None) -> None:
        self.spec = spec
        self.cache = cache
        self._scanner = scanner

    # keys
    def key(self, now: float | None = None) -> str:
        """The fingerprint of the sources as they are now."""
        return source_fingerprint(self.spec, now)

    @staticmethod
    def _k(kind: str, key: str) -> str:
        return f"{_PREFIX}{kind}:{key}"

    # what the web workers read
    def has_inventory(self, key: str) -> bool:
        return self.cache.get(self._k("inv", key) + ":meta") is not None

    def inventory(self, key: str) -> Inventory | None:
        """The stored inventory of ``key`` (its lifetime renewed), or None."""
        blob = self.cache.get(self._k("inv", key))
        if blob is None:
            return None
        with contextlib.suppress(Exception):
            self.cache.touch(self._k("inv", key), INVENTORY_TTL)
            self.cache.touch(self._k("inv", key) + ":meta", INVENTORY_TTL)
        return decode_inventory(blob)

    def meta(self, key: str) -> dict[str, Any]:
        """Who scanned ``key``, when and how long it took ({} when not stored)."""
        raw = self.cache.get(self._k("inv", key) + ":meta")
        return dict(json.loads(raw)) if raw else {}

    def error(self, key: str) -> str:
        raw = self.cache.get(self._k("err", key))
        return raw.decode("utf-8", "replace") if raw else ""

    def progress(self, key: str) -> Progress | None:
        return Progress.from_bytes(self.cache.get(self._k("progress", key)))

    def forget(self, key: str) -> None:
        """Drop everything stored for ``key`` and the spec's estimate (the next page load scans again)."""
        for kind in ("inv", "err", "progress", "lock"):
            self.cache.delete(self._k(kind, key))
        self.cache.delete(self._k("inv", key) + ":meta")
        self.cache.delete(self._k("wanted", self.spec.id))
        self.cache.delete(self._k("duration", self.spec.id))

    def request(self, key: str) -> None:
        """Ask for ``key``: the next job scans for it (even where the files look different)."""
        self.cache.set(self._k("wanted", self.spec.id), key.encode(), ttl=INVENTORY_TTL)

    def wanted(self) -> str:
        raw = self.cache.get(self._k("wanted", self.spec.id))
        return raw.decode() if raw else self.key()

    # the job
    def run_or_follow(
        self, report: Callable[[Progress], None], *, poll: float = 0.5, key: str | None = None
    ) -> Outcome:
        """Make sure the inventory of ``key`` (default: the requested one) exists; its outcome.

        Runs the scan when nobody else does, otherwise mirrors the running
        scan's progress into ``report`` until it is stored or failed.
        """
        key = key or self.wanted()
        token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}".encode()
        while True:
            if self.has_inventory(key):
                return "ready"
            if self.error(key):
                return "error"
            if self.cache.add(self._k("lock", key), token, ttl=LOCK_TTL):
                return self._run(key, token, report)
            current = self.progress(key)
            if current is not None:
                report(current)
            time.sleep(poll)

    def _run(self, key: str, token: bytes, report: Callable[[Progress], None]) -> Outcome:
        started = time.time()
        expected = _float(self.cache.get(self._k("duration", self.spec.id)))
        count = len(self.spec.sources)
        reading = f"Reading {count} source{'s' if count != 1 else ''}"
        state = {"progress": Progress(2.0, f"{reading}…", started)}
        stop = threading.Event()
        order = threading.Lock()  # the heartbeat never repaints "Reading" over a later step

        def publish(progress: Progress, *, only_while_reading: bool = False) -> None:
            with order:
                if only_while_reading and not state["progress"].text.startswith(reading):
                    return
                state["progress"] = progress
                with contextlib.suppress(Exception):
                    self.cache.set(self._k("progress", key), progress.to_bytes(), ttl=LOCK_TTL)
                report(progress)

        def heartbeat() -> None:
            while not stop.wait(_RENEW_EVERY if expected is None else 1.0):
                with contextlib.suppress(Exception):
                    if self.cache.get(self._k("lock", key)) == token:
                        self.cache.set(self._k("lock", key), token, ttl=LOCK_TTL)
                elapsed = time.time() - started
                share = min(elapsed / expected, 0.97) if expected else None
                percent = 2.0 + 88.0 * share if share is not None else None
                publish(Progress(percent, f"{reading}… {elapsed:.0f} s", started), only_while_reading=True)

        beat = threading.Thread(target=heartbeat, name="fkmap-ingest-heartbeat", daemon=True)
        publish(state["progress"])
        beat.start()
        try:
            inventory = self._scan()
            publish(Progress(92.0, "Sharing the result with every worker…", started))
            blob = encode_inventory(inventory)
            seconds = round(time.time() - started, 3)
            meta = {
                "key": key,
                "by": f"{socket.gethostname()}:{os.getpid()}",
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": seconds,
                "tables": len(inventory.tables),
                "foreign_keys": len(inventory.foreign_keys),
                "bytes": len(blob),
            }
            self.cache.set(self._k("inv", key), blob, ttl=INVENTORY_TTL)
            self.cache.set(self._k("inv", key) + ":meta", json.dumps(meta).encode(), ttl=INVENTORY_TTL)
            self.cache.set(self._k("duration", self.spec.id), str(seconds).encode(), ttl=INVENTORY_TTL)
            outcome: Outcome = "ready"
            publish(Progress(100.0, "Done", started))
        except Exception as exc:
            from ingest.dsn import scrub

            message = scrub(f"{type(exc).__name__}: {exc}".strip())
            self.cache.set(self._k("err", key), message.encode(), ttl=ERROR_TTL)
            outcome = "error"
        finally:
            stop.set()
            beat.join()
            with contextlib.suppress(Exception):
                if self.cache.get(self._k("lock", key)) == token:
                    self.cache.delete(self._k("lock", key))
        return outcome

    def _scan(self) -> Inventory:
        if self._scanner is not None:
            return self._scanner(list(self.spec.sources), self.spec.config_path)
        from ownership import scan as scan_module

        return scan_module.scan(
            list(self.spec.sources), config_path=self.spec.config_path, infer=self.spec.infer
        )


def _float(raw: bytes | None) -> float | None:
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value and value > 0 else None
