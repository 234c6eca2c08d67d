"""Fixtures of the dashboard tests: hand-made inventories, their app data, and the browser page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from model.inventory import Inventory
from tests.ui.browser import Served, demo_inventory
from tests.ui.fixtures import hostile, six_services
from ui.data import AppData, build_app_data


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    """The realistic six-service inventory."""
    return six_services()


@pytest.fixture(scope="session")
def data(inventory: Inventory) -> AppData:
    """App data of the six-service inventory."""
    return build_app_data(inventory)


@pytest.fixture(scope="session")
def hostile_inventory() -> Inventory:
    """Names that look like HTML and script."""
    return hostile()


@pytest.fixture(scope="module")
def demo() -> Iterator[Served]:
    """The bundled demo served for one test module (modules that need another demo define their own)."""
    served = Served(demo_inventory())
    yield served
    served.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A 1280x720 page that fails the test on console errors, page errors (with their stack) and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    p = context.new_page()
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def dialog(d: Any) -> None:
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    p.on("console", console)
    p.on("pageerror", lambda e: problems.append(f"pageerror: {e} {e.stack}"))
    p.on("dialog", dialog)
    yield p
    context.close()
    assert problems == [], problems
