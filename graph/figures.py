"""The headline figures of a scan, counted over its table edges: no graph is built, networkx is not imported.

:func:`headline_figures` is what the scan document's summary, the reports and the overview open
with. Given an inventory it counts over :func:`~graph.build.table_edges`; the service graph it
needs (how many services, how many cycles between them) is counted here in plain Python, so a
``fkmap scan --format json`` never imports networkx. :mod:`graph.analysis` re-exports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph.build import TableEdges, table_edges
from model.inventory import Inventory, Service, Table
from model.timings import timed

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["headline_figures", "service_cycle_count"]


def service_cycle_count(edges: Iterable[tuple[str, str]]) -> int:
    """How many groups of two or more services depend on each other in a cycle: the strongly
    connected components of the dependent -> owner graph ``edges`` with more than one service
    (Tarjan's algorithm, iterative).

    >>> service_cycle_count([("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c"), ("e", "e")])
    2
    """
    after: dict[str, list[str]] = defaultdict(list)
    for u, v in edges:
        after[u].append(v)
        after.setdefault(v, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    count = 0
    for root in sorted(after):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            nexts = after[node]
            if i < len(nexts):
                work.append((node, i + 1))
                child = nexts[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                size = 0
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    size += 1
                    if member == node:
                        break
                count += size > 1
    return count


def _service_names(services: Iterable[Service], nodes: Iterable[tuple[str, str, Table]]) -> set[str]:
    names = {s.name for s in services}
    for service, owner, _ in nodes:
        names.update((service, owner))
    return names - {""}


def _count_services(names: Iterable[str]) -> int:
    return len({n for n in names if n})


@timed("analysis")
def headline_figures(source: Inventory | nx.MultiDiGraph | TableEdges) -> dict[str, int | float | None]:
    """The numbers a report opens with.

    Given an :class:`~model.inventory.Inventory` they are counted over its
    :func:`~graph.build.table_edges` with dropped FKs included (no graph is
    built); given a graph or the edges of one, its edges are counted as they
    are (dropped figures are then 0 unless it was built with ``include_dropped=True``).

    Keys: ``services``, ``tables`` (defined, not dropped), ``foreign_keys``
    (present declared FKs), ``cross_service_fks`` (present declared
    cross-service FKs: real constraints), ``inferred_references`` (present
    cross-service references inferred from column names, counted apart: no
    constraint to drop), ``services_coupled`` (services at either end of a
    present declared cross-service FK), ``service_dependencies`` (dependent ->
    owner pairs of those FKs), ``cross_service_cascades`` (present declared
    cross-service ON DELETE CASCADE), ``fresh_db_failures`` (present FKs into
    tables their database never defines), ``service_cycles``,
    ``cross_service_dropped`` and ``share_remediated`` (dropped / (present +
    dropped) declared cross-service FKs, rounded to 4 places; ``None`` when
    there never were any).

    Examples
    --------
    >>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
    >>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
    >>> inv = Inventory(
    ...     tables=(Table(p, service="content"), Table(u, service="auth")),
    ...     foreign_keys=(
    ...         ForeignKey("a", p, ("user_id",), u, ("id",)),
    ...         ForeignKey("b", p, ("editor_id",), u, ("id",), dropped_at=Location("m.sql", 3)),
    ...     ),
    ... )
    >>> figures = headline_figures(inv)
    >>> figures["cross_service_fks"], figures["cross_service_dropped"], figures["share_remediated"]
    (1, 1, 0.5)
    >>> only_inferred = Inventory(tables=inv.tables, foreign_keys=(
    ...     ForeignKey("inferred:posts.user_id", p, ("user_id",), u, ("id",), origin="inferred"),))
    >>> f = headline_figures(only_inferred)
    >>> f["cross_service_fks"], f["inferred_references"], f["share_remediated"]
    (0, 1, None)
    """
    if not isinstance(source, Inventory | TableEdges):  # a table graph: its maker imported networkx
        nodes = [(d["service"], d["owner"], d["table"]) for _, d in source.nodes(data=True)]
        found = TableEdges(source.graph.get("services", ()), {}, list(source.edges(data=True)))
    else:
        found = table_edges(source, include_dropped=True) if isinstance(source, Inventory) else source
        nodes = [(t.service, t.owner, t) for t in found.nodes.values()]
    edges = [d for _, _, d in found.edges]
    depends = {
        (d["service"], d["ref_service"]) for d in edges if d["cross_service"] and d["state"] == "present"
    }
    every = [d for d in edges if d["state"] == "present"]
    present = [d for d in every if d["origin"] == "declared"]
    cross = [d for d in present if d["cross_service"]]
    inferred = sum(1 for d in every if d["cross_service"] and d["origin"] != "declared")
    dropped = sum(
        1 for d in edges if d["cross_service"] and d["state"] == "dropped" and d["origin"] == "declared"
    )
    total = len(cross) + dropped
    tables = sum(1 for _, _, t in nodes if not t.external and t.dropped_at is None)
    return {
        "services": len(_service_names(found.services, nodes).union(*depends)),
        "tables": tables,
        "foreign_keys": len(present),
        "cross_service_fks": len(cross),
        "inferred_references": inferred,
        "services_coupled": _count_services(n for d in cross for n in (d["service"], d["ref_service"])),
        "service_dependencies": len({(d["service"], d["ref_service"]) for d in cross}),
        "cross_service_cascades": sum(1 for d in cross if d["on_delete"] == "CASCADE"),
        "fresh_db_failures": sum(1 for d in present if d["fresh_db_failure"]),
        "service_cycles": service_cycle_count(depends),
        "cross_service_dropped": dropped,
        "share_remediated": round(dropped / total, 4) if total else None,
    }
