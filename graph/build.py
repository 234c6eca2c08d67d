"""Build the table graph: one node per table, one edge per foreign key.

The graph is a :class:`networkx.MultiDiGraph` whose nodes are
:class:`~model.inventory.TableRef` values and whose edges run from the dependent
table to the referenced table (``fk.table -> fk.ref_table``), one edge per
foreign key, so compound keys and parallel keys (``owner_id`` and
``friend_id`` both into ``users``) keep their multiplicity.

Node attributes
    ``table`` (:class:`~model.inventory.Table`), ``service`` (the service that
    holds the table), ``owner`` (the service whose data it is: ``replica_of``
    or ``service``), ``external`` (referenced but never defined in its own
    database).

Edge attributes
    ``fk`` (:class:`~model.inventory.ForeignKey`), ``service`` (service of the
    dependent table), ``ref_service`` (owner of the target table),
    ``cross_service`` (both known and different), ``on_delete``, ``origin``,
    ``state`` and ``fresh_db_failure`` (the statement adding the FK fails when
    that database's migrations are replayed on an empty server: the referenced
    table is not defined in the FK's own database, or only later; always False
    for inferred references, which are no constraints).

An external table that :func:`ownership.resolve.resolve_external` resolved
(``Table.resolved_to``) is only an alias: its edges point at the real table
and it is not a node of its own. Graph attributes record how the graph was
built: ``services`` (the inventory's :class:`~model.inventory.Service` tuple),
``include_dropped`` and ``origins``.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> users = Table(TableRef("auth", "public", "users"), service="auth")
>>> posts = Table(TableRef("content", "public", "posts"), service="content")
>>> fk = ForeignKey("posts_user_id_fkey", posts.ref, ("user_id",), users.ref, ("id",))
>>> G = build_graph(Inventory(tables=(users, posts), foreign_keys=(fk,)))
>>> [str(n) for n in G]
['auth:public.users', 'content:public.posts']
>>> G.edges[posts.ref, users.ref, 0]["cross_service"]
True
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model.inventory import ForeignKey, Inventory, Service, Table, TableRef
from model.timings import timed

if TYPE_CHECKING:  # networkx is imported where a graph is built or walked
    import networkx as nx

__all__ = ["TableEdges", "build_graph", "edge_target", "table_edges"]

#: An edge of the table graph: dependent table, target table, attributes.
Edge = tuple[TableRef, TableRef, dict[str, Any]]


def edge_target(fk: ForeignKey, tables: dict[TableRef, Table]) -> TableRef:
    """The table an FK really points at: its ``ref_table`` or what that resolved to.

    >>> from model.inventory import ForeignKey, Table, TableRef
    >>> stub = Table(TableRef("chat", "public", "users"), external=True,
    ...              resolved_to=TableRef("auth", "public", "users"))
    >>> fk = ForeignKey("m_fkey", TableRef("chat", "public", "m"), ("u",), stub.ref, ("id",))
    >>> str(edge_target(fk, {stub.ref: stub}))
    'auth:public.users'
    """
    ref_table = tables.get(fk.ref_table)
    if ref_table is not None and ref_table.resolved_to is not None:
        return ref_table.resolved_to
    return fk.ref_table


@dataclass(frozen=True)
class TableEdges:
    """What :func:`build_graph` puts in the graph, without the graph: for a caller that only reads it once.

    ``nodes`` maps each node to its table (in the graph's node order); ``edges``
    holds ``(fk.table, target, attributes)`` in the order the graph adds them,
    with the attributes of the module docstring; ``services`` is the
    inventory's service tuple (the graph attribute).
    """

    services: tuple[Service, ...]
    nodes: dict[TableRef, Table]
    edges: list[Edge]


@timed("graph")
def table_edges(
    inv: Inventory,
    *,
    include_dropped: bool = False,
    origins: Collection[str] = ("declared", "inferred"),
) -> TableEdges:
    """The nodes and edges of :func:`build_graph` (same parameters), as plain data.

    Examples
    --------
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> users = Table(TableRef("auth", "public", "users"), service="auth")
    >>> fk = ForeignKey("p_fkey", TableRef("content", "public", "posts"), ("u",), users.ref, ("id",))
    >>> found = table_edges(Inventory(tables=(users,), foreign_keys=(fk,)))
    >>> [str(n) for n in found.nodes], [(e["service"], e["ref_service"]) for _, _, e in found.edges]
    (['auth:public.users', 'content:public.posts'], [('', 'auth')])
    """
    wanted = frozenset(origins)
    tables = inv.tables_by_ref()
    nodes: dict[TableRef, Table] = {}
    for table in sorted(inv.tables, key=_table_key):
        if table.resolved_to is None and (include_dropped or table.dropped_at is None):
            nodes[table.ref] = table
    fks = [
        fk for fk in inv.foreign_keys if fk.origin in wanted and (include_dropped or fk.dropped_at is None)
    ]
    fks.sort(key=_fk_key)
    edges: list[Edge] = []
    for fk in fks:
        written = tables.get(fk.ref_table)  # edge_target(fk, tables), with one look-up for both
        target = fk.ref_table if written is None or written.resolved_to is None else written.resolved_to
        source_table = nodes.get(fk.table) or _placeholder(nodes, tables, fk.table)
        target_table = nodes.get(target) or _placeholder(nodes, tables, target)
        service, ref_service = source_table.service, target_table.owner
        data = {
            "fk": fk,
            "service": service,
            "ref_service": ref_service,
            "cross_service": bool(service and ref_service and service != ref_service),
            "on_delete": fk.on_delete,
            "origin": fk.origin,
            "state": fk.state,
            "fresh_db_failure": fk.origin == "declared"
            and (fk.fresh_db_failure or written is None or (written.external and not written.provided_by)),
        }
        edges.append((fk.table, target, data))
    return TableEdges(inv.services, nodes, edges)


def _placeholder(nodes: dict[TableRef, Table], tables: dict[TableRef, Table], ref: TableRef) -> Table:
    """Add and return the node of an FK end that is no node yet: its table, or an external stand-in."""
    table = nodes[ref] = tables.get(ref) or Table(ref, external=True)
    return table


def _table_key(table: Table) -> tuple[str, str, str]:
    ref = table.ref
    return (ref.database, ref.schema, ref.name)


@timed("graph")
def build_graph(
    inv: Inventory,
    *,
    include_dropped: bool = False,
    origins: Collection[str] = ("declared", "inferred"),
) -> nx.MultiDiGraph:
    """Build the table graph of an inventory (never modifies it).

    Parameters
    ----------
    inv : Inventory
        The scan, ideally with services assigned.
    include_dropped : bool
        Also add dropped FKs (``state == 'dropped'``) and dropped tables.
        Off by default: the graph shows the schema as it stands now.
    origins : collection of str
        Which FK origins to include (``'declared'``, ``'inferred'``).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are table refs, edges ``(fk.table, target, key)``; see the module
        docstring for the attributes. Tables without FKs are nodes too; an FK
        whose tables the inventory lacks gets an ``external`` placeholder node.

    Examples
    --------
    >>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
    >>> a, b = TableRef("db", "public", "a"), TableRef("db", "public", "b")
    >>> old = ForeignKey("a_b_fkey", a, ("b_id",), b, ("id",), dropped_at=Location("m.sql", 9))
    >>> inv = Inventory(tables=(Table(a), Table(b)), foreign_keys=(old,))
    >>> build_graph(inv).number_of_edges(), build_graph(inv, include_dropped=True).number_of_edges()
    (0, 1)
    """
    import networkx as nx

    found = table_edges(inv, include_dropped=include_dropped, origins=origins)
    G = nx.MultiDiGraph(
        services=inv.services, include_dropped=include_dropped, origins=tuple(sorted(frozenset(origins)))
    )
    G.add_nodes_from(
        (ref, {"table": t, "service": t.service, "owner": t.owner, "external": t.external})
        for ref, t in found.nodes.items()
    )
    G.add_edges_from(found.edges)
    return G


def _fk_key(fk: ForeignKey) -> tuple[str, str, str, str, str, int]:
    """``(fk.table, fk.name, where it was added)`` flattened: the refs' order, without a tuple per compare."""
    t, at = fk.table, fk.added_at
    if at is None:
        return (t.database, t.schema, t.name, fk.name, "", 0)
    return (t.database, t.schema, t.name, fk.name, at.path, at.line)
