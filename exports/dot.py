"""Graphviz DOT: the service diagram and the table diagram with one cluster per service.

Every name is written as a quoted DOT string (``\\`` and ``"`` escaped, control
characters spelled out), never as an HTML-like label, so a hostile table name
cannot change the graph or the SVG Graphviz makes of it.

Service level (the default) draws one box per service and one edge per
dependent -> owner pair, labelled with the FK count and the ON DELETE mix.
Table level draws one ``cluster_<service>`` subgraph per service; cross-service
FKs are red, CASCADE ones bold, dropped ones dashed grey, inferred ones dotted.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p = TableRef("a", "public", "users"), TableRef("c", "public", "posts")
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                 foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),))
>>> import io
>>> out = io.StringIO()
>>> write_dot(inv, out)
>>> print(out.getvalue().splitlines()[-2])
  "content" -> "auth" [label="1 FK\\nNO ACTION 1", penwidth=1.0, tooltip="content -> auth: 1 FK"];
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, TextIO

import networkx as nx

from exports._common import Prepared, action_mix, clean_text, prepare, service_label, table_id
from graph.scope import Scope
from model.inventory import Inventory, TableRef
from model.names import distinct_labels

__all__ = ["EDGE_LABEL_LIMIT", "FAN_LIMIT", "dot_string", "dot_text", "table_layout", "write_dot"]

_HEAD = [
    'graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, newrank=true, '
    "nodesep=0.25, ranksep=0.6, outputorder=edgesfirst];",
    'node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#555555", '
    'fontname="Helvetica", fontsize=10];',
    'edge [fontname="Helvetica", fontsize=8, color="#999999", arrowsize=0.6];',
]


def dot_string(text: str) -> str:
    """``text`` as a quoted DOT string (also safe as a Graphviz label).

    >>> print(dot_string('say "hi" \\\\ bye'))
    "say \\"hi\\" \\\\ bye"
    """
    return '"' + clean_text(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(*lines: str) -> str:
    """A multi-line label: each line escaped, joined by Graphviz's ``\\n``."""
    return '"' + "\\n".join(dot_string(line)[1:-1] for line in lines) + '"'


def _attrs(**attrs: str) -> str:
    return ", ".join(f"{k}={v}" for k, v in attrs.items())


def _service_dot(p: Prepared, title: str) -> list[str]:
    S = p.services
    assert S is not None
    lines = [f"label={dot_string(title)};"] if title else []
    for name, data in S.nodes(data=True):
        n = int(data.get("tables", 0))
        attrs = {
            "label": _label(service_label(name), f"{n} table" + ("" if n == 1 else "s")),
            "tooltip": dot_string(service_label(name)),
        }
        if p.scope.service is not None and name == p.scope.service:
            attrs["fillcolor"] = '"#fff3cd"'
            attrs["penwidth"] = "2"
        lines.append(f"{dot_string(name)} [{_attrs(**attrs)}];")
    for u, v, data in S.edges(data=True):
        w = int(data.get("weight", 0))
        mix = action_mix(data)
        attrs = {
            "label": _label(f"{w} FK" + ("" if w == 1 else "s"), mix),
            "penwidth": f"{1 + math.log2(max(w, 1)):.1f}",
            "tooltip": dot_string(f"{u} -> {v}: {w} FK" + ("" if w == 1 else "s")),
        }
        if data.get("cascade"):
            attrs["color"] = '"#c0392b"'
        lines.append(f"{dot_string(u)} -> {dot_string(v)} [{_attrs(**attrs)}];")
    return lines


def _node_line(ref: TableRef, data: dict[str, Any], name: str) -> str:
    table = data["table"]
    lines = [name]
    attrs = {"tooltip": dot_string(table_id(ref))}
    if table.replica_of:
        lines.append(f"(copy of {table.replica_of})")
        attrs["fillcolor"] = '"#eef5ff"'
    if data.get("external"):
        lines.append("(not defined here)")
        attrs["style"] = '"rounded,dashed"'
    if table.dropped_at is not None:
        lines.append("(dropped)")
        attrs["fontcolor"] = '"#999999"'
    return f"{dot_string(table_id(ref))} [{_attrs(label=_label(*lines), **attrs)}];"


#: A node with more FKs than this would put that many tables in one dot rank (a strip):
#: the table diagram then uses the ``fdp`` engine, which places clusters around the hub.
FAN_LIMIT = 40
#: Above this many FKs, table-level edge labels are left out (names stay in tooltips).
EDGE_LABEL_LIMIT = 150


def table_layout(G: nx.MultiDiGraph) -> str:
    """``'dot'`` (left to right ranks) or ``'fdp'`` (force-directed clusters) for a table diagram.

    dot puts every table that references one hub table into one rank, which
    makes a diagram of 600 tables into a 24:1 strip; fdp keeps it square.
    """
    fan = max((max(G.in_degree(n), G.out_degree(n)) for n in G), default=0)
    return "fdp" if fan > FAN_LIMIT else "dot"


def _table_dot(p: Prepared, title: str) -> list[str]:
    G = p.tables
    lines = [f"label={dot_string(title)};"] if title else []
    if table_layout(G) == "fdp":
        lines.append("layout=fdp; overlap=false;")
    labels = G.number_of_edges() <= EDGE_LABEL_LIMIT
    names = distinct_labels(G.nodes)  # database-qualified where two tables share a name
    clusters: dict[str, list[TableRef]] = defaultdict(list)
    for ref, data in G.nodes(data=True):
        clusters[str(data.get("service", ""))].append(ref)
    for service in sorted(clusters):
        focus = p.scope.service is not None and service == p.scope.service
        lines.append(f"subgraph {dot_string('cluster_' + service)} {{")
        fill = '"#fff3cd"' if focus else '"#f4f4f4"'
        lines.append(
            f"  label={dot_string(service_label(service))}; "
            f'style="rounded,filled"; color="#777777"; fillcolor={fill}; fontsize=14;'
        )
        for ref in sorted(clusters[service]):
            lines.append("  " + _node_line(ref, G.nodes[ref], names[ref]))
        lines.append("}")
    for u, v, _k, data in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        fk = data["fk"]
        label = [", ".join(fk.columns)]
        if fk.on_delete != "NO ACTION":
            label.append(f"ON DELETE {fk.on_delete}")
        attrs = {"label": _label(*label)} if labels else {}
        attrs["tooltip"] = dot_string(f"{fk.name}: " + " / ".join(label))
        style = []
        if data.get("cross_service"):
            attrs["color"] = '"#c0392b"'
            attrs["fontcolor"] = '"#c0392b"'
        if fk.on_delete == "CASCADE":
            style.append("bold")
        if data.get("state") == "dropped":
            style.append("dashed")
            attrs["color"] = '"#bbbbbb"'
        elif data.get("origin") == "inferred":
            style.append("dotted")
        if style:
            attrs["style"] = dot_string(",".join(style))
        lines.append(f"{dot_string(table_id(u))} -> {dot_string(table_id(v))} [{_attrs(**attrs)}];")
    return lines


def dot_text(p: Prepared, *, title: str = "") -> str:
    """The DOT source for a prepared selection (service or table level per ``p.scope.level``)."""
    body = _service_dot(p, title) if p.scope.level == "services" else _table_dot(p, title)
    return "digraph fkmap {\n" + "".join(f"  {line}\n" for line in [*_HEAD, *body]) + "}\n"


def write_dot(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None, title: str = ""
) -> None:
    """Write Graphviz DOT for ``source`` in ``scope`` (service level unless the scope says tables)."""
    p = prepare(source, scope, level="services", include_dropped=False)
    stream.write(dot_text(p, title=title))
