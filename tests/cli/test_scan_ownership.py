"""``fkmap scan`` on ownership: FKs into unowned tables first, shared tables, ``--explain TABLE``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import main
from exports.scan_json import scan_document
from model.inventory import (
    Evidence,
    ForeignKey,
    Inventory,
    Location,
    Service,
    SharedAccess,
    Source,
    Table,
    TableRef,
)
from tests.cli.ownership_repos import REPLICA, SHARED_MONOLITH, write_repo


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


FLAT = {
    "db/migrations/001_init.sql": """\
CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE posts (id INT PRIMARY KEY, user_id INT REFERENCES users(id));
""",
    "services/billing/migrations/001.sql": """\
CREATE TABLE invoices (id INT PRIMARY KEY, user_id INT REFERENCES users(id));
""",
}


# -- the report: FKs into unowned tables first ----------------------------------------------------------


def test_fks_into_unowned_tables_come_first_with_the_next_step(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    code, out, _ = run("scan", str(repo))
    assert code == 0
    blocks = out.split("\n\n")
    assert blocks[0] == (
        "Scanned 1 source: 2 services, 7 tables, 4 foreign keys.\n"
        "Cross-service foreign keys: 1 (0 ON DELETE CASCADE) coupling 2 services in 1 dependency.\n"
        "1 foreign key points into 1 table no service owns: "
        "whether it crosses services is unknown (listed below)."
    )
    assert blocks[1] == (
        "Foreign keys into tables no service owns: 1 FK into 1 table "
        "(whether they cross services is unknown)\n"
        "  db/migrations:public.settings  created at db/migrations/003_misc.sql:1; no evidence of an owner\n"
        "    (no service): notes.setting_id -> settings(id)  NO ACTION  db/migrations/003_misc.sql:3\n"
        "Foreign keys from tables no service owns into owned ones: 1 FK\n"
        "    (no service) -> auth: notes.user_id -> users(id)  NO ACTION  db/migrations/003_misc.sql:3\n"
        f"  Next step: run `fkmap init {repo} -o fkmap.toml`, review it, commit it."
    )
    assert blocks[2].startswith("chat -> auth (1 FK, 0 CASCADE)\n")


def test_no_cross_service_fk_is_never_said_bare_when_fks_point_into_unowned_tables(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FLAT)
    code, out, _ = run("scan", str(repo))
    assert code == 0
    headline = out.split("\n\n")[0].splitlines()
    assert "No cross-service foreign keys." not in out
    assert headline[1] == (
        "No cross-service foreign keys between owned tables, but that may be wrong: 2 foreign keys point "
        "into 1 table no service owns, and any of them may cross services."
    )
    section = out.split("\n\n")[1]
    assert section.splitlines()[2:4] == [
        "    (no service): posts.user_id -> users(id)  NO ACTION  db/migrations/001_init.sql:2",
        "    billing: invoices.user_id -> users(id)  NO ACTION  services/billing/migrations/001.sql:1",
    ]


def test_the_json_summary_counts_them(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FLAT)
    doc = json.loads(run("scan", str(repo), "--format", "json")[1])
    summary = doc["summary"]
    assert (summary["unowned_tables"], summary["fks_into_unowned"], summary["shared_tables"]) == (2, 2, 0)
    assert {t["name"]: t["owner_evidence"] for t in doc["tables"] if t["database"] == "db/migrations"} == {
        "users": [],
        "posts": [],
    }
    assert doc["shared_access"] == []


# -- shared tables, from a saved scan --------------------------------------------------------------------

POSTS, FEED, USERS = (TableRef("db", "public", n) for n in ("posts", "feed", "users"))


def _saved(tmp_path: Path) -> Path:
    written = Evidence("code-write", "content", "written by content (content/db.rs:41)", "content/db.rs", 41)
    inv = Inventory(
        tables=(
            Table(POSTS, service="content", owner_evidence=(written,), defined_at=Location("db/001.sql", 3)),
            Table(FEED, service="feed"),
            Table(USERS, service="auth"),
        ),
        foreign_keys=(
            ForeignKey(
                "feed_post_id_fkey", FEED, ("post_id",), POSTS, ("id",), added_at=Location("db/002.sql", 2)
            ),
            ForeignKey(
                "posts_user_id_fkey", POSTS, ("user_id",), USERS, ("id",), added_at=Location("db/001.sql", 5)
            ),
        ),
        services=(Service("auth"), Service("content"), Service("feed")),
        sources=(Source("migrations", "repo"),),
        shared_access=(
            SharedAccess(POSTS, "content", "feed", "write", "feed/src/fanout.rs", 88),
            SharedAccess(POSTS, "content", "feed", "read", "feed/src/feed.rs", 12),
            SharedAccess(USERS, "auth", "feed", "read", "feed/src/who.rs", 3),
            SharedAccess(USERS, "auth", "content", "read", "content/src/a.rs", 9),
        ),
    )
    saved = tmp_path / "scan.json"
    saved.write_text(json.dumps(scan_document(inv)), encoding="utf-8")
    return saved


def test_shared_tables_are_listed_per_service_pair(tmp_path: Path) -> None:
    code, out, _ = run("scan", str(_saved(tmp_path)))
    assert code == 0
    [section] = [b for b in out.split("\n\n") if b.startswith("Shared tables")]
    assert section == (
        "Shared tables (a service's code uses a table another service owns): 2 tables\n"
        "  content -> auth (1 table)\n"
        "    users  read  content/src/a.rs:9\n"
        "  feed -> auth (1 table)\n"
        "    users  read  feed/src/who.rs:3\n"
        "  feed -> content (1 table)\n"
        "    posts  read   feed/src/feed.rs:12\n"
        "    posts  write  feed/src/fanout.rs:88"
    )
    assert out.index("Shared tables") > out.index("content <- feed")  # after the FKs, before diagnostics


# -- --explain ------------------------------------------------------------------------------------------


def test_explain_prints_owner_evidence_fks_and_shared_access(tmp_path: Path) -> None:
    code, out, _ = run("scan", str(_saved(tmp_path)), "--explain", "posts")
    assert code == 0
    assert out == (
        "db:public.posts\n"
        "  owner: content\n"
        "  defined at db/001.sql:3\n"
        "  evidence, decisive first:\n"
        "    1. code-write  content  written by content (content/db.rs:41)  content/db.rs:41\n"
        "  foreign keys: 1 in (1 cross-service, from feed), 1 out (1 cross-service, to auth)\n"
        "  shared access:\n"
        "    feed reads it (feed/src/feed.rs:12); content owns it\n"
        "    feed writes it (feed/src/fanout.rs:88); content owns it\n"
    )


def test_explain_accepts_qualified_names_and_lists_every_match(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", REPLICA)
    for query in ("services/chat/migrations:public.users", "services/chat/migrations:users", "USERS"):
        code, out, _ = run("scan", str(repo), "--explain", query)
        assert code == 0
        assert "services/chat/migrations:public.users\n  owner: auth\n" in out
    code, out, _ = run("scan", str(repo), "--explain", "public.users")
    assert out.startswith("2 tables match:\n\nservices/auth/migrations:public.users\n  owner: auth\n")
    assert "  copied by: services/chat/migrations:public.users (chat)\n" in out
    assert (
        "services/chat/migrations:public.users\n"
        "  owner: auth\n"
        "  a local copy of auth's entity, held by chat: FKs into it couple to auth\n"
    ) in out
    assert "    1. replica-of  auth  a local copy of auth's 'users'" in out
    assert "    2. folder  chat  migration folder 'services/chat/migrations'" in out


def test_explain_of_an_unowned_table_says_so(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FLAT)
    code, out, _ = run("scan", str(repo), "--explain", "users")
    assert code == 0
    assert out.splitlines()[:5] == [
        "2 tables match:",
        "",
        "db/migrations:public.users",
        "  owner: none -- no rule placed it (fkmap init lists such tables for you to assign)",
        "  defined at db/migrations/001_init.sql:1",
    ]
    assert "  external: defined by no statement of services/billing/migrations; resolved to " in out
    assert out.count("  foreign keys: 2 in, 0 out") == 2  # the alias explains the table it resolves to


def test_explain_of_an_unknown_table_suggests_the_closest(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", SHARED_MONOLITH)
    assert run("scan", str(repo), "--explain", "tokenz") == (
        2,
        "",
        "fkmap: error: no table 'tokenz' in the scan; did you mean tokens?\n",
    )
    code, _, err = run("scan", str(repo), "--explain", "public.nothing_like_it")
    assert code == 2
    hint = "fkmap scan lists the tables of each service"
    assert err == f"fkmap: error: no table 'public.nothing_like_it' in the scan; {hint}\n"
