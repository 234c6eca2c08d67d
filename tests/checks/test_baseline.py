"""``fkmap check``: matching FKs against the baseline, tracking links, report formats."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from checks.baseline import (
    FIX_NEW,
    FIX_STALE,
    check,
    current_fks,
    source_path_resolver,
    updated_baseline,
)
from checks.baseline_file import BaselineEntry, dump_baseline, load_baseline
from exports.check_report import format_github, format_json, format_text
from model.inventory import ForeignKey, Inventory, Location
from tests.exports.export_fixture import HOSTILE_FK, hostile_inventory, small_inventory


def names(entries: list[BaselineEntry]) -> list[str]:
    return [e.name for e in entries]


def test_current_fks_are_present_declared_and_cross_service() -> None:
    found = [(fk.name, s, r) for fk, s, r in current_fks(small_inventory())]
    # not: the inferred comments_conversation_id, the dropped messages_sender_id_fkey, internal FKs
    assert found == [
        (HOSTILE_FK, "content", "auth"),
        ("comments_author_id_fkey", "content", "auth"),
        ("conversations_created_by_fkey", "messaging", "auth"),
        ("posts_user_id_fkey", "content", "auth"),
    ]  # sorted by table schema.name


def test_clean_check_passes() -> None:
    baseline = updated_baseline(small_inventory(), None)
    result = check(small_inventory(), baseline)
    assert result.ok and (result.checked, result.accepted) == (4, 4)
    assert format_text(result) == (
        "fkmap check: OK: 4 cross-service foreign keys, all listed in fkmap-baseline.json\n"
    )


def test_a_new_fk_fails_with_its_location_services_and_the_fix() -> None:
    baseline = [e for e in updated_baseline(small_inventory(), None) if e.name != "posts_user_id_fkey"]
    result = check(small_inventory(), baseline)
    assert not result.ok
    (finding,) = result.findings
    assert (finding.kind, finding.path, finding.line) == (
        "new",
        "services/content/migrations/001_posts.sql",
        3,
    )
    assert finding.message == (
        "services/content/migrations/001_posts.sql:3: new cross-service foreign key posts_user_id_fkey on "
        "public.posts(user_id) -> public.users(id) makes service content depend on auth's data and is not in "
        "the baseline: add an application-level check and drop the FK, or run fkmap check --update-baseline "
        "to accept it"
    )
    assert FIX_NEW in finding.message


def test_a_stale_entry_fails_with_the_baseline_line() -> None:
    text = dump_baseline(updated_baseline(small_inventory(), None))
    gone = BaselineEntry("public.old", ("user_id",), "public.users", ("id",), "old_user_id_fkey", "x", "auth")
    text = dump_baseline([*load_baseline(text), gone])
    entries = load_baseline(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "old_user_id_fkey" in row)
    assert [e.line for e in entries if e.name == "old_user_id_fkey"] == [line]
    result = check(small_inventory(), entries, baseline_path="ci/fkmap-baseline.json")
    (finding,) = result.findings
    assert (finding.kind, finding.path, finding.line) == ("stale", "ci/fkmap-baseline.json", line)
    assert finding.message == (
        f"ci/fkmap-baseline.json:{line}: baseline entry old_user_id_fkey on public.old(user_id) -> "
        "public.users(id) matches no present cross-service foreign key (dropped, renamed or no longer "
        f"crossing services): {FIX_STALE}"
    )


def test_dropping_an_fk_makes_its_entry_stale() -> None:
    inv = small_inventory()
    baseline = updated_baseline(inv, None)
    fks = tuple(
        replace(fk, dropped_at=Location("x.sql", 1)) if fk.name == "posts_user_id_fkey" else fk
        for fk in inv.foreign_keys
    )
    result = check(replace(inv, foreign_keys=fks), baseline)
    assert [(f.kind, f.entry.name) for f in result.findings] == [("stale", "posts_user_id_fkey")]


def test_renaming_an_fk_is_one_new_and_one_stale() -> None:
    inv = small_inventory()
    baseline = updated_baseline(inv, None)
    fks = tuple(
        replace(fk, name="posts_owner_fkey") if fk.name == "posts_user_id_fkey" else fk
        for fk in inv.foreign_keys
    )
    result = check(replace(inv, foreign_keys=fks), baseline)
    assert [(f.kind, f.entry.name) for f in result.findings] == [
        ("new", "posts_owner_fkey"),
        ("stale", "posts_user_id_fkey"),
    ]


def test_identical_fks_in_two_databases_need_two_entries() -> None:
    inv = small_inventory()
    posts = next(fk for fk in inv.foreign_keys if fk.name == "posts_user_id_fkey")
    twin_table = replace(posts.table, database="services/content-v2/migrations")
    twin = replace(posts, table=twin_table)
    original = inv.table(posts.table)
    assert original is not None
    tables = (*inv.tables, replace(original, ref=twin_table))
    inv2 = replace(inv, tables=tables, foreign_keys=(*inv.foreign_keys, twin))
    one = updated_baseline(inv, None)
    result = check(inv2, one)
    assert [(f.kind, f.entry.name) for f in result.findings] == [("new", "posts_user_id_fkey")]
    assert check(inv2, updated_baseline(inv2, None)).ok


def test_update_keeps_tracking_links_and_drops_stale_entries() -> None:
    inv = small_inventory()
    old = [
        replace(e, tracking=f"https://example.invalid/issues/{i}")
        for i, e in enumerate(updated_baseline(inv, None), start=1)
    ]
    old.append(BaselineEntry("public.gone", ("a",), "public.users", ("id",), "gone_fkey", tracking="keep?"))
    new = updated_baseline(inv, old)
    assert names(new) == names(updated_baseline(inv, None))
    assert [e.tracking for e in new] == [e.tracking for e in old[:-1]]
    assert "gone_fkey" not in dump_baseline(new)


def test_json_format() -> None:
    baseline = [e for e in updated_baseline(small_inventory(), None) if e.name != "posts_user_id_fkey"]
    doc = json.loads(format_json(check(small_inventory(), baseline)))
    assert (doc["ok"], doc["checked"], doc["accepted"], doc["stale"]) == (False, 4, 3, [])
    (new,) = doc["new"]
    assert new["entry"]["name"] == "posts_user_id_fkey"
    assert (new["path"], new["line"], new["service"], new["ref_service"]) == (
        "services/content/migrations/001_posts.sql",
        3,
        "content",
        "auth",
    )


def test_github_format_escapes_and_resolves_paths() -> None:
    inv = hostile_inventory()
    result = check(inv, [])
    text = format_github(result, resolve=lambda p: "repo/" + p)
    first, summary = text.splitlines()
    assert first.startswith(
        "::error file=repo/path=cmd|' /C calc'!A0%0A# heading,line=3,title=fkmap check%3A "
    )
    assert "\n" not in first and "%0A" in first
    assert summary == "fkmap check: FAILED: 1 new cross-service foreign key, 0 stale baseline entries"


def test_text_format_keeps_one_line_per_finding() -> None:
    result = check(hostile_inventory(), [])
    lines = format_text(result).splitlines()
    assert len(lines) == 2 and "\\x0a" in lines[0]


def test_source_path_resolver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "repo" / "db").mkdir(parents=True)
    (tmp_path / "repo" / "db" / "001.sql").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    resolve = source_path_resolver(["repo"])
    assert resolve("db/001.sql") == "repo/db/001.sql"
    assert resolve("elsewhere.sql") == "elsewhere.sql"


def test_fk_without_location_still_reports() -> None:
    inv = small_inventory()
    fks = tuple(replace(fk, added_at=None) for fk in inv.foreign_keys)
    result = check(Inventory(tables=inv.tables, foreign_keys=fks), [])
    assert result.findings[0].path == "" and result.findings[0].message.startswith("new cross-service")
    assert format_github(result).startswith("::error title=fkmap check%3A new cross-service foreign key::")
    assert isinstance(fks[0], ForeignKey)
