"""The overview at size without a browser: the threshold, clusters of large services, the zero matrix."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.fixtures import generated, six_services
from ui.data import build_app_data
from ui.elements import services_graph
from ui.overview_layout import footprint, label_box, separate
from ui.pages.overview import build_matrix_figure, build_overview, threshold_change
from ui.pages.overview_scale import chosen_top, is_large, ranked_pairs, top_of, top_search
from ui.service_elements import CLUSTER_TABLES, PRESENT_FONT, service_elements, strongest_pairs
from ui.state import parse_url

M = build_app_data(generated(2000, 20))


def _coupling(elements: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    nodes = {e["data"]["id"]: e for e in elements if "source" not in e["data"]}
    return [
        e
        for e in elements
        if "source" in e["data"]
        and nodes[e["data"]["source"]]["data"]["kind"] == "service"
        and nodes[e["data"]["target"]]["data"]["kind"] == "service"
        and "shared" not in e.get("classes", "")
    ]


def test_the_threshold_draws_the_strongest_pairs_and_their_services() -> None:
    assert is_large(M) and top_of(M, None) == 20 and top_of(M, 0) is None
    S = services_graph(M)
    for top in (10, 20):
        elements = service_elements(M, top=top)
        edges = _coupling(elements)
        assert len(edges) == top
        weights = sorted((w for _, _, w in S.edges(data="weight")), reverse=True)
        assert sorted((e["data"]["count"] for e in edges), reverse=True) == weights[:top]
        drawn = {e["data"]["service"] for e in elements if e["data"].get("kind") == "service"}
        assert drawn == {x for pair in strongest_pairs(M, top) for x in pair}
    assert len(_coupling(service_elements(M))) == S.number_of_edges()
    assert [r[2] for r in ranked_pairs(M)] == sorted(
        (w for _, _, w in S.edges(data="declared")), reverse=True
    )


def _find(node: object, wanted: str) -> dict:  # type: ignore[type-arg]
    """The props of the component with id ``wanted`` in a Dash layout's JSON."""
    props = node.to_plotly_json()["props"] if hasattr(node, "to_plotly_json") else {}
    if props.get("id") == wanted:
        return props
    children = props.get("children")
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found = _find(child, wanted)
            if found:
                return found
    return {}


def test_the_couplings_drawn_live_in_the_url() -> None:
    from ui import ids

    # the control writes top= only when it leaves the default (20 on this overview), "all" for 0
    home = parse_url("/", "?expand=s03")
    assert top_search(M, home, 20) == "?expand=s03"
    assert top_search(M, home, 40) == "?expand=s03&top=40"
    assert top_search(M, home, 0) == "?expand=s03&top=all"
    # the URL sets the control and what the graph draws; a value the control does not offer is the default
    # the control set to what the URL says (the page drawn again, Back) writes nothing
    assert threshold_change(M, parse_url("/", "?top=40"), 40) is None
    assert threshold_change(M, home, 20) is None
    elements, search = threshold_change(M, home, 10) or ([], "")
    assert search == "?expand=s03&top=10" and len(_coupling(elements)) == 10
    cases = (("?top=10", 10, 10), ("?top=all", 0, None), ("?top=7", 20, 20), ("", 20, 20))
    for search, value, drawn in cases:
        state = parse_url("/", search)
        assert chosen_top(M, state) == value
        page = build_overview(M, state)
        assert _find(page, ids.OVERVIEW_TOP)["value"] == value
        edges = _coupling(_find(page, ids.SERVICE_GRAPH)["elements"])
        assert len(edges) == (drawn or services_graph(M).number_of_edges())


def test_the_control_shows_only_with_a_choice_to_make() -> None:
    from tests.ui.browser import demo_inventory
    from ui import ids
    from ui.pages.overview_scale import build_top_control

    few = build_app_data(demo_inventory())  # 15 services, 9 couplings: fewer than the least choice
    assert is_large(few) and services_graph(few).number_of_edges() < 10
    hidden = {"display": "none"}
    assert getattr(build_top_control(few, parse_url("/", "")), "style", None) == hidden
    assert getattr(build_top_control(M, parse_url("/", "")), "style", None) is None
    assert _find(build_top_control(M, parse_url("/", "")), ids.OVERVIEW_TOP)["value"] == 20


def test_a_large_cluster_draws_its_most_referenced_tables_and_a_more_node() -> None:
    S = services_graph(M)
    service = "svc_03"
    tables = S.nodes[service]["tables"]
    for font, shown in ((17.0, CLUSTER_TABLES), (PRESENT_FONT, CLUSTER_TABLES // 2)):
        elements = service_elements(M, (service,), font=font, top=20)
        children = [e for e in elements if e["data"].get("parent") == f"s{M.services.index(service)}"]
        more = [e for e in children if e["data"]["kind"] == "more"]
        assert len(children) == shown + 1 and len(more) == 1
        assert more[0]["data"]["label"] == f"+{tables - shown} more tables"
        ids = {e["data"]["id"] for e in elements if "source" not in e["data"]}
        assert all(
            e["data"]["source"] in ids and e["data"]["target"] in ids
            for e in elements
            if "source" in e["data"]
        )


def test_footprints_never_overlap_after_separation() -> None:
    boxes = {n: footprint(60, label_box([n, "10 tables"], 32), "bottom") for n in "abcdef"}
    pos = separate(dict.fromkeys("abcdef", (0.0, 0.0)), boxes)
    for a in pos:
        for b in pos:
            if a < b:
                ax1, ay1, ax2, ay2 = (
                    pos[a][0] + boxes[a][0],
                    pos[a][1] + boxes[a][1],
                    pos[a][0] + boxes[a][2],
                    pos[a][1] + boxes[a][3],
                )
                bx1, by1, bx2, by2 = (
                    pos[b][0] + boxes[b][0],
                    pos[b][1] + boxes[b][1],
                    pos[b][0] + boxes[b][2],
                    pos[b][1] + boxes[b][3],
                )
                assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1, (a, b)  # fmt: skip


def test_an_all_zero_matrix_maps_to_the_neutral_colour() -> None:
    inv = six_services()
    owner = {t.ref: t.service for t in inv.tables}
    data = build_app_data(
        replace(inv, foreign_keys=tuple(f for f in inv.foreign_keys if owner[f.table] == owner[f.ref_table]))
    )
    heatmap = build_matrix_figure(data).data[0]
    assert {v for row in heatmap.z for v in row} == {0}
    assert (heatmap.zmin, heatmap.zmax) == (0, 1)  # 0 is the bottom of the scale: the neutral grey
    assert heatmap.colorscale[0][1] == "#f5f7fa"


def test_the_ranked_list_counts_inferred_references_apart() -> None:
    inv = generated(2000, 20)
    owner = {t.ref: t.service for t in inv.tables}
    cross = [fk for fk in inv.foreign_keys if owner[fk.table] != owner[fk.ref_table]]
    guessed = set(cross[::3])
    fks = tuple(replace(fk, origin="inferred") if fk in guessed else fk for fk in inv.foreign_keys)
    data = build_app_data(replace(inv, foreign_keys=fks))
    rows = ranked_pairs(data)
    declared: dict[tuple[str, str], int] = {}
    inferred: dict[tuple[str, str], int] = {}
    for fk in cross:
        into = inferred if fk in guessed else declared
        into[owner[fk.table], owner[fk.ref_table]] = into.get((owner[fk.table], owner[fk.ref_table]), 0) + 1
    assert {(u, v): (n, i) for u, v, n, _, i in rows} == {
        p: (declared.get(p, 0), inferred.get(p, 0)) for p in set(declared) | set(inferred)
    }
    assert [(-r[2], -r[4]) for r in rows] == sorted((-r[2], -r[4]) for r in rows) and sum(
        inferred.values()
    ) > 0
    top = sorted(rows, key=lambda r: (-r[2], -r[4], r[0], r[1]))[:5]
    assert strongest_pairs(data, 5) == {(u, v) for u, v, *_ in top}
