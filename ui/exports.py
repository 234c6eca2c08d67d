"""The Export menu: pictures of the graph as shown, and data files of the current scope.

Two kinds of export, both started from an "Export" menu on the overview, the
table graph and the service pages (hidden in presentation mode):

Pictures (PNG, SVG) of the graph *as shown*
    Made in the browser from the Cytoscape instance that draws the view
    (``exportImage`` in ``assets/fkmap.js``): the current viewport, pan and zoom,
    labels and colours exactly as on screen, at twice the screen resolution for
    PNG, framed by a title (:func:`picture_title`, with the scan's name) and the
    graph's legend (:func:`exports.legend.screen_legend`, the page's own legend,
    plus the colours of the services drawn). SVG comes from the cytoscape-svg
    extension in dash-cytoscape's extra bundle (``cyto.load_extra_layouts()`` in
    ``app.py``). Nothing goes through the server. The service page has no
    graph: it offers Graphviz pictures of the service's neighbourhood made on
    the server instead.
Data (DOT, Mermaid, GraphML, graph JSON, CSV, impact CSV, Markdown, HTML)
    Made on the server by :func:`exports.export` from the scan's
    inventory, for the *scope* the URL describes (:func:`export_scope`), so a
    file equals ``fkmap export --format F`` with the same options.

This module holds the logic: :func:`export_download`, :func:`export_target`
and :func:`triggered_format` are plain functions of the URL and the data,
unit-tested without a browser; the menu is :mod:`ui.pages.export_menu`, its
callbacks :mod:`ui.callbacks.exports`.

Examples
--------
>>> from ui.state import parse_url
>>> export_scope(parse_url("/tables", "?svc=auth&cross=1"), ["auth", "messaging"])
Scope(service='auth', cross_only=True, level='tables', include_dropped=None)
>>> file_name(Scope(service="auth", cross_only=True, level="tables"), "dot")
'fkmap-service-auth-cross-tables.dot'
>>> file_name(Scope(service="auth", cross_only=True, level="tables"), "csv")
'fkmap-service-auth-cross.csv'
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

from dash.dcc.express import send_bytes, send_string

from exports import FORMATS, ImageExportError, ScopeError, export
from graph.scope import Scope
from model.inventory import ForeignKey
from remediation.service import RemediationView
from remediation.totals import report_totals
from ui import ids
from ui.data import UNASSIGNED, AppData
from ui.state import ON_DELETE_KINDS, ORIGINS, ViewState, parse_url

__all__ = [
    "DATA_FORMATS",
    "DIAGRAM_FORMATS",
    "MIME",
    "SERVICE_IMAGE_FORMATS",
    "export_download",
    "export_file",
    "export_scope",
    "export_target",
    "file_name",
    "menu_outputs",
    "picture_title",
    "safe_name",
    "scope_note",
    "scope_slug",
    "scope_text",
    "triggered_format",
]

#: (format name of :data:`exports.FORMATS`, button label) of the data exports, in menu order.
DATA_FORMATS = (
    ("dot", "Graphviz DOT"),
    ("mermaid", "Mermaid"),
    ("graphml", "GraphML"),
    ("graph-json", "Graph JSON"),
    ("csv", "CSV: FK list"),
    ("impact-csv", "CSV: impact"),
    ("md", "Markdown report"),
    ("html", "HTML report"),
)
#: Pictures the service page offers (no graph on screen: drawn by Graphviz on the server).
SERVICE_IMAGE_FORMATS = (("svg", "SVG (Graphviz)"), ("png", "PNG (Graphviz)"))
MIME = {
    "dot": "text/vnd.graphviz",
    "mermaid": "text/plain",
    "graphml": "application/xml",
    "graph-json": "application/json",
    "csv": "text/csv",
    "impact-csv": "text/csv",
    "md": "text/markdown",
    "html": "text/html",
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}
#: Formats drawn at service level unless the scope says otherwise (graph/exports defaults).
DIAGRAM_FORMATS = frozenset({"dot", "mermaid", "svg", "png", "pdf"})
_SERVER_FORMATS = frozenset(f for f, _ in DATA_FORMATS + SERVICE_IMAGE_FORMATS)


# ------------------------------------------------------------------ logic ---


def export_scope(state: ViewState, services: Collection[str]) -> Scope | None:
    """The :class:`~graph.scope.Scope` the data exports of ``state``'s page cover (None: no exports).

    * overview: everything, each format at its default level;
    * table graph: ``level='tables'``, the filter's cross-service switch, its one
      selected service (several, or the unassigned cluster, cannot be a scope:
      all services then), dropped FKs when the filter shows them (otherwise each
      format's default: CSV and reports list them with their state);
    * service page: that service, for a service ``services`` knows.

    >>> export_scope(ViewState(), [])
    Scope(service=None, cross_only=False, level=None, include_dropped=None)
    >>> export_scope(ViewState(page="service", service="nope"), ["auth"]) is None
    True
    """
    if state.page == "overview":
        return Scope()
    if state.page == "tables":
        flt = state.filter
        chosen = [s for s in flt.services if s in services and s != UNASSIGNED]
        return Scope(
            service=chosen[0] if len(flt.services) == 1 and chosen else None,
            cross_only=flt.cross_only,
            level="tables",
            include_dropped=True if flt.include_dropped else None,
        )
    if state.page == "service" and state.service in services and state.service != UNASSIGNED:
        return Scope(service=state.service)
    return None


def scope_note(state: ViewState) -> str:
    """What the table graph shows but the data exports cannot narrow to ('' when nothing).

    >>> scope_note(ViewState(page="tables"))
    ''
    >>> from ui.state import TableFilter
    >>> scope_note(ViewState(page="tables", filter=TableFilter(services=("a", "b"), on_delete=("CASCADE",))))
    'Data files cover all services and ignore the ON DELETE filter.'
    """
    if state.page != "tables":
        return ""
    flt = state.filter
    ignored = []
    if flt.on_delete and tuple(flt.on_delete) != ON_DELETE_KINDS:
        ignored.append("the ON DELETE filter")
    if tuple(flt.origins) != ORIGINS:
        ignored.append("the origin filter")
    if flt.focus:
        ignored.append("the focus")
    several = len(flt.services) > 1 or (len(flt.services) == 1 and flt.services[0] == UNASSIGNED)
    parts = ["cover all services"] if several else []
    if ignored:
        parts.append("ignore " + " and ".join(ignored))
    return f"Data files {' and '.join(parts)}." if parts else ""


def safe_name(text: str, limit: int = 60) -> str:
    """``text`` made safe inside a file name: letters, digits, ``_ . -`` only, at most ``limit`` long.

    >>> safe_name("a/b <x>"), safe_name("../etc"), safe_name("")
    ('a_b__x_', '_.._etc', '_')
    """
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:limit]
    if name.startswith("."):
        name = "_" + name
    return name or "_"


def scope_slug(scope: Scope, default_level: str | None = None) -> str:
    """The scope part of a file name; the level is named when it is not ``default_level``.

    >>> scope_slug(Scope()), scope_slug(Scope(cross_only=True, include_dropped=True))
    ('all', 'all-cross-with-dropped')
    >>> scope_slug(Scope(service="a b", level="services")), scope_slug(Scope(level="tables"), "tables")
    ('service-a_b-services', 'all')
    """
    parts = [f"service-{safe_name(scope.service)}" if scope.service is not None else "all"]
    if scope.cross_only:
        parts.append("cross")
    if scope.level is not None and scope.level != default_level:
        parts.append(scope.level)
    if scope.include_dropped:
        parts.append("with-dropped")
    return "-".join(parts)


def file_name(scope: Scope, fmt: str) -> str:
    """``fkmap-<scope>[-impact].<suffix>`` for format ``fmt``.

    The level appears only when it is not the format's default (services for
    diagrams, tables for data files and reports), so one name means one content.

    >>> file_name(Scope(), "impact-csv"), file_name(Scope(level="tables"), "mermaid")
    ('fkmap-all-impact.csv', 'fkmap-all-tables.mmd')
    >>> file_name(Scope(service="auth", level="tables"), "md")
    'fkmap-service-auth.md'
    """
    extra = "-impact" if fmt == "impact-csv" else ""
    default = "services" if fmt in DIAGRAM_FORMATS else "tables"
    return f"fkmap-{scope_slug(scope, default)}{extra}{FORMATS[fmt].suffix}"


def export_file(
    data: AppData,
    scope: Scope,
    fmt: str,
    phase_of: Callable[[ForeignKey], str] | None = None,
    view: RemediationView | None = None,
) -> tuple[str, str | bytes]:
    """``(file name, content)`` of format ``fmt`` over ``scope`` (text, or bytes for pictures).

    ``phase_of`` (the remediation store's phases) and the totals of ``view`` (the remediation
    store read with the scan, :func:`remediation.totals.report_totals`) go to the formats that
    take them (the report).

    Raises :class:`~graph.scope.ScopeError` or :class:`~exports.ImageExportError`
    with a readable message, :class:`KeyError` for an unknown format.
    """
    binary = FORMATS[fmt].binary
    buffer: io.BytesIO | io.StringIO = io.BytesIO() if binary else io.StringIO()
    options: dict[str, Any] = {"phase_of": phase_of} if phase_of is not None and FORMATS[fmt].phases else {}
    if view is not None and FORMATS[fmt].totals:
        options["totals"] = report_totals(view, scope.service or "")
    export(fmt, data.inventory, buffer, scope=scope, **options)
    return file_name(scope, fmt), buffer.getvalue()


def export_download(
    data: AppData,
    pathname: str | None,
    search: str | None,
    fmt: str,
    phase_of: Callable[[ForeignKey], str] | None = None,
    view: RemediationView | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """What a download button sends: ``dcc.Download`` data (or None) and a status message.

    The scope comes from the URL (:func:`export_scope`); a failure (unknown
    service, Graphviz missing) gives None and the reason.
    """
    if fmt not in _SERVER_FORMATS:
        return None, f"Unknown export format {fmt!r}."
    scope = export_scope(parse_url(pathname, search), data.services)
    if scope is None:
        return None, "Nothing to export on this page."
    try:
        name, content = export_file(data, scope, fmt, phase_of, view)
    except (ScopeError, ImageExportError) as exc:
        return None, f"Export failed: {exc}"
    send = send_bytes if isinstance(content, bytes) else send_string
    sent: dict[str, Any] = send(content, name, type=MIME[fmt])  # type: ignore[no-untyped-call]
    return dict(sent), f"Downloaded {name}"


def picture_title(state: ViewState) -> str:
    """The title a picture of ``state``'s graph carries: the view's name and what filters it.

    >>> picture_title(ViewState(expanded=("auth",)))
    'Service overview — auth expanded'
    >>> from ui.state import TableFilter
    >>> picture_title(ViewState(page="tables", filter=TableFilter(services=("auth",), cross_only=True)))
    'Tables — service auth, cross-service FKs only'
    """
    if state.page != "tables":
        return "Service overview" + (f" — {', '.join(state.expanded)} expanded" if state.expanded else "")
    flt = state.filter
    shown = ", ".join(flt.services[:3]) + (
        f" and {len(flt.services) - 3} more" if len(flt.services) > 3 else ""
    )
    parts = [f"service{'s' if len(flt.services) > 1 else ''} {shown}" if flt.services else "all services"]
    if flt.cross_only:
        parts.append("cross-service FKs only")
    if flt.on_delete and tuple(flt.on_delete) != ON_DELETE_KINDS:
        parts.append("ON DELETE " + " / ".join(flt.on_delete))
    if tuple(flt.origins) != ORIGINS:
        parts.append(" and ".join(flt.origins) + " only" if flt.origins else "no FKs")
    if flt.include_dropped:
        parts.append("dropped FKs shown")
    if flt.focus:
        parts.append(f"around {flt.focus} ({flt.hops} hop{'' if flt.hops == 1 else 's'})")
    return "Tables — " + ", ".join(parts)


def export_target(state: ViewState) -> dict[str, str] | None:
    """Which Cytoscape graph the picture buttons export, its file name without suffix, and the
    picture's title (:func:`picture_title`).

    A picture shows the whole filtered view, so its name follows the filter
    (up to three service names), not the data scope.

    >>> export_target(ViewState())
    {'graph': 'fk-service-graph', 'name': 'fkmap-overview', 'title': 'Service overview'}
    >>> from ui.state import TableFilter
    >>> state = ViewState(page="tables", filter=TableFilter(services=("a/b", "c"), cross_only=True))
    >>> export_target(state)["name"], export_target(state)["title"]
    ('fkmap-tables-a_b-c-cross', 'Tables — services a/b, c, cross-service FKs only')
    """
    if state.page == "overview":
        return {"graph": ids.SERVICE_GRAPH, "name": "fkmap-overview", "title": picture_title(state)}
    if state.page != "tables":
        return None
    flt = state.filter
    parts = ["fkmap-tables", *(safe_name(s, 30) for s in flt.services[:3])]
    if len(flt.services) > 3:
        parts.append(f"and-{len(flt.services) - 3}-more")
    if flt.cross_only:
        parts.append("cross")
    if flt.focus:
        parts.append("focus")
    return {"graph": ids.TABLE_GRAPH, "name": "-".join(parts), "title": picture_title(state)}


def scope_text(scope: Scope | None) -> str:
    """The scope line of the menu.

    >>> scope_text(Scope(cross_only=True))
    'Scope: all services, cross-service FKs only'
    """
    return f"Scope: {scope.describe()}" if scope is not None else ""


def triggered_format(triggered: Sequence[dict[str, Any]]) -> str | None:
    """The format of the pressed download button from ``dash.ctx.triggered`` (None if no real click).

    >>> triggered_format([{"prop_id": '{"format":"dot","type":"fk-export"}.n_clicks', "value": 1}])
    'dot'
    >>> triggered_format([{"prop_id": '{"format":"dot","type":"fk-export"}.n_clicks', "value": None}])
    """
    for item in triggered:
        prop = str(item.get("prop_id", ""))
        if not item.get("value") or not prop.endswith(".n_clicks"):
            continue
        try:
            button = json.loads(prop.rsplit(".", 1)[0])
        except ValueError:
            continue
        if isinstance(button, dict) and button.get("type") == ids.EXPORT_BUTTON:
            return str(button.get("format", ""))
    return None


def menu_outputs(
    services: Collection[str], pathname: str | None, search: str | None
) -> tuple[str, str, dict[str, str] | None]:
    """What the menu shows after a URL change: the scope line, the note, the picture target.

    >>> menu_outputs(["auth"], "/tables", "?svc=auth&cross=1")[2]["name"]
    'fkmap-tables-auth-cross'
    """
    state = parse_url(pathname, search)
    return scope_text(export_scope(state, services)), scope_note(state), export_target(state)
