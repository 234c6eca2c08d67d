"""The phase of each foreign key, as the report and the dashboard's details name it, from loaded statuses.

:func:`statuses_phase_of` works on statuses already combined with the store
(:attr:`remediation.service.RemediationView.statuses`), so a caller that keeps
the scan's tracked keys (the dashboard, per scan) pays one read of the store and
no tracking; :func:`remediation.service.report_phase_of` is the same for an
inventory and a store.

Examples
--------
>>> phase_label(0), phase_label(2)
('Phase 0: Not started', 'Phase 2: FK dropped')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from model.inventory import ForeignKey
from remediation.fkid import fkid
from remediation.records import PHASE_LABELS
from remediation.status import Status

__all__ = ["phase_label", "phases_by_id", "statuses_phase_of"]


def phase_label(phase: int) -> str:
    """How the report names a phase."""
    return f"Phase {phase}: {PHASE_LABELS[phase]}"


def phases_by_id(statuses: Iterable[Status]) -> dict[str, int]:
    """``{fkid: phase reached}`` of every instance of each tracked key: its id, the ids of its
    migration history and those of the live-catalog keys it stands for (:func:`~remediation.fkid.fkid`)."""
    out: dict[str, int] = {}
    for s in statuses:
        it = s.item
        for fk in (it.fk, *it.history, *it.live):
            out.setdefault(fkid(fk), s.phase)
        out[it.id] = s.phase
    return out


def statuses_phase_of(statuses: Iterable[Status]) -> Callable[[ForeignKey], str]:
    """A ``phase_of``: :func:`phase_label` of a tracked key's phase; for a key that is not tracked
    (within one service, inferred) phase 2 when dropped, else phase 0."""
    phases = phases_by_id(statuses)

    def phase_of(fk: ForeignKey) -> str:
        phase = phases.get(fkid(fk))
        if phase is None:
            phase = 2 if fk.state == "dropped" else 0
        return phase_label(phase)

    return phase_of
