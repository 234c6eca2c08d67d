"""Fixtures of the dashboard tests: hand-made inventories and their app data."""

from __future__ import annotations

import pytest

from model.inventory import Inventory
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
