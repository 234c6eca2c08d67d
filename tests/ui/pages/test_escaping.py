"""Every page keeps names from scanned SQL as text: nothing is ever read as HTML."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc
from dash.development.base_component import Component

from model.inventory import Inventory
from tests.ui.components import find, walk
from tests.ui.fixtures import HOSTILE, HOSTILE_SERVICE
from ui import ids
from ui.data import build_app_data
from ui.elements import table_view
from ui.pages.diagnostics import build_diagnostics_page
from ui.pages.overview import build_overview
from ui.pages.service import build_service_page
from ui.pages.tables_graph import build_tables_page
from ui.state import TableFilter, ViewState


def test_hostile_names_stay_text(hostile_inventory: Inventory) -> None:
    data = build_app_data(hostile_inventory)
    pages = [
        build_overview(data, ViewState(expanded=(HOSTILE_SERVICE,))),
        build_tables_page(data, ViewState(page="tables")),
        build_service_page(data, ViewState(page="service", service=HOSTILE_SERVICE)),
        build_service_page(data, ViewState(page="service", service="auth")),
        build_diagnostics_page(data, ViewState(page="diagnostics")),
    ]
    for page in pages:
        for c in walk(page):
            assert not isinstance(c, dcc.Markdown)
            if isinstance(c, Component):
                assert not getattr(c, "dangerously_allow_html", False)
                assert not getattr(c, "dangerously_allow_code", False)
            if isinstance(c, dag.AgGrid):
                for col in c.columnDefs:
                    assert "cellRenderer" not in col
    view = table_view(data, TableFilter())
    assert HOSTILE in [e["data"].get("label") for e in view.elements]
    assert "/service/%3Cscript%3Ealert%282%29%3C%2Fscript%3E" in [
        getattr(c, "href", None) for c in walk(pages[0])
    ]
    heat = find(pages[0], ids.MATRIX).figure.data[0]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in list(heat.x)
