"""The inventory report: :func:`build_report` makes the :class:`~exports.document.Report` of md and html.

It is the document teams write by hand today (executive summary, service-by-
service impact, cascade chains, remediation plan with its SQL), computed: every
figure comes from :mod:`graph.analysis`, every statement from
:mod:`exports.sqlgen`. This module holds the overview sections (summary,
service dependencies, migration files, diagnostics) and puts the report
together; :mod:`exports.report_impact` and :mod:`exports.report_remediation`
hold the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import networkx as nx

from exports._common import count, percent, prepare, service_label
from exports.document import Block, Bullets, Code, Heading, Para, Report, Strong, TableBlock, Text
from exports.report_impact import chains_section, cycles_section, impact_section
from exports.report_remediation import (
    TrackedTotals,
    default_phase,
    remediation_section,
    sql_section,
    totals_summary,
)
from graph.analysis import CascadeChain, cascade_chains, headline_figures, service_graph
from graph.scope import Scope, known_services
from model.inventory import ForeignKey, Inventory

__all__ = ["build_report", "default_phase"]


def _summary(
    G: nx.MultiDiGraph,
    inv: Inventory | None,
    chains: list[CascadeChain],
    whole: TrackedTotals | None,
    totals: TrackedTotals | None,
) -> list[Block]:
    """The executive summary; ``whole``: the totals when they cover every FK of ``G`` (no service scope)."""
    f = headline_figures(G)
    present = whole.count("present") if whole is not None else None
    if present is not None:  # tracked keys, as the overview's card counts them (not FK edges)
        f = {**f, "cross_service_fks": present}
    S = service_graph(G)
    cross = [
        d
        for _, _, d in G.edges(data=True)
        if d["cross_service"] and d["state"] == "present" and d["origin"] == "declared"
    ]
    by_action = Counter(d["on_delete"] for d in cross)
    coupled = {n for u, v, d in S.edges(data=True) if d["declared"] for n in (u, v)}
    uncoupled = sorted(s for s in S.nodes if s not in coupled)
    not_coupled = f"; not coupled: {', '.join(service_label(s) for s in uncoupled)}" if uncoupled else ""
    items: list[Text] = [
        (
            Strong("Services:"),
            f" {f['services']} ({f['services_coupled']} coupled by cross-service FKs{not_coupled})",
        ),
        (Strong("Tables:"), f" {f['tables']} defined"),
        (
            Strong("Foreign keys:"),
            f" {f['foreign_keys']} present, ",
            Strong(f"{f['cross_service_fks']} across service boundaries"),
            f" ({count(int(f['service_dependencies'] or 0), 'service dependency', 'service dependencies')})",
        ),
    ]
    if f["inferred_references"]:
        items.append(
            (
                Strong("Inferred references:"),
                f" {f['inferred_references']} across services, from column names (no constraint; "
                "counted apart from the foreign keys)",
            )
        )
    if cross:
        mix = ", ".join(f"{action} {by_action[action]}" for action in sorted(by_action))
        items.append((Strong("ON DELETE across services:"), f" {mix}"))
    incoming: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for u, v, d in S.edges(data=True):
        if d["declared"]:
            incoming[v].append((u, int(d["declared"])))
    if incoming:
        top = max(sorted(incoming), key=lambda s: sum(w for _, w in incoming[s]))
        deps = sorted(u for u, _ in incoming[top])
        total = sum(w for _, w in incoming[top])
        items.append(
            (
                Strong("Most depended on:"),
                f" {service_label(top)} ({count(total, 'FK')} from {count(len(deps), 'service')}: "
                f"{', '.join(deps)})",
            )
        )
    crossing = sum(len(c.crossing) for c in chains)
    items.append(
        (
            Strong("Cascade chains across services:"),
            f" {len(chains)} (deletes in {count(len({c.root for c in chains}), 'root table')} "
            f"reach other services through {count(crossing, 'step')})",
        )
    )
    items.append((Strong("Service cycles:"), f" {f['service_cycles']}"))
    items.append(
        (
            Strong("Fresh-database failures:"),
            f" {count(int(f['fresh_db_failures'] or 0), 'FK')} into tables their own database never creates",
        )
    )
    if totals is not None:
        items.append(totals_summary(totals))
    else:
        dropped = int(f["cross_service_dropped"] or 0)
        total = dropped + int(f["cross_service_fks"] or 0)
        items.append(
            (
                Strong("Remediation:"),
                f" {dropped} of {count(total, 'cross-service FK')} dropped ({percent(dropped, total)})",
            )
        )
    if inv is not None:
        sev = Counter(d.severity for d in inv.diagnostics)
        items.append(
            (
                Strong("Diagnostics:"),
                f" {count(sev['error'], 'error')}, {count(sev['warning'], 'warning')}, {sev['info']} info",
            )
        )
    return [Heading(2, "Executive summary"), Bullets(tuple(items))]


def _dependencies(G: nx.MultiDiGraph) -> list[Block]:
    S = service_graph(G)
    rows = []
    for u, v, d in sorted(S.edges(data=True), key=lambda e: (e[0], e[1])):
        rows.append(
            (
                (u,),
                (v,),
                (str(d["weight"]),),
                (str(d["cascade"]),),
                (str(d["set_null"] + d["set_default"]),),
                (str(d["no_action"] + d["restrict"]),),
            )
        )
    header = ("Dependent", "Owner", "FKs", "CASCADE", "SET NULL/DEFAULT", "NO ACTION/RESTRICT")
    blocks: list[Block] = [Heading(2, "Service dependencies")]
    if rows:
        blocks.append(TableBlock(header, tuple(rows), numeric=(2, 3, 4, 5)))
    else:
        blocks.append(Para(("No present cross-service foreign keys.",)))
    return blocks


def _files(G: nx.MultiDiGraph) -> list[Block]:
    """Migration files (or catalogs) that add cross-service FKs: the review starting points."""
    found: dict[str, list[ForeignKey]] = defaultdict(list)
    for _, _, d in G.edges(data=True):
        fk = d["fk"]
        if d["cross_service"] and d["origin"] == "declared" and fk.added_at is not None:
            found[fk.added_at.path].append(fk)
    if not found:
        return []
    rows = []
    for path in sorted(found):
        fks = found[path]
        lines = sorted({fk.added_at.line for fk in fks if fk.added_at and fk.added_at.line})
        rows.append(
            (
                (Code(path),),
                (str(sum(1 for fk in fks if fk.state == "present")),),
                (str(sum(1 for fk in fks if fk.state == "dropped")),),
                (", ".join(map(str, lines)),),
            )
        )
    return [
        Heading(2, "Migration files adding cross-service FKs"),
        TableBlock(("File", "Present", "Dropped since", "Lines"), tuple(rows), (1, 2)),
    ]


def _diagnostics(inv: Inventory | None) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Diagnostics")]
    if inv is None:
        blocks.append(Para(("Not available: the report was made from a graph, not a scan.",)))
        return blocks
    if not inv.diagnostics:
        blocks.append(Para(("None.",)))
        return blocks
    order = {"error": 0, "warning": 1, "info": 2}
    diags = sorted(inv.diagnostics, key=lambda d: (order.get(d.severity, 3), d.path, d.line, d.message))
    rows = tuple(
        (
            (d.severity,),
            (Code(d.code),) if d.code else ("",),
            (Code(str(d.location)),) if d.path else ("",),
            (d.message,),
        )
        for d in diags
    )
    blocks.append(TableBlock(("Severity", "Code", "Where", "Message"), rows))
    return blocks


def build_report(
    source: Inventory | nx.MultiDiGraph,
    *,
    scope: Scope | None = None,
    phase_of: Callable[[ForeignKey], str] | None = None,
    title: str = "Cross-service foreign key inventory",
    totals: TrackedTotals | None = None,
) -> Report:
    """The inventory report of ``source`` in ``scope`` (dropped FKs always count for remediation).

    ``totals``: the tracked keys' totals (:func:`remediation.totals.report_totals`), the same
    figures the dashboard and ``fkmap plan status`` show, each with its definition. Without them
    (a bare graph) the remediation status counts FK edges by ``phase_of`` (else
    :func:`default_phase`: present/dropped).

    With ``scope.service`` the impact, remediation and SQL sections cover that
    service only and cascade chains those that touch it.
    """
    p = prepare(source, scope, level="tables", include_dropped=True)
    G = p.tables
    service = p.scope.service
    chains = cascade_chains(G)
    if service is not None:
        chains = [c for c in chains if service in c.services]
    sources = p.inventory.sources if p.inventory is not None else ()
    intro: list[Block] = [
        Para(
            (
                "Generated by fkmap from ",
                *(
                    x
                    for i, s in enumerate(sources)
                    for x in ((", " if i else ""), Code(s.label), f" ({s.kind})")
                    if x != ""
                ),
                *(() if sources else ("a graph",)),
                f". Scope: {p.scope.describe()}.",
            )
        )
    ]
    services = [service] if service is not None else known_services(p.full)
    blocks = [
        *intro,
        *_summary(G, p.inventory, chains, totals if service is None else None, totals),
        *_dependencies(G),
        *_files(G),
        *impact_section(G, services),
        *chains_section(G, chains),
        *cycles_section(G),
        *remediation_section(G, service, phase_of or default_phase, totals),
        *sql_section(G, service),
        *_diagnostics(p.inventory),
    ]
    return Report(title, tuple(blocks))
