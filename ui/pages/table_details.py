"""One table explained: its owner and why (the evidence, decisive first), columns, FKs, shared access.

The table graph shows it for the tapped node, the service page for the row
selected in its table grid. Every name is a text child, never HTML.

Examples
--------
>>> from model.inventory import Evidence, Inventory, Table, TableRef
>>> from ui.data import build_app_data
>>> ev = Evidence("code-write", "content", "written by content (src/db.rs:41)", "src/db.rs", 41)
>>> data = build_app_data(Inventory(tables=(Table(TableRef("db", "public", "posts"), service="content",
...                                              owner_evidence=(ev,)),)))
>>> [row] = evidence_rows(data.graph.nodes[TableRef("db", "public", "posts")]["table"])
>>> row["kind"], row["service"], row["at"]
('code-write', 'content', 'src/db.rs:41')
>>> details_from_tap(data, {"kind": "cluster"}) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dash import dcc, html

from model.inventory import Evidence, ForeignKey, Table, TableRef
from ui.data import AppData
from ui.elements import table_names
from ui.pages.common import data_attrs
from ui.state import service_href

__all__ = [
    "DETAILS_HINT",
    "PhaseOf",
    "build_table_details",
    "details_from_rows",
    "details_from_tap",
    "details_hint",
    "evidence_rows",
    "path_code",
]

#: What the panel says before a table is chosen.
DETAILS_HINT = (
    "Click a table to see its owner and why, its columns and its foreign keys; click an arrow to see the key."
)
#: The remediation phase of a key ("Phase 1: Validation added"), as the report names it.
PhaseOf = Callable[[ForeignKey], str]
#: At most this many columns / FKs each way are listed; the rest is counted.
LIST_LIMIT = 25


def _at(path: str, line: int) -> str:
    return f"{path}:{line}" if path and line else path


def evidence_rows(table: Table) -> list[dict[str, str]]:
    """The table's evidence as plain rows, decisive first: kind, service, detail, path:line."""
    return [_evidence_row(e) for e in table.owner_evidence]


def path_code(text: str, class_name: str = "") -> html.Code:
    """A path (or ``path:line``) as code that may wrap after each ``/`` rather than mid-name.

    >>> [c if isinstance(c, str) else "<wbr>" for c in path_code("db/m/001.sql:3").children]
    ['db/', '<wbr>', 'm/', '<wbr>', '001.sql:3']
    """
    children: list[Any] = []
    for chunk in re.split(r"(?<=/)", text):
        if chunk:
            children += [chunk, html.Wbr()]
    return html.Code(children[:-1], className=class_name or None)


def _evidence_row(e: Evidence) -> dict[str, str]:
    return {"kind": e.kind, "service": e.service, "detail": e.detail, "at": _at(e.path, e.line)}


def details_hint(text: str = DETAILS_HINT) -> html.P:
    """The panel's content while nothing is selected."""
    return html.P(text, className="hint details-hint")


def _fact(label: str, value: Any) -> list[Any]:
    return [html.Dt(label), html.Dd(value)]


def _facts(table: Table) -> html.Dl:
    owner: Any = (
        dcc.Link(table.owner, href=service_href(table.owner), className="service-link")
        if table.owner
        else html.Span("no service owns it", className="tag warning")
    )
    items = _fact("Owner", owner)
    if table.service and table.service != table.owner:
        items += _fact("Held by", table.service)
    if table.replica_of:
        items += _fact("Replica of", f"a local copy of {table.replica_of}'s data")
    if table.external:
        items += _fact("External", "referenced, never defined in its own database")
    if table.resolved_to is not None:
        items += _fact("Defined in", path_code(str(table.resolved_to)))
    if table.defined_at is not None:
        items += _fact("Defined at", path_code(str(table.defined_at)))
    if table.dropped_at is not None:
        items += _fact("Dropped at", path_code(str(table.dropped_at)))
    return html.Dl(items, className="facts")


def _evidence(table: Table) -> html.Div:
    rows = evidence_rows(table)
    if not rows:
        return html.Div(
            [html.H5("Evidence"), html.P("No evidence recorded for this table.", className="muted")]
        )
    items = [
        html.Li(
            className="evidence" + (" decisive" if i == 0 else ""),
            children=[
                html.Div(
                    [
                        html.Span(r["kind"], className="tag kind"),
                        html.Span(f" → {r['service']}" if r["service"] else "", className="evidence-service"),
                        html.Span(" decisive", className="muted") if i == 0 else None,
                    ]
                ),
                html.Div(r["detail"], className="evidence-detail"),
                path_code(r["at"], "evidence-at") if r["at"] else None,
            ],
            **data_attrs({"data-kind": r["kind"]}),
        )
        for i, r in enumerate(rows)
    ]
    return html.Div([html.H5(f"Evidence ({len(rows)})"), html.Ol(items, className="evidence-list")])


def _capped(items: Sequence[Any], empty: str) -> list[Any]:
    if not items:
        return [html.Li(empty, className="muted")]
    rest = len(items) - LIST_LIMIT
    return [*items[:LIST_LIMIT], *([html.Li(f"… and {rest} more", className="muted")] if rest > 0 else [])]


def _columns(table: Table) -> html.Div:
    pk = set(table.primary_key)
    items = [
        html.Li(
            [
                html.Code(c.name),
                f" {c.type}" if c.type else "",
                "" if c.nullable else " not null",
                html.Span("PK", className="tag") if c.name in pk else None,
            ]
        )
        for c in table.columns
    ]
    return html.Div(
        [
            html.H5(f"Columns ({len(table.columns)})"),
            html.Ul(_capped(items, "no columns known"), className="plain-list"),
        ]
    )


def _fk_line(fk: ForeignKey, other: str, arrow: str, d: Mapping[str, Any], phase: str = "") -> html.Li:
    return html.Li(
        [
            f"{arrow} {other} ({', '.join(fk.columns)}) ON DELETE {fk.on_delete}",
            html.Span(phase, className="tag phase") if phase else None,
            html.Span("cross-service", className="tag danger") if d["cross_service"] else None,
            html.Span("into a table no service owns", className="tag warning")
            if arrow == "→" and not d["ref_service"] and fk.state == "present"
            else None,
            html.Span(fk.state, className="tag") if fk.state != "present" else None,
        ]
    )


def _phase(d: Mapping[str, Any], phase_of: PhaseOf | None) -> str:
    """The remediation phase of a cross-service key ('' within a service or without a store)."""
    return phase_of(d["fk"]) if phase_of is not None and d.get("cross_service") else ""


def _fks(data: AppData, ref: TableRef, phase_of: PhaseOf | None) -> html.Div:
    G = data.graph
    names = table_names(data)  # database-qualified where two tables share a name
    out = [
        _fk_line(d["fk"], names[v], "→", d, _phase(d, phase_of)) for _, v, d in G.out_edges(ref, data=True)
    ]
    into = [
        _fk_line(d["fk"], names[u], "←", d, _phase(d, phase_of)) for u, _, d in G.in_edges(ref, data=True)
    ]
    return html.Div(
        [
            html.H5(f"Foreign keys out ({len(out)})"),
            html.Ul(_capped(out, "none"), className="plain-list"),
            html.H5(f"Foreign keys in ({len(into)})"),
            html.Ul(_capped(into, "none"), className="plain-list"),
        ]
    )


def _shared(data: AppData, ref: TableRef) -> html.Div | None:
    found = [a for a in data.inventory.shared_access if a.table == ref]
    if not found:
        return None
    items = [html.Li([f"{a.service} {a.access}s it ", path_code(_at(a.path, a.line))]) for a in found]
    return html.Div(
        [html.H5(f"Used by other services ({len(found)})"), html.Ul(items, className="plain-list")]
    )


def build_table_details(data: AppData, ref: TableRef, phase_of: PhaseOf | None = None) -> html.Div:
    """Everything about one table of ``data.graph``: owner, evidence, columns, FKs, shared access.

    ``phase_of`` names the remediation phase of each cross-service FK listed (none without it).
    """
    table: Table = data.graph.nodes[ref]["table"]
    return html.Div(
        className="table-info",
        children=[
            html.H4(ref.qualified, className="table-info-name"),
            html.Div(ref.database, className="muted table-info-db"),
            _facts(table),
            _evidence(table),
            _shared(data, ref),
            _fks(data, ref, phase_of),
            _columns(table),
        ],
        **data_attrs({"data-table": str(ref)}),
    )


def _details_of(data: AppData, label: Any, phase_of: PhaseOf | None = None) -> html.Div | None:
    ref = data.by_label.get(str(label)) if label else None
    return None if ref is None else build_table_details(data, ref, phase_of)


def details_from_tap(
    data: AppData, node: Mapping[str, Any] | None, phase_of: PhaseOf | None = None
) -> html.Div | None:
    """The details of a tapped table-graph node (its ``full`` label); None for a cluster or nothing."""
    return _details_of(data, (node or {}).get("full"), phase_of)


def details_from_rows(data: AppData, rows: Any) -> Any:
    """The details of the first selected grid row (its ``id`` is the table's label); a hint for none.

    ``rows`` is Dash AG Grid's ``selectedRows``: a list of row dicts.
    """
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], Mapping) else None
    found = _details_of(data, first.get("id")) if first else None
    return found if found is not None else details_hint("Select a table to see why it belongs here.")
