"""Title and legend of the SVG/PNG/PDF pictures, so an image pasted into a slide explains itself.

:func:`default_title` says what is drawn (level, scope, counts);
:func:`with_legend` adds a ``cluster_legend`` to Graphviz DOT source with one
sample edge or node per style the diagram uses. Legend texts are fixed
strings of this module, never names from the scan.

>>> print(with_legend("digraph fkmap {\\n}\\n", "services").splitlines()[1])
  subgraph cluster_legend {
"""

from __future__ import annotations

from exports._common import Prepared, service_label
from exports.dot import dot_string

__all__ = ["LEGEND_ID", "default_title", "legend_entries", "with_legend"]

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
