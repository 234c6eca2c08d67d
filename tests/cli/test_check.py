"""``fkmap check`` end to end on a small migration repository in tmp_path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.services_repo import NEW_FK, run, services_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three services in ``services/<name>/migrations``; the working directory is the repo root."""
    return services_repo(tmp_path, monkeypatch)


def test_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "export" in out and "check" in out
    code, out, _ = run("check", "--help")
    for option in ("--baseline", "--update-baseline", "--format", "--config"):
        assert option in out


def test_check_round_trip(repo: Path) -> None:
    # no baseline yet: every cross-service FK is new
    code, out, err = run("check", ".")
    assert code == 1
    assert err == (
        "fkmap: baseline fkmap-baseline.json not found: every cross-service FK counts as new "
        "(create it with --update-baseline)\n"
    )
    assert (
        out.splitlines()[-1]
        == "fkmap check: FAILED: 3 new cross-service foreign keys, 0 stale baseline entries"
    )

    code, out, err = run("check", ".", "--update-baseline")
    assert (code, out) == (0, "")
    assert err == "fkmap: wrote fkmap-baseline.json: 3 entries (3 added, 0 removed, 0 tracking links)\n"
    doc = json.loads((repo / "fkmap-baseline.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == 1
    assert [e["name"] for e in doc["entries"]] == [
        "comments_author_id_fkey",
        "conversations_created_by_fkey",
        "posts_user_id_fkey",
    ]

    # clean
    assert run("check", ".") == (
        0,
        "fkmap check: OK: 3 cross-service foreign keys, all listed in fkmap-baseline.json\n",
        "",
    )


def test_check_new_fk_fails_with_path_line_services_and_fix(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    (repo / "services/messaging/migrations/003_new_fk.sql").write_text(NEW_FK, encoding="utf-8")
    code, out, err = run("check", ".")
    assert (code, err) == (1, "")
    assert out == (
        "services/messaging/migrations/003_new_fk.sql:1: new cross-service foreign key messages_sender_fk on "
        "public.messages(sender_id) -> public.users(id) makes service messaging depend on auth's data and is "
        "not in the baseline: add an application-level check and drop the FK, or run fkmap check "
        "--update-baseline to accept it\n"
        "fkmap check: FAILED: 1 new cross-service foreign key, 0 stale baseline entries\n"
    )


def test_check_stale_entry_fails(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    path = repo / "services/content/migrations/003_drop.sql"
    path.write_text("ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;\n", encoding="utf-8")
    code, out, _ = run("check", ".")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        "fkmap-baseline.json:5: baseline entry posts_user_id_fkey on public.posts(user_id)"
    )
    assert first.endswith(": the list may only shrink: remove the entry")


def test_update_baseline_keeps_tracking_links(repo: Path) -> None:
    assert run("check", ".", "--update-baseline")[0] == 0
    path = repo / "fkmap-baseline.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][1]["tracking"] = "https://tracker.invalid/ISSUE-42"
    path.write_text(json.dumps(doc, indent=3), encoding="utf-8")  # hand-edited, other layout
    (repo / "services/messaging/migrations/003_new_fk.sql").write_text(NEW_FK, encoding="utf-8")
    code, out, err = run("check", ".", "--update-baseline")
    assert (code, out) == (0, "")
    assert err == "fkmap: wrote fkmap-baseline.json: 4 entries (1 added, 0 removed, 1 tracking links)\n"
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    assert {e["name"]: e["tracking"] for e in entries} == {
        "comments_author_id_fkey": "",
        "conversations_created_by_fkey": "https://tracker.invalid/ISSUE-42",
        "messages_sender_fk": "",
        "posts_user_id_fkey": "",
    }
    assert run("check", ".")[0] == 0


def test_check_github_and_json_formats(repo: Path, tmp_path: Path) -> None:
    code, out, _ = run("check", "services", "--format", "github", "--baseline", str(tmp_path / "b.json"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=services/content/migrations/002_comments.sql,line=4,"
        "title=fkmap check%3A new cross-service foreign key::new cross-service foreign key "
        "comments_author_id_fkey on public.comments(author_id) -> public.users(id) makes service content "
        "depend on auth's data and is not in the baseline: add an application-level check and drop the FK, "
        "or run fkmap check --update-baseline to accept it"
    )
    assert [line.split(",")[0] for line in lines[1:3]] == [
        "::error file=services/messaging/migrations/001_chat.sql",
        "::error file=services/content/migrations/001_posts.sql",
    ]
    assert lines[3] == "fkmap check: FAILED: 3 new cross-service foreign keys, 0 stale baseline entries"
    code, out, _ = run("check", ".", "--format", "json")
    doc = json.loads(out)
    assert (code, doc["ok"], doc["checked"], len(doc["new"])) == (1, False, 3, 3)


def test_github_paths_are_relative_to_the_repository(repo: Path) -> None:
    os.chdir(repo.parent)
    code, out, _ = run("check", "repo", "--format", "github", "--baseline", "none.json")
    assert code == 1
    assert "::error file=repo/services/content/migrations/001_posts.sql,line=3," in out


def test_bad_baseline_is_a_usage_error(repo: Path) -> None:
    (repo / "fkmap-baseline.json").write_text('{"entries": [], "format_version": 9}', encoding="utf-8")
    code, out, err = run("check", ".")
    assert (code, out) == (2, "")
    assert err == (
        "fkmap: error: fkmap-baseline.json: format_version 9 is not supported (this fkmap reads 1)\n"
    )
