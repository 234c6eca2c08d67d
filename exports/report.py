"""The inventory report as a small document model, rendered by ``markdown.py`` and ``html.py``.

It is the document teams write by hand today (executive summary, service-by-
service impact, cascade chains, remediation plan with its SQL), computed: every
figure comes from :mod:`graph.analysis`, every statement from
:mod:`exports.sqlgen`. Names stay plain strings here; each renderer escapes them
for its own format.

Remediation status
    ``build_report(..., phase_of=...)`` takes a function ``ForeignKey -> phase
    label``. Until issue 5 tracks phases, :func:`default_phase` knows two:
    ``FK present`` and ``Phase 2: FK dropped`` (``state == 'dropped'``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

import networkx as nx

from exports._common import prepare, service_label
from exports.sqlgen import phase2_script
from graph.analysis import CascadeChain, cascade_chains, headline_figures, service_cycles, service_graph
from graph.impact import service_impact, summary_sentences
from graph.scope import Scope, known_services
from model.inventory import ForeignKey, Inventory

__all__ = [
    "Block",
    "Bullets",
    "Code",
    "CodeBlock",
    "Heading",
    "Inline",
    "Para",
    "Report",
    "Strong",
    "TableBlock",
    "build_report",
    "default_phase",
]


@dataclass(frozen=True)
class Code:
    """Inline code (an identifier, a path)."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Emphasised text."""

    text: str


Inline = Union[str, Code, Strong]  # noqa: UP007 - a runtime alias
Text = tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    parts: Text


@dataclass(frozen=True)
class Bullets:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass(frozen=True)
class CodeBlock:
    lang: str
    text: str


Block = Union[Heading, Para, Bullets, TableBlock, CodeBlock]  # noqa: UP007


@dataclass(frozen=True)
class Report:
    title: str
    blocks: tuple[Block, ...] = field(default=())


PRESENT = "FK present"
DROPPED = "Phase 2: FK dropped"


def default_phase(fk: ForeignKey) -> str:
    """The remediation phase known without tracking: present or dropped (phase 2 done)."""
    return DROPPED if fk.state == "dropped" else PRESENT


def _n(k: int, noun: str, plural: str = "") -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {plural or noun + 's'}"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _cols(cols: Sequence[str]) -> str:
    return cols[0] if len(cols) == 1 else "(" + ", ".join(cols) + ")"


def _summary(G: nx.MultiDiGraph, inv: Inventory | None, chains: list[CascadeChain]) -> list[Block]:
    f = headline_figures(G)
    S = service_graph(G)
    cross = [d for _, _, d in G.edges(data=True) if d["cross_service"] and d["state"] == "present"]
    by_action = Counter(d["on_delete"] for d in cross)
    uncoupled = sorted(s for s in S.nodes if S.degree(s) == 0)
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
            f" ({_n(int(f['service_dependencies'] or 0), 'service dependency', 'service dependencies')})",
        ),
    ]
    if cross:
        mix = ", ".join(f"{action} {by_action[action]}" for action in sorted(by_action))
        items.append((Strong("ON DELETE across services:"), f" {mix}"))
    incoming: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for u, v, d in S.edges(data=True):
        incoming[v].append((u, int(d["weight"])))
    if incoming:
        top = max(sorted(incoming), key=lambda s: sum(w for _, w in incoming[s]))
        deps = sorted(u for u, _ in incoming[top])
        total = sum(w for _, w in incoming[top])
        items.append(
            (
                Strong("Most depended on:"),
                f" {service_label(top)} ({_n(total, 'FK')} from {_n(len(deps), 'service')}: "
                f"{', '.join(deps)})",
            )
        )
    crossing = sum(len(c.crossing) for c in chains)
    items.append(
        (
            Strong("Cascade chains across services:"),
            f" {len(chains)} (deletes in {_n(len({c.root for c in chains}), 'root table')} "
            f"reach other services through {_n(crossing, 'step')})",
        )
    )
    items.append((Strong("Service cycles:"), f" {f['service_cycles']}"))
    items.append(
        (
            Strong("Fresh-database failures:"),
            f" {_n(int(f['fresh_db_failures'] or 0), 'FK')} into tables their own database never creates",
        )
    )
    dropped = int(f["cross_service_dropped"] or 0)
    total = dropped + int(f["cross_service_fks"] or 0)
    items.append(
        (
            Strong("Remediation:"),
            f" {dropped} of {_n(total, 'cross-service FK')} dropped ({_pct(dropped, total)})",
        )
    )
    if inv is not None:
        sev = Counter(d.severity for d in inv.diagnostics)
        items.append(
            (
                Strong("Diagnostics:"),
                f" {_n(sev['error'], 'error')}, {_n(sev['warning'], 'warning')}, {sev['info']} info",
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


def _impact(G: nx.MultiDiGraph, services: list[str]) -> list[Block]:
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


def _chains(G: nx.MultiDiGraph, chains: list[CascadeChain]) -> list[Block]:
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
                    f" ({service_label(chain.service)}) deletes rows in {_n(len(chain.steps), 'table')}"
                    f" of {_n(len(others), 'other service')}: {', '.join(others) or '-'}.",
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


def _cycles(G: nx.MultiDiGraph) -> list[Block]:
    cycles = service_cycles(G)
    blocks: list[Block] = [Heading(2, "Service cycles")]
    if not cycles:
        blocks.append(Para(("No group of services depends on each other.",)))
    else:
        blocks.append(Bullets(tuple((" -> ".join([*c, c[0]]),) for c in cycles)))
    return blocks


def _dependent_fks(G: nx.MultiDiGraph, service: str | None) -> dict[str, list[tuple[ForeignKey, str]]]:
    found: dict[str, list[tuple[ForeignKey, str]]] = defaultdict(list)
    for _, _, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["fk"].name)):
        if d["cross_service"] and d["origin"] == "declared" and (service is None or d["service"] == service):
            found[d["service"]].append((d["fk"], d["ref_service"]))
    return found


def _remediation(
    G: nx.MultiDiGraph, service: str | None, phase_of: Callable[[ForeignKey], str]
) -> list[Block]:
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
                (_pct(done, total),),
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


def _sql(G: nx.MultiDiGraph, service: str | None) -> list[Block]:
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
    phase_of: Callable[[ForeignKey], str] = default_phase,
    title: str = "Cross-service foreign key inventory",
) -> Report:
    """The inventory report of ``source`` in ``scope`` (dropped FKs always count for remediation).

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
        *_summary(G, p.inventory, chains),
        *_dependencies(G),
        *_files(G),
        *_impact(G, services),
        *_chains(G, chains),
        *_cycles(G),
        *_remediation(G, service, phase_of),
        *_sql(G, service),
        *_diagnostics(p.inventory),
    ]
    return Report(title, tuple(blocks))
