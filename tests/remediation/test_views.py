"""What the remediation page draws: burn-down, git dates, review delta, progress, and the generated SQL."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from exports.sqlgen import add_fk_sql, drop_script, orphan_check_sql, rollback_script
from ingest.migrations.sets import ingest_text
from model.inventory import ForeignKey, Location, TableRef
from ownership.config_file import parse_config
from ownership.services import assign_services
from remediation.records import Mark
from remediation.status import statuses
from remediation.tracking import new_record, tracked_fks
from remediation.views import burndown, git_added_dates, progress, review_delta, snapshot_rows, sql_for
from tests.helpers import not_none
from tests.remediation.sample import AT, INIT, RENAME, by_name, scan_folder


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
    records = [new_record(by_name(before)["posts_editor_fk"])]
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
def test_drop_and_rollback_scripts_on_postgresql(fresh_database: Callable[..., str]) -> None:
    import psycopg

    dsn = fresh_database(sql=SCHEMA)
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
        counts = [not_none(conn.execute(orphan_check_sql(s.item.fk)).fetchone())[0] for s in rows]
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
