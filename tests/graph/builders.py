"""Tiny graphs for the graph tests: tables in database ``db``, FKs named by hand."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.build import build_graph
from model.inventory import ForeignKey, Inventory, Table, TableRef


def tiny(*fks: ForeignKey, services: dict[str, str]) -> nx.MultiDiGraph:
    """A graph of tables in database ``db`` whose services ``services`` gives by table name."""
    tables = tuple(Table(TableRef("db", "public", n), service=s) for n, s in sorted(services.items()))
    return build_graph(Inventory(tables=tables, foreign_keys=fks))


def fk(name: str, table: str, ref_table: str, on_delete: str = "NO ACTION", **kw: Any) -> ForeignKey:
    t, r = TableRef("db", "public", table), TableRef("db", "public", ref_table)
    return ForeignKey(name, t, (f"{ref_table}_id",), r, ("id",), on_delete=on_delete, **kw)
