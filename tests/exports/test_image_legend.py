"""Pictures carry a title and a legend: Graphviz SVG (service and table level) and the Plotly figure."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from exports._common import prepare
from exports.images import MAX_PICTURE_EDGES, image_bytes, plotly_figure, strongest
from exports.legend import LEGEND_ID, default_title, legend_entries
from graph.scope import Scope
from tests.ui.fixtures import generated, six_services

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.fixture(autouse=True)
def _dot() -> None:
    if shutil.which("dot") is None:
        pytest.fail("Graphviz 'dot' is missing (apt-get install graphviz)")


@pytest.mark.parametrize(
    "scope", [None, Scope(service="auth", level="tables")], ids=["services", "one-service"]
)
def test_graphviz_picture_has_title_and_legend(scope: Scope | None) -> None:
    inv = six_services()
    p = prepare(inv, scope, level="services", include_dropped=False)
    svg = image_bytes(inv, "svg", scope=scope)
    texts = _texts(svg)
    assert texts[0] == default_title(p) or default_title(p) in texts
    assert "Legend" in texts
    for _, text in legend_entries(p.scope.level):
        assert text in texts
    titles = [t.text for t in ET.fromstring(svg).iter(f"{SVG}title")]
    assert "cluster_legend" in titles
    # the legend's sample nodes are the only additions: every scanned node is still drawn
    drawn = {t for t in titles if t and not t.startswith(LEGEND_ID) and "->" not in t}
    assert p.scope.level != "services" or set(p.services or ()) <= drawn


def test_default_title_says_what_is_drawn() -> None:
    inv = six_services()
    p = prepare(inv, None, level="services", include_dropped=False)
    S = p.services
    assert S is not None
    fks = sum(w for _, _, w in S.edges(data="weight"))
    assert (
        default_title(p)
        == f"fkmap: coupling between {S.number_of_nodes()} services ({fks} cross-service FKs)"
    )
    scoped = prepare(inv, Scope(service="auth", level="tables"), level="services", include_dropped=False)
    assert default_title(scoped).endswith(" around auth")


def test_a_given_title_wins_and_is_escaped() -> None:
    svg = image_bytes(six_services(), "svg", title='<b>"Review" & plan</b>')
    assert '<b>"Review" & plan</b>' in _texts(svg)


def test_plotly_picture_has_title_and_legend_even_with_many_services() -> None:
    inv = generated(400, 40)
    p = prepare(inv, Scope(level="tables"), level="services", include_dropped=False)
    fig = plotly_figure(p, title=default_title(p))
    assert fig.layout.title.text == "fkmap: 400 tables, " + f"{p.tables.number_of_edges()} foreign keys"
    assert fig.layout.showlegend is True
    in_legend = [t.name for t in fig.data if t.showlegend is not False]
    assert in_legend == [
        "foreign key within a service",
        "cross-service foreign key",
    ]  # 40 services: not listed


def test_a_dense_service_picture_draws_the_strongest_dependencies_and_says_so() -> None:
    inv = generated(2000, 40)
    p = prepare(inv, None, level="services", include_dropped=False)
    total = p.services.number_of_edges() if p.services is not None else 0
    assert total > MAX_PICTURE_EDGES  # the fixture is dense enough to need the cut
    cut, left_out = strongest(p)
    assert cut.services is not None and cut.services.number_of_edges() == MAX_PICTURE_EDGES
    assert left_out == total - MAX_PICTURE_EDGES
    assert set(cut.services.nodes) == set(p.services.nodes)  # type: ignore[union-attr]
    weakest_kept = min(d["weight"] for _, _, d in cut.services.edges(data=True))
    dropped = set(p.services.edges) - set(cut.services.edges)  # type: ignore[union-attr]
    assert all(p.services.edges[e]["weight"] <= weakest_kept for e in dropped)  # type: ignore[union-attr]
    svg = image_bytes(inv, "svg")
    title = next(t for t in _texts(svg) if "strongest" in t)
    assert f"the {MAX_PICTURE_EDGES} strongest of {total:,} service dependencies" in title
    small = six_services()
    assert strongest(prepare(small, None, level="services", include_dropped=False))[1] == 0
