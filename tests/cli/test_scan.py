"""``fkmap scan`` end to end: a tiny migration repository in tmp_path, exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from cli.common import check_dialect
from model.inventory import ForeignKey, Inventory, Location, Service, Source, Table, TableRef

AUTH = """\
CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL
);
"""
POSTS = """\
CREATE TABLE posts (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT
);
"""
MESSAGING = """\
-- messaging service schema
CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    conversation_type VARCHAR(20) NOT NULL CHECK (conversation_type IN ('direct', 'group')),
    name VARCHAR(255),
    created_by UUID NOT NULL REFERENCES users(id)
);
CREATE TABLE conversation_participants (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE TABLE messages (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id UUID NOT NULL REFERENCES users(id)
);
"""
DROP = """\
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
"""
CONFIG = """\
[services.auth]
description = "Identity and sessions"
tables = ["users"]

[services.content]
tables = ["posts"]

[services.messaging]
tables = ["conversation*", "messages"]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``legacy/migrations`` with four migrations and an ``fkmap.toml`` at the root."""
    root = tmp_path / "repo"
    folder = root / "legacy" / "migrations"
    folder.mkdir(parents=True)
    for name, text in {
        "001_auth_schema.sql": AUTH,
        "003_posts_schema.sql": POSTS,
        "018_messaging_schema.sql": MESSAGING,
        "060_drop_messaging_fks.sql": DROP,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    (root / "fkmap.toml").write_text(CONFIG, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- arguments ------------------------------------------------------------------------------------


def test_help_lists_scan_and_its_options() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "scan" in out
    code, out, _ = run("scan", "--help")
    assert code == 0
    for option in ("--config", "--dialect", "--format", "--infer", "--output"):
        assert option in out


def test_missing_source_is_a_one_line_usage_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert run("scan", missing) == (2, "", f"fkmap: error: source {missing!r} does not exist\n")


def test_no_source_at_all_is_a_usage_error() -> None:
    code, out, err = run("scan")
    assert (code, out) == (2, "")
    assert "Missing argument 'SOURCE...'" in err


def test_unknown_dialect_suggests_the_closest(repo: Path) -> None:
    assert run("scan", str(repo), "--dialect", "postgress") == (
        2,
        "",
        "fkmap: error: Unknown dialect 'postgress'. Did you mean postgres?\n",
    )


def test_unknown_dialect_without_a_close_match_lists_them() -> None:
    with pytest.raises(Exception, match=r"^Unknown dialect 'zzzz'\. Known dialects: athena, bigquery, "):
        check_dialect("zzzz")


def test_missing_config_file(repo: Path) -> None:
    code, out, err = run("scan", str(repo), "--config", str(repo / "other.toml"))
    assert (code, out, err) == (
        2,
        "",
        f"fkmap: error: config file {str(repo / 'other.toml')!r} does not exist\n",
    )


def test_bad_format_choice(repo: Path) -> None:
    code, _, err = run("scan", str(repo), "--format", "xml")
    assert code == 2
    assert "'xml' is not one of 'table', 'json'" in err


def test_unwritable_output(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "scan.json"
    code, out, err = run("scan", str(repo), "--format", "json", "-o", str(target))
    assert (code, out) == (2, "")
    assert err.startswith(f"fkmap: error: cannot write {str(target)!r}: ")


# -- a real scan of a migration folder ----------------------------------------------------------------


def test_table_report_of_a_migration_folder(repo: Path) -> None:
    code, out, err = run("scan", str(repo))
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    assert blocks[0] == (
        "Scanned 1 source: 3 services, 5 tables, 5 foreign keys.\n"
        "Cross-service foreign keys: 3 (2 ON DELETE CASCADE) coupling 3 services in 2 dependencies.\n"
        "Remediation: 1 of 4 tracked cross-service FKs dropped (25.0% remediated); "
        "`fkmap plan status` defines each total."
    )
    assert blocks[1] == (
        "content -> auth (1 FK, 1 CASCADE)\n"
        "  posts.user_id -> users(id)  CASCADE  present  legacy/migrations/003_posts_schema.sql:3\n"
        "  - Cannot deploy content without auth's database: 1 foreign key into auth (users).\n"
        "  - Deleting a row of auth.users cascades into 1 content table: posts."
    )
    assert blocks[2] == (
        "messaging -> auth (2 FKs, 1 CASCADE; 1 dropped)\n"
        "  conversation_participants.user_id -> users(id)  CASCADE    present  "
        "legacy/migrations/018_messaging_schema.sql:11\n"
        "  conversations.created_by -> users(id)           NO ACTION  present  "
        "legacy/migrations/018_messaging_schema.sql:6\n"
        "  messages.sender_id -> users(id)                 NO ACTION  dropped  "
        "legacy/migrations/018_messaging_schema.sql:16\n"
        "  - Cannot deploy messaging without auth's database: 2 foreign keys into auth (users).\n"
        "  - Deleting a row of auth.users cascades into 1 messaging table: conversation_participants.\n"
        "  - auth cannot delete a row of users that messaging still references: 1 foreign key blocks it "
        "(conversations.created_by).\n"
        "  - Already dropped: 1 foreign key from messaging into auth (messages.sender_id)."
    )
    assert blocks[3] == (
        "auth <- content, messaging (3 FKs, 2 CASCADE; 1 dropped)\n"
        "  - content and messaging depend on auth's database: 3 foreign keys into auth (users).\n"
        "  - Deleting a row of auth.users cascades into 2 tables of 2 services: content (posts), "
        "messaging (conversation_participants).\n"
        "  - auth cannot delete a row of users while other services reference it: "
        "messaging (conversations.created_by).\n"
        "  - Already dropped: 1 foreign key into auth: messaging (messages.sender_id)."
    )
    assert blocks[4] == (
        "ON DELETE CASCADE chains crossing services:\n"
        "  auth.users: a delete removes rows in 2 tables of auth, messaging, content\n"
        "    -> conversation_participants (messaging) via conversation_participants_user_id_fkey  "
        "[crosses services]\n"
        "    -> posts (content) via posts_user_id_fkey  [crosses services]"
    )
    assert blocks[5:] == ["Diagnostics: none\n"]


def test_json_report_to_a_file(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    code, out, err = run("scan", str(repo), "--format", "json", "-o", str(target))
    assert (code, out, err) == (0, "", f"fkmap: wrote {target}\n")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["format_version"] == 1
    assert [s["name"] for s in doc["services"]] == ["auth", "content", "messaging"]
    cross = {f["name"]: f["state"] for f in doc["foreign_keys"] if f["cross_service"]}
    assert cross == {
        "conversation_participants_user_id_fkey": "present",
        "conversations_created_by_fkey": "present",
        "messages_sender_id_fkey": "dropped",
        "posts_user_id_fkey": "present",
    }
    assert (doc["summary"]["cross_service_fks"], doc["summary"]["share_remediated"]) == (3, 0.25)


def test_json_on_stdout_matches_the_file(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    run("scan", str(repo), "--format", "json", "-o", str(target))
    code, out, _ = run("scan", str(repo), "--format", "json")
    assert code == 0
    assert out == target.read_text(encoding="utf-8")


def test_diagnostics_are_counted_and_the_first_shown(repo: Path) -> None:
    folder = repo / "legacy" / "migrations"
    for i in range(7):
        (folder / f"07{i}_broken.sql").write_text(
            f"-- broken {i}\nCREATE TABLE x{i} (id int,, y int);\n", encoding="utf-8"
        )
    code, out, _ = run("scan", str(repo))
    assert code == 0  # diagnostics never change the exit status
    assert out.split("\n\n")[-1] == (
        "Diagnostics: 7 (7 errors)\n"
        + "".join(
            f"  legacy/migrations/07{i}_broken.sql:2  error: PostgreSQL syntax error: "
            'syntax error at or near ","; statement skipped\n'
            for i in range(5)
        )
        + "  ... 2 more; use --format json to see all diagnostics.\n"
    )


def test_colours_are_never_written_to_a_pipe(repo: Path) -> None:
    _, out, _ = run("scan", str(repo))
    assert "\x1b[" not in out


# -- other sources and failures ---------------------------------------------------------------------


def test_saved_inventory_is_a_source(tmp_path: Path) -> None:
    users, posts = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
    inv = Inventory(
        tables=(Table(posts, service="content"), Table(users, service="auth")),
        foreign_keys=(
            ForeignKey(
                "posts_user_id_fkey", posts, ("user_id",), users, ("id",), added_at=Location("db/3.sql", 2)
            ),
        ),
        services=(Service("auth"), Service("content")),
        sources=(Source("migrations", "db"),),
    )
    saved = tmp_path / "inventory.json"
    saved.write_text(inv.to_json(), encoding="utf-8")
    code, out, _ = run("scan", str(saved))
    assert code == 0
    # no config given or found: the saved service map is kept
    assert out.split("\n\n")[1] == (
        "content -> auth (1 FK, 0 CASCADE)\n"
        "  posts.user_id -> users(id)  NO ACTION  present  db/3.sql:2\n"
        "  - Cannot deploy content without auth's database: 1 foreign key into auth (users).\n"
        "  - auth cannot delete a row of users that content still references: 1 foreign key blocks it "
        "(posts.user_id)."
    )


def test_saved_scan_document_is_a_source_and_reproduces_the_report(repo: Path, tmp_path: Path) -> None:
    saved = tmp_path / "scan.json"
    assert run("scan", str(repo), "--format", "json", "-o", str(saved))[0] == 0
    _, original, _ = run("scan", str(repo))
    code, again, _ = run("scan", str(saved))
    assert code == 0
    first, rest = again.split("\n", 1)
    assert first == "Scanned 2 sources: 3 services, 5 tables, 5 foreign keys."  # the scan and the file
    assert rest == original.split("\n", 1)[1]


def test_broken_saved_scan_fails_with_exit_1(tmp_path: Path) -> None:
    saved = tmp_path / "scan.json"
    saved.write_text('{"format_version": 9, "foreign_keys": [], "summary": {}}', encoding="utf-8")
    code, out, err = run("scan", str(saved))
    assert code == 1
    assert f"{saved}: unsupported format_version 9: this fkmap reads 1" in out
    assert err.startswith("fkmap: 1 source(s) could not be read: ")


def test_unreachable_database_exits_1_after_reporting(tmp_path: Path) -> None:
    code, out, err = run("scan", "postgresql://postgres@127.0.0.1:1/nothing", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [d["code"] for d in doc["diagnostics"] if d["severity"] == "error"] == ["connect"]
    assert err.startswith("fkmap: 1 source(s) could not be read: ")


def test_infer_flag_runs(repo: Path) -> None:
    code, out, _ = run("scan", str(repo), "--infer", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    declared = {f["name"] for f in doc["foreign_keys"] if f["origin"] == "declared"}
    assert "conversations_created_by_fkey" in declared


def test_dialect_is_case_insensitive(repo: Path) -> None:
    code, out, _ = run("scan", str(repo), "--dialect", "Postgres")
    assert code == 0
    assert "messaging -> auth (2 FKs, 1 CASCADE; 1 dropped)" in out


def test_source_yielding_nothing_but_errors_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "broken" / "migrations"
    folder.mkdir(parents=True)
    (folder / "001_init.sql").write_text("CREATE TABLE t (id int,, x int);\n", encoding="utf-8")
    code, out, err = run("scan", str(tmp_path / "broken"), "--format", "json")
    assert code == 1
    errors = [(d["code"], d["message"]) for d in json.loads(out)["diagnostics"] if d["severity"] == "error"]
    # sorted by path: the absolute source path before the file's relative one
    assert [code for code, _ in errors] == ["source-failed", "parse-error"]
    assert errors[0][1] == f"source {str(tmp_path / 'broken')!r} gave no tables: {errors[1][1]}"
    assert err.startswith("fkmap: 1 source(s) could not be read: source ")


def test_empty_folder_is_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = run("scan", str(tmp_path / "empty"))
    assert code == 0
    assert out.startswith(
        "Scanned 1 source: 0 services, 0 tables, 0 foreign keys.\nNo cross-service foreign keys.\n"
    )
