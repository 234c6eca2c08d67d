"""Level of detail of the table graph (ui.lod) and what a filter change sends (ui.pages.tables_graph)."""

from __future__ import annotations

from dash import no_update

from tests.ui.fixtures import generated
from ui.data import AppData, build_app_data, service_of
from ui.elements import table_view
from ui.lod import LOD_TABLES, lod_view, opened
from ui.pages.tables_graph import update_table_view
from ui.state import ON_DELETE_KINDS, TableFilter, ViewState

BIG = build_app_data(generated(LOD_TABLES + 500, 25))


def _kinds(view: object) -> dict[str, int]:
    found: dict[str, int] = {}
    for e in view.elements:  # type: ignore[attr-defined]
        kind = "edge" if "source" in e["data"] else e["data"]["kind"]
        found[kind] = found.get(kind, 0) + 1
    return found


def test_small_views_are_drawn_table_by_table() -> None:
    small = build_app_data(generated(LOD_TABLES - 100, 10))
    assert lod_view(small, TableFilter()).elements == table_view(small, TableFilter()).elements
    assert lod_view(small, TableFilter()).aggregated == 0


def test_large_views_draw_one_node_per_service_and_count_every_fk() -> None:
    G = BIG.graph
    view = lod_view(BIG, TableFilter())
    services = {service_of(d["table"]) for _, d in G.nodes(data=True)}
    assert _kinds(view) == {"aggregate": len(services), "edge": _kinds(view)["edge"]}
    assert (view.tables, view.aggregated) == (G.number_of_nodes(), len(services))
    between = sum(
        1 for u, v in G.edges() if service_of(G.nodes[u]["table"]) != service_of(G.nodes[v]["table"])
    )
    assert sum(e["data"]["count"] for e in view.elements if "source" in e["data"]) == between


def test_an_opened_service_is_drawn_table_by_table_and_keeps_every_fk() -> None:
    G = BIG.graph
    view = lod_view(BIG, TableFilter(), ("svc_03",))
    mine = [r for r, d in G.nodes(data=True) if service_of(d["table"]) == "svc_03"]
    assert _kinds(view)["table"] == len(mine) and _kinds(view)["aggregate"] == view.aggregated
    touching = [(u, v) for u, v in G.edges() if u in mine or v in mine]
    drawn = sum(e["data"].get("count", 1) for e in view.elements if "source" in e["data"] and (
        e["data"]["source"].startswith("t") or e["data"]["target"].startswith("t")))  # fmt: skip
    assert drawn == len(touching)
    assert opened(["svc_03"], "svc_04") == ("svc_03", "svc_04")


def test_a_filter_sends_only_what_changes() -> None:
    huge = BIG
    assert not any(d["state"] == "dropped" for _, _, d in huge.graph.edges(data=True))
    state = ViewState(page="tables")
    same = update_table_view(huge, state, TableFilter(include_dropped=True), "preset")
    assert same is not None
    payload, sheet, stats, *_ = same
    # "Include dropped FKs" on a scan without any: the same picture, nothing to send again
    assert payload is no_update and sheet is no_update and stats is not no_update
    fewer = update_table_view(huge, state, TableFilter(on_delete=ON_DELETE_KINDS[1:]), "preset")
    assert fewer is not None and isinstance(fewer[0], dict) and fewer[1] is no_update
    assert fewer[0]["elements"] != list(lod_view(huge, TableFilter()).elements)


def _with_inferred(tables: int, services: int) -> tuple[AppData, int]:
    """A generated inventory whose every fifth cross-service FK is an inferred reference instead."""
    from dataclasses import replace

    inv = generated(tables, services)
    owner = {t.ref: t.service for t in inv.tables}
    cross = [fk for fk in inv.foreign_keys if owner[fk.table] != owner[fk.ref_table]]
    inferred = set(cross[::5])
    fks = tuple(replace(fk, origin="inferred") if fk in inferred else fk for fk in inv.foreign_keys)
    return build_app_data(replace(inv, foreign_keys=fks)), len(inferred)


def test_inferred_references_are_counted_apart_with_and_without_aggregates() -> None:
    small, n_small = _with_inferred(LOD_TABLES - 100, 10)
    view = table_view(small, TableFilter())
    assert (view.inferred, view.aggregated) == (n_small, 0) and n_small > 0
    big, n_big = _with_inferred(LOD_TABLES + 500, 25)
    view = lod_view(big, TableFilter())
    assert view.aggregated > 0 and view.inferred == n_big > 0
    edges = [e for e in view.elements if "source" in e["data"]]
    dashed = [e for e in edges if "inferred" in e["classes"].split()]
    # every inferred reference lies between two aggregates: on an edge of its own, never added to an FK's
    assert sum(e["data"]["count"] for e in dashed) == n_big
    assert all(e["data"]["id"].endswith("-i") for e in dashed)
    assert len({(e["data"]["source"], e["data"]["target"]) for e in dashed}) == len(dashed)
