"""Title and legend of the SVG/PNG/PDF pictures, so an image pasted into a slide explains itself.

:func:`default_title` says what is drawn (level, scope, counts);
:func:`with_legend` adds a ``cluster_legend`` to Graphviz DOT source with one
sample edge or node per style the diagram uses. Legend texts are fixed
strings of this module, never names from the scan.

The dashboard's graphs have one legend too, :func:`screen_legend`: the
colours and line styles of their edges (defined here, styled by
:mod:`ui.theme`), shown beside each graph and drawn into the pictures the
Export menu makes in the browser (``assets/fkmap.js``), which add the
colours of the services drawn.

>>> [e.text for e in screen_legend("services")][:2]
['ON DELETE CASCADE', 'ON DELETE SET NULL / SET DEFAULT']

>>> print(with_legend("digraph fkmap {\\n}\\n", "services").splitlines()[1])
  subgraph cluster_legend {
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from exports._common import Prepared, service_label
from exports.dot import dot_string

__all__ = [
    "DANGER_COLOUR",
    "DANGER_LABEL",
    "INFERRED_COLOUR",
    "INTERNAL_COLOUR",
    "LEGEND_ID",
    "SHARED_COLOUR",
    "UNOWNED_COLOUR",
    "LegendEntry",
    "default_title",
    "legend_entries",
    "screen_legend",
    "screen_legend_data",
    "with_legend",
]

#: Edge colour of each danger class of ON DELETE (:func:`ui.theme.danger_of`), and its legend text.
DANGER_COLOUR = {"cascade": "#d62728", "setnull": "#f28e2b", "restrict": "#7a7a7a"}
DANGER_LABEL = {
    "cascade": "ON DELETE CASCADE",
    "setnull": "ON DELETE SET NULL / SET DEFAULT",
    "restrict": "RESTRICT / NO ACTION",
}
#: Dotted edges of shared-table access (code of one service using another's table).
SHARED_COLOUR = "#5b3a9e"
#: The "unowned" node's border and the dashed edges into it.
UNOWNED_COLOUR = "#7d8595"
#: Inferred references (no constraint, so no ON DELETE): dashed blue on every graph, never a danger colour.
INFERRED_COLOUR = "#2f7fbf"
#: Foreign keys within one service on the table graph.
INTERNAL_COLOUR = "#b9c0cc"

Mark = Literal["line", "dashed", "dotted", "note"]


@dataclass(frozen=True)
class LegendEntry:
    """One line of a graph's legend: a sample ``mark`` in ``colour`` (none for a note) and its text."""

    mark: Mark
    colour: str
    text: str


_DANGER = tuple(LegendEntry("line", c, DANGER_LABEL[k]) for k, c in DANGER_COLOUR.items())
_SCREEN_SERVICES = (
    *_DANGER,
    LegendEntry("dotted", SHARED_COLOUR, "Shared table: code reads / writes another service's table"),
    LegendEntry("dashed", UNOWNED_COLOUR, "FKs into tables no service owns"),
    LegendEntry("dashed", INFERRED_COLOUR, "Inferred reference (from column names, no constraint)"),
    LegendEntry("note", "", "Arrow: dependent service → owner of the data"),
    LegendEntry("note", "", "Edge width and number: foreign keys"),
    LegendEntry("note", "", "Node size: tables held"),
)
_SCREEN_TABLES = (
    *_DANGER,
    LegendEntry("line", INTERNAL_COLOUR, "Within a service"),
    LegendEntry("dashed", INFERRED_COLOUR, "Inferred reference (no constraint)"),
    LegendEntry("note", "", "Dotted: dropped"),
    LegendEntry("note", "", "Dashed border: external table"),
)


def screen_legend(level: Literal["services", "tables"]) -> tuple[LegendEntry, ...]:
    """The legend of the dashboard's overview (``services``) or table graph (``tables``)."""
    return _SCREEN_SERVICES if level == "services" else _SCREEN_TABLES


def screen_legend_data(level: Literal["services", "tables"]) -> list[dict[str, Any]]:
    """:func:`screen_legend` as plain data for the browser (the Export menu's pictures)."""
    return [asdict(e) for e in screen_legend(level)]


#: Prefix of the legend's node ids in the DOT source.
LEGEND_ID = "fkmap legend "

#: (edge attributes, text) per level; the arrow always runs dependent -> owner of the data.
_SERVICE_ENTRIES = (
    ('color="#c0392b"', "has ON DELETE CASCADE FKs"),
    ('color="#999999"', "no CASCADE (label: FKs and their ON DELETE mix)"),
    ('color="#999999", penwidth=3', "wider: more foreign keys"),
)
_TABLE_ENTRIES = (
    ('color="#c0392b"', "cross-service foreign key"),
    ('color="#c0392b", style=bold', "ON DELETE CASCADE"),
    ('color="#999999"', "foreign key within a service"),
    ('color="#999999", style=dotted', "inferred reference (no declared FK)"),
)


def legend_entries(level: str | None) -> tuple[tuple[str, str], ...]:
    """The legend's (DOT edge attributes, text) pairs for ``level`` ('services' or 'tables')."""
    return _SERVICE_ENTRIES if level == "services" else _TABLE_ENTRIES


def default_title(p: Prepared) -> str:
    """What the picture shows, for its title.

    Service level: ``fkmap: coupling between 12 services (36 cross-service FKs)``;
    table level: ``fkmap: 84 tables, 105 foreign keys``; a service scope adds ``around <service>``.
    """
    if p.scope.level == "services" and p.services is not None:
        S = p.services
        fks = int(sum(w for _, _, w in S.edges(data="weight", default=0)))
        text = f"fkmap: coupling between {S.number_of_nodes()} services ({fks} cross-service FKs)"
    else:
        text = f"fkmap: {p.tables.number_of_nodes()} tables, {p.tables.number_of_edges()} foreign keys"
    if p.scope.service is not None:
        text += f" around {service_label(p.scope.service)}"
    return text


def with_legend(dot: str, level: str | None) -> str:
    """``dot`` (one ``digraph``) with a legend cluster added before its closing brace."""
    lines = [
        "  subgraph cluster_legend {",
        '    label="Legend"; fontsize=12; style="rounded"; color="#bbbbbb"; margin=8;',
        '    node [shape=plaintext, style="", fontsize=10, width=0.1, height=0.1];',
    ]
    for i, (attrs, text) in enumerate(legend_entries(level)):
        a, b = dot_string(f"{LEGEND_ID}{i}a"), dot_string(f"{LEGEND_ID}{i}b")
        lines.append(f'    {a} [label=""]; {b} [label={dot_string(text)}];')
        lines.append(f"    {a} -> {b} [{attrs}, arrowsize=0.6];")
    if level != "services":
        lines.append(f'    {dot_string(LEGEND_ID + "ext")} [label="table not defined here", shape=box, '
                     'style="rounded,dashed"];')  # fmt: skip
    lines.append(f'    {dot_string(LEGEND_ID + "arrow")} [label="arrow: dependent -> owner of the data"];')
    lines.append("  }")
    head, _, _ = dot.rstrip().rpartition("}")
    return head + "\n".join(lines) + "\n}\n"
