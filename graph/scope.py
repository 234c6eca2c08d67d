"""Select the part of the graph a view or an export shows: its *scope*.

A :class:`Scope` says which FKs to show (all of them, those touching one
service, cross-service ones only), at which level (tables or services) and
whether dropped FKs are drawn. :func:`select_tables` applies it to the table
graph of :func:`graph.build.build_graph`, :func:`select_services` to the
service graph of :func:`graph.analysis.service_graph`. Neither modifies its
input; both return new graphs whose attribute values are the same (frozen)
objects.

One service
    Its own tables (``service == S``), every FK that starts or ends in them
    or points at data S owns (``ref_service == S``, a replica held elsewhere),
    and the foreign tables at the other end of those FKs.
Cross-service only
    Only FKs with ``cross_service`` set, and the tables at their ends.

Examples
--------
>>> from graph.build import build_graph
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p, c, x = (TableRef("db", "public", n) for n in ("users", "posts", "comments", "other"))
>>> inv = Inventory(
...     tables=(Table(u, service="auth"), Table(p, service="content"),
...             Table(c, service="content"), Table(x, service="misc")),
...     foreign_keys=(ForeignKey("p_u", p, ("user_id",), u, ("id",)),
...                   ForeignKey("c_p", c, ("post_id",), p, ("id",))),
... )
>>> G = build_graph(inv)
>>> sorted(n.name for n in select_tables(G, Scope(service="auth")))
['posts', 'users']
>>> sorted(n.name for n in select_tables(G, Scope(cross_only=True)))
['posts', 'users']
>>> sorted(select_services(G, Scope(service="content")).edges)
[('content', 'auth')]
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from graph.analysis import service_graph
from graph.build import build_graph
from model.inventory import Inventory

if TYPE_CHECKING:  # networkx is imported where a graph is built or walked
    import networkx as nx

__all__ = [
    "ALL",
    "LEVELS",
    "Level",
    "Scope",
    "ScopeError",
    "as_table_graph",
    "known_services",
    "select_services",
    "select_tables",
]

Level = Literal["services", "tables"]
LEVELS: tuple[Level, ...] = ("services", "tables")


class ScopeError(ValueError):
    """A scope that cannot be applied (unknown service, unknown level)."""


@dataclass(frozen=True)
class Scope:
    """What to show.

    Parameters
    ----------
    service : str or None
        Only this service's tables and their direct foreign neighbours.
    cross_only : bool
        Only cross-service FKs.
    level : {'services', 'tables'} or None
        ``None`` lets each export format choose its default.
    include_dropped : bool or None
        Show dropped FKs (with their ``state``); ``None`` = the format's default.

    >>> Scope(service="auth").describe()
    "service 'auth' and the tables its FKs connect to"
    >>> Scope().with_defaults(level="services").level
    'services'
    """

    service: str | None = None
    cross_only: bool = False
    level: Level | None = None
    include_dropped: bool | None = None

    def with_defaults(self, *, level: Level = "tables", include_dropped: bool = False) -> Scope:
        """This scope with its open choices (``None``) filled in."""
        if self.level is not None and self.level not in LEVELS:
            raise ScopeError(f"unknown level {self.level!r}: use one of {', '.join(LEVELS)}")
        return replace(
            self,
            level=self.level or level,
            include_dropped=include_dropped if self.include_dropped is None else self.include_dropped,
        )

    def describe(self) -> str:
        """One line for titles and report headers."""
        parts = []
        if self.service is not None:
            parts.append(f"service {self.service!r} and the tables its FKs connect to")
        else:
            parts.append("all services")
        if self.cross_only:
            parts.append("cross-service FKs only")
        return ", ".join(parts)


#: The whole graph, format defaults for level and dropped FKs.
ALL = Scope()


def as_table_graph(source: Inventory | nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The table graph of ``source``: built (dropped FKs included) from an inventory, else as given."""
    if isinstance(source, Inventory):
        return build_graph(source, include_dropped=True)
    return source


def known_services(G: nx.MultiDiGraph) -> list[str]:
    """Every service named by the graph (inventory services, table services and owners), sorted."""
    names = {s.name for s in G.graph.get("services", ())}
    for _, data in G.nodes(data=True):
        names.update((data.get("service", ""), data.get("owner", "")))
    return sorted(names - {""})


def _check_service(G: nx.MultiDiGraph, service: str) -> None:
    names = known_services(G)
    if service in names:
        return
    close = difflib.get_close_matches(service, names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else f" Known services: {', '.join(names) or 'none'}."
    raise ScopeError(f"unknown service {service!r}.{hint}")


def _node_shown(data: dict[str, Any], keep_dropped: bool) -> bool:
    table = data.get("table")
    return keep_dropped or table is None or table.dropped_at is None


def _edge_shown(G: nx.MultiDiGraph, scope: Scope, u: object, v: object, data: dict[str, Any]) -> bool:
    if not scope.include_dropped and data.get("state") == "dropped":
        return False
    if scope.cross_only and not data.get("cross_service"):
        return False
    if scope.service is not None:
        s = scope.service
        return s in (data.get("service"), data.get("ref_service")) or s in (
            G.nodes[u].get("service"),
            G.nodes[v].get("service"),
        )
    return True


def _add_scoped_nodes(
    G: nx.MultiDiGraph, H: nx.MultiDiGraph, scope: Scope, edges: list[tuple[Any, Any, Any, dict[str, Any]]]
) -> None:
    """One service's own tables (unless cross-service only), then the tables at the ends of ``edges``."""
    if scope.service is not None and not scope.cross_only:
        own = [(n, d) for n, d in G.nodes(data=True) if d.get("service") == scope.service]
        H.add_nodes_from((n, dict(d)) for n, d in own if _node_shown(d, bool(scope.include_dropped)))
    for u, v, _, _ in edges:
        for n in (u, v):
            if n not in H:
                H.add_node(n, **G.nodes[n])


def select_tables(G: nx.MultiDiGraph, scope: Scope = ALL) -> nx.MultiDiGraph:
    """The table graph restricted to ``scope`` (a new graph; ``G`` is untouched).

    ``scope.include_dropped`` False (or None) removes dropped FKs and dropped
    tables. Raises :class:`ScopeError` for a service the graph does not know.
    """
    import networkx as nx

    if scope.service is not None:
        _check_service(G, scope.service)
    H = nx.MultiDiGraph(**G.graph)
    edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if _edge_shown(G, scope, u, v, d)]
    if scope.service is None and not scope.cross_only:
        keep_dropped = bool(scope.include_dropped)
        H.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True) if _node_shown(d, keep_dropped))
    else:
        _add_scoped_nodes(G, H, scope, edges)
    for u, v, k, d in edges:
        if u in H and v in H:
            H.add_edge(u, v, key=k, **d)
    return H


def select_services(G: nx.MultiDiGraph, scope: Scope = ALL) -> nx.DiGraph:
    """The service graph of the *whole* ``G`` restricted to ``scope``.

    Service nodes keep their full table counts. One service: it and the
    services it depends on or that depend on it. Cross-service only: services
    without any present cross-service FK are left out. Edges count present
    FKs only (dropped FKs no longer couple anything).
    """
    import networkx as nx

    if scope.service is not None:
        _check_service(G, scope.service)
    S = service_graph(G)
    if scope.service is not None:
        s = scope.service
        if s not in S:
            S.add_node(s, tables=0)
        H = nx.DiGraph(**S.graph)
        keep = {s, *S.predecessors(s), *S.successors(s)}
        H.add_nodes_from((n, S.nodes[n]) for n in S if n in keep)
        H.add_edges_from((u, v, d) for u, v, d in S.edges(data=True) if s in (u, v))
        return H
    if scope.cross_only:
        return nx.DiGraph(S.subgraph(sorted(n for n in S if S.degree(n) > 0)))
    return S
