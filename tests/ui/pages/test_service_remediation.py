"""The service page's remediation card, built from a remediation view without a browser."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from model.inventory import Inventory
from remediation.service import inventory_view, save_edit
from remediation.store import open_store
from remediation.totals import DEFINITIONS, view_totals
from tests.ui.components import find, texts, walk
from tests.ui.fixtures import DB
from ui import ids
from ui.data import AppData
from ui.pages.service import build_service_page
from ui.pages.service_remediation import SERVICE_FIGURES, service_remediation_children
from ui.state import ViewState

POSTS = f"{DB}/003_posts_schema.sql:4#user_id"


def test_the_service_page_holds_the_card_for_its_service(data: AppData) -> None:
    page = build_service_page(data, ViewState(page="service", service="content"))
    name = find(page, ids.SERVICE_REM_NAME)
    assert isinstance(name, dcc.Store) and name.data == "content"  # type: ignore[attr-defined]
    assert find(page, ids.SERVICE_REM) is not None


def test_the_card_shows_each_keys_phase_and_the_services_totals(inventory: Inventory, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    assert save_edit(store, inventory_view(inventory, store), POSTS, None, "mark", who="al", phase=1).ok
    view = inventory_view(inventory, store)
    card = service_remediation_children(view, "content")
    rows = [c for c in walk(card) if isinstance(c, html.Tr) and hasattr(c, "data-fk")]
    assert [getattr(r, "data-fk") for r in rows] == [s.id for s in view.of("content")]
    assert {getattr(r, "data-fk"): getattr(r, "data-phase") for r in rows}[POSTS] == "1"
    t = view_totals(view, "content")
    figures = {getattr(c, "data-figure"): c for c in walk(card) if hasattr(c, "data-figure")}
    assert list(figures) == list(SERVICE_FIGURES)
    for key, span in figures.items():
        assert texts(span)[0] == t.text(key)
        assert span.title == f"{DEFINITIONS[key].label}: {DEFINITIONS[key].text}"
    links = [getattr(c, "href", "") for c in walk(card) if isinstance(c, dcc.Link)]
    assert len(links) == len(rows) and all(h.startswith("/remediation?svc=content&fk=") for h in links)
    assert texts(service_remediation_children(view, "nobody")) == [
        "This service holds no cross-service foreign key: nothing to remediate."
    ]
