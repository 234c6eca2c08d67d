"""The ``graph-json`` format: NetworkX node-link data with string ids and scalar attributes.

``networkx.node_link_graph(json.load(f))`` reads the file back into a graph
equal to :func:`exports._common.flat_table_graph` (table level, a
``MultiDiGraph``) or :func:`~exports._common.flat_service_graph`
(service level, a ``DiGraph``). The graph attributes say which (``level``) and
what was selected (``scope``, ``service``, ``cross_only``). Table level is the
default and includes dropped FKs, each edge carrying its ``state``.

Examples
--------
>>> import io, json
>>> import networkx as nx
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p = TableRef("a", "public", "users"), TableRef("c", "public", "posts")
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                 foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),))
>>> out = io.StringIO()
>>> write_graph_json(inv, out)
>>> G = nx.node_link_graph(json.loads(out.getvalue()))
>>> [(u, v, d["name"], d["cross_service"]) for u, v, d in G.edges(data=True)]
[('c:public.posts', 'a:public.users', 'p_fkey', True)]
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import networkx as nx

from exports._common import flat_graph, prepare
from graph.scope import Scope
from model.inventory import Inventory

__all__ = ["graph_json_data", "write_graph_json"]


def graph_json_data(source: Inventory | nx.MultiDiGraph, *, scope: Scope | None = None) -> dict[str, Any]:
    """The node-link dict written by :func:`write_graph_json`."""
    p = prepare(source, scope, level="tables", include_dropped=True)
    data: dict[str, Any] = nx.node_link_data(flat_graph(p), edges="edges")
    return data


def write_graph_json(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None
) -> None:
    """Write the scoped graph as node-link JSON (sorted keys, two-space indent)."""
    json.dump(graph_json_data(source, scope=scope), stream, indent=2, sort_keys=True, ensure_ascii=False)
    stream.write("\n")
