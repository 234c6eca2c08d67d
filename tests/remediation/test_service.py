"""What the Remediation page and ``fkmap plan`` share, called as plain functions: typed results of edits,
re-attachment, snapshots, progress, SQL, the plan file, and the real phase of each key for the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.inventory import Inventory
from remediation.plan_file import load_plan
from remediation.records import FkInfo, Mark, Record
from remediation.service import (
    NAME_FOR_EDIT,
    NAME_FOR_REATTACH,
    NAME_FOR_SNAPSHOT,
    inventory_view,
    load_view,
    phase_by_fk,
    plan_text,
    progress_by_phase,
    reattach_orphan,
    report_phase_of,
    review_since,
    save_edit,
    sql_script,
    take_snapshot,
)
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.tracking import new_record, tracked_fks
from tests.helpers import not_none
from tests.remediation.sample import AT, INIT, by_name, scan_folder

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
FK_ID = "legacy/migrations/021_add_comment_mentions.sql:8#mentioned_user_id"
USER = "db/migrations/001_init.sql:4#user_id"
EDITOR = "db/migrations/001_init.sql:7#editor_id"


@pytest.fixture(scope="module")
def demo() -> Inventory:
    from ownership.scan import scan

    return scan([str(DEMO)])


@pytest.fixture
def inv(tmp_path: Path) -> Inventory:
    return scan_folder(tmp_path, {"001_init.sql": INIT})


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return open_store(str(tmp_path / "state.db"))


def test_edits_go_through_the_optimistic_check(demo: Inventory, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    view = inventory_view(demo, store)
    loaded = {"fk_id": FK_ID, "uid": "", "version": 0}
    assert save_edit(store, view, FK_ID, loaded, "mark", who="", phase=1).message.startswith(
        "Enter your name"
    )
    assert save_edit(store, view, FK_ID, loaded, "mark", who="al", phase=2).message.startswith(
        "Choose phase 1, 3 or 4"
    )
    assert save_edit(store, view, FK_ID, loaded, "mark", who="al", phase=1, note="n").message == (
        "Saved (phase 1 marked, version 1)."
    )
    stale = save_edit(store, view, FK_ID, loaded, "fields", who="bo", owner_team="x")  # still version 0
    assert stale.message.startswith(
        "Not saved: the record of content public.comment_mentions(mentioned_user_id)"
    )
    assert "was created by al at" in stale.message
    assert (stale.ok, stale.conflict) == (False, True)
    fresh = inventory_view(demo, store)
    current = {"fk_id": FK_ID, "uid": not_none(not_none(fresh.status(FK_ID)).record).uid, "version": 1}
    saved = save_edit(store, fresh, FK_ID, current, "fields", who="bo", owner_team="x", deletion_policy="")
    assert saved.message == "Saved (plan saved, version 2)."
    assert saved.ok and not saved.conflict and saved.record is not None and saved.record.version == 2
    record = store.get(FK_ID)
    assert record is not None and (record.owner_team, [m.by for m in record.marks]) == ("x", ["al"])


def test_save_results_are_typed(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    refused = save_edit(store, view, USER, None, "mark", who="  ", phase=1)
    assert (refused.ok, refused.conflict, refused.message, refused.record) == (
        False,
        False,
        NAME_FOR_EDIT,
        None,
    )
    assert save_edit(store, view, "nowhere", None, "mark", who="al", phase=1).message == (
        "Select a foreign key first."
    )
    assert save_edit(store, view, USER, None, "unmark", who="al", phase=1).message == (
        "Phase 1 is not marked on this key."
    )
    bad = save_edit(store, view, USER, None, "fields", who="al", deletion_policy="shrug")
    assert not bad.ok and not bad.conflict and bad.message.startswith("Not saved: unknown deletion policy")

    marked = save_edit(store, view, USER, None, "mark", who="al", phase=1, note=" n ", link=" https://t/1 ")
    assert marked.ok and marked.record is not None
    assert [(m.phase, m.by, m.note, m.link) for m in marked.record.marks] == [(1, "al", "n", "https://t/1")]
    lost = save_edit(
        store, view, USER, None, "mark", who="bo", phase=3, confirmed=True
    )  # loaded before al's save
    assert lost.conflict and lost.record is not None and lost.record.updated_by == "al"

    view = inventory_view(inv, store)
    loaded = {"uid": marked.record.uid, "version": 1}
    unmarked = save_edit(store, view, USER, loaded, "unmark", who="al", phase=1)
    assert unmarked.ok and unmarked.message == "Saved (phase 1 unmarked, version 2)."
    assert store.audit()[-1].action == "unmark"


def test_a_record_matched_by_structure_is_re_keyed_on_save(tmp_path: Path, store: SqlStore) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT}, folder="old/migrations")
    item = by_name(before)["posts_user_id_fkey"]
    store.save(new_record(item).with_mark(Mark(1, "al", AT)), who="al")
    after = scan_folder(tmp_path / "moved", {"001_init.sql": INIT})
    view = inventory_view(after, store)
    status = view.status(USER)
    assert status is not None and status.matched_by == "structure"
    loaded = {"uid": not_none(status.record).uid, "version": 1}
    saved = save_edit(store, view, USER, loaded, "fields", who="bo", owner_team="core")
    assert saved.ok and saved.record is not None and saved.record.fk_id == USER


def test_an_orphan_is_re_attached(inv: Inventory, store: SqlStore) -> None:
    info = FkInfo("gone_fkey", "content", "auth", "public.gone", ("owner_id",), "public.users", ("id",))
    ghost = store.save(Record("db/migrations/009_gone.sql:3#owner_id", fk=info), who="al")
    store.save(new_record(by_name(inv)["posts_editor_fk"]), who="al")
    view = inventory_view(inv, store)
    assert [r.uid for r in view.orphans] == [ghost.uid]
    assert reattach_orphan(store, view, ghost.uid, USER, who="").message == NAME_FOR_REATTACH
    assert reattach_orphan(store, view, "nope", USER, who="bo").message == "Choose an orphaned record first."
    assert reattach_orphan(store, view, ghost.uid, "nope", who="bo").message == (
        "Select, in the table, the key the record belongs to."
    )
    taken = reattach_orphan(store, view, ghost.uid, EDITOR, who="bo")
    assert not taken.ok and taken.message == "That key has a record already; choose a key without one."
    moved = reattach_orphan(store, view, ghost.uid, USER, who="bo")
    assert moved.ok and moved.record is not None and moved.record.fk_id == USER
    assert (
        moved.message == "Re-attached to content public.posts(user_id) -> auth public.users(id) (version 2)."
    )
    again = reattach_orphan(store, view, ghost.uid, USER, who="bo")  # the view still shows it orphaned
    assert not again.ok and again.conflict


def test_snapshots_and_the_review_since(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    assert take_snapshot(store, view, "R1", who="").message == NAME_FOR_SNAPSHOT
    taken = take_snapshot(store, view, "R1", who="al")
    assert taken.ok and taken.snapshot is not None and taken.message == "Snapshot “R1” saved (2 keys)."
    twice = take_snapshot(store, view, "R1", who="al")
    assert not twice.ok and twice.snapshot is None and twice.message.startswith("Snapshot not saved: ")
    assert review_since(store, view, "nope") is None
    save_edit(store, view, USER, None, "mark", who="al", phase=1)
    review = review_since(store, inventory_view(inv, store), "R1")
    assert review is not None and review.snapshot.name == "R1"
    assert [(d.id, d.change) for d in review.delta.phase_changes] == [
        (USER, "Not started -> Validation added")
    ]


def test_progress_sql_plan_and_revision(inv: Inventory, store: SqlStore) -> None:
    empty = load_view(tracked_fks(inv), None, scan="scan-1")
    assert empty.revision == "scan-1|" and empty.services == ["content"]
    view = inventory_view(inv, store)
    save_edit(store, view, USER, None, "mark", who="al", phase=1)
    view = inventory_view(inv, store)
    assert view.revision != empty.revision
    overall, per_service = progress_by_phase(view)
    assert overall.counts == (1, 1, 0, 0, 0) and [p.service for p in per_service] == ["content"]
    assert progress_by_phase(view, "auth")[0].total == 0
    one = sql_script(view, "drop", fk_id=USER)
    assert "posts_user_id_fkey" in one and "posts_editor_fk" not in one
    both = sql_script(view, "drop", service="content")
    assert "posts_user_id_fkey" in both and "posts_editor_fk" in both
    entries = load_plan(plan_text(view))
    assert [(e.record.fk_id, [m.phase for m in e.record.marks]) for e in entries] == [
        (EDITOR, []),
        (USER, [1]),
    ]
    assert load_plan(plan_text(view, json_format=True), json_format=True) == entries


def test_the_report_gets_the_real_phase_of_each_key(tmp_path: Path, store: SqlStore) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT})
    view = inventory_view(before, store)
    save_edit(store, view, USER, None, "mark", who="al", phase=1)
    save_edit(store, view, EDITOR, None, "mark", who="al", phase=1)
    after = scan_folder(tmp_path, {"002_drop.sql": "ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n"})
    assert phase_by_fk(after, store) == {USER: 2, EDITOR: 1}
    assert phase_by_fk(after, None) == {USER: 2, EDITOR: 0}
    phase_of = report_phase_of(after, store)
    fks = {fk.name: fk for fk in after.foreign_keys}
    assert phase_of(fks["posts_user_id_fkey"]) == "Phase 2: FK dropped"  # exports.report.DROPPED
    assert phase_of(fks["posts_editor_fk"]) == "Phase 1: Validation added"
    store.save(not_none(store.get(USER)).with_mark(Mark(3, "al", AT)), who="al")
    assert report_phase_of(after, store)(fks["posts_user_id_fkey"]) == "Phase 3: App-layer validation only"
