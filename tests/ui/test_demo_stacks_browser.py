"""The demo's overview in a real headless Chromium lists the services declared in code.

identity (MongoDB, no table), wallet (Sequelize) and moderation (Django) appear in the
overview's service list and graph with their coupling: wallet -> identity through its
copy of identity's members, moderation -> auth and content (foreign keys and shared tables).
Screenshots (1280x720) go to the test's artifacts folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis import service_graph
from graph.build import build_graph
from tests.ui.browser import Served, wait_for_graph

pytestmark = pytest.mark.browser


def test_overview_lists_the_services_declared_in_code(demo: Served, page: Any, artifacts_dir: Path) -> None:
    S = service_graph(build_graph(demo.inventory))
    page.goto(demo.url + "/")
    page.wait_for_selector(".service-list .service-link")
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes())
    rows = {
        row.locator(".service-link").inner_text(): row.locator(".muted").inner_text()
        for row in page.locator(".service-list li.service-row").all()
    }
    assert {name: rows.get(name) for name in ("identity", "wallet", "moderation")} == {
        "identity": "1 in · 0 out",  # wallet's key into its copy of identity's members
        "wallet": "0 in · 1 out",
        "moderation": "0 in · 3 out",  # into auth's users (2) and content's posts (1)
    }
    edges = page.evaluate(
        "() => document.getElementById('fk-service-graph')._cyreg.cy.edges().not('.unowned')"
        ".map(e => [e.source().data('service'), e.target().data('service'), e.hasClass('shared')])"
    )
    wanted = {("wallet", "identity", False), ("moderation", "auth", False), ("moderation", "content", False)}
    assert wanted <= {tuple(e) for e in edges}, edges
    assert ("moderation", "content", True) in {tuple(e) for e in edges}  # it reads and writes content's posts
    page.locator(".service-list").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "overview-1280x720.png"))
