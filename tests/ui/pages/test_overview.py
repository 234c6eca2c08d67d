"""The overview page: headline figures, service graph, matrix, clusters on click."""

from __future__ import annotations

import dash_cytoscape as cyto
from dash import dcc, html

from graph.analysis import headline_figures
from remediation.service import inventory_view
from remediation.totals import DEFINITIONS, view_totals
from tests.ui.components import find, walk
from ui import ids
from ui.data import AppData
from ui.pages.overview import (
    HEADLINES,
    INFERRED_HEADLINE,
    UNOWNED_HEADLINE,
    build_headlines,
    build_overview,
    format_figure,
    overview_click,
)
from ui.state import ViewState


def test_headlines_equal_the_analysis(data: AppData) -> None:
    page = build_overview(data, ViewState())
    expected = headline_figures(data.inventory)
    cards = [c for c in walk(page) if isinstance(c, html.Div) and hasattr(c, "data-figure")]
    got = {getattr(c, "data-figure"): c.children[0].children for c in cards}
    # the analysis figures in order; after "Cross-service FKs" the inferred references (the fixture has one),
    # counted apart, and the ownership figure
    after = [INFERRED_HEADLINE[0], UNOWNED_HEADLINE[0]]
    assert list(got) == [k for k, _ in HEADLINES[:4]] + after + [k for k, _ in HEADLINES[4:]]
    assert got.pop(UNOWNED_HEADLINE[0]) == "0"
    assert got.pop(INFERRED_HEADLINE[0]) == "1" == str(expected["inferred_references"])
    # the remediation totals are those of remediation.totals (tracked keys), the rest the analysis's
    totals = view_totals(inventory_view(data.inventory, None))
    expected = {**expected, "cross_service_fks": totals.present, "share_remediated": totals.remediated}
    assert got == {k: format_figure(k, expected[k]) for k, _ in HEADLINES}
    assert (got["tables"], got["cross_service_cascades"]) == ("18", "12")
    assert (got["cross_service_fks"], got["share_remediated"]) == (
        str(totals.present),
        totals.text("remediated"),
    )
    # 1 dropped of 18 declared cross-service FKs: the inferred reference is neither tracked nor counted
    assert (got["cross_service_fks"], got["share_remediated"]) == ("17", "5.6%")
    # every card carries its one-line definition, shown on hover
    titles = {getattr(c, "data-figure"): getattr(c, "title", "") for c in cards}
    assert (
        titles["share_remediated"] == f"{DEFINITIONS['remediated'].label}: {DEFINITIONS['remediated'].text}"
    )
    assert all(": " in t and len(t.split(": ", 1)[1]) > 20 for t in titles.values()), titles


def test_no_inferred_card_without_inferred_references(data: AppData) -> None:
    figures = {k: 1 for k, _ in HEADLINES} | {INFERRED_HEADLINE[0]: 0}
    cards = [c for c in walk(build_headlines(figures)) if hasattr(c, "data-figure")]
    assert [getattr(c, "data-figure") for c in cards] == [k for k, _ in HEADLINES]


def test_overview_has_graph_and_matrix(data: AppData) -> None:
    page = build_overview(data, ViewState(expanded=("auth",)))
    graph = find(page, ids.SERVICE_GRAPH)
    assert isinstance(graph, cyto.Cytoscape)
    assert graph.layout["name"] == "preset"
    clusters = [e for e in graph.elements if e.get("classes") == "cluster"]
    assert [e["data"]["service"] for e in clusters] == ["auth"]
    matrix = find(page, ids.MATRIX)
    assert isinstance(matrix, dcc.Graph)
    heat = matrix.figure.data[0]  # type: ignore[attr-defined]  # Dash sets props at run time
    assert list(heat.x) == ["auth", "content", "experiments", "messaging", "stories", "streaming"]
    # colour: declared FKs only; experiments -> auth's inferred reference is counted apart ("3 +1?")
    assert heat.z[1][0] == 5 and heat.z[4][1] == 1 and sum(map(sum, heat.z)) == 17
    assert heat.z[2][0] == 3 and heat.customdata[2][0] == 1 and heat.text[2][0] == "3 +1?"
    assert sum(map(sum, heat.customdata)) == 1


def test_overview_click_toggles(data: AppData) -> None:
    state = ViewState()
    tap = {"data": {"id": "s0", "kind": "service", "service": "auth"}}
    new, elements = overview_click(data, state, tap) or (None, [])
    assert new is not None and new.expanded == ("auth",)
    assert sum(1 for e in elements if e["data"].get("parent") == "s0") == 3
    again = overview_click(data, new, {"data": {"id": "s0", "kind": "cluster", "service": "auth"}})
    assert again is not None and again[0].expanded == ()
    assert overview_click(data, new, {"data": {"id": "t3", "kind": "table", "service": "auth"}}) is None
    assert overview_click(data, new, None) is None
