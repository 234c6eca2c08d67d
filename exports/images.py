"""SVG, PNG and PDF pictures.

Two engines, chosen by what is drawn:

* **Graphviz** (``dot`` as a subprocess) for the service diagram and for the
  table diagram of one service (clusters per service, see :mod:`exports.dot`).
* **Plotly + Kaleido** for the whole table-level picture, where Graphviz would
  take minutes and give a strip: positions are computed here (one circle of
  tables per service, services packed in rows, a spring layout inside each
  circle) and Kaleido renders them with the system Chromium.

A service picture draws at most :data:`MAX_PICTURE_EDGES` dependencies, the
strongest, and its title says how many it left out (dot takes many minutes on a
near-complete graph of 40 services, and nobody could read it); the DOT text and
the reports keep every one.

A missing ``dot`` or Chromium is reported with how to install it, as an
:class:`ImageExportError`.
"""

from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
from collections import defaultdict
from dataclasses import replace
from typing import Any, BinaryIO, Literal

import networkx as nx

from exports._common import Prepared, clean_text, prepare, service_label, table_id
from exports.dot import dot_text
from exports.legend import default_title, with_legend
from graph.scope import Scope
from model.inventory import Inventory, TableRef
from model.names import distinct_labels

__all__ = [
    "DOT_MISSING",
    "MAX_PICTURE_EDGES",
    "ImageExportError",
    "cluster_layout",
    "image_bytes",
    "plotly_figure",
    "render_graphviz",
    "strongest",
    "write_pdf",
    "write_png",
    "write_svg",
]

ImageFormat = Literal["svg", "png", "pdf"]
Engine = Literal["auto", "graphviz", "plotly"]

DOT_MISSING = "Graphviz 'dot' not found: install it (apt-get install graphviz)"
CHROMIUM = "/usr/bin/chromium"


#: The most service dependencies a service picture draws (the strongest; the title counts the rest).
MAX_PICTURE_EDGES = 80


class ImageExportError(RuntimeError):
    """An image could not be made; the message says why and how to fix it."""


def render_graphviz(source: str, fmt: ImageFormat, *, timeout: float = 600) -> bytes:
    """Run ``dot -T<fmt>`` on DOT ``source`` and return the image bytes (PNG at 144 dpi)."""
    exe = shutil.which("dot")
    if exe is None:
        raise ImageExportError(DOT_MISSING)
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}", *(["-Gdpi=144"] if fmt == "png" else [])],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ImageExportError(
            f"Graphviz 'dot' took longer than {timeout:.0f}s; export a smaller scope"
        ) from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ImageExportError(
            f"Graphviz 'dot' failed ({done.returncode}): {err[-1] if err else 'no message'}"
        )
    return done.stdout


# -- whole-picture layout ---------------------------------------------------------------------------------


def cluster_layout(
    G: nx.MultiDiGraph, *, seed: int = 1
) -> tuple[dict[TableRef, tuple[float, float]], dict[str, tuple[float, float, float]]]:
    """Positions for every table: services as circles packed in rows, tables spread inside.

    Returns ``(positions, circles)`` where ``circles`` maps service ->
    ``(cx, cy, radius)``. Deterministic for a given graph and seed.
    """
    members: dict[str, list[TableRef]] = defaultdict(list)
    for ref, data in G.nodes(data=True):
        members[str(data.get("service", ""))].append(ref)
    radius = {s: 1.0 + math.sqrt(len(refs)) * 0.9 for s, refs in members.items()}
    order = sorted(members, key=lambda s: (-len(members[s]), s))
    area = sum((2 * r + 1) ** 2 for r in radius.values())
    sizes = sorted(2 * r + 1 for r in radius.values())
    median = sizes[len(sizes) // 2] if sizes else 1.0
    width = max(math.sqrt(area) * 1.1, math.ceil(math.sqrt(len(sizes))) * median, sizes[-1] if sizes else 1.0)
    circles: dict[str, tuple[float, float, float]] = {}
    x = y = row_h = 0.0
    for s in order:
        d = 2 * radius[s] + 1
        if x and x + d > width:
            x, y, row_h = 0.0, y - row_h, 0.0
        circles[s] = (x + d / 2, y - d / 2, radius[s])
        x += d
        row_h = max(row_h, d)
    pos: dict[TableRef, tuple[float, float]] = {}
    for s, refs in members.items():
        cx, cy, r = circles[s]
        refs = sorted(refs)
        if len(refs) == 1:
            pos[refs[0]] = (cx, cy)
            continue
        sub = nx.Graph()
        sub.add_nodes_from(refs)
        sub.add_edges_from((u, v) for u, v in G.subgraph(refs).edges() if u != v)
        if sub.number_of_edges() == 0 or len(refs) <= 4:
            inner = nx.circular_layout(refs)
        else:
            inner = nx.spring_layout(sub, seed=seed, iterations=50)
        scale = max((math.hypot(*p) for p in inner.values()), default=1.0) or 1.0
        for ref, (px, py) in inner.items():
            pos[ref] = (cx + px / scale * (r - 0.5), cy + py / scale * (r - 0.5))
    return pos, circles


_PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
    "#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#e15759",
)  # fmt: skip


def _pl(text: str) -> str:
    """Text for Plotly, which reads a subset of HTML (``<b>``, ``<a href>``): entities for ``& < >``."""
    return html.escape(clean_text(text), quote=False)


def plotly_figure(p: Prepared, *, title: str = "") -> Any:
    """The whole table-level picture as a Plotly figure (positions computed server-side)."""
    import plotly.graph_objects as go

    G = p.tables
    pos, circles = cluster_layout(G)
    services = sorted(circles)
    color = {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(services)}
    fig = go.Figure()
    for cross, line in (
        (False, {"color": "#b8b8b8", "width": 0.6}),
        (True, {"color": "#c0392b", "width": 0.8}),
    ):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v, d in G.edges(data=True):
            if bool(d.get("cross_service")) == cross and u in pos and v in pos:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
        name = "cross-service foreign key" if cross else "foreign key within a service"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=line, hoverinfo="skip", name=name))
    labels = G.number_of_nodes() <= 150
    names = distinct_labels(G.nodes, lambda r: r.name)  # database-qualified where two tables share a name
    for s in services:
        refs = sorted(r for r in pos if str(G.nodes[r].get("service", "")) == s)
        fig.add_trace(
            go.Scatter(
                x=[pos[r][0] for r in refs],
                y=[pos[r][1] for r in refs],
                mode="markers+text" if labels else "markers",
                text=[_pl(names[r]) for r in refs] if labels else None,
                textposition="top center",
                textfont={"size": 9},
                hovertext=[_pl(table_id(r)) for r in refs],
                hoverinfo="text",
                marker={"size": 6 if not labels else 9, "color": color[s], "line": {"width": 0}},
                name=_pl(service_label(s)),
                showlegend=len(services) <= 30,
            )
        )
    for s in services:
        cx, cy, r = circles[s]
        fig.add_shape(
            type="circle", x0=cx - r, y0=cy - r, x1=cx + r, y1=cy + r,
            line={"color": color[s], "width": 1}, fillcolor=color[s], opacity=0.08, layer="below",
        )  # fmt: skip
        fig.add_annotation(
            x=cx, y=cy + r, text=_pl(service_label(s)), showarrow=False, yshift=10, font={"size": 14}
        )
    xs_all = [c[0] for c in circles.values()] or [0.0]
    ys_all = [c[1] for c in circles.values()] or [0.0]
    span_x = max(xs_all) - min(xs_all) + 2 * max((c[2] for c in circles.values()), default=1)
    span_y = max(ys_all) - min(ys_all) + 2 * max((c[2] for c in circles.values()), default=1)
    fig.update_layout(
        title={"text": _pl(title)} if title else None,
        showlegend=True,  # the edge kinds always; the services up to 30 of them
        legend={"title": {"text": "Legend"}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 20, "r": 20, "t": 60 if title else 30, "b": 20},
        xaxis={"visible": False, "scaleanchor": "y"},
        yaxis={"visible": False},
        meta={"aspect": span_x / span_y if span_y else 1.0, "services": len(services)},
    )
    return fig


def _kaleido_image(fig: Any, fmt: ImageFormat) -> bytes:
    if "BROWSER_PATH" not in os.environ and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    meta = fig.layout.meta or {}
    aspect = float(meta.get("aspect", 1.0))
    width = int(min(max(400 * math.sqrt(int(meta.get("services", 1))), 800), 2400))
    height = int(min(max(width / max(aspect, 0.2), 600), 6000))
    try:
        return bytes(fig.to_image(format=fmt, width=width, height=height))
    except Exception as exc:  # kaleido raises many kinds; all mean "no picture"
        raise ImageExportError(
            f"Kaleido could not render the picture ({type(exc).__name__}: {exc}). It needs Chromium: "
            "install it (apt-get install chromium) or set BROWSER_PATH to a Chromium binary"
        ) from exc


def image_bytes(
    source: Inventory | nx.MultiDiGraph,
    fmt: ImageFormat,
    *,
    scope: Scope | None = None,
    engine: Engine = "auto",
    title: str = "",
) -> bytes:
    """The picture of ``source`` in ``scope`` as ``fmt`` bytes, with a title and a legend.

    The title is ``title`` or :func:`exports.legend.default_title`.
    ``engine='auto'`` uses Graphviz for the service level and for one
    service's tables, Plotly + Kaleido for the table level of everything.
    """
    p, left_out = strongest(prepare(source, scope, level="services", include_dropped=False))
    title = title or default_title(p)
    if left_out:
        drawn = MAX_PICTURE_EDGES
        title += (
            f" — the {drawn} strongest of {drawn + left_out:,} service dependencies"
            " (all of them: --format md or dot)"
        )
    whole = p.scope.level == "tables" and p.scope.service is None
    if engine == "plotly" or (engine == "auto" and whole):
        if p.scope.level == "services":
            raise ImageExportError("the plotly engine draws tables: use --level tables")
        return _kaleido_image(plotly_figure(p, title=title), fmt)
    return render_graphviz(with_legend(dot_text(p, title=title), p.scope.level), fmt)


def strongest(p: Prepared, limit: int = MAX_PICTURE_EDGES) -> tuple[Prepared, int]:
    """``p`` with only its ``limit`` strongest service dependencies, and how many it left out.

    Strongest: most FKs, then most ON DELETE CASCADE, then by name. Every service stays
    drawn; only a service-level picture is cut.
    """
    S = p.services
    if p.scope.level != "services" or S is None or S.number_of_edges() <= limit:
        return p, 0
    ranked = sorted(
        S.edges(data=True),
        key=lambda e: (-int(e[2].get("weight", 0)), -int(e[2].get("cascade", 0)), e[0], e[1]),
    )
    kept = nx.DiGraph(**S.graph)
    kept.add_nodes_from(S.nodes(data=True))
    kept.add_edges_from(ranked[:limit])
    return replace(p, services=kept), S.number_of_edges() - limit


def write_svg(source: Inventory | nx.MultiDiGraph, stream: BinaryIO, *, scope: Scope | None = None) -> None:
    """Write an SVG picture."""
    stream.write(image_bytes(source, "svg", scope=scope))


def write_png(source: Inventory | nx.MultiDiGraph, stream: BinaryIO, *, scope: Scope | None = None) -> None:
    """Write a PNG picture."""
    stream.write(image_bytes(source, "png", scope=scope))


def write_pdf(source: Inventory | nx.MultiDiGraph, stream: BinaryIO, *, scope: Scope | None = None) -> None:
    """Write a PDF picture."""
    stream.write(image_bytes(source, "pdf", scope=scope))
