"""The ``table`` format: the readable report ``fkmap scan`` prints, the FK inventory computed.

It follows the hand-written inventories teams keep today: headline figures;
first of all the foreign keys into (and out of) tables no service owns, whose
coupling is unknown, with the next step (``fkmap init``); then per service what
it depends on (``messaging -> auth (3 FKs, 1 CASCADE)``
with one row per FK, dropped ones included, and the plain-language
consequences); then per service who depends on it (``auth <- content,
messaging``) and what that means for it; shared tables (a service's code using
a table another service owns, per pair, with ``path:line``); service cycles;
ON DELETE CASCADE chains that cross services; and the diagnostics.

Text only; ``style(text, role)`` may decorate ``heading``, ``warn`` and
``muted`` pieces (the CLI passes a :func:`click.style` wrapper; terminals
without colour strip it).

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
>>> inv = Inventory(
...     tables=(Table(p, service="content"), Table(u, service="auth")),
...     foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",), on_delete="CASCADE",
...                              added_at=Location("m/003_posts.sql", 4)),),
... )
>>> print(render_table(inv).split("\\n\\n")[1])
content -> auth (1 FK, 1 CASCADE)
  posts.user_id -> users(id)  CASCADE  present  m/003_posts.sql:4
  - Cannot deploy content without auth's database: 1 foreign key into auth (users).
  - Deleting a row of auth.users cascades into 1 content table: posts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TextIO

import networkx as nx

from exports._common import count, whole_scan
from exports.ownership_text import UnownedFigures, shared_section, unowned_figures, unowned_section
from exports.report_remediation import PairTotal, TrackedTotals, totals_sentence
from graph.analysis import CascadeChain, cascade_chains, headline_figures, service_cycles, service_graph
from graph.build import build_graph
from graph.impact import ImpactRow, ServiceImpact, column_label, service_impact, summary_sentences
from graph.scope import Scope
from model.escape import display_inventory
from model.inventory import Diagnostic, Inventory, TableRef

__all__ = ["DIAGNOSTICS_SHOWN", "STEPS_SHOWN", "Style", "render_table", "write_table"]

Style = Callable[[str, str], str]
#: How many diagnostics and cascade steps the table report shows before "... N more".
DIAGNOSTICS_SHOWN = 5
STEPS_SHOWN = 12


def _plain(text: str, role: str) -> str:
    return text


def _table_name(ref: TableRef) -> str:
    return ref.name if ref.schema in ("", "public") else ref.qualified


def _flags(row: ImpactRow) -> str:
    flags = [
        flag
        for flag, on in (
            ("inferred", row.origin != "declared"),
            ("NOT VALID", not row.validated),
            ("fails on a fresh database", row.fresh_db_failure and row.state == "present"),
            (f"local copy of {row.other_service} data", row.replica),
            ("ON DELETE by the application", row.by_application),
        )
        if on
    ]
    return f"[{', '.join(flags)}]" if flags else ""


def _rows(rows: Sequence[ImpactRow]) -> list[str]:
    cells = []
    for r in rows:
        label = column_label(r)
        if r.table.schema not in ("", "public"):
            label = f"{r.table.schema}.{label}"
        ref = f"{_table_name(r.ref_table)}({', '.join(r.ref_columns)})"
        cells.append([f"{label} -> {ref}", r.on_delete, r.state, r.defined_at or "-", _flags(r)])
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    return [
        "  " + "  ".join(c[i].ljust(widths[i]) if i < 4 else c[i] for i in range(5)).rstrip() for c in cells
    ]


def _counts(rows: Sequence[ImpactRow], tracked: PairTotal | None = None) -> str:
    """``2 FKs, 1 CASCADE; 1 dropped; 3 inferred``: inferred references counted apart from the FKs.

    With ``tracked`` (the pair's tracked keys, :func:`remediation.totals.report_totals`) the FKs
    present and dropped are those totals: a key seen twice, or dropped and added again, counts once.
    """
    inferred = sum(1 for r in rows if r.origin != "declared")
    declared = [r for r in rows if r.origin == "declared"]
    present = [r for r in declared if r.state == "present"]
    cascade = sum(1 for r in present if r.on_delete == "CASCADE")
    n_present, dropped = len(present), len(declared) - len(present)
    if tracked is not None:
        n_present, dropped = tracked.present, tracked.dropped
    parts = [f"{count(n_present, 'FK')}, {cascade} CASCADE"] if declared or not inferred else []
    parts += [f"{dropped} dropped"] if dropped else []
    parts += [count(inferred, "inferred reference")] if inferred else []
    return "; ".join(parts)


def _incoming(impact: ServiceImpact, totals: TrackedTotals | None) -> PairTotal | None:
    """The tracked keys into ``impact.service`` from every dependent, summed (None without totals)."""
    if totals is None:
        return None
    into = [p for p in totals.pairs if p.ref_service == impact.service]
    return PairTotal("", impact.service, sum(p.present for p in into), sum(p.dropped for p in into))


def _dependency_blocks(impact: ServiceImpact, style: Style, totals: TrackedTotals | None) -> list[str]:
    """One block per service ``impact.service`` depends on: heading, FK rows, sentences."""
    blocks = []
    for owner in sorted({r.other_service for r in impact.outgoing}):
        rows = [r for r in impact.outgoing if r.other_service == owner]
        tracked = totals.pair(impact.service, owner) if totals is not None else None
        lines = [style(f"{impact.service} -> {owner} ({_counts(rows, tracked)})", "heading"), *_rows(rows)]
        lines += [f"  - {s}" for s in summary_sentences(ServiceImpact(impact.service, tuple(rows), ()))]
        blocks.append("\n".join(lines))
    return blocks


def _dependents_block(impact: ServiceImpact, style: Style, totals: TrackedTotals | None) -> list[str]:
    """Who depends on ``impact.service`` and what that means for it (no rows: listed above)."""
    if not impact.incoming:
        return []
    dependents = sorted({r.other_service for r in impact.incoming})
    counts = _counts(impact.incoming, _incoming(impact, totals))
    head = f"{impact.service} <- {', '.join(dependents)} ({counts})"
    sentences = summary_sentences(ServiceImpact(impact.service, (), impact.incoming))
    return ["\n".join([style(head, "heading"), *(f"  - {s}" for s in sentences)])]


def _coupling_line(f: dict[str, int | float | None], unowned: UnownedFigures) -> str:
    """The cross-service line; never a bare "none" while FKs touch tables no service owns."""
    if f["cross_service_fks"]:
        return (
            f"Cross-service foreign keys: {f['cross_service_fks']} "
            f"({f['cross_service_cascades']} ON DELETE CASCADE) "
            f"coupling {count(int(f['services_coupled'] or 0), 'service')} in "
            f"{count(int(f['service_dependencies'] or 0), 'dependency', 'dependencies')}."
        )
    if not (unowned.into or unowned.out_of):
        return "No cross-service foreign keys."
    unknown = []
    if unowned.into:
        unknown.append(_into(unowned))
    if unowned.out_of:
        verb = "comes" if unowned.out_of == 1 else "come"
        unknown.append(f"{count(unowned.out_of, 'foreign key')} {verb} from tables no service owns")
    return (
        "No cross-service foreign keys between owned tables, but that may be wrong: "
        f"{' and '.join(unknown)}, and any of them may cross services."
    )


def _into(unowned: UnownedFigures) -> str:
    verb = "points" if unowned.into == 1 else "point"
    return (
        f"{count(unowned.into, 'foreign key')} {verb} into {count(unowned.targets, 'table')} no service owns"
    )


def _headline(inv: Inventory, G: nx.MultiDiGraph, totals: TrackedTotals | None) -> list[str]:
    f = headline_figures(G)
    present = totals.count("present") if totals is not None else None
    if present is not None:  # tracked keys, as the overview's card counts them (not FK edges)
        f = {**f, "cross_service_fks": present}
    unowned = unowned_figures(G)
    sources = len(set(inv.sources))
    lines = [
        f"Scanned {count(sources, 'source')}: {count(int(f['services'] or 0), 'service')}, "
        f"{count(int(f['tables'] or 0), 'table')}, {count(int(f['foreign_keys'] or 0), 'foreign key')}.",
        _coupling_line(f, unowned),
    ]
    if f["inferred_references"]:
        k = int(f["inferred_references"])
        lines.append(
            f"Inferred references across services (from column names, no constraint): {k}; "
            "not counted as foreign keys."
        )
    if f["cross_service_fks"] and unowned.into:
        which = "it crosses" if unowned.into == 1 else "they cross"
        lines.append(f"{_into(unowned)}: whether {which} services is unknown (listed below).")
    if totals is not None:  # the tracked keys' totals, as the dashboard and `fkmap plan status` give them
        dropped = totals.get("dropped")
        if dropped is not None and dropped.value != "0":
            lines.append(f"{totals_sentence(totals)}; `fkmap plan status` defines each total.")
    elif f["cross_service_dropped"]:
        share = f["share_remediated"] or 0.0
        lines.append(f"Dropped so far: {f['cross_service_dropped']} cross-service ({share:.0%} remediated).")
    extra = []
    if f["fresh_db_failures"]:
        k = int(f["fresh_db_failures"])
        extra.append(f"{count(k, 'foreign key')} {'fails' if k == 1 else 'fail'} on a fresh database")
    if f["service_cycles"]:
        extra.append(count(int(f["service_cycles"]), "service cycle"))
    if extra:
        lines.append("; ".join(extra).capitalize() + ".")
    return lines


def _cycle(cycle: tuple[str, ...], S: nx.DiGraph) -> str:
    loop = [*cycle, cycle[0]]
    if all(S.has_edge(a, b) for a, b in itertools.pairwise(loop)):
        return " -> ".join(loop)
    return f"{', '.join(cycle)} (all depend on each other)"


def _chain(chain: CascadeChain, style: Style) -> list[str]:
    touched = len({s.table for s in chain.steps})
    head = (
        f"{chain.service or '?'}.{_table_name(chain.root)}: a delete removes rows in "
        f"{count(touched, 'table')} of {', '.join(chain.services)}"
    )
    lines = [f"  {head}"]
    for step in chain.steps[:STEPS_SHOWN]:
        names = ", ".join(fk.name for fk in step.fks)
        text = f"{'  ' * step.depth}  -> {_table_name(step.table)} ({step.service or '?'}) via {names}"
        lines.append(style(text + "  [crosses services]", "warn") if step.cross_service else text)
    if len(chain.steps) > STEPS_SHOWN:
        lines.append(style(f"      ... {len(chain.steps) - STEPS_SHOWN} more steps", "muted"))
    return lines


def _diagnostics(diagnostics: Sequence[Diagnostic], style: Style) -> list[str]:
    if not diagnostics:
        return [style("Diagnostics: none", "heading")]
    by = {s: sum(1 for d in diagnostics if d.severity == s) for s in ("error", "warning", "info")}
    parts = ", ".join(count(k, s) for s, k in by.items() if k)
    lines = [style(f"Diagnostics: {len(diagnostics)} ({parts})", "heading")]
    order = {"error": 0, "warning": 1, "info": 2}
    shown = sorted(diagnostics, key=lambda d: (order.get(d.severity, 3), d.path, d.line, d.message))
    for d in shown[:DIAGNOSTICS_SHOWN]:
        where = str(d.location) or "-"
        lines.append(f"  {where}  {d.severity}: {d.message}")
    hidden = len(diagnostics) - DIAGNOSTICS_SHOWN
    hint = f"... {hidden} more; " if hidden > 0 else ""
    lines.append(style(f"  {hint}use --format json to see all diagnostics.", "muted"))
    return lines


def render_table(inv: Inventory, *, style: Style = _plain, totals: TrackedTotals | None = None) -> str:
    """The text report of a scan (ends with a newline).

    Parameters
    ----------
    inv : Inventory
        A scan with services assigned.
    style : callable, optional
        ``style(text, role)`` for ``heading``, ``warn`` and ``muted`` text.
    totals : TrackedTotals, optional
        The tracked keys' totals (:func:`remediation.totals.report_totals`): the cross-service FKs
        present and dropped, overall and per service pair, are those totals (what the overview,
        the remediation page and ``fkmap plan status`` show); without them (a bare graph), the
        FK edges.
    """
    inv = display_inventory(inv)  # names are data: no line breaks, terminal escapes or bidi controls
    G = build_graph(inv, include_dropped=True)
    S = service_graph(G)
    sections = ["\n".join(_headline(inv, G, totals))]
    if unowned := unowned_section(inv, G, style=style):
        sections.append(unowned)
    impacts = [service_impact(G, service) for service in sorted(S.nodes)]
    for impact in impacts:
        sections.extend(_dependency_blocks(impact, style, totals))
    for impact in impacts:
        sections.extend(_dependents_block(impact, style, totals))
    if shared := shared_section(inv, style=style):
        sections.append(shared)
    cycles = service_cycles(G)
    if cycles:
        sections.append(
            "\n".join([style("Service cycles:", "heading"), *(f"  {_cycle(c, S)}" for c in cycles)])
        )
    chains = cascade_chains(G)
    if chains:
        lines = [style("ON DELETE CASCADE chains crossing services:", "heading")]
        for chain in chains:
            lines += _chain(chain, style)
        sections.append("\n".join(lines))
    sections.append("\n".join(_diagnostics(inv.diagnostics, style)))
    return "\n\n".join(sections) + "\n"


def write_table(
    source: Inventory | nx.MultiDiGraph,
    stream: TextIO,
    *,
    scope: Scope | None = None,
    style: Style = _plain,
    totals: TrackedTotals | None = None,
) -> None:
    """Write :func:`render_table` of a scan; ``scope`` must select nothing (the report covers it all)."""
    stream.write(render_table(whole_scan(source, scope, "table"), style=style, totals=totals))
