"""Edits of several keys at once and the confirmation a contradicting mark needs, on SQLite and on
the real PostgreSQL: one transaction, each key's optimistic check, per-key conflicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from model.inventory import Inventory
from remediation.edits import NAME_FOR_EDIT, save_edit, save_edits
from remediation.service import inventory_view
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.totals import view_totals
from tests.helpers import not_none
from tests.remediation.sample import INIT, scan_folder

USER = "db/migrations/001_init.sql:4#user_id"
EDITOR = "db/migrations/001_init.sql:7#editor_id"
DROPPED = "db/migrations/002_more.sql:1#author_id"
MORE = """CREATE TABLE comments (id int PRIMARY KEY, author_id int REFERENCES users(id));
ALTER TABLE comments DROP CONSTRAINT comments_author_id_fkey;
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SqlStore:
    if request.param == "sqlite":
        return open_store(str(tmp_path / "state.db"))
    fresh: Callable[..., str] = request.getfixturevalue("fresh_database")
    return open_store(fresh())


@pytest.fixture
def inv(tmp_path: Path) -> Inventory:
    return scan_folder(tmp_path, {"001_init.sql": INIT, "002_more.sql": MORE})


def loaded(store: SqlStore, fk_id: str) -> dict[str, object]:
    """What an editor loads of a key: its record's uid and version (version 0: no record)."""
    r = store.get(fk_id)
    return {"fk_id": fk_id, "uid": r.uid if r else "", "version": r.version if r else 0}


def test_several_keys_are_marked_at_once(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    assert [s.id for s in view.statuses] == [DROPPED, EDITOR, USER]  # by dependent service, table, name
    result = save_edits(
        store, view, [loaded(store, USER), loaded(store, EDITOR)], "mark", who="al", phase=1, note="checks"
    )
    assert result.ok and result.saved == (USER, EDITOR), result.message
    assert result.message == "Saved (phase 1 marked) on 2 keys in one transaction."
    for key in (USER, EDITOR):
        record = not_none(store.get(key))
        assert (record.version, [(m.phase, m.by, m.note) for m in record.marks]) == (1, [(1, "al", "checks")])
    assert [(e.action, e.fk_id) for e in store.audit()] == [("mark", USER), ("mark", EDITOR)]
    assert view_totals(inventory_view(inv, store)).phases == (0, 2, 1, 0, 0)


def test_a_key_changed_since_is_a_conflict_and_the_others_are_saved(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    stale = [loaded(store, USER), loaded(store, EDITOR), loaded(store, DROPPED)]
    bob = save_edit(store, view, EDITOR, None, "fields", who="bob", owner_team="core")
    assert bob.ok
    result = save_edits(store, view, stale, "mark", who="al", phase=1, note="bulk")
    assert result.saved == (USER, DROPPED) and not result.ok
    [(key, conflict)] = result.conflicts
    assert key == EDITOR and "was created by bob at" in conflict.message and "reload" in conflict.message
    assert result.message.startswith("Saved (phase 1 marked) on 2 of 3 keys; 1 conflict(s) and 0 refused")
    editor = not_none(store.get(EDITOR))  # bob's change stands, untouched
    assert (editor.version, editor.owner_team, editor.marks) == (1, "core", ())
    assert [m.note for m in not_none(store.get(USER)).marks] == ["bulk"]


def test_a_contradicting_mark_waits_for_a_confirmation(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    before = view_totals(view).contradictions
    targets = [loaded(store, USER), loaded(store, DROPPED)]
    asked = save_edits(store, view, targets, "mark", who="al", phase=3)
    # USER is still present: phase 3 would contradict the sources; DROPPED is gone: it would not
    assert asked.needs_confirmation and asked.saved == () and store.is_empty()
    by_key = dict(asked.results)
    assert by_key[USER].contradictions == (
        "phase 3 (application-layer validation only) is marked but the FK is still present",
    )
    assert not by_key[DROPPED].needs_confirmation and not by_key[DROPPED].ok
    assert asked.message.startswith("Nothing saved yet: on 1 of 2 keys this contradicts the sources.")
    done = save_edits(store, view, targets, "mark", who="al", phase=3, confirmed=True)
    assert done.ok and done.saved == (USER, DROPPED)
    assert view_totals(inventory_view(inv, store)).contradictions == before + 1


def test_one_key_contradicting_mark_is_asked_then_saved(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    asked = save_edit(store, view, USER, None, "mark", who="al", phase=3, note="n")
    assert (asked.ok, asked.needs_confirmation, asked.conflict) == (False, True, False)
    assert asked.message.startswith("Not saved yet: this contradicts the sources (phase 3")
    assert store.is_empty()
    # a mark that contradicts nothing is saved at once
    assert save_edit(store, view, DROPPED, None, "mark", who="al", phase=3).ok
    done = save_edit(store, view, USER, None, "mark", who="al", phase=3, note="n", confirmed=True)
    assert done.ok and [m.phase for m in not_none(done.record).marks] == [3]


def test_bulk_edits_are_refused_without_a_name_or_a_selection(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    assert save_edits(store, view, [loaded(store, USER)], "mark", who=" ", phase=1).message == NAME_FOR_EDIT
    assert save_edits(store, view, [], "mark", who="al", phase=1).message == (
        "Select one or more foreign keys first."
    )
    refused = save_edits(store, view, [loaded(store, USER)], "unmark", who="al", phase=1)
    assert not refused.ok and dict(refused.results)[USER].message == "Phase 1 is not marked on this key."
    assert store.is_empty()


def test_the_plan_of_several_keys_keeps_each_keys_other_fields(inv: Inventory, store: SqlStore) -> None:
    view = inventory_view(inv, store)
    assert save_edit(
        store, view, USER, None, "fields", who="al", owner_team="core", target_date="2027-01-31"
    ).ok
    result = save_edits(
        store, inventory_view(inv, store), [loaded(store, USER), loaded(store, EDITOR)], "fields",
        who="bo", target_date="2027-03-31",
    )  # fmt: skip
    assert result.ok and result.message == "Saved (plan saved) on 2 keys in one transaction."
    user, editor = not_none(store.get(USER)), not_none(store.get(EDITOR))
    assert (user.owner_team, user.target_date, user.version) == ("core", "2027-03-31", 2)  # team kept
    assert (editor.owner_team, editor.target_date, editor.version) == ("", "2027-03-31", 1)
