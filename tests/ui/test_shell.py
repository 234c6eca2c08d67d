"""The shell: navigation, the page router, loading and error panels, presentation mode."""

from __future__ import annotations

import pytest

from model.inventory import Inventory
from tests.ui.components import texts
from ui import ids
from ui.data import AppData, Loader
from ui.shell import build_nav, render_page, toggled_present
from ui.state import ViewState


def test_nav_keeps_presentation_mode() -> None:
    links = build_nav(ViewState(page="tables", present=True))
    assert [link.href for link in links] == [
        "/?present=1",
        "/tables?present=1",
        "/diagnostics?present=1",
        "/remediation?present=1",
    ]
    assert [link.className for link in links] == ["nav-link", "nav-link current", "nav-link", "nav-link"]
    assert toggled_present("/tables", "?cross=1&present=1") == "?cross=1"


def test_render_page_routes(data: AppData, inventory: Inventory) -> None:
    loader = Loader.from_inventory(inventory)
    for path, cls in [("/", "overview"), ("/tables", "tables-page"), ("/diagnostics", "diagnostics-page")]:
        page, stop = render_page(loader, path, "")
        assert page.className == cls and stop is True
    page, _ = render_page(loader, "/service/content", "")
    assert page.className == "service-page"
    page, _ = render_page(loader, "/nope", "")
    assert "Page not found" in texts(page)


def test_loading_then_error_panels() -> None:
    import threading

    gate = threading.Event()

    def slow() -> Inventory:
        gate.wait(5)
        raise ValueError("cannot open /srv/missing")

    loader = Loader(slow, background=True, label="/srv/missing").start()
    page, stop = render_page(loader, "/", "")
    assert stop is False and "Scanning…" in texts(page)
    gate.set()
    assert loader.wait(5)
    page, stop = render_page(loader, "/", "")
    assert stop is True and page.id == ids.ERROR_PANEL
    assert "ValueError: cannot open /srv/missing" in texts(page)
    assert not any("Traceback" in t for t in texts(page))


@pytest.mark.parametrize("present", [False, True])
def test_presentation_class(present: bool) -> None:
    from ui.shell import root_class

    assert ("present" in root_class(ViewState(present=present))) is present


def test_switching_presentation_mode_draws_the_graph_pages_again(inventory: Inventory) -> None:
    from dash import no_update

    from tests.ui.components import find
    from ui.service_elements import FONT, PRESENT_FONT
    from ui.shell import present_switched

    loader = Loader.from_inventory(inventory)
    search, page = present_switched(loader, "/", "?expand=auth")
    assert search == "?expand=auth&present=1"
    sheet = find(page, ids.SERVICE_GRAPH).stylesheet
    assert next(r for r in sheet if r["selector"] == "node.service")["style"]["font-size"] == PRESENT_FONT
    search, page = present_switched(loader, "/", search)
    sheet = find(page, ids.SERVICE_GRAPH).stylesheet
    assert search == "?expand=auth"
    assert next(r for r in sheet if r["selector"] == "node.service")["style"]["font-size"] == FONT
    assert present_switched(loader, "/tables", "?cross=1")[1].className == "tables-page"
    # a page without a graph keeps what is on it (a half-typed note on the remediation page)
    assert present_switched(loader, "/remediation", "") == ("?present=1", no_update)
