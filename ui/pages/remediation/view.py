"""What the remediation page reads: the scan's tracked keys (cached per scan) with the store's records.

:func:`remediation_view` is one read of the store combined with the scan
(:class:`remediation.service.RemediationView`); the tracked keys and the git
dates of the burn-down are cached per scan fingerprint, so the page's
frequent re-reads only cost the store query. :func:`parse_search` and
:func:`to_search` are the page's URL query: ``?svc=<service>&fk=<fk id>``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from remediation.handle import StoreHandle
from remediation.service import RemediationView, load_view
from remediation.store.base import SqlStore
from remediation.store.schema import StoreError
from remediation.tracking import TrackedFk, tracked_fks
from remediation.views import BurnDown, burndown, git_added_dates
from ui.data import AppData

__all__ = [
    "ALL",
    "burndown_for",
    "parse_search",
    "remediation_view",
    "service_of_key",
    "to_search",
    "tracked_items",
    "tracked_view",
]

#: The service filter's value for every service.
ALL = ""


@lru_cache(maxsize=8)
def tracked_items(data: AppData) -> tuple[TrackedFk, ...]:
    """The tracked cross-service keys of the scan (cached per fingerprint)."""
    return tuple(tracked_fks(data.inventory, graph=data.graph))  # the app's graph holds dropped FKs


def service_of_key(data: AppData, fk_id: str) -> str:
    """The dependent service of the tracked key ``fk_id`` ('' when unknown)."""
    return next((it.service for it in tracked_items(data) if it.id == fk_id), "")


def remediation_view(data: AppData, store: SqlStore) -> RemediationView:
    """Read the store and combine it with the scan (the revision names the scan's fingerprint)."""
    return load_view(tracked_items(data), store, scan=data.fingerprint)


def tracked_view(data: AppData, handle: StoreHandle) -> RemediationView:
    """:func:`remediation_view` of the handle's store; the scan alone (no record) when the store
    cannot be opened, so the totals stay those of the tracked keys."""
    try:
        store: SqlStore | None = handle.get()
    except StoreError:
        store = None
    return load_view(tracked_items(data), store, scan=data.fingerprint)


@lru_cache(maxsize=4)
def _git_dates(data: AppData) -> dict[str, str]:
    roots = [s.label for s in data.inventory.sources if s.kind == "migrations"]
    return git_added_dates(roots[0]) if len(roots) == 1 and Path(roots[0]).is_dir() else {}


def burndown_for(data: AppData, axis: str) -> BurnDown:
    """The burn-down of the scan; dates from file names, else git (one call, cached)."""
    if axis == "date":
        return burndown(data.inventory, tracked_items(data), axis="date", dates=_git_dates(data))
    return burndown(data.inventory, tracked_items(data))


def parse_search(search: str | None) -> tuple[str, str]:
    """``(service, fk id)`` from the query string.

    >>> parse_search("?svc=content&fk=a.sql%3A3%23x")
    ('content', 'a.sql:3#x')
    """
    q = parse_qs((search or "").lstrip("?"))
    return q.get("svc", [""])[-1], q.get("fk", [""])[-1]


def to_search(service: str, fk_id: str, present: bool = False) -> str:
    """The query string for a service filter and a selected key.

    >>> to_search("content", "a.sql:3#x", present=True)
    '?svc=content&fk=a.sql%3A3%23x&present=1'
    """
    pairs = [(k, v) for k, v in (("svc", service), ("fk", fk_id)) if v]
    if present:
        pairs.append(("present", "1"))
    return "?" + urlencode(pairs) if pairs else ""
