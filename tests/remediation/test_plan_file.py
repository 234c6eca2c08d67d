"""The plan as code: YAML/JSON export and import, idempotence, conflicts, the demo plan."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.migrations.sets import ingest_path
from model.inventory import Inventory
from ownership.config_file import parse_config
from ownership.resolve import merge, resolve_external
from ownership.services import assign_services
from remediation.plan_file import (
    PlanError,
    dump_plan,
    export_plan,
    load_plan,
    parse_plan,
    read_plan,
    write_plan,
)
from remediation.plan_import import import_plan, seed_store_from_plan
from remediation.records import Mark
from remediation.status import statuses
from remediation.store import open_store
from remediation.store.base import SqlStore
from remediation.tracking import new_record, tracked_fks
from remediation.views import progress
from tests.helpers import not_none

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
AT = "2026-11-14T10:42:00Z"
INIT = """CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE);
CREATE TABLE comments (id int PRIMARY KEY, author_id int REFERENCES users(id));
"""


@pytest.fixture
def inv(tmp_path: Path) -> Inventory:
    folder = tmp_path / "repo" / "db"
    folder.mkdir(parents=True)
    (folder / "001_init.sql").write_text(INIT)
    config, _ = parse_config(
        '[services.auth]\ntables = ["users"]\n[services.content]\ntables = ["posts", "comments"]\n'
    )
    return assign_services(resolve_external(merge([ingest_path(tmp_path / "repo")])), config)


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return open_store(str(tmp_path / "state.db"))


def seeded(store: SqlStore, inv: Inventory) -> None:
    comments, posts = tracked_fks(inv)
    store.save(new_record(posts).with_mark(Mark(1, "alice", AT, "validated", "https://t/1")), who="alice")
    store.save(
        new_record(comments).with_fields(owner_team="content", deletion_policy="check-before-delete"),
        who="bob",
    )


def export(store: SqlStore, inv: Inventory) -> dict[str, Any]:
    rows, orphans = statuses(tracked_fks(inv), store.records())
    return export_plan(rows, orphans)


def _content(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in ("version", "uid")} for r in doc["records"]]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_through_a_file(inv: Inventory, store: SqlStore, tmp_path: Path, suffix: str) -> None:
    seeded(store, inv)
    doc = export(store, inv)
    path = tmp_path / f"plan{suffix}"
    write_plan(doc, path)
    text = path.read_text()
    assert text.startswith("{") if suffix == ".json" else text.startswith("# fkmap remediation plan")
    other = open_store(str(tmp_path / "other.db"))
    report = import_plan(other, read_plan(path), who="carol")
    assert (report.created, report.updated, report.conflicts) == (
        ["db/001_init.sql:3#author_id", "db/001_init.sql:2#user_id"],
        [],
        [],
    )
    assert _content(export(other, inv)) == _content(doc)
    again = import_plan(other, read_plan(path), who="carol")
    assert (again.changes, len(again.unchanged), again.conflicts) == (0, 2, [])
    assert again.summary() == "0 created, 0 updated, 2 unchanged, 0 conflicts"


def test_the_exported_yaml_reads_well(inv: Inventory, store: SqlStore) -> None:
    seeded(store, inv)
    text = dump_plan(export(store, inv))
    entry = text.split("- id: db/001_init.sql:2#user_id\n")[1]
    assert entry.startswith("  version: 1\n  uid: ")
    assert (
        "  fk:\n"
        "    service: content\n"
        "    table: public.posts\n"
        "    columns: [user_id]\n"
        "    ref_service: auth\n"
        "    ref_table: public.users\n"
        "    ref_columns: [id]\n"
        "    name: posts_user_id_fkey\n"
        "    on_delete: CASCADE\n"
        "    database: db\n"
        "  status: {phase: 1, label: Validation added, dropped: false}\n"
        "  owner_team: ''\n"
        "  target_date: ''\n"
        "  deletion_policy: ''\n"
        "  marks:\n"
        "  - phase: 1\n"
        "    by: alice\n"
        "    at: '2026-11-14T10:42:00Z'\n"
        "    note: validated\n"
        "    link: https://t/1\n"
    ) in entry


def test_an_edit_of_a_current_file_is_applied(inv: Inventory, store: SqlStore) -> None:
    seeded(store, inv)
    doc = export(store, inv)
    doc["records"][1]["marks"].append({"phase": 3, "note": "no more FK"})
    doc["records"][1]["owner_team"] = "content"
    report = import_plan(store, parse_plan(doc), who="dave")
    assert (report.updated, report.conflicts) == (["db/001_init.sql:2#user_id"], [])
    record = store.get("db/001_init.sql:2#user_id")
    assert record is not None and (record.version, record.owner_team) == (2, "content")
    assert [(m.phase, m.by) for m in record.marks] == [(1, "alice"), (3, "dave")]
    assert store.audit(uid=record.uid)[-1].action == "import"
    assert import_plan(store, parse_plan(doc), who="dave").changes == 0  # same file again: nothing


def test_a_record_changed_since_the_file_is_a_conflict(inv: Inventory, store: SqlStore) -> None:
    seeded(store, inv)
    doc = export(store, inv)
    current = not_none(store.get("db/001_init.sql:2#user_id"))
    store.save(current.with_fields(target_date="2027-01-01"), who="bob")
    doc["records"][1]["owner_team"] = "someone else"
    report = import_plan(store, parse_plan(doc), who="dave")
    assert report.changes == 0
    assert len(report.conflicts) == 1
    assert report.conflicts[0].startswith(
        "db/001_init.sql:2#user_id: changed in the store since the file's version 1 "
        "(now version 2, by bob at "
    )
    assert not_none(store.get("db/001_init.sql:2#user_id")).owner_team == ""


def test_a_stale_but_untouched_entry_never_reverts_the_store(inv: Inventory, store: SqlStore) -> None:
    seeded(store, inv)
    doc = export(store, inv)
    current = not_none(store.get("db/001_init.sql:2#user_id"))
    store.save(current.without_mark(1), who="bob", action="unmark")
    report = import_plan(store, parse_plan(doc), who="dave")
    assert (report.changes, report.conflicts) == (0, [])
    assert not_none(store.get("db/001_init.sql:2#user_id")).marks == ()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"format": "other"}, "not an fkmap plan"),
        ({"format": "fkmap-plan", "format_version": 7, "records": []}, "format_version 7"),
        ({"format": "fkmap-plan", "format_version": 1, "records": [{"version": 0}]}, "needs an 'id'"),
        (
            {"format": "fkmap-plan", "format_version": 1, "records": [{"id": "a", "marks": [{"phase": 2}]}]},
            "phase 2 cannot be set in a plan",
        ),
        (
            {
                "format": "fkmap-plan",
                "format_version": 1,
                "records": [{"id": "a", "deletion_policy": "nuke"}],
            },
            "deletion_policy 'nuke' is not one of",
        ),
        (
            {"format": "fkmap-plan", "format_version": 1, "records": [{"id": "a"}, {"id": "a"}]},
            "appears twice",
        ),
    ],
    ids=["format", "version", "id", "phase2", "policy", "duplicate"],
)
def test_bad_plans_are_refused_with_a_clear_message(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError, match=message.replace("(", r"\(")):
        parse_plan(doc)


def test_bad_yaml_and_json() -> None:
    with pytest.raises(PlanError, match="not valid YAML"):
        load_plan("records: [\n")
    with pytest.raises(PlanError, match="not valid JSON"):
        load_plan("{", json_format=True)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                    max_leaves=12))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_parse_plan_only_ever_raises_plan_error(doc: Any) -> None:
    for candidate in (doc, {"format": "fkmap-plan", "format_version": 1, "records": doc}):
        with contextlib.suppress(PlanError):
            parse_plan(candidate)


# ------------------------------------------------------------------------------------ the demo plan
@pytest.fixture(scope="module")
def demo_items() -> list[Any]:
    from ownership.scan import scan

    return tracked_fks(scan([str(DEMO)]))


def test_the_demo_plan_shows_every_phase(demo_items: list[Any], tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    report = seed_store_from_plan(store, DEMO / "fkmap-plan.yaml")
    assert report is not None and (len(report.created), report.conflicts) == (18, [])
    rows, orphans = statuses(demo_items, store.records())
    assert orphans == []
    assert all(s.matched_by == "id" for s in rows if s.record is not None)
    overall, per_service = progress(rows)
    assert overall.counts == (29, 7, 4, 3, 3)
    assert {p.service: p.counts for p in per_service} == {
        "accounting": (1, 0, 0, 0, 1),
        "content": (9, 4, 1, 0, 0),
        "experiments": (4, 1, 0, 0, 0),
        "messaging": (7, 1, 3, 1, 1),
        "moderation": (3, 0, 0, 0, 0),
        "stories": (4, 1, 0, 0, 0),
        "streaming": (0, 0, 0, 2, 1),
        "wallet": (1, 0, 0, 0, 0),
    }
    contradictions = [(s.item.fk.name, s.contradictions) for s in rows if s.contradictions]
    assert contradictions == [
        (
            "messages_sender_id_fkey",
            ("phase 3 (application-layer validation only) is marked but the FK is still present",),
        )
    ]
    assert seed_store_from_plan(store, DEMO / "fkmap-plan.yaml") is None  # only an empty store is seeded


def test_the_demo_plan_matches_a_fresh_export(demo_items: list[Any], tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    seed_store_from_plan(store, DEMO / "fkmap-plan.yaml")
    rows, orphans = statuses(demo_items, store.records())
    shipped = yaml.safe_load((DEMO / "fkmap-plan.yaml").read_text())
    assert _content(export_plan(rows, orphans)) == _content(shipped)
