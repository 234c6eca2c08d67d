"""CSV tables: the FK list, the service dependencies and per-service impact.

* ``write_csv`` at table level (the default): one row per FK in scope, dropped
  ones included (column ``state``); at service level one row per dependent ->
  owner pair with the FK count per ON DELETE action.
* ``write_impact_csv``: for each service in scope (or just ``scope.service``),
  its outgoing and incoming cross-service FKs as
  :func:`graph.impact.service_impact` lists them.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading ``'``. Rows end in ``\\n``.

Examples
--------
>>> neutralise("=SUM(A1)"), neutralise("users")
("'=SUM(A1)", 'users')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

import networkx as nx

from exports._common import ACTION_COUNTS, prepare, table_id
from graph.impact import service_impact
from graph.scope import Scope, known_services
from model.inventory import Inventory

__all__ = ["FK_COLUMNS", "IMPACT_COLUMNS", "SERVICE_COLUMNS", "neutralise", "write_csv", "write_impact_csv"]

FK_COLUMNS = (
    "name",
    "service",
    "table",
    "columns",
    "ref_service",
    "ref_table",
    "ref_columns",
    "cross_service",
    "on_delete",
    "on_update",
    "origin",
    "state",
    "validated",
    "fresh_db_failure",
    "added_at",
    "dropped_at",
    "table_id",
    "ref_table_id",
)
SERVICE_COLUMNS = ("dependent", "owner", "fks", *ACTION_COUNTS, "fk_names")
IMPACT_COLUMNS = (
    "service",
    "direction",
    "other_service",
    "name",
    "table",
    "columns",
    "ref_table",
    "ref_columns",
    "on_delete",
    "on_update",
    "state",
    "origin",
    "replica",
    "fresh_db_failure",
    "validated",
    "defined_at",
)

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell as text, with a ``'`` before anything a spreadsheet would evaluate."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _write(stream: TextIO, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([neutralise(v) for v in row])


def write_csv(source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None) -> None:
    """Write the FK list (table level, default) or the service dependencies (service level)."""
    p = prepare(source, scope, level="tables", include_dropped=True)
    if p.scope.level == "services":
        assert p.services is not None
        rows = []
        for u, v, d in sorted(p.services.edges(data=True), key=lambda e: (e[0], e[1])):
            counts = [int(d.get(a, 0)) for a in ACTION_COUNTS]
            names = ", ".join(fk.name for fk in d.get("fks", ()))
            rows.append([u, v, int(d.get("weight", 0)), *counts, names])
        _write(stream, SERVICE_COLUMNS, rows)
        return
    rows = []
    for u, v, _k, d in sorted(p.tables.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        fk = d["fk"]
        rows.append(
            [
                fk.name,
                d.get("service", ""),
                u.qualified,
                ", ".join(fk.columns),
                d.get("ref_service", ""),
                v.qualified,
                ", ".join(fk.ref_columns),
                bool(d.get("cross_service")),
                fk.on_delete,
                fk.on_update,
                fk.origin,
                fk.state,
                fk.validated,
                bool(d.get("fresh_db_failure")),
                str(fk.added_at or ""),
                str(fk.dropped_at or ""),
                table_id(u),
                table_id(v),
            ]
        )
    _write(stream, FK_COLUMNS, rows)


def write_impact_csv(
    source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None
) -> None:
    """Write per-service impact rows: each service's outgoing then incoming cross-service FKs."""
    p = prepare(source, scope, level="tables", include_dropped=True)
    G = p.tables
    services = [p.scope.service] if p.scope.service is not None else known_services(p.full)
    rows = []
    for service in services:
        impact = service_impact(G, service)
        for direction, group in (("outgoing", impact.outgoing), ("incoming", impact.incoming)):
            for r in group:
                rows.append(
                    [
                        service,
                        direction,
                        r.other_service,
                        r.name,
                        r.table.qualified,
                        ", ".join(r.columns),
                        r.ref_table.qualified,
                        ", ".join(r.ref_columns),
                        r.on_delete,
                        r.on_update,
                        r.state,
                        r.origin,
                        r.replica,
                        r.fresh_db_failure,
                        r.validated,
                        r.defined_at,
                    ]
                )
    _write(stream, IMPACT_COLUMNS, rows)
