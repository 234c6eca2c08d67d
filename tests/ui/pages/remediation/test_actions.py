"""What the remediation page's callbacks compute, called as plain functions (no Dash request, no browser):
the status line's colour and the re-render tick come from the typed results of the service."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from model.inventory import Inventory
from remediation.handle import StoreHandle
from remediation.service import NAME_FOR_EDIT, NAME_FOR_REATTACH, NAME_FOR_SNAPSHOT
from remediation.store import open_store
from remediation.store.base import SqlStore
from tests.helpers import not_none
from tests.ui.components import texts
from tests.ui.fixtures import DB
from ui import ids
from ui.data import Loader
from ui.pages.remediation import actions
from ui.pages.remediation.actions import PageContext

POSTS = f"{DB}/003_posts_schema.sql:4#user_id"
SHARES = f"{DB}/003_posts_schema.sql:11#user_id"


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return open_store(str(tmp_path / "state.db"))


@pytest.fixture
def page(inventory: Inventory, store: SqlStore) -> PageContext:
    return PageContext(Loader.from_inventory(inventory), StoreHandle(store=store))


def mark(page: PageContext, fk_id: str, who: str = "al", *, loaded: Any = None, tick: int = 0) -> Any:
    """A press of "Mark done" (phase 1) in the editor."""
    form = (fk_id, loaded, who, 1, "checked", "", "", "", None, tick)
    return actions.edit(page, ids.REM_MARK, *form)


def test_render_fills_the_page_and_a_refresh_without_change_sends_nothing(page: PageContext) -> None:
    outputs = actions.render(page, "content", "order", refresh=False, rev=None)
    assert outputs is not None and len(outputs) == 9
    summary, _progress, _burndown, _plan, rows, _orphans, reattach, snapshots, revision = outputs
    assert {r["service"] for r in rows} == {"content"} and len(rows) == 5
    assert "Cross-service FKs tracked" in texts(summary) and reattach == [] and snapshots == []
    assert actions.render(page, "content", "order", refresh=True, rev=revision) is None
    assert actions.render(page, "", "date", refresh=True, rev="older") is not None


def test_a_store_that_cannot_be_used_is_said_on_the_page(inventory: Inventory, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    page = PageContext(Loader.from_inventory(inventory), StoreHandle(str(bad)))
    outputs = actions.render(page, "", "order", refresh=False, rev=None)
    assert outputs is not None and outputs[1:] == (no_update,) * 8
    assert any("The remediation store cannot be used" in t for t in texts(outputs[0]))
    assert actions.detail(page, POSTS, keep_form=False) is None
    assert actions.sql(page, "drop", POSTS, "").startswith("-- ")


def test_nothing_updates_while_the_scan_runs(store: SqlStore) -> None:
    gate = threading.Event()

    def scan() -> Inventory:
        gate.wait(5)
        return Inventory()

    loader = Loader(scan, background=True).start()
    page = PageContext(loader, StoreHandle(store=store))
    with pytest.raises(PreventUpdate):
        actions.render(page, "", "order", refresh=False, rev=None)
    gate.set()


def test_a_write_while_the_scan_loads_says_it_was_not_saved(inventory: Inventory, store: SqlStore) -> None:
    """A worker that just started is still loading the scan: a save, a snapshot and a re-attach are
    answered "not saved", never a silent no-update (Dash's empty 204)."""
    from remediation.records import Record
    from remediation.service import SCAN_LOADING, scan_not_ready

    gate = threading.Event()
    loader = Loader(lambda: gate.wait(10) and inventory, background=True).start()  # type: ignore[arg-type, return-value]
    page = PageContext(loader, StoreHandle(store=store))
    assert loader.status == "loading"
    answers = [
        mark(page, POSTS, tick=3),
        actions.edit(page, ids.REM_SAVE, POSTS, None, "al", None, "", "", "team", "", None, 3),
        actions.snapshot(page, "R1", "al", 3),
        actions.reattach(page, "some-uid", POSTS, "al", 3),
    ]
    begin = ["Not saved", "Not saved", "Snapshot not saved", "Not re-attached"]
    for answer, begins in zip(answers, begin, strict=True):
        assert answer is not None
        line, tick = answer[:2]
        assert line.children == f"{begins}: {SCAN_LOADING}." and line.className == "rem-error"
        assert tick is no_update
    assert store.records() == [] and store.snapshots() == []
    assert scan_not_ready().retry and not scan_not_ready().ok
    gate.set()
    assert loader.wait(10)
    assert str(loader.status) == "ready"  # mypy narrowed status to "loading" above
    line, tick, *_ = mark(page, POSTS, tick=3)  # the same press, once loaded: saved
    assert line.className == "rem-ok" and tick == 4
    assert [r.fk_id for r in store.records()] == [POSTS] and isinstance(store.records()[0], Record)


def test_a_write_after_the_scan_failed_says_why(store: SqlStore) -> None:
    def fail() -> Inventory:
        raise OSError("no such folder: /srv/checkout")

    page = PageContext(Loader(fail), StoreHandle(store=store))
    assert page.loader.status == "error"
    answer = mark(page, POSTS)
    assert answer is not None
    assert (
        answer[0].children
        == "Not saved: the scan failed, so nothing can be saved (OSError: no such folder: /srv/checkout)."
    )


def test_an_edit_colours_the_line_and_moves_the_tick_only_when_saved(page: PageContext) -> None:
    assert actions.edit(page, "not-a-button", POSTS, None, "al", 1, "", "", "", "", None, 0) is None
    line, tick, *_ = mark(page, POSTS, who="  ", tick=3)
    assert (line.children, line.className, tick) == (NAME_FOR_EDIT, "rem-error", 3)
    line, tick, *_ = mark(page, POSTS, tick=3)
    assert (line.children, line.className, tick) == ("Saved (phase 1 marked, version 1).", "rem-ok", 4)
    line, tick, *_ = mark(page, POSTS, who="bo", tick=4)  # still holds version 0: someone saved since
    assert line.className == "rem-error" and "was created by al" in line.children and tick == 4


def test_the_detail_keeps_the_form_when_someone_else_changed_the_store(page: PageContext) -> None:
    mark(page, POSTS)
    own = actions.detail(page, POSTS, keep_form=False)
    assert own is not None
    # plan fields, then the note and link of the key's own phase-1 mark
    assert own[1]["version"] == 1 and own[2:] == ("", "", None, "checked", "")
    others = actions.detail(page, POSTS, keep_form=True)
    assert others is not None and others[1:] == (no_update,) * 6
    assert any("marked by al" in t for t in texts(others[0]))


def test_snapshots_and_the_delta(page: PageContext) -> None:
    line, tick = actions.snapshot(page, "R1", "", 0)
    assert (line.children, line.className, tick) == (NAME_FOR_SNAPSHOT, "rem-error", no_update)
    line, tick = actions.snapshot(page, "R1", "al", 0)
    assert line.className == "rem-ok" and tick == 1
    line, tick = actions.snapshot(page, "R1", "al", 1)
    assert line.className == "rem-error" and tick is no_update
    assert texts(actions.delta(page, None)) == ["Choose a snapshot to see what changed since."]
    assert texts(actions.delta(page, "nope")) == ["No snapshot named 'nope'."]
    mark(page, POSTS)
    assert "Phase changes" in texts(actions.delta(page, "R1"))


def test_an_orphan_is_re_attached_from_the_page(page: PageContext, store: SqlStore) -> None:
    from remediation.records import FkInfo, Record

    info = FkInfo("gone_fkey", "content", "auth", "public.gone", ("owner_id",), "public.users", ("id",))
    ghost = store.save(Record(f"{DB}/099_gone.sql:3#owner_id", fk=info), who="al")
    assert actions.reattach(page, ghost.uid, POSTS, "", 0)[0].children == NAME_FOR_REATTACH
    line, tick = actions.reattach(page, ghost.uid, POSTS, "bo", 0)
    assert line.className == "rem-ok" and line.children.startswith("Re-attached to ") and tick == 1
    line, tick = actions.reattach(page, ghost.uid, SHARES, "bo", 1)
    assert line.className == "rem-error" and tick == 1


def test_the_sql_follows_the_selection_else_the_service(page: PageContext) -> None:
    one = actions.sql(page, None, POSTS, "content")
    assert "posts_user_id_fkey" in one and "bookmarks_user_id_fkey" not in one
    service = actions.sql(page, "drop", "", "content")
    assert "posts_user_id_fkey" in service and "bookmarks_user_id_fkey" in service


def test_selection_follows_the_service_filter(page: PageContext) -> None:
    assert actions.without_foreign_selection(page.loader, "content", POSTS) is None
    assert actions.without_foreign_selection(page.loader, "stories", POSTS) == ""
    assert actions.without_foreign_selection(page.loader, "", POSTS) is None
    assert actions.url_search("content", POSTS, "") == "?svc=content&fk=" + POSTS.replace("/", "%2F").replace(
        ":", "%3A"
    ).replace("#", "%23")
    assert actions.url_search("", "", "") is None


def test_the_form_loads_the_selected_keys_own_note_and_link(page: PageContext) -> None:
    """After a save, selecting another key never keeps the previous key's text."""
    mark(page, POSTS)
    other = actions.detail(page, SHARES, keep_form=False)
    assert other is not None and other[5:] == ("", "")  # SHARES has no mark: empty, not "checked"
    back = actions.detail(page, POSTS, keep_form=False, phase=1)
    assert back is not None and back[5:] == ("checked", "")
    phase3 = actions.detail(page, POSTS, keep_form=False, phase=3, only_mark=True)
    assert phase3 is not None and phase3[:5] == (no_update,) * 5 and phase3[5:] == ("", "")


def test_several_keys_are_marked_from_the_page_and_a_contradiction_is_confirmed(page: PageContext) -> None:
    chosen = [{"fk_id": POSTS, "uid": "", "version": 0}, {"fk_id": SHARES, "uid": "", "version": 0}]
    form = (None, None, "al", 1, "bulk", "", "", "", None, 0)
    line, tick, hidden, after = not_none(actions.edit(page, ids.REM_MARK, *form, chosen))
    assert (line.className, tick, hidden) == ("rem-ok", 1, True)
    assert texts(line)[0] == "Saved (phase 1 marked) on 2 keys in one transaction."
    assert [c["version"] for c in after] == [1, 1]  # the selection moves to the stored versions
    panel = actions.detail(page, None, keep_form=False, chosen=after)
    assert panel is not None and texts(panel[0])[0] == "2 keys selected" and panel[5:] == ("", "")
    # phase 3 while both FKs are present: nothing is saved, the line asks, "Mark anyway" shows
    form3 = (None, None, "al", 3, "", "", "", "", None, 1)
    line, tick, hidden, kept = not_none(actions.edit(page, ids.REM_MARK, *form3, after))
    assert (line.className, tick, hidden) == ("rem-warn", 1, False)
    assert texts(line)[0].startswith("Nothing saved yet: on 2 of 2 keys this contradicts the sources.")
    line, tick, hidden, _ = not_none(actions.edit(page, ids.REM_CONFIRM, *form3, kept))
    assert (line.className, tick, hidden) == ("rem-ok", 2, True)
    # a stale selection: each key is a conflict of its own
    line, tick, hidden, _ = not_none(actions.edit(page, ids.REM_UNMARK, *form3, after))
    assert line.className == "rem-error" and tick == 1  # nothing saved: the tick stays
    assert sum("was changed by al" in t for t in texts(line)) == 2


def test_a_single_contradicting_mark_shows_the_confirm_button(page: PageContext) -> None:
    form = (POSTS, None, "al", 3, "", "", "", "", None, 0)
    line, tick, hidden, _ = not_none(actions.edit(page, ids.REM_MARK, *form))
    assert (line.className, tick, hidden) == ("rem-warn", 0, False)
    assert "phase 3 (application-layer validation only) is marked but the FK is still present" in texts(line)
    line, tick, hidden, _ = not_none(actions.edit(page, ids.REM_CONFIRM, *form))
    assert (line.children, tick, hidden) == ("Saved (phase 3 marked, version 1).", 1, True)
