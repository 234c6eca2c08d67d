"""The inventory report's coupling sections: service-by-service impact, cascade chains, service cycles.

Each function returns the blocks of one section of :func:`exports.report.build_report`.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from exports._common import count, service_label
from exports.document import Block, Bullets, Code, Heading, Para, Strong, TableBlock, Text
from graph.analysis import CascadeChain, service_cycles
from graph.impact import service_impact, summary_sentences

__all__ = ["chains_section", "cycles_section", "impact_section"]


def _cols(cols: Sequence[str]) -> str:
    return cols[0] if len(cols) == 1 else "(" + ", ".join(cols) + ")"


def impact_section(G: nx.MultiDiGraph, services: list[str]) -> list[Block]:
    """Per service: its FKs into other services, the FKs into it, what that means."""
    blocks: list[Block] = [Heading(2, "Service-by-service impact")]
    shown = 0
    for service in services:
        impact = service_impact(G, service)
        if not impact.outgoing and not impact.incoming:
            continue
        shown += 1
        blocks.append(Heading(3, service_label(service)))
        if impact.outgoing:
            blocks.append(Para((Strong("Tables with FKs into other services:"),)))
            rows: tuple[tuple[Text, ...], ...] = tuple(
                (
                    (Code(f"{r.table.qualified}.{_cols(r.columns)}"),),
                    (
                        r.other_service + " ",
                        Code(f"{r.ref_table.qualified}({', '.join(r.ref_columns)})"),
                        *((" (local copy)",) if r.replica else ()),
                    ),
                    (r.on_delete,),
                    (r.state if r.origin == "declared" else f"{r.state}, inferred",),
                    (Code(r.defined_at),) if r.defined_at else ("",),
                )
                for r in impact.outgoing
            )
            blocks.append(TableBlock(("Table.column", "References", "ON DELETE", "State", "Added at"), rows))
        if impact.incoming:
            blocks.append(Para((Strong("Referenced by other services:"),)))
            rows = tuple(
                (
                    (r.other_service,),
                    (Code(f"{r.table.qualified}.{_cols(r.columns)}"),),
                    (Code(f"{r.ref_table.qualified}({', '.join(r.ref_columns)})"),),
                    (r.on_delete,),
                    (r.state if r.origin == "declared" else f"{r.state}, inferred",),
                )
                for r in impact.incoming
            )
            blocks.append(TableBlock(("Service", "Table.column", "References", "ON DELETE", "State"), rows))
        sentences = summary_sentences(impact)
        if sentences:
            blocks.append(Para((Strong("Impact:"),)))
            blocks.append(Bullets(tuple((s,) for s in sentences)))
    if not shown:
        blocks.append(Para(("No service has foreign keys into another service.",)))
    return blocks


def chains_section(G: nx.MultiDiGraph, chains: list[CascadeChain]) -> list[Block]:
    """Each ON DELETE CASCADE chain that crosses a service boundary, step by step."""
    blocks: list[Block] = [Heading(2, "Cascade chains")]
    if not chains:
        blocks.append(Para(("No ON DELETE CASCADE chain crosses a service boundary.",)))
        return blocks
    for chain in chains:
        others = [s for s in chain.services if s != chain.service]
        blocks.append(
            Para(
                (
                    "Deleting a row of ",
                    Code(chain.root.qualified),
                    f" ({service_label(chain.service)}) deletes rows in {count(len(chain.steps), 'table')}"
                    f" of {count(len(others), 'other service')}: {', '.join(others) or '-'}.",
                )
            )
        )
        rows = tuple(
            (
                (str(step.depth),),
                (Code(step.table.qualified),),
                (service_label(step.service),),
                (Code(step.parent.qualified),),
                tuple(x for fk in step.fks for x in (Code(fk.name), " "))[:-1] or ("",),
                ("yes" if step.cross_service else "",),
            )
            for step in chain.steps
        )
        blocks.append(TableBlock(("Depth", "Table", "Service", "Deleted with", "FK", "Crosses"), rows, (0,)))
    return blocks


def cycles_section(G: nx.MultiDiGraph) -> list[Block]:
    """Groups of services that depend on each other."""
    cycles = service_cycles(G)
    blocks: list[Block] = [Heading(2, "Service cycles")]
    if not cycles:
        blocks.append(Para(("No group of services depends on each other.",)))
    else:
        blocks.append(Bullets(tuple((" -> ".join([*c, c[0]]),) for c in cycles)))
    return blocks
