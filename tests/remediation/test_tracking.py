"""Remediation tracking: identity of a key across renames, moves and drops, and across sources."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from model.inventory import ForeignKey, Inventory, Location, Source, Table, TableRef
from remediation.records import FkInfo, Mark, Record
from remediation.status import derive_status, statuses
from remediation.tracking import new_record, tracked_fks
from tests.remediation.sample import AT, INIT, RENAME, by_name, scan_folder


def test_identity_survives_a_table_and_constraint_rename(tmp_path: Path) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT})
    items = tracked_fks(before)
    assert [(it.id, it.fk.table.name, it.fk.name) for it in items] == [
        ("db/migrations/001_init.sql:7#editor_id", "posts", "posts_editor_fk"),
        ("db/migrations/001_init.sql:4#user_id", "posts", "posts_user_id_fkey"),
    ]
    records = [new_record(it).with_mark(Mark(1, "alice", AT)) for it in items]

    after = scan_folder(tmp_path, {"002_rename.sql": RENAME})
    rows, orphans = statuses(tracked_fks(after), records)
    assert orphans == []
    assert [(s.id, s.item.fk.table.name, s.item.fk.name, s.matched_by, s.phase) for s in rows] == [
        ("db/migrations/001_init.sql:4#user_id", "articles", "articles_user_id_fkey", "id", 1),
        ("db/migrations/001_init.sql:7#editor_id", "articles", "posts_editor_fk", "id", 1),
    ]


def test_a_column_rename_is_matched_by_constraint_name(tmp_path: Path) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT})
    record = new_record(by_name(before)["posts_editor_fk"])
    after = scan_folder(
        tmp_path,
        {"002_rename.sql": RENAME + "ALTER TABLE articles RENAME COLUMN editor_id TO reviewer_id;\n"},
    )
    rows, orphans = statuses(tracked_fks(after), [record])
    matched = [(s.id, s.matched_by) for s in rows if s.record is not None]
    assert matched == [("db/migrations/001_init.sql:7#reviewer_id", "name")]
    assert orphans == []


def test_a_moved_migration_folder_is_matched_by_structure(tmp_path: Path) -> None:
    before = scan_folder(tmp_path / "a", {"001_init.sql": INIT})
    records = [new_record(it) for it in tracked_fks(before)]
    after = scan_folder(tmp_path / "b", {"001_init.sql": INIT}, folder="services/content/db")
    rows, orphans = statuses(tracked_fks(after), records)
    assert [(s.id, s.matched_by) for s in rows] == [
        ("services/content/db/001_init.sql:7#editor_id", "structure"),
        ("services/content/db/001_init.sql:4#user_id", "structure"),
    ]
    assert orphans == []


def test_a_vanished_key_orphans_its_record(tmp_path: Path) -> None:
    inv = scan_folder(tmp_path, {"001_init.sql": INIT})
    ghost = Record(
        "db/migrations/009_gone.sql:3#owner_id",
        uid="u1",
        fk=FkInfo("gone_fkey", "content", "auth", "public.gone", ("owner_id",), "public.users", ("id",)),
    )
    rows, orphans = statuses(tracked_fks(inv), [ghost])
    assert orphans == [ghost]
    assert all(s.record is None for s in rows)


def test_a_dropped_key_keeps_its_record_and_is_phase_2(tmp_path: Path) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT})
    record = new_record(by_name(before)["posts_user_id_fkey"]).with_mark(Mark(1, "al", AT))
    after = scan_folder(tmp_path, {"002_drop.sql": "ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n"})
    rows, _ = statuses(tracked_fks(after), [record])
    dropped = [s for s in rows if s.record is not None]
    assert [(s.phase, sorted(s.done), s.item.dropped, str(s.item.dropped_at)) for s in dropped] == [
        (2, [1, 2], True, "db/migrations/002_drop.sql:1")
    ]


def test_a_re_added_key_is_one_item_present_again(tmp_path: Path) -> None:
    inv = scan_folder(
        tmp_path,
        {
            "001_init.sql": INIT,
            "002_drop.sql": "ALTER TABLE posts DROP CONSTRAINT posts_editor_fk;\n",
            "003_readd.sql": "ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (editor_id) "
            "REFERENCES users(id);\n",
        },
    )
    editor = by_name(inv)["posts_editor_fk"]
    assert (editor.id, editor.aliases, editor.migration_state, editor.dropped) == (
        "db/migrations/001_init.sql:7#editor_id",
        ("db/migrations/003_readd.sql:1#editor_id",),
        "present",
        False,
    )


# ------------------------------------------------------------------------------------ catalog + migrations
def _both(catalog_has_fk: bool, migration_dropped: bool) -> Inventory:
    mig, live = "services/content/migrations", "content_db"
    dsn = "postgresql://app@db/content_db"
    fk = ForeignKey(
        "posts_user_id_fkey",
        TableRef(mig, "public", "posts"),
        ("user_id",),
        TableRef(mig, "public", "users"),
        ("id",),
        on_delete="CASCADE",
        added_at=Location(f"{mig}/001.sql", 4),
        dropped_at=Location(f"{mig}/002.sql", 1) if migration_dropped else None,
    )
    live_fk = replace(
        fk, table=TableRef(live, "public", "posts"), ref_table=TableRef(live, "public", "users"),
        added_at=Location(dsn), dropped_at=None,
    )  # fmt: skip
    tables = (
        Table(TableRef(mig, "public", "posts"), service="content", defined_at=Location(f"{mig}/001.sql", 1)),
        Table(TableRef(mig, "public", "users"), service="auth", defined_at=Location(f"{mig}/001.sql", 2)),
        Table(TableRef(live, "public", "posts"), service="content", defined_at=Location(dsn)),
        Table(TableRef(live, "public", "users"), service="auth", defined_at=Location(dsn)),
    )
    return Inventory(
        tables=tables,
        foreign_keys=(fk, live_fk) if catalog_has_fk else (fk,),
        sources=(Source("migrations", "."), Source("catalog", dsn)),
    )


def test_dropped_in_migrations_but_present_in_production_is_a_contradiction() -> None:
    [item] = tracked_fks(_both(catalog_has_fk=True, migration_dropped=True))
    assert (item.migration_state, item.catalog_state, item.dropped) == ("dropped", "present", False)
    assert item.aliases == ("content_db:public.posts(user_id)->public.users(id)",)
    status = derive_status(item, new_record(item).with_mark(Mark(1, "al", AT)))
    assert status.phase == 1
    assert status.contradictions == (
        "marked done in migrations (services/content/migrations/002.sql:1), still present in production "
        "(live catalog)",
    )


def test_absent_from_the_live_catalog_counts_as_dropped() -> None:
    [item] = tracked_fks(_both(catalog_has_fk=False, migration_dropped=False))
    assert (item.migration_state, item.catalog_state, item.dropped) == ("present", "absent", True)
    status = derive_status(item, None)
    assert (status.phase, status.warnings) == (
        2,
        (
            "absent from the live catalog, but no migration drops it yet",
            "the FK is dropped but phase 1 (validation added) was never marked",
        ),
    )


def test_both_sources_present_agree() -> None:
    [item] = tracked_fks(_both(catalog_has_fk=True, migration_dropped=False))
    assert (item.catalog_state, item.dropped, [f.name for f in item.live]) == (
        "present",
        False,
        ["posts_user_id_fkey"],
    )
    assert derive_status(item, None).contradictions == ()
