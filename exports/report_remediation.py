"""The inventory report's remediation sections: status per service and phase, and the phase-2 SQL.

Remediation status
    ``build_report(..., totals=...)`` takes the totals of the tracked keys as
    :mod:`remediation.totals` defines them (:class:`TrackedTotals`: each total
    with its label, value and one-line definition); :func:`totals_section` and
    :func:`totals_summary` write them. A report of a bare graph has no tracked
    keys: it counts FK edges per phase label instead (``phase_of``, else
    :func:`default_phase`, which knows two: ``FK present`` and ``Phase 2: FK
    dropped``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx

from exports._common import percent, service_label
from exports.document import Block, Bullets, Code, CodeBlock, Heading, Inline, Para, Strong, TableBlock
from exports.sqlgen import phase2_script
from model.inventory import ForeignKey

__all__ = [
    "DROPPED",
    "PRESENT",
    "DroppedKey",
    "PairTotal",
    "ReportTotal",
    "TrackedTotals",
    "default_phase",
    "remediation_section",
    "sql_section",
    "totals_section",
    "totals_sentence",
    "totals_summary",
]

PRESENT = "FK present"
DROPPED = "Phase 2: FK dropped"


@dataclass(frozen=True)
class ReportTotal:
    """One total as the report shows it: its label, its value as text, its one-line definition."""

    key: str
    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class DroppedKey:
    """A tracked key the sources show as gone: its constraint, table, owner service, where dropped."""

    name: str
    table: str
    ref_service: str
    dropped_at: str = ""


@dataclass(frozen=True)
class PairTotal:
    """The tracked keys from one dependent ``service`` into ``ref_service``: present and dropped."""

    service: str
    ref_service: str
    present: int
    dropped: int


@dataclass(frozen=True)
class TrackedTotals:
    """The totals of the tracked keys (:func:`remediation.totals.report_totals`): overall, per
    dependent service (the columns of the per-service table), the dropped keys themselves, and
    per dependent -> owner pair (the text report's per-service blocks)."""

    overall: tuple[ReportTotal, ...]
    services: tuple[tuple[str, tuple[ReportTotal, ...]], ...] = ()
    dropped: tuple[DroppedKey, ...] = ()
    pairs: tuple[PairTotal, ...] = ()

    def get(self, key: str) -> ReportTotal | None:
        """The overall total called ``key``, or None."""
        return next((t for t in self.overall if t.key == key), None)

    def count(self, key: str) -> int | None:
        """The overall count called ``key`` as a number (None when absent or not a count)."""
        total = self.get(key)
        text = total.value.replace(",", "") if total is not None else ""
        return int(text) if text.isdigit() else None

    def pair(self, service: str, ref_service: str) -> PairTotal:
        """The keys from ``service`` into ``ref_service`` (zero of each when none is tracked)."""
        found = (p for p in self.pairs if (p.service, p.ref_service) == (service, ref_service))
        return next(found, PairTotal(service, ref_service, 0, 0))


def totals_summary(totals: TrackedTotals) -> tuple[Inline, ...]:
    """The executive summary's remediation line: dropped of tracked, and the share remediated."""
    parts = [totals.get(k) for k in ("dropped", "tracked", "remediated")]
    if any(p is None for p in parts):
        return (Strong("Remediation:"), " see the remediation status")
    dropped, tracked, share = (p for p in parts if p is not None)
    return (
        Strong("Remediation:"),
        f" {dropped.value} of {tracked.value} tracked cross-service FKs dropped ({share.value} remediated)",
    )


def totals_sentence(totals: TrackedTotals) -> str:
    """:func:`totals_summary` as plain text, for the text report."""
    return "".join(p if isinstance(p, str) else p.text for p in totals_summary(totals))


def totals_section(totals: TrackedTotals) -> list[Block]:
    """Every total with its definition, then the per-service table of the same totals."""
    blocks: list[Block] = [
        Bullets(tuple((Strong(f"{t.label}:"), f" {t.value} — {t.definition}") for t in totals.overall)),
    ]
    if totals.services:
        header = ("Service", *(t.label for t in totals.services[0][1]))
        rows = tuple(((service_label(name),), *((t.value,) for t in row)) for name, row in totals.services)
        blocks.append(TableBlock(header, rows, tuple(range(1, len(header)))))
    return blocks


def default_phase(fk: ForeignKey) -> str:
    """The remediation phase known without tracking: present or dropped (phase 2 done)."""
    return DROPPED if fk.state == "dropped" else PRESENT


def _dependent_fks(G: nx.MultiDiGraph, service: str | None) -> dict[str, list[tuple[ForeignKey, str]]]:
    found: dict[str, list[tuple[ForeignKey, str]]] = defaultdict(list)
    for _, _, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["fk"].name)):
        if d["cross_service"] and d["origin"] == "declared" and (service is None or d["service"] == service):
            found[d["service"]].append((d["fk"], d["ref_service"]))
    return found


def remediation_section(
    G: nx.MultiDiGraph,
    service: str | None,
    phase_of: Callable[[ForeignKey], str],
    totals: TrackedTotals | None = None,
) -> list[Block]:
    """The tracked keys' ``totals`` (else FK edges per service and phase label, share dropped),
    and the keys already dropped."""
    by_service = _dependent_fks(G, service)
    blocks: list[Block] = [Heading(2, "Remediation status")]
    if not by_service:
        blocks.append(Para(("No declared cross-service foreign keys to remediate.",)))
        return blocks
    if totals is not None:
        return [*blocks, *totals_section(totals), *_dropped_list(totals.dropped)]
    phases = sorted({phase_of(fk) for fks in by_service.values() for fk, _ in fks})
    rows = []
    for name in sorted(by_service):
        counts = Counter(phase_of(fk) for fk, _ in by_service[name])
        total = sum(counts.values())
        done = counts.get(DROPPED, 0)
        rows.append(
            (
                (service_label(name),),
                *((str(counts.get(p, 0)),) for p in phases),
                (str(total),),
                (percent(done, total),),
            )
        )
    header = ("Service", *phases, "Total", "Dropped")
    blocks.append(TableBlock(header, tuple(rows), tuple(range(1, len(header)))))
    return blocks + _already_dropped(by_service)


def _already_dropped(by_service: dict[str, list[tuple[ForeignKey, str]]]) -> list[Block]:
    return _dropped_list(
        [
            DroppedKey(fk.name, fk.table.qualified, ref, str(fk.dropped_at) if fk.dropped_at else "")
            for name in sorted(by_service)
            for fk, ref in by_service[name]
            if fk.state == "dropped"
        ]
    )


def _dropped_list(keys: Sequence[DroppedKey]) -> list[Block]:
    if not keys:
        return []
    items = tuple(
        (
            Code(k.name),
            f" on {k.table} into {k.ref_service}",
            *((" at ", Code(k.dropped_at)) if k.dropped_at else ()),
        )
        for k in keys
    )
    return [Para(("Already dropped:",)), Bullets(items)]


def sql_section(G: nx.MultiDiGraph, service: str | None) -> list[Block]:
    """Per service, the script that drops its present cross-service FKs."""
    blocks: list[Block] = [Heading(2, "Phase 2 SQL: drop the foreign keys")]
    by_service = _dependent_fks(G, service)
    present = {s: [(fk, ref) for fk, ref in rows if fk.state == "present"] for s, rows in by_service.items()}
    present = {s: rows for s, rows in present.items() if rows}
    if not present:
        blocks.append(Para(("Nothing left to drop.",)))
        return blocks
    blocks.append(
        Para(
            (
                "Run each service's script in that service's database once its application-level "
                "checks are live. Constraint names are exact; ",
                Code("IF EXISTS"),
                " makes a script safe to re-run.",
            )
        )
    )
    for name in sorted(present):
        blocks.append(Heading(3, service_label(name)))
        blocks.append(CodeBlock("sql", phase2_script(name, present[name])))
    return blocks
