"""The inventory report's remediation sections: status per service and phase, and the phase-2 SQL.

Remediation status
    ``build_report(..., phase_of=...)`` takes a function ``ForeignKey -> phase
    label``. Without tracking, :func:`default_phase` knows two: ``FK present``
    and ``Phase 2: FK dropped`` (``state == 'dropped'``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import networkx as nx

from exports._common import percent, service_label
from exports.document import Block, Bullets, Code, CodeBlock, Heading, Para, TableBlock
from exports.sqlgen import phase2_script
from model.inventory import ForeignKey

__all__ = ["DROPPED", "PRESENT", "default_phase", "remediation_section", "sql_section"]

PRESENT = "FK present"
DROPPED = "Phase 2: FK dropped"


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
    G: nx.MultiDiGraph, service: str | None, phase_of: Callable[[ForeignKey], str]
) -> list[Block]:
    """FKs per service and phase, share dropped, and the keys already dropped."""
    by_service = _dependent_fks(G, service)
    blocks: list[Block] = [Heading(2, "Remediation status")]
    if not by_service:
        blocks.append(Para(("No declared cross-service foreign keys to remediate.",)))
        return blocks
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
    done_rows = [
        (fk, ref) for name in sorted(by_service) for fk, ref in by_service[name] if fk.state == "dropped"
    ]
    if done_rows:
        blocks.append(Para(("Already dropped:",)))
        blocks.append(
            Bullets(
                tuple(
                    (
                        Code(fk.name),
                        f" on {fk.table.qualified} into {ref}",
                        *((" at ", Code(str(fk.dropped_at))) if fk.dropped_at else ()),
                    )
                    for fk, ref in done_rows
                )
            )
        )
    return blocks


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
