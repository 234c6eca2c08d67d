"""Questions asked of the table graph: who is coupled to whom, and what breaks.

Every function takes a graph made by :func:`graph.build.build_graph`, returns
plain data and never modifies the graph.

Two kinds of functions, on purpose:

* *Listings* (:func:`cross_service_fks`, :func:`graph.impact.service_impact`) return every
  matching edge of the graph, dropped ones included when the graph was built
  with ``include_dropped=True``; each row carries its ``state`` so history and
  remediation progress can be shown.
* *Behaviour* (:func:`service_graph`, :func:`service_cycles`,
  :func:`cascade_chains`, :func:`blast_radius`) only follows present FKs: a
  dropped constraint no longer couples, blocks or cascades anything.

(:mod:`graph.impact` shows both at work.)
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.figures import headline_figures
from model.inventory import ForeignKey, Service, Table, TableRef
from model.timings import timed

if TYPE_CHECKING:  # networkx is imported where a graph is built or walked
    import networkx as nx

__all__ = [
    "CascadeChain",
    "CascadeStep",
    "blast_radius",
    "cascade_chains",
    "cross_service_fks",
    "headline_figures",
    "service_cycles",
    "service_graph",
]

#: ``service_graph`` edge attribute counting FKs with each ON DELETE action.
ACTION_ATTRS = {
    "CASCADE": "cascade",
    "SET NULL": "set_null",
    "SET DEFAULT": "set_default",
    "RESTRICT": "restrict",
    "NO ACTION": "no_action",
}


@dataclass(frozen=True)
class CascadeStep:
    """Deleting a row of ``parent`` deletes rows of ``table`` through ``fks``.

    ``fks`` holds every present ON DELETE CASCADE FK from ``table`` into
    ``parent`` (sorted by name); ``depth`` is 1 for tables the root deletes
    directly; ``cross_service`` marks a step that crosses a service boundary.
    """

    parent: TableRef
    table: TableRef
    fks: tuple[ForeignKey, ...]
    depth: int
    service: str
    cross_service: bool


@dataclass(frozen=True)
class CascadeChain:
    """The cascade tree of one root table, in breadth-first order.

    ``services`` lists the services whose tables lose rows, the root's first,
    then in order of appearance.
    """

    root: TableRef
    service: str
    steps: tuple[CascadeStep, ...]
    services: tuple[str, ...]

    @property
    def crossing(self) -> tuple[CascadeStep, ...]:
        """The steps that cross a service boundary."""
        return tuple(s for s in self.steps if s.cross_service)


def _edges(G: nx.MultiDiGraph, *, present: bool) -> Iterator[tuple[TableRef, TableRef, dict[str, Any]]]:
    for u, v, data in G.edges(data=True):
        if not present or data["state"] == "present":
            yield u, v, data


def _fk_sort_key(fk: ForeignKey) -> tuple[Any, ...]:
    loc = (fk.added_at.path, fk.added_at.line) if fk.added_at else ("", 0)
    return (fk.table, fk.name, loc)


@timed("analysis")
def cross_service_fks(G: nx.MultiDiGraph) -> list[ForeignKey]:
    """The FKs whose table and target belong to different services.

    Returns every cross-service edge of ``G`` (dropped ones too if ``G`` has
    them), sorted by table, name and location.

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> a, b, c = (TableRef("db", "public", n) for n in "abc")
    >>> inv = Inventory(
    ...     tables=(Table(a, service="x"), Table(b, service="x"), Table(c, service="y")),
    ...     foreign_keys=(ForeignKey("a_b", a, ("b",), b, ("id",)), ForeignKey("a_c", a, ("c",), c, ("id",))),
    ... )
    >>> [fk.name for fk in cross_service_fks(build_graph(inv))]
    ['a_c']
    """
    fks = [data["fk"] for _, _, data in _edges(G, present=False) if data["cross_service"]]
    return sorted(fks, key=_fk_sort_key)


@timed("analysis")
def service_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Collapse the table graph to services: an edge per dependent -> owner pair.

    Nodes are the inventory's services plus every service or owner named by a
    table, with attribute ``tables`` (defined, present tables the service
    holds). Edges carry ``weight`` (number of present cross-service FKs and
    inferred references), ``declared`` and ``inferred`` (the two apart),
    one count per ON DELETE action (``cascade``, ``set_null``, ``set_default``,
    ``restrict``, ``no_action``) and ``fks`` (the FKs, sorted).

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
    >>> inv = Inventory(
    ...     tables=(Table(p, service="content"), Table(u, service="auth")),
    ...     foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",), on_delete="CASCADE"),),
    ... )
    >>> S = service_graph(build_graph(inv))
    >>> sorted(S.nodes(data="tables"))
    [('auth', 1), ('content', 1)]
    >>> S.edges["content", "auth"]["weight"], S.edges["content", "auth"]["cascade"]
    (1, 1)
    """
    nodes = ((d["service"], d["owner"], d["table"]) for _, d in G.nodes(data=True))
    return _service_graph(G.graph.get("services", ()), nodes, (d for _, _, d in G.edges(data=True)))


def _service_graph(
    services: Iterable[Service], nodes: Iterable[tuple[str, str, Table]], edges: Iterable[dict[str, Any]]
) -> nx.DiGraph:
    """:func:`service_graph` of a table graph's services, nodes ``(service, owner, table)`` and edge data."""
    import networkx as nx

    S = nx.DiGraph()
    names = {s.name for s in services}
    held: list[str] = []
    for service, owner, table in nodes:
        names.update((service, owner))
        if service and not table.external and table.dropped_at is None:
            held.append(service)
    for name in sorted(names - {""}):
        S.add_node(name, tables=0)
    for service in held:
        S.nodes[service]["tables"] += 1
    found: dict[tuple[str, str], list[ForeignKey]] = defaultdict(list)
    for data in edges:
        if data["cross_service"] and data["state"] == "present":
            found[data["service"], data["ref_service"]].append(data["fk"])
    for (dependent, owner), fks in sorted(found.items()):
        counts = dict.fromkeys(ACTION_ATTRS.values(), 0)
        for fk in fks:
            counts[ACTION_ATTRS.get(fk.on_delete, "no_action")] += 1
        inferred = sum(1 for fk in fks if fk.origin != "declared")
        S.add_edge(
            dependent,
            owner,
            weight=len(fks),
            declared=len(fks) - inferred,
            inferred=inferred,
            fks=tuple(sorted(fks, key=_fk_sort_key)),
            **counts,
        )
    return S


@timed("analysis")
def service_cycles(G: nx.MultiDiGraph) -> list[tuple[str, ...]]:
    """Groups of services that depend on each other (directly or round a loop).

    Each strongly connected component of :func:`service_graph` with more than
    one service, listed depth-first from its alphabetically smallest service
    along dependency edges (for a simple loop that is the loop itself); the
    list is sorted.

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> a, b, c = (TableRef("db", "public", n) for n in "abc")
    >>> inv = Inventory(
    ...     tables=(Table(a, service="x"), Table(b, service="y"), Table(c, service="z")),
    ...     foreign_keys=(
    ...         ForeignKey("a_b", a, ("b",), b, ("id",)),
    ...         ForeignKey("b_c", b, ("c",), c, ("id",)),
    ...         ForeignKey("c_a", c, ("a",), a, ("id",)),
    ...     ),
    ... )
    >>> service_cycles(build_graph(inv))
    [('x', 'y', 'z')]
    """
    return _cycles(service_graph(G))


def _cycles(S: nx.DiGraph) -> list[tuple[str, ...]]:
    """:func:`service_cycles` of the service graph ``S``."""
    import networkx as nx

    cycles = []
    for component in nx.strongly_connected_components(S):
        if len(component) < 2:
            continue
        H = nx.DiGraph()
        H.add_nodes_from(sorted(component))
        H.add_edges_from(sorted((u, v) for u, v in S.subgraph(component).edges))
        cycles.append(tuple(nx.dfs_preorder_nodes(H, source=min(component))))
    return sorted(cycles)


def _cascade_parents(G: nx.MultiDiGraph) -> dict[TableRef, dict[TableRef, list[ForeignKey]]]:
    """``{referenced table: {dependent table: [CASCADE FKs]}}`` over present FKs."""
    tree: dict[TableRef, dict[TableRef, list[ForeignKey]]] = defaultdict(lambda: defaultdict(list))
    for u, v, data in _edges(G, present=True):
        if data["on_delete"] == "CASCADE" and u != v:
            tree[v][u].append(data["fk"])
    return tree


@timed("analysis")
def cascade_chains(G: nx.MultiDiGraph) -> list[CascadeChain]:
    """ON DELETE CASCADE trees that carry a delete across a service boundary.

    For every table that some present CASCADE FK references, a breadth-first
    search over the reversed CASCADE subgraph gives the tables a delete of one
    of its rows removes rows from (each table once, via its shortest route;
    neighbours visited in sorted order). Trees with at least one crossing step
    are returned, sorted by root. Cost is one BFS per root, never a path
    enumeration.

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> u, p, c = (TableRef("db", "public", n) for n in ("users", "posts", "comments"))
    >>> inv = Inventory(
    ...     tables=(Table(u, service="auth"), Table(p, service="content"), Table(c, service="content")),
    ...     foreign_keys=(
    ...         ForeignKey("p_fkey", p, ("user_id",), u, ("id",), on_delete="CASCADE"),
    ...         ForeignKey("c_fkey", c, ("post_id",), p, ("id",), on_delete="CASCADE"),
    ...     ),
    ... )
    >>> [(str(ch.root), [(s.table.name, s.depth, s.cross_service) for s in ch.steps])
    ...  for ch in cascade_chains(build_graph(inv))]
    [('db:public.users', [('posts', 1, True), ('comments', 2, False)])]
    """
    parents = _cascade_parents(G)
    chains = []
    for root in sorted(parents):
        steps: list[CascadeStep] = []
        seen = {root}
        queue = deque([(root, 0)])
        while queue:
            parent, depth = queue.popleft()
            for child in sorted(parents.get(parent, {})):
                if child in seen:
                    continue
                seen.add(child)
                fks = tuple(sorted(parents[parent][child], key=lambda fk: fk.name))
                data = G.get_edge_data(child, parent)
                crossing = any(d["cross_service"] for d in data.values() if d["fk"] in fks)
                steps.append(CascadeStep(parent, child, fks, depth + 1, G.nodes[child]["service"], crossing))
                queue.append((child, depth + 1))
        if any(s.cross_service for s in steps):
            root_service = G.nodes[root]["service"]
            services = list(dict.fromkeys([root_service, *(s.service for s in steps)]))
            chains.append(CascadeChain(root, root_service, tuple(steps), tuple(x for x in services if x)))
    return chains


@timed("analysis")
def blast_radius(G: nx.MultiDiGraph, table: TableRef, *, cascade_only: bool = False) -> list[TableRef]:
    """Tables that depend on ``table``, directly or through other tables (sorted; never ``table``).

    With ``cascade_only`` only the tables whose rows a delete in ``table``
    removes (ON DELETE CASCADE, transitively). Present FKs only.

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> u, p, c = (TableRef("db", "public", n) for n in ("users", "posts", "comments"))
    >>> inv = Inventory(
    ...     tables=(Table(u), Table(p), Table(c)),
    ...     foreign_keys=(
    ...         ForeignKey("p_fkey", p, ("user_id",), u, ("id",), on_delete="CASCADE"),
    ...         ForeignKey("c_fkey", c, ("post_id",), p, ("id",)),
    ...     ),
    ... )
    >>> G = build_graph(inv)
    >>> [t.name for t in blast_radius(G, u)], [t.name for t in blast_radius(G, u, cascade_only=True)]
    (['comments', 'posts'], ['posts'])
    """
    import networkx as nx

    if table not in G:
        return []

    def keep(u: TableRef, v: TableRef, k: int) -> bool:
        data = G.edges[v, u, k]
        return bool(data["state"] == "present" and (not cascade_only or data["on_delete"] == "CASCADE"))

    R = nx.subgraph_view(nx.reverse_view(G), filter_edge=keep)
    return sorted(nx.descendants(R, table))
