"""The one definition of every remediation total, and why the surfaces used to disagree on the demo.

Before, the overview counted FK *edges* of the graph (36 cross-service present, 11 dropped: 23.4 %),
the remediation page tracked *keys* (42), and the report said "11 of 47 dropped" (figures of the
demo before its wallet, identity and moderation services: now 40 edges, 46 keys). The edges counted
4 inferred references and a key dropped and re-added twice. Every surface now reads
:mod:`remediation.totals`; these tests pin both the old figures (the reproduction) and the new ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis import headline_figures
from model.inventory import Inventory
from remediation.plan_progress import plan_progress
from remediation.service import inventory_view
from remediation.store import open_store
from remediation.totals import (
    DEFINITIONS,
    ORDER,
    format_total,
    report_totals,
    service_totals,
    text_lines,
    view_totals,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def demo() -> Inventory:
    from ownership.scan import scan

    return scan([str(DEMO)])


def test_headline_edge_counts_against_the_tracked_keys(demo: Inventory) -> None:
    edges = headline_figures(demo)
    assert (edges["cross_service_fks"], edges["cross_service_dropped"], edges["share_remediated"]) == (
        36,
        11,
        0.234,
    )
    t = view_totals(inventory_view(demo, None))
    assert (t.tracked, t.present, t.dropped, format_total("remediated", t.remediated)) == (
        46,
        36,
        10,
        "21.7%",
    )
    # inferred references are neither tracked nor counted as cross-service FKs: a figure of their own
    inferred = sum(1 for fk in demo.foreign_keys if fk.origin == "inferred")
    assert edges["cross_service_fks"] == t.present and edges["inferred_references"] == inferred == 4
    # bookmarks(user_id) was dropped by 073 and added again: one key, still present, not a dropped one
    [bookmarks] = [s for s in inventory_view(demo, None).statuses if len(s.item.history) > 1]
    assert [(f.name, f.state) for f in bookmarks.item.history] == [
        ("bookmarks_user_id_fkey", "dropped"),
        ("bookmarks_user_id_fkey1", "present"),
    ]
    assert int(edges["cross_service_dropped"] or 0) - t.dropped == 1 and not bookmarks.item.dropped


def test_the_totals_add_up_overall_and_per_service(demo: Inventory, tmp_path: Path) -> None:
    from remediation.plan_import import seed_store_from_plan

    store = open_store(str(tmp_path / "s.db"))
    seed_store_from_plan(store, DEMO / "fkmap-plan.yaml")
    view = inventory_view(demo, store)
    t = view_totals(view)
    assert t.phases == (29, 7, 4, 3, 3) and t.contradictions == 1 and t.orphans == 0
    assert t.present + t.dropped == t.tracked == sum(t.phases)
    per = dict(service_totals(view))
    assert sum(x.tracked for x in per.values()) == t.tracked
    assert [sum(x.phases[p] for x in per.values()) for p in range(5)] == list(t.phases)
    assert per["messaging"] == view_totals(view, "messaging")
    assert (per["messaging"].tracked, per["messaging"].dropped, per["messaging"].text("remediated")) == (
        13,
        5,
        "38.5%",
    )


def test_every_total_has_a_definition_and_one_text(demo: Inventory) -> None:
    t = view_totals(inventory_view(demo, None))
    lines = text_lines(t)
    assert len(lines) == len(ORDER) == len(DEFINITIONS)
    assert lines[0].startswith("Cross-service FKs tracked: 46 -- declared foreign keys")
    report = report_totals(inventory_view(demo, None), "messaging")
    assert [(r.key, r.value) for r in report.overall][:4] == [
        ("tracked", "13"),
        ("present", "8"),
        ("dropped", "5"),
        ("remediated", "38.5%"),
    ]
    assert [name for name, _ in report.services] == ["messaging"]
    for bogus in ("bogus", "phase9", "phasex"):
        with pytest.raises(KeyError, match=f"no total called '{bogus}'"):
            t.value(bogus)


def test_the_plan_progress_of_the_demo_plan(demo: Inventory, tmp_path: Path) -> None:
    from remediation.plan_import import seed_store_from_plan

    store = open_store(str(tmp_path / "s.db"))
    seed_store_from_plan(store, DEMO / "fkmap-plan.yaml")
    view = inventory_view(demo, store)
    pp = plan_progress(view.statuses, "2026-12-07")
    assert [(p.date, p.due) for p in pp.points] == [
        ("2026-06-15", 1),
        ("2026-06-30", 1),
        ("2026-07-31", 1),
        ("2026-12-01", 4),
        ("2026-12-15", 2),
        ("2027-01-15", 1),
        ("2027-01-31", 3),
        ("2027-02-28", 1),
        ("2027-03-31", 2),
    ]
    # 16 keys have a target; 28 present keys have none (the wallet and moderation keys are unplanned):
    # after the last target date 28 may remain
    assert pp.points[-1].planned == pp.without_target == 28 and pp.points[0].planned == 28 + 16 - 1
    assert pp.present == view_totals(view).present == 36
    # present keys whose target date passed: phase-7b messages(sender_id), due 2026-12-01
    assert pp.overdue == 1 and pp.planned_today == 28 + 16 - 7
    assert plan_progress(view.statuses, "2026-01-01").planned_today is None


def test_the_dashboards_graph_gives_the_same_tracked_keys(demo: Inventory) -> None:
    """The dashboard passes its graph (every origin, dropped FKs) instead of building another."""
    from graph.build import build_graph
    from remediation.tracking import tracked_fks

    full = build_graph(demo, include_dropped=True)
    assert any(d["origin"] == "inferred" and d["cross_service"] for _, _, d in full.edges(data=True))
    assert tracked_fks(demo, graph=full) == tracked_fks(demo)


def test_the_report_lists_the_dropped_keys_it_counts(demo: Inventory) -> None:
    """Ten keys dropped, ten listed: bookmarks(user_id), dropped then added again, is not among them."""
    from exports import render_text

    view = inventory_view(demo, None)
    md = render_text("md", demo, totals=report_totals(view))
    section = md.split("## Remediation status", 1)[1].split("\n## ", 1)[0]
    listed = section.split("Already dropped:\n\n", 1)[1].split("\n\n")[0].splitlines()
    assert len(listed) == view_totals(view).dropped == 10
    assert not any("bookmarks_user_id_fkey" in line for line in listed)
    assert "- `streams_broadcaster_id_fkey` on public.streams into auth at " in md
