"""The service page's remediation card: the service's progress and the phase of each of its keys.

The page is built from the scan alone; the card holds only the service's name
(:func:`service_remediation_card`) and a callback fills it from the store with
:func:`service_remediation_children`: the service's totals as
:mod:`remediation.totals` defines them (the same figures as the remediation page
filtered to the service, ``fkmap plan status`` and the report), a bar of its keys
per phase, and one row per key with its phase and a link to its editor.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from remediation.records import PHASE_LABELS
from remediation.service import RemediationView
from remediation.status import Status
from remediation.totals import DEFINITIONS, Totals, view_totals
from ui import ids
from ui.pages.common import data_attrs
from ui.pages.remediation.figures import PHASE_COLOURS
from ui.pages.remediation.view import to_search

__all__ = ["SERVICE_FIGURES", "service_remediation_card", "service_remediation_children"]

#: The service's totals shown on its page, in order.
SERVICE_FIGURES = ("tracked", "present", "dropped", "remediated", "contradictions")


def service_remediation_card(service: str) -> html.Div:
    """The card's skeleton: the callback fills it from the remediation store."""
    return html.Div(
        className="card svc-rem-card",
        children=[
            html.H3("Remediation: phase of each key this service holds", className="card-title"),
            dcc.Store(id=ids.SERVICE_REM_NAME, data=service),
            html.Div(
                id=ids.SERVICE_REM, children=html.P("Reading the remediation store…", className="muted")
            ),
        ],
    )


def _figure(t: Totals, key: str) -> html.Span:
    d = DEFINITIONS[key]
    return html.Span(
        [html.B(t.text(key)), d.label],
        className="figure-inline",
        title=f"{d.label}: {d.text}",
        **data_attrs({"data-figure": key}),
    )


def _bar(t: Totals) -> html.Div:
    parts = [
        html.Span(
            style={"width": f"{100 * n / t.tracked:.2f}%", "background": PHASE_COLOURS[p]},
            title=f"{n} at phase {p}: {PHASE_LABELS[p]}",
        )
        for p, n in enumerate(t.phases)
        if n and t.tracked
    ]
    return html.Div(parts, className="svc-rem-bar", role="img", **data_attrs({"aria-label": _bar_text(t)}))


def _bar_text(t: Totals) -> str:
    return ", ".join(f"{n} at phase {p} ({PHASE_LABELS[p]})" for p, n in enumerate(t.phases) if n)


def _row(s: Status) -> html.Tr:
    it = s.item
    fk = it.fk
    done = " ".join(f"{p}{'✓' if p in s.done else '·'}" for p in (1, 2, 3, 4))
    return html.Tr(
        [
            html.Td(f"{fk.table.qualified}({', '.join(fk.columns)})"),
            html.Td(f"{it.ref_service} {fk.ref_table.qualified}({', '.join(fk.ref_columns)})"),
            html.Td("dropped" if it.dropped else "present"),
            html.Td(f"{s.phase} · {PHASE_LABELS[s.phase]}", className="svc-rem-phase"),
            html.Td(done),
            html.Td("⚠ contradiction" if s.contradictions else ""),
            html.Td(dcc.Link("Edit", href="/remediation" + to_search(it.service, it.id))),
        ],
        **data_attrs({"data-fk": it.id, "data-phase": str(s.phase)}),
    )


def service_remediation_children(view: RemediationView, service: str) -> list[Any]:
    """The card's content for ``service``: its totals, the bar per phase, one row per key."""
    rows = view.of(service)
    if not rows:
        return [
            html.P(
                "This service holds no cross-service foreign key: nothing to remediate.", className="muted"
            )
        ]
    t = view_totals(view, service)
    header = ("Table(columns)", "→ Referenced", "State", "Phase", "1 2 3 4", "Issues", "")
    return [
        html.Div([_figure(t, k) for k in SERVICE_FIGURES], className="svc-rem-facts"),
        _bar(t),
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody([_row(s) for s in rows])],
            className="svc-rem-table",
        ),
    ]
