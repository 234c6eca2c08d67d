"""The remediation page's plotly figures: keys per phase (stacked bars), the history of coupling
(present cross-service FKs after each migration, :func:`burndown_figure`) and the plan's progress
(FKs left against the plan's target dates, :func:`plan_figure`).

Names from scanned SQL are Plotly text: :func:`plotly_text` turns the few
tags Plotly reads in labels into entities.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from model.escape import clean_text
from remediation.plan_progress import PlanProgress
from remediation.records import PHASE_LABELS
from remediation.views import BurnDown, Progress

__all__ = ["PHASE_COLOURS", "burndown_figure", "plan_figure", "plotly_text", "progress_figure"]

#: Phase colours: grey (not started) -> amber -> blue -> teal -> green (done).
PHASE_COLOURS = {0: "#b8bec8", 1: "#f2b134", 2: "#4e79a7", 3: "#76b7b2", 4: "#59a14f"}


def plotly_text(text: str) -> str:
    """A name as Plotly text: Plotly reads ``<b>``, ``<a href>``... in labels, so ``& < >`` are entities.

    >>> plotly_text("<b>x</b> & y")
    '&lt;b&gt;x&lt;/b&gt; &amp; y'
    """
    return htmllib.escape(clean_text(text), quote=False)


def progress_figure(overall: Progress, per_service: Sequence[Progress]) -> go.Figure:
    """Horizontal stacked bars: keys per phase, overall on top, then each service."""
    bars = [overall, *per_service]
    names = [plotly_text(p.service) for p in bars][::-1]
    fig = go.Figure()
    for phase in range(5):
        values = [p.counts[phase] for p in bars][::-1]
        fig.add_bar(
            y=names,
            x=values,
            orientation="h",
            name=f"{phase} {PHASE_LABELS[phase]}",
            marker_color=PHASE_COLOURS[phase],
            text=[str(v) if v else "" for v in values],
            textposition="inside",
            hovertemplate="%{y}: %{x} key(s) at phase " + str(phase) + "<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=90 + 26 * len(bars),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        legend={"orientation": "h", "y": -0.12 - 0.6 / max(len(bars), 1), "x": 0, "traceorder": "normal"},
        xaxis={"title": "cross-service foreign keys", "dtick": 5 if overall.total > 20 else 1},
        plot_bgcolor="#fbfcfd",
        uirevision="progress",
    )
    return fig


def burndown_figure(bd: BurnDown, service: str = "") -> go.Figure:
    """Present cross-service keys after each migration (or date): overall and each service ('' for all)."""
    fig = go.Figure()
    pts = bd.points
    if bd.axis == "date":
        xs: list[Any] = [p.date[:10] for p in pts]
    else:
        xs = list(range(1, len(pts) + 1))
    hover = [f"{plotly_text(p.path)}<br>{p.date[:10]}" if p.date else plotly_text(p.path) for p in pts]
    if not service:
        fig.add_scatter(
            x=xs,
            y=[p.total for p in pts],
            name="All services",
            mode="lines",
            line={"shape": "hv", "width": 3, "color": "#1f2a3a"},
            customdata=hover,
            hovertemplate="%{customdata}<br>%{y} present<extra>All services</extra>",
        )
    for s in bd.services:
        if service and s != service:
            continue
        fig.add_scatter(
            x=xs,
            y=[p.count(s) for p in pts],
            name=plotly_text(s),
            mode="lines",
            line={"shape": "hv", "width": 3 if service else 1.5},
            customdata=hover,
            # the name goes in through %{fullData.name}: a '%{' in it is never read as a template
            hovertemplate="%{customdata}<br>%{y} present<extra>%{fullData.name}</extra>",
        )
    title = "migration (in scan order)" if bd.axis == "order" else "date"
    if bd.undated:
        fig.add_annotation(
            text=f"{len(bd.undated)} migration(s) without a date (file name or git) left out",
            xref="paper", yref="paper", x=0, y=1.06, showarrow=False, font={"size": 12, "color": "#5b6475"},
        )  # fmt: skip
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": title},
        yaxis={"title": "cross-service FKs present", "rangemode": "tozero"},
        plot_bgcolor="#fbfcfd",
        legend={"orientation": "v"},
        uirevision="burndown",
    )
    return fig


def plan_figure(pp: PlanProgress) -> go.Figure:
    """The plan's line (FKs it allows to remain after each target date) and the FKs present today."""
    fig = go.Figure()
    if pp.points:
        first = pp.points[0]
        xs = [first.date, *(p.date for p in pp.points)]
        ys = [first.planned + first.due, *(p.planned for p in pp.points)]
        fig.add_scatter(
            x=xs, y=ys, name="Plan: FKs allowed to remain", mode="lines+markers",
            line={"shape": "hv", "width": 2.5, "color": "#4e79a7", "dash": "dash"},
            customdata=[0, *(p.due for p in pp.points)],
            hovertemplate="%{x}: %{customdata} due; the plan allows %{y} to remain<extra>Plan</extra>",
        )  # fmt: skip
    fig.add_scatter(
        x=[pp.today], y=[pp.present], name="Present today", mode="markers+text",
        marker={"size": 14, "color": "#b2182b" if pp.overdue else "#1f2a3a", "symbol": "diamond"},
        text=[f"{pp.present} present"], textposition="top center",
        hovertemplate=f"%{{x}}: %{{y}} present, {pp.overdue} overdue<extra>Today</extra>",
    )  # fmt: skip
    note = f"{pp.overdue} overdue · {pp.without_target} present without a target date"
    if not pp.points:
        note = "No target date in the plan yet · " + note
    fig.add_annotation(
        text=note, xref="paper", yref="paper", x=0, y=1.08, showarrow=False,
        font={"size": 12, "color": "#a11a1a" if pp.overdue else "#5b6475"}, xanchor="left",
    )  # fmt: skip
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis={"title": "target date", "type": "date"},
        yaxis={"title": "cross-service FKs", "rangemode": "tozero"},
        plot_bgcolor="#fbfcfd",
        legend={"orientation": "h", "y": -0.25},
        uirevision="plan",
    )
    return fig
