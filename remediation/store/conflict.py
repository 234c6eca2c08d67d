"""A lost race in the remediation store: who changed the record since it was loaded, and when.

:class:`ConflictError` is what :meth:`remediation.store.base.SqlStore.save`
raises when the record changed since the caller loaded it; its message says
who changed it, when, and what to do. :func:`utc_now` is the timestamp every
store write records.
"""

from __future__ import annotations

from datetime import UTC, datetime

from remediation.records import Record
from remediation.store.schema import StoreError

__all__ = ["ConflictError", "conflict_message", "utc_now", "what"]


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds: ``2026-11-14T10:42:05Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(at: str) -> str:
    """``10:42 UTC on 2026-11-14`` from an ISO timestamp (the text itself when unparsable).

    >>> _when("2026-11-14T10:42:05Z")
    '10:42 UTC on 2026-11-14'
    """
    try:
        t = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return at or "an unknown time"
    return f"{t:%H:%M} UTC on {t:%Y-%m-%d}"


def what(record: Record) -> str:
    """How messages name a record: by its key's description when it has one, else by its id."""
    return f"the record of {record.fk.text}" if record.fk is not None else f"the record of {record.fk_id}"


def conflict_message(loaded: Record, current: Record | None) -> str:
    """The message of a lost race: who changed the record, when, and what to do.

    >>> old = Record("k", uid="u", version=3)
    >>> print(conflict_message(old, Record("k", uid="u", version=4, updated_by="alice",
    ...                                    updated_at="2026-11-14T10:42:05Z")))
    the record of k was changed by alice at 10:42 UTC on 2026-11-14 since you loaded it (you have version 3, \
the store has version 4); reload and apply your change again
    """
    if current is None:
        return f"{what(loaded)} was removed or re-attached since you loaded it; reload"
    verb = "created" if loaded.version == 0 else "changed"
    return (
        f"{what(loaded)} was {verb} by {current.updated_by or 'someone'} at {_when(current.updated_at)} "
        f"since you loaded it (you have version {loaded.version}, the store has version {current.version}); "
        "reload and apply your change again"
    )


class ConflictError(StoreError):
    """A save lost a race: the record changed since the caller loaded it. ``current`` is the stored one."""

    def __init__(self, loaded: Record, current: Record | None) -> None:
        super().__init__(conflict_message(loaded, current))
        self.loaded = loaded
        self.current = current
