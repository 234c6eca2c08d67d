"""Mermaid ``flowchart LR`` that renders on GitHub, GitLab and in Markdown previews.

Node ids are generated (``n1``, ``n2``... in sorted order; subgraphs ``s1``...),
so no SQL name ever lands in an id. Labels are always double-quoted and every
character Mermaid could read as markup is written as an entity code
(``#quot;``, ``#35;``, ``#lt;``...), so a hostile name shows as text.

Service level (the default) draws one node per service; table level one
``subgraph`` per service holding its tables.

Examples
--------
>>> mermaid_label('say "hi" <b>#1</b>')
'"say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt;"'
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TextIO

import networkx as nx

from exports._common import Prepared, action_mix, clean_text, prepare, service_label
from graph.scope import Scope
from model.inventory import Inventory, TableRef
from model.names import distinct_labels

__all__ = ["mermaid_label", "mermaid_text", "write_mermaid"]

#: Characters written as Mermaid entity codes inside labels (``#`` first: it starts an entity).
_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "\\": "#92;",
}


def _escape(text: str) -> str:
    return "".join(_ENTITIES.get(ch, ch) for ch in clean_text(text))


def mermaid_label(*lines: str) -> str:
    """A quoted Mermaid label; several lines are joined with ``<br>``."""
    return '"' + "<br>".join(_escape(line) for line in lines) + '"'


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _services(p: Prepared) -> list[str]:
    S = p.services
    assert S is not None
    ids = {name: f"n{i}" for i, name in enumerate(S.nodes, start=1)}
    lines = []
    for name, data in S.nodes(data=True):
        tables = _plural(int(data.get("tables", 0)), "table")
        lines.append(f"{ids[name]}[{mermaid_label(service_label(name), tables)}]")
    for u, v, data in S.edges(data=True):
        w = int(data.get("weight", 0))
        mix = action_mix(data)
        arrow = "==>" if data.get("cascade") else "-->"
        lines.append(f"{ids[u]} {arrow}|{mermaid_label(_plural(w, 'FK') + ': ' + mix)}| {ids[v]}")
    if p.scope.service is not None and p.scope.service in ids:
        lines.append(f"style {ids[p.scope.service]} stroke-width:3px")
    return lines


def _tables(p: Prepared) -> list[str]:
    G = p.tables
    ids = {ref: f"n{i}" for i, ref in enumerate(sorted(G.nodes), start=1)}
    names = distinct_labels(G.nodes)  # database-qualified where two tables share a name
    clusters: dict[str, list[TableRef]] = defaultdict(list)
    for ref, data in G.nodes(data=True):
        clusters[str(data.get("service", ""))].append(ref)
    lines = []
    for i, service in enumerate(sorted(clusters), start=1):
        lines.append(f"subgraph s{i}[{mermaid_label(service_label(service))}]")
        for ref in sorted(clusters[service]):
            table = G.nodes[ref]["table"]
            extra = []
            if table.replica_of:
                extra.append(f"(copy of {table.replica_of})")
            if G.nodes[ref].get("external"):
                extra.append("(not defined here)")
            lines.append(f"  {ids[ref]}[{mermaid_label(names[ref], *extra)}]")
        lines.append("end")
    dropped, cross = [], []
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for link, (u, v, _k, data) in enumerate(edges):
        fk = data["fk"]
        text = ", ".join(fk.columns)
        if fk.on_delete != "NO ACTION":
            text += f" ON DELETE {fk.on_delete}"
        if data.get("state") == "dropped":
            arrow = "-.->"
            text += " (dropped)"
            dropped.append(link)
        elif data.get("origin") == "inferred":
            arrow = "-.->"
        elif fk.on_delete == "CASCADE":
            arrow = "==>"
        else:
            arrow = "-->"
        if data.get("cross_service") and data.get("state") != "dropped":
            cross.append(link)
        lines.append(f"{ids[u]} {arrow}|{mermaid_label(text)}| {ids[v]}")
    if cross:
        lines.append(f"linkStyle {','.join(map(str, cross))} stroke:#c0392b")
    if dropped:
        lines.append(f"linkStyle {','.join(map(str, dropped))} stroke:#bbbbbb")
    return lines


def mermaid_text(p: Prepared, *, title: str = "") -> str:
    """The Mermaid source for a prepared selection."""
    head = []
    if title:
        head = ["---", f"title: {json.dumps(clean_text(title))}", "---"]
    body = _services(p) if p.scope.level == "services" else _tables(p)
    return "\n".join([*head, "flowchart LR", *(f"  {line}" for line in body)]) + "\n"


def write_mermaid(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None, title: str = ""
) -> None:
    """Write a Mermaid flowchart for ``source`` in ``scope`` (service level unless the scope says tables)."""
    p = prepare(source, scope, level="services", include_dropped=False)
    stream.write(mermaid_text(p, title=title))
