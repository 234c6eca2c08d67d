"""The remediation page without a browser: routed from the shell, its store seeded from the demo plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from remediation.handle import remediation_handle
from ui.data import Loader
from ui.pages.remediation.panels import grid_rows
from ui.pages.remediation.view import remediation_view
from ui.shell import build_nav, render_page
from ui.state import parse_url

ROOT = Path(__file__).resolve().parents[4]
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def demo_data() -> Any:
    from ownership.scan import scan
    from ui.data import build_app_data

    return build_app_data(scan([str(DEMO)]))


def test_the_page_is_routed_and_the_plan_seeds_an_empty_store(demo_data: Any, tmp_path: Path) -> None:

    page, _ = render_page(Loader.from_inventory(demo_data.inventory), "/remediation", "?svc=content")
    assert page.className == "remediation-page"
    assert [link.children for link in build_nav(parse_url("/remediation", ""))][-1] == "Remediation"
    handle = remediation_handle(str(tmp_path / "seeded.db"), [str(DEMO)], None)
    store = handle.get()
    assert handle.seeded is not None and len(handle.seeded.created) == 18
    rows = grid_rows(remediation_view(demo_data, store).statuses)
    assert len(rows) == 46  # the cross-service keys, present and dropped
    streams = next(r for r in rows if r["name"] == "streams_broadcaster_id_fkey")
    assert (streams["phase_label"], streams["done"], streams["owner_team"], streams["state"]) == (
        "4 Eventual consistency",
        "1✓ 2✓ 3✓ 4✓",
        "live-video",
        "dropped",
    )
    assert remediation_handle(None, None, None).plan is None  # an inventory-only app seeds nothing
