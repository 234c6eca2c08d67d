"""Remediation tracking: identity across renames, status rules, burn-down, review delta, SQL on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.sqlgen import add_fk_sql, drop_script, orphan_check_sql, rollback_script
from ingest.migrations.sets import ingest_path, ingest_text
from model.inventory import ForeignKey, Inventory, Location, Source, Table, TableRef
from ownership.config_file import parse_config
from ownership.resolve import merge, resolve_external
from ownership.services import assign_services
from remediation.fkid import fkid, name_key, structural_key
from remediation.tracking import (
    FkInfo,
    Mark,
    Record,
    derive_status,
    match_records,
    new_record,
    statuses,
    tracked_fks,
)
from remediation.views import burndown, git_added_dates, progress, review_delta, snapshot_rows, sql_for

CONFIG = """
[services.auth]
tables = ["users"]
[services.content]
tables = ["posts", "articles", "comments"]
"""

INIT = """CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (
    id int PRIMARY KEY,
    user_id int REFERENCES users(id) ON DELETE CASCADE,
    editor_id int
);
ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (editor_id) REFERENCES users(id);
"""
RENAME = """ALTER TABLE posts RENAME TO articles;
ALTER TABLE articles RENAME CONSTRAINT posts_user_id_fkey TO articles_user_id_fkey;
"""
AT = "2026-11-14T10:42:00Z"


def scan_folder(root: Path, files: dict[str, str], folder: str = "db/migrations") -> Inventory:
    """Write ``files`` into ``root/folder``, ingest with ingest_path and assign services."""
    base = root / folder
    base.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (base / name).write_text(text, encoding="utf-8")
    config, diagnostics = parse_config(CONFIG)
    assert diagnostics == []
    return assign_services(resolve_external(merge([ingest_path(root)])), config)


def by_name(inv: Inventory) -> dict[str, object]:
    return {it.fk.name: it for it in tracked_fks(inv)}


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
    record = new_record(by_name(before)["posts_editor_fk"])  # type: ignore[arg-type]
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
    record = new_record(by_name(before)["posts_user_id_fkey"]).with_mark(Mark(1, "al", AT))  # type: ignore[arg-type]
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
    assert (editor.id, editor.aliases, editor.migration_state, editor.dropped) == (  # type: ignore[attr-defined]
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


# ------------------------------------------------------------------------------------ status rules
def _item(on_delete: str, dropped: bool) -> object:
    a, b = TableRef("m", "public", "posts"), TableRef("m", "public", "users")
    fk = ForeignKey(
        "posts_user_id_fkey", a, ("user_id",), b, ("id",), on_delete=on_delete,
        added_at=Location("m/1.sql", 3), dropped_at=Location("m/2.sql", 1) if dropped else None,
    )  # fmt: skip
    inv = Inventory(tables=(Table(a, service="content"), Table(b, service="auth")), foreign_keys=(fk,))
    return tracked_fks(inv)[0]


@pytest.mark.parametrize(
    ("on_delete", "dropped", "marks", "policy", "phase", "done", "contradictions", "warnings"),
    [
        ("CASCADE", False, (), "", 0, (), 0, 0),
        ("CASCADE", False, (1,), "", 1, (1,), 0, 0),
        ("CASCADE", False, (1, 3), "", 1, (1,), 1, 0),
        ("CASCADE", True, (), "", 2, (2,), 0, 1),
        ("CASCADE", True, (1,), "", 2, (1, 2), 0, 0),
        ("CASCADE", True, (1, 3), "", 3, (1, 2, 3), 0, 0),
        ("CASCADE", True, (1, 3, 4), "", 4, (1, 2, 3, 4), 0, 0),
        ("CASCADE", True, (1, 3), "forbid-delete", 3, (1, 2, 3), 0, 1),
        ("SET NULL", True, (1, 3, 4), "", 4, (1, 2, 3, 4), 0, 0),
        ("NO ACTION", True, (1, 3), "handle-missing-parent", 4, (1, 2, 3, 4), 0, 0),
        ("NO ACTION", True, (1, 3), "", 3, (1, 2, 3), 0, 0),
        ("RESTRICT", False, (1,), "forbid-delete", 1, (1, 4), 0, 1),
        ("NO ACTION", True, (1, 4), "", 2, (1, 2, 4), 0, 1),
    ],
    ids=lambda v: str(v),
)
def test_status_rules(
    on_delete: str, dropped: bool, marks: tuple[int, ...], policy: str, phase: int, done: tuple[int, ...],
    contradictions: int, warnings: int,
) -> None:  # fmt: skip
    item = _item(on_delete, dropped)
    record = new_record(item).with_fields(deletion_policy=policy)  # type: ignore[arg-type]
    for p in marks:
        record = record.with_mark(Mark(p, "al", AT))
    status = derive_status(item, record)  # type: ignore[arg-type]
    assert (status.phase, tuple(sorted(status.done))) == (phase, done)
    assert (len(status.contradictions), len(status.warnings)) == (contradictions, warnings), status


def test_phase_2_is_never_marked_by_hand() -> None:
    with pytest.raises(ValueError, match="phase 2 \\(FK dropped\\) is read from the migrations"):
        Record("x").with_mark(Mark(2, "al", AT))
    with pytest.raises(ValueError, match="unknown deletion policy 'delete-all'"):
        Record("x").with_fields(deletion_policy="delete-all")


def test_structure_and_name_only_take_a_unique_candidate() -> None:
    def fk(db: str, table: str) -> ForeignKey:
        return ForeignKey(
            "t_user_id_fkey", TableRef(db, "public", table), ("user_id",),
            TableRef(db, "public", "users"), ("id",),
            added_at=Location(f"{db}/1.sql", 2),
        )  # fmt: skip

    tables = [Table(TableRef(d, "public", "users"), service="auth") for d in ("a", "b", "c")]
    tables += [
        Table(TableRef("a", "public", "t"), service="x"),
        Table(TableRef("b", "public", "t"), service="y"),
    ]
    tables += [Table(TableRef("c", "public", "t"), service="y")]
    inv = Inventory(tables=tuple(tables), foreign_keys=(fk("a", "t"), fk("b", "t"), fk("c", "t")))
    items = tracked_fks(inv)
    info = items[0].info()
    for_x = Record("gone:1#user_id", uid="1", fk=info)  # structure shared by 3 keys, one in service x
    for_y = Record("gone:2#user_id", uid="2", fk=replace(info, service="y"))  # two keys of service y
    matched, orphans = match_records(items, [for_x, for_y])
    assert {k: (r.uid, how) for k, (r, how) in matched.items()} == {"a/1.sql:2#user_id": ("1", "structure")}
    assert orphans == [for_y]


@given(
    marks=st.lists(st.sampled_from([1, 3, 4]), max_size=3),
    policy=st.sampled_from(["", "check-before-delete", "forbid-delete"]),
    on_delete=st.sampled_from(["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]),
    dropped=st.booleans(),
    fk_id=st.text(max_size=20),
)
@settings(max_examples=60, deadline=None)
def test_status_and_matching_never_raise(
    marks: list[int], policy: str, on_delete: str, dropped: bool, fk_id: str
) -> None:
    item = _item(on_delete, dropped)
    record = Record(fk_id, uid="u", deletion_policy=policy)
    for p in marks:
        record = record.with_mark(Mark(p, "x", ""))
    rows, orphans = statuses([item], [record])  # type: ignore[list-item]
    assert len(rows) == 1 and 0 <= rows[0].phase <= 4
    assert len(orphans) + sum(1 for s in rows if s.record is not None) == 1


# ------------------------------------------------------------------------------------ views
def test_burndown_over_migrations_and_dates(tmp_path: Path) -> None:
    inv = scan_folder(
        tmp_path,
        {
            "20240101000000_init.sql": INIT,
            "20240201000000_rename.sql": RENAME,
            "20240301000000_drop.sql": "ALTER TABLE articles DROP CONSTRAINT articles_user_id_fkey;\n",
        },
    )
    items = tracked_fks(inv)
    bd = burndown(inv, items)
    assert [(p.label, p.total, p.count("content")) for p in bd.points] == [
        ("20240101000000_init.sql", 2, 2),
        ("20240201000000_rename.sql", 2, 2),
        ("20240301000000_drop.sql", 1, 1),
    ]
    dated = burndown(inv, items, axis="date")
    assert [(p.date[:10], p.total) for p in dated.points] == [
        ("2024-01-01", 2),
        ("2024-02-01", 2),
        ("2024-03-01", 1),
    ]


def test_git_dates_of_added_files(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}  # fmt: skip

    def git(*args: str, date: str = "") -> None:
        extra = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {}
        subprocess.run(
            ["git", "-C", str(tmp_path), *args], check=True, capture_output=True, env={**env, **extra}
        )

    git("init", "-q")
    (tmp_path / "m" / "001_a.sql").write_text("SELECT 1;\n")
    git("add", ".")
    git("commit", "-qm", "a", date="2024-05-01T10:00:00+00:00")
    (tmp_path / "m" / "002_b.sql").write_text("SELECT 2;\n")
    (tmp_path / "m" / "001_a.sql").write_text("SELECT 11;\n")
    git("add", ".")
    git("commit", "-qm", "b", date="2024-06-02T10:00:00+00:00")
    assert git_added_dates(tmp_path) == {
        "m/001_a.sql": "2024-05-01T10:00:00+00:00",
        "m/002_b.sql": "2024-06-02T10:00:00+00:00",
    }
    assert git_added_dates(tmp_path / "nowhere") == {}


def test_review_delta_lists_regressions_drops_and_phase_changes(tmp_path: Path) -> None:
    before = scan_folder(tmp_path, {"001_init.sql": INIT})
    records = [new_record(by_name(before)["posts_editor_fk"])]  # type: ignore[arg-type]
    old_rows, _ = statuses(tracked_fks(before), records)
    snapshot = snapshot_rows(old_rows)
    assert [(r["state"], r["phase"], r["marks"]) for r in snapshot] == [
        ("present", 0, []),
        ("present", 0, []),
    ]

    after = scan_folder(
        tmp_path,
        {
            "002_changes.sql": "ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n"
            "CREATE TABLE comments (id int, author_id int REFERENCES users(id));\n"
        },
    )
    marked = [records[0].with_mark(Mark(1, "bob", AT))]
    now, _ = statuses(tracked_fks(after), marked)
    delta = review_delta(snapshot, now)
    assert [d.text for d in delta.appeared] == ["content public.comments(author_id) -> auth public.users(id)"]
    assert [d.text for d in delta.dropped] == ["content public.posts(user_id) -> auth public.users(id)"]
    assert [(d.text, d.change, d.marks_added) for d in delta.phase_changes] == [
        ("content public.posts(editor_id) -> auth public.users(id)", "Not started -> Validation added", (1,)),
        ("content public.posts(user_id) -> auth public.users(id)", "Not started -> FK dropped", ()),
    ]
    assert delta.vanished == ()
    assert review_delta(snapshot_rows(now), now).empty


def test_progress_counts_per_service(tmp_path: Path) -> None:
    inv = scan_folder(tmp_path, {"001_init.sql": INIT})
    items = tracked_fks(inv)
    rows, _ = statuses(items, [new_record(items[0]).with_mark(Mark(1, "al", AT))])
    overall, per_service = progress(rows)
    assert (overall.service, overall.counts) == ("All services", (1, 1, 0, 0, 0))
    assert [(p.service, p.counts, p.total) for p in per_service] == [("content", (1, 1, 0, 0, 0), 2)]


def test_fkid_forms() -> None:
    t, u = TableRef("shop", "", "orders"), TableRef("shop", "", "users")
    mysql = ForeignKey("orders_ibfk_1", t, ("user_id",), u, ("id",), added_at=Location("db/1.sql", 9))
    assert (fkid(mysql), structural_key(mysql), name_key(mysql)) == (
        "db/1.sql:9#user_id",
        "orders(user_id)->users(id)",
        "orders_ibfk_1",
    )


# ------------------------------------------------------------------------------------ generated SQL
SCHEMA = '''CREATE SCHEMA "Billing";
CREATE TABLE users (id int PRIMARY KEY, tenant int NOT NULL, UNIQUE (id, tenant));
CREATE TABLE posts (
    id int PRIMARY KEY,
    user_id int,
    tenant int,
    CONSTRAINT "Posts→User ""main""" FOREIGN KEY (user_id, tenant) REFERENCES users (id, tenant)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE "Billing"."Order Items" (
    id int PRIMARY KEY,
    buyer_id int REFERENCES users (id) ON DELETE SET NULL (buyer_id),
    "order" int
);
'''
CONFIG_SQL = """
[services.auth]
tables = ["users"]
[services.content]
tables = ["posts"]
[services.billing]
tables = ["Billing.*"]
"""

FK_DEFS = """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"""


@pytest.mark.postgres
def test_drop_and_rollback_scripts_on_postgresql(fresh_database: object) -> None:
    import psycopg

    dsn = fresh_database(sql=SCHEMA)  # type: ignore[operator]
    config, _ = parse_config(CONFIG_SQL)
    inv = assign_services(ingest_text(SCHEMA, path="db/001.sql", database="db"), config)
    rows, _ = statuses(tracked_fks(inv), [])
    assert sorted(s.item.fk.name for s in rows) == ["Order Items_buyer_id_fkey", 'Posts→User "main"']
    with psycopg.connect(dsn, autocommit=True) as conn:
        original = conn.execute(FK_DEFS).fetchall()
        assert len(original) == 2
        conn.execute("INSERT INTO users VALUES (1, 1)")
        drop = sql_for(rows, "drop")
        assert drop.count("BEGIN;") == 2 and "SET lock_timeout = '5s';" in drop
        conn.execute(drop)
        assert conn.execute(FK_DEFS).fetchall() == []
        conn.execute(drop)  # IF EXISTS: running it twice is harmless
        # after the drop the database accepts orphans; the checks find them
        conn.execute("INSERT INTO posts VALUES (1, 99, 1)")
        conn.execute('INSERT INTO "Billing"."Order Items" VALUES (1, 1, 7)')
        counts = [conn.execute(orphan_check_sql(s.item.fk)).fetchone()[0] for s in rows]  # type: ignore[index]
        assert sorted(counts) == [0, 1]
        rollback = sql_for(rows, "rollback")
        step1 = "\n".join(line for line in rollback.splitlines() if "VALIDATE CONSTRAINT" not in line)
        conn.execute(step1)
        readded = conn.execute(FK_DEFS).fetchall()
        assert [(r[0], r[1], r[3]) for r in readded] == [(r[0], r[1], False) for r in original]
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute(_validations(rollback))
        conn.execute("DELETE FROM posts WHERE user_id = 99")
        conn.execute(_validations(rollback))
        assert conn.execute(FK_DEFS).fetchall() == original


def _validations(script: str) -> str:
    return "\n".join(line for line in script.splitlines() if "VALIDATE CONSTRAINT" in line)


def test_mysql_scripts_use_mysql_syntax() -> None:
    import sqlglot

    t, u = TableRef("shop", "", "orders"), TableRef("shop", "", "users")
    fk = ForeignKey(
        "orders_ibfk_1", t, ("user_id",), u, ("id",), on_delete="CASCADE", added_at=Location("db/1.sql", 9)
    )
    drop = drop_script([(fk, "auth")], dialect="mysql")
    assert "ALTER TABLE `orders` DROP FOREIGN KEY `orders_ibfk_1`;" in drop
    assert "BEGIN" not in drop and "lock_wait_timeout = 5" in drop
    back = rollback_script([(fk, "auth")], dialect="mysql")
    add = add_fk_sql(fk, dialect="mysql")
    assert add == (
        "ALTER TABLE `orders` ADD CONSTRAINT `orders_ibfk_1` FOREIGN KEY (`user_id`) "
        "REFERENCES `users` (`id`) "
        "ON DELETE CASCADE;"
    )
    assert add in back and "SET FOREIGN_KEY_CHECKS = 0;" in back
    for statement in (add, orphan_check_sql(fk, dialect="mysql")):
        assert sqlglot.parse_one(statement, read="mysql") is not None
