"""Inferred references counted apart, in a real Chromium (#16 item 9).

A database-per-service repository has one declared FK (inside chat) and three
columns that only look like references into auth. Served with ``infer=True``
(``fkmap serve --infer``), the overview must headline 0 cross-service FKs and
3 inferred references apart, never "3 Cross-service FKs, 0.0% remediated"; the
matrix, both graphs and the remediation page keep them apart and draw them
dashed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.browser import Served
from tests.ui.test_view_state_browser import cy
from ui import ids

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/uistate-shots")

MIGRATIONS = {
    "auth": "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL);\n",
    "chat": (
        "CREATE TABLE messages (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, body TEXT);\n"
        "CREATE TABLE rooms (id BIGINT PRIMARY KEY, title TEXT);\n"
        "CREATE TABLE room_members (room_id BIGINT NOT NULL REFERENCES rooms (id),"
        " user_id BIGINT NOT NULL);\n"
    ),
    "billing": "CREATE TABLE invoices (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, total NUMERIC);\n",
}


def write_repo(root: Path) -> Path:
    """A repository with one database (migration set) per service."""
    for service, sql in MIGRATIONS.items():
        folder = root / "services" / service / "migrations"
        folder.mkdir(parents=True)
        (folder / "001_init.sql").write_text(sql)
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("per-service")
    repo = write_repo(tmp / "repo")
    served = Served(sources=[str(repo)], infer=True, state=str(tmp / "state.db"))
    yield served.url
    served.close()


def figure(page: Any, key: str) -> str:
    return str(page.inner_text(f"[data-figure={key}] .figure-value"))


def edge_styles(page: Any, graph: str) -> list[dict[str, str]]:
    """Every drawn edge: its origin class and how it is drawn."""
    result: list[dict[str, str]] = page.evaluate(
        cy(
            graph,
            "cy.edges().map(e => ({inferred: e.hasClass('inferred') ? 'yes' : 'no', "
            "line: e.style('line-style'), colour: e.style('line-color')}))",
        )
    )
    return result


def test_a_database_per_service_repository_headlines_no_cross_service_fk(served: str, page: Any) -> None:
    page.goto(served + "/")
    page.wait_for_selector("[data-figure=inferred_references] .figure-value", timeout=20000)
    assert figure(page, "cross_service_fks") == "0"
    assert figure(page, "inferred_references") == "3"
    assert figure(page, "share_remediated") == "–"  # nothing to remediate, not "0.0%"
    assert figure(page, "foreign_keys") == "1"  # room_members -> rooms, inside chat
    assert figure(page, "cross_service_cascades") == "0"
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.edges().length > 0"))
    styles = edge_styles(page, ids.SERVICE_GRAPH)
    assert len(styles) == 2  # billing -> auth and chat -> auth, inferred only
    assert all(s == {"inferred": "yes", "line": "dashed", "colour": "rgb(47,127,191)"} for s in styles), (
        styles
    )
    labels = page.evaluate(cy(ids.SERVICE_GRAPH, "cy.edges().map(e => e.data('label')).sort()"))
    assert labels == ["1 inferred", "2 inferred"]
    plot = f"#{ids.MATRIX} .js-plotly-plot"
    page.wait_for_function(
        f"(() => {{ const g = document.querySelector('{plot}'); return !!(g && g.data); }})()"
    )
    matrix = page.evaluate(f"document.querySelector('{plot}').data[0]")
    names = matrix["y"]
    cells = {
        (names[r], matrix["x"][c]): (matrix["z"][r][c], matrix["text"][r][c])
        for r in range(len(names))
        for c in range(len(names))
        if matrix["text"][r][c]
    }
    assert cells == {("billing", "auth"): (0, "+1?"), ("chat", "auth"): (0, "+2?")}
    assert "0 in · 0 out · 3 inferred" in page.inner_text(f"#{ids.DETAILS}")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "inferred-overview.png"))
    page.goto(served + "/?present=1")
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.edges().length === 2"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "inferred-overview-present.png"))


def test_the_table_graph_draws_inferred_references_dashed_and_counts_them_apart(
    served: str, page: Any
) -> None:
    page.goto(served + "/tables")
    page.wait_for_function(cy(ids.TABLE_GRAPH, "cy.edges().length === 4"), timeout=20000)
    styles = edge_styles(page, ids.TABLE_GRAPH)
    assert sorted(s["inferred"] for s in styles) == ["no", "yes", "yes", "yes"]
    assert {s["line"] for s in styles if s["inferred"] == "yes"} == {"dashed"}
    assert {s["colour"] for s in styles if s["inferred"] == "yes"} == {"rgb(47,127,191)"}  # not RESTRICT grey
    assert {s["line"] for s in styles if s["inferred"] == "no"} == {"solid"}
    stats = page.locator(f"#{ids.TABLE_STATS} [data-edges]")
    assert (stats.get_attribute("data-edges"), stats.get_attribute("data-inferred")) == ("4", "3")
    text = page.inner_text(f"#{ids.TABLE_STATS}")
    assert "1 foreign keys" in text and "0 cross-service" in text and "3 inferred references" in text
    page.locator(f"#{ids.FILTER_ORIGIN} input[value=inferred]").uncheck()  # declared only
    page.wait_for_function(cy(ids.TABLE_GRAPH, "cy.edges().length === 1"))
    SHOTS.mkdir(exist_ok=True)
    page.goto(served + "/tables?present=1")
    page.wait_for_function(cy(ids.TABLE_GRAPH, "cy.edges().length === 4"), timeout=20000)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / "inferred-tables-present.png"))


def test_the_remediation_page_tracks_no_inferred_reference(served: str, page: Any) -> None:
    page.goto(served + "/remediation")
    note = page.wait_for_selector("[data-inferred]", timeout=20000)
    assert note.get_attribute("data-inferred") == "3"
    assert "not tracked here" in note.inner_text()
    page.wait_for_timeout(1500)  # the grid is filled by a callback
    rows = page.locator(f"#{ids.REM_GRID} .ag-center-cols-container .ag-row").count()
    assert rows == 0  # no declared cross-service FK, so nothing to remediate
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "inferred-remediation.png"))


def test_the_service_page_counts_inferred_references_apart(served: str, page: Any) -> None:
    page.goto(served + "/service/auth")
    facts = page.wait_for_selector(".service-facts", timeout=20000)
    text = facts.inner_text()
    assert "0 FKs leave" in text and "0 FKs enter" in text and "3 inferred references" in text
