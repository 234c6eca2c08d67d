"""Shared pieces of the exporters: stable string ids, flat attribute graphs, scope preparation, counts.

Exporters accept an :class:`~model.inventory.Inventory` or a table graph from
:func:`graph.build.build_graph`. :func:`prepare` turns either into the full
table graph, the selected table graph and (at service level) the selected
service graph. :func:`flat_table_graph` and :func:`flat_service_graph` give
graphs with string node ids and only ``str``/``int``/``bool`` attributes, the
form GraphML, JSON and CSV write; :func:`flat_graph` picks the one of the
scope's level. :func:`action_mix` is a service edge's FKs per ON DELETE action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.analysis import ACTION_ATTRS
from graph.scope import Level, Scope, ScopeError, as_table_graph, select_services, select_tables
from model.escape import clean_text
from model.inventory import ACTIONS, Inventory, Location, TableRef

if TYPE_CHECKING:  # networkx is imported where a graph is built or walked
    import networkx as nx

__all__ = [
    "NO_SERVICE",
    "Prepared",
    "action_mix",
    "clean_text",
    "count",
    "flat_graph",
    "flat_service_graph",
    "flat_table_graph",
    "percent",
    "prepare",
    "service_label",
    "table_id",
    "whole_scan",
]

#: How a table without a service is labelled.
NO_SERVICE = "(no service)"

_SEP_CHARS = frozenset(':."')


def _part(text: str) -> str:
    if text and not (_SEP_CHARS & set(text)):
        return text
    return '"' + text.replace('"', '""') + '"'


def table_id(ref: TableRef) -> str:
    """A stable, unique string id: ``database:schema.name``, parts quoted when they hold ``: . "``.

    >>> table_id(TableRef("auth", "public", "users"))
    'auth:public.users'
    >>> table_id(TableRef("db", "a.b", "c"))
    'db:"a.b".c'
    """
    return f"{_part(ref.database)}:{_part(ref.schema)}.{_part(ref.name)}"


def service_label(name: str) -> str:
    """The service name to show; :data:`NO_SERVICE` for the empty one."""
    return name or NO_SERVICE


def count(k: int, noun: str, plural: str = "") -> str:
    """``k`` and the noun, plural unless ``k`` is 1.

    >>> count(1, "FK"), count(2, "dependency", "dependencies")
    ('1 FK', '2 dependencies')
    """
    return f"{k} {noun}" if k == 1 else f"{k} {plural or noun + 's'}"


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a rounded percentage; ``-`` when ``whole`` is 0.

    >>> percent(1, 3), percent(0, 0)
    ('33%', '-')
    """
    return f"{round(100 * part / whole)}%" if whole else "-"


def _loc(loc: Location | None) -> str:
    return str(loc) if loc is not None else ""


@dataclass(frozen=True)
class Prepared:
    """What an exporter draws: the full graph, the scope with defaults, the selection."""

    full: nx.MultiDiGraph
    scope: Scope
    tables: nx.MultiDiGraph
    services: nx.DiGraph | None
    inventory: Inventory | None


def prepare(
    source: Inventory | nx.MultiDiGraph,
    scope: Scope | None,
    *,
    level: Level,
    include_dropped: bool,
) -> Prepared:
    """Resolve ``scope`` against a format's defaults and select the graph(s) to draw."""
    scope = (scope or Scope()).with_defaults(level=level, include_dropped=include_dropped)
    full = as_table_graph(source)
    tables = select_tables(full, scope)
    services = select_services(full, scope) if scope.level == "services" else None
    inv = source if isinstance(source, Inventory) else None
    return Prepared(full, scope, tables, services, inv)


def whole_scan(source: Inventory | nx.MultiDiGraph, scope: Scope | None, name: str) -> Inventory:
    """``source`` for a format that covers a whole scan (``table``, ``json``).

    Raises :class:`~graph.scope.ScopeError` for a scope that selects anything
    (a service, cross-service FKs only, a level, dropped FKs) and
    :class:`TypeError` for a graph: such a format needs the scan itself.

    >>> whole_scan(Inventory(), Scope(), "json") == Inventory()
    True
    >>> whole_scan(Inventory(), Scope(service="auth"), "json")
    Traceback (most recent call last):
    ...
    graph.scope.ScopeError: format 'json' covers the whole scan: it takes no service, cross-only or level
    """
    if scope is not None and scope != Scope():
        raise ScopeError(f"format {name!r} covers the whole scan: it takes no service, cross-only or level")
    if not isinstance(source, Inventory):
        raise TypeError(f"format {name!r} needs the scan (an Inventory), not a graph")
    return source


def flat_table_graph(G: nx.MultiDiGraph, scope: Scope | None = None) -> nx.MultiDiGraph:
    """``G`` with :func:`table_id` node ids and scalar attributes only.

    Nodes are in table order; edge keys are ``e1``, ``e2``... in (table,
    target, key) order, unique in the document as GraphML readers want.

    Node attributes: ``label`` (schema.name), ``database``, ``schema``,
    ``name``, ``service``, ``owner``, ``replica_of``, ``external``,
    ``defined_at``, ``dropped_at``. Edge attributes: ``name``, ``columns``,
    ``ref_columns`` (comma-separated), ``ref_table`` (the table the FK names;
    it differs from the target when an external reference was resolved),
    ``service``, ``ref_service``, ``cross_service``, ``on_delete``,
    ``on_update``, ``origin``, ``state``, ``validated``, ``deferrable``,
    ``fresh_db_failure``, ``added_at``, ``dropped_at``.
    """
    import networkx as nx

    F = nx.MultiDiGraph()
    F.graph.update(_graph_attrs(scope, "tables"))
    for ref, data in sorted(G.nodes(data=True), key=lambda item: item[0]):
        table = data["table"]
        F.add_node(
            table_id(ref),
            label=ref.qualified,
            database=ref.database,
            schema=ref.schema,
            name=ref.name,
            service=str(data.get("service", "")),
            owner=str(data.get("owner", "")),
            replica_of=table.replica_of,
            external=bool(data.get("external", False)),
            defined_at=_loc(table.defined_at),
            dropped_at=_loc(table.dropped_at),
        )
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, _k, data) in enumerate(edges, start=1):
        fk = data["fk"]
        F.add_edge(
            table_id(u),
            table_id(v),
            key=f"e{i}",
            name=fk.name,
            columns=", ".join(fk.columns),
            ref_columns=", ".join(fk.ref_columns),
            ref_table=table_id(fk.ref_table),
            service=str(data.get("service", "")),
            ref_service=str(data.get("ref_service", "")),
            cross_service=bool(data.get("cross_service", False)),
            on_delete=fk.on_delete,
            on_update=fk.on_update,
            origin=fk.origin,
            state=fk.state,
            validated=bool(fk.validated),
            deferrable=bool(fk.deferrable),
            fresh_db_failure=bool(data.get("fresh_db_failure", False)),
            added_at=_loc(fk.added_at),
            dropped_at=_loc(fk.dropped_at),
        )
    return F


#: Service-graph edge attributes counting FKs per ON DELETE action, in ACTIONS order.
ACTION_COUNTS = tuple(a.lower().replace(" ", "_") for a in ACTIONS)


def flat_service_graph(S: nx.DiGraph, scope: Scope | None = None) -> nx.DiGraph:
    """The service graph with scalar attributes: nodes ``label``, ``tables``; edges
    ``weight``, one count per ON DELETE action and ``fks`` (comma-separated FK names)."""
    import networkx as nx

    F = nx.DiGraph()
    F.graph.update(_graph_attrs(scope, "services"))
    for name, data in sorted(S.nodes(data=True)):
        F.add_node(name, label=service_label(name), tables=int(data.get("tables", 0)))
    for u, v, data in sorted(S.edges(data=True), key=lambda e: (e[0], e[1])):
        attrs: dict[str, Any] = {"weight": int(data.get("weight", 0))}
        for attr in ACTION_COUNTS:
            attrs[attr] = int(data.get(attr, 0))
        attrs["fks"] = ", ".join(fk.name for fk in data.get("fks", ()))
        F.add_edge(u, v, **attrs)
    return F


def flat_graph(p: Prepared) -> nx.Graph:
    """The selection of ``p`` at its scope's level: :func:`flat_service_graph` or :func:`flat_table_graph`."""
    if p.scope.level == "services":
        assert p.services is not None
        return flat_service_graph(p.services, p.scope)
    return flat_table_graph(p.tables, p.scope)


def action_mix(data: Mapping[str, Any]) -> str:
    """A service edge's FK counts per ON DELETE action (:data:`graph.analysis.ACTION_ATTRS`), zeros left out.

    >>> action_mix({"weight": 3, "cascade": 2, "set_null": 0, "no_action": 1})
    'CASCADE 2, NO ACTION 1'
    """
    return ", ".join(f"{action} {data[attr]}" for action, attr in ACTION_ATTRS.items() if data.get(attr))


def _graph_attrs(scope: Scope | None, level: str) -> dict[str, Any]:
    scope = scope or Scope()
    return {
        "generator": "fkmap",
        "format_version": 1,
        "level": level,
        "scope": scope.describe(),
        "service": scope.service or "",
        "cross_only": bool(scope.cross_only),
    }
