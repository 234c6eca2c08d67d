"""The parse cache: cached scans give exactly the uncached result, keyed by content, never trusted blindly."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ingest.migrations import cache as cache_mod
from ingest.migrations import postgres as pg
from ingest.migrations.cache import ParseCache, cache_override, decode, default_dir, encode, open_cache
from ingest.migrations.sets import ingest_path
from model.inventory import Inventory
from tests.helpers import modules_after

# Several sets, several layouts and dialects, diagnostics of every origin (reader, parser, replay).
TREE: dict[str, str | bytes] = {
    "services/auth/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    "services/auth/migrations/002_sessions.sql": (
        "CREATE TABLE sessions (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES users\n);\n"
        "CREAT TABLE typo (id int);\n"
    ),
    "services/auth/migrations/003_drop.sql": "ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;\n",
    "services/chat/migrations/20240101120000_init.sql": (
        "-- migrate:up\nCREATE TABLE rooms (id int PRIMARY KEY, owner_id int REFERENCES users (id));\n"
        "-- migrate:down\nDROP TABLE rooms;\n"
    ),
    "services/chat/migrations/20240102120000_msgs.sql": (
        "CREATE TABLE messages (id int, room_id int);\n"
        "ALTER TABLE messages ADD CONSTRAINT m_room FOREIGN KEY (room_id) REFERENCES rooms (id)\n"
        "  ON DELETE CASCADE;\n"
    ),
    "legacy/db/1_shop.sql": (
        "CREATE TABLE `orders` (`id` INT AUTO_INCREMENT PRIMARY KEY, `user_id` INT,\n"
        "  FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)) ENGINE=InnoDB;\n"
    ),
    "legacy/db/2_bad.sql": b"CREATE TABLE bad (id int, note text DEFAULT '\xff');\n",
    "dump.sql": "SET search_path = app;\nCREATE TABLE app.a (id int PRIMARY KEY);\n\\i other.sql\n",
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(where))
    monkeypatch.delenv("FKMAP_CACHE", raising=False)
    return where


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_tree(root, TREE)
    return root


def entries(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*") if p.is_file() and not p.name.startswith("."))


def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the files the PostgreSQL parser is asked to parse."""
    calls: list[str] = []
    real = pg.parse

    def counting(text: str, path: str) -> object:
        calls.append(path)
        return real(text, path)

    monkeypatch.setattr(pg, "parse", counting)
    return calls


def test_cached_scans_equal_the_uncached_scan(tree: Path, cache_dir: Path) -> None:
    plain = ingest_path(tree, cache=False)
    assert {d.code for d in plain.diagnostics} >= {"parse-error", "encoding", "include", "unknown-table"}
    assert not cache_dir.exists()
    cold = ingest_path(tree, cache=True)
    assert entries(cache_dir)
    warm = ingest_path(tree, cache=True)
    assert cold == plain
    assert warm == plain


def test_a_warm_rescan_parses_nothing(tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = ingest_path(tree, cache=True)
    calls = parse_calls(monkeypatch)
    assert ingest_path(tree, cache=True) == expected
    assert calls == []


def test_an_edit_reparses_only_the_edited_file(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_path(tree, cache=True)
    edited = tree / "services/auth/migrations/002_sessions.sql"
    edited.write_text(edited.read_text() + "CREATE TABLE extra (id int REFERENCES users);\n")
    calls = parse_calls(monkeypatch)
    result = ingest_path(tree, cache=True)
    assert calls == ["services/auth/migrations/002_sessions.sql"]
    monkeypatch.undo()
    assert result == ingest_path(tree, cache=False)
    assert any(fk.table.name == "extra" for fk in result.foreign_keys)


def test_the_cache_is_keyed_by_content_not_by_path(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_path(tree, cache=True)
    moved = tree / "services/auth/migrations/002_sessions.sql"
    target = tree / "services/chat/migrations/20240103120000_same_content.sql"
    shutil.copy(moved, target)
    calls = parse_calls(monkeypatch)
    result = ingest_path(tree, cache=True)
    assert calls == []  # the chat set is replayed again, its new file is a hit: same content
    errors = [d for d in result.diagnostics if d.code == "parse-error"]
    assert sorted(d.path for d in errors) == [
        "services/auth/migrations/002_sessions.sql",
        "services/chat/migrations/20240103120000_same_content.sql",
    ]
    monkeypatch.undo()
    assert result == ingest_path(tree, cache=False)


def test_the_dialect_is_part_of_the_key(tree: Path, cache_dir: Path) -> None:
    store = ParseCache(cache_dir)
    assert store.key("SELECT 1;", None) != store.key("SELECT 1;", "mysql")
    assert store.key("SELECT 1;", None) != store.key("SELECT 2;", None)
    assert store.key("SELECT 1;", None) == ParseCache(cache_dir / "elsewhere").key("SELECT 1;", None)
    assert ingest_path(tree, cache=True, dialect="postgres") == ingest_path(
        tree, cache=False, dialect="postgres"
    )


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "other-key"])
def test_corrupt_entries_are_ignored_and_rewritten(tree: Path, cache_dir: Path, damage: str) -> None:
    expected = ingest_path(tree, cache=False)
    ingest_path(tree, cache=True)
    files = entries(cache_dir)
    originals = {p: p.read_bytes() for p in files}
    for i, path in enumerate(files):
        data = originals[path]
        if damage == "garbage":
            path.write_bytes(b"\x80\x04not a pickle at all")
        elif damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        else:  # a valid entry stored under another entry's name
            path.write_bytes(originals[files[(i + 1) % len(files)]])
    assert ingest_path(tree, cache=True) == expected
    assert {p: p.read_bytes() for p in entries(cache_dir)} == originals  # rewritten as they were
    assert ingest_path(tree, cache=True) == expected


def test_decode_rejects_what_is_not_an_entry() -> None:
    """A per-file entry names its key; anything else is a miss."""
    entry = encode("k", "a.sql", ("postgres", [], [], ""))
    assert decode(entry, "k", "a.sql") == ("postgres", [], [], "")
    assert decode(entry, "other", "a.sql") is None
    assert decode(b"junk", "k", "a.sql") is None
    assert decode(entry[:-3], "k", "a.sql") is None


def test_an_unusable_cache_directory_never_stops_a_scan(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(blocker / "cache"))
    assert ingest_path(tree, cache=True) == ingest_path(tree, cache=False)


def test_the_scanned_tree_is_never_written_to(tree: Path, cache_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in tree.rglob("*")}
    ingest_path(tree, cache=True)
    ingest_path(tree, cache=True)
    assert {p: p.stat().st_mtime_ns for p in tree.rglob("*")} == before


def test_switches(tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = cache_mod.MIN_BYTES
    assert open_cache(big, None) is not None  # automatic: large scans
    assert open_cache(big - 1, None) is None  # ... small ones are quicker without
    assert open_cache(0, True) is not None
    monkeypatch.setenv("FKMAP_CACHE", "0")
    assert open_cache(big, None) is None
    assert open_cache(big, True) is not None  # the argument wins
    monkeypatch.setenv("FKMAP_CACHE", "1")
    assert open_cache(0, None) is not None
    with cache_override(False):
        assert open_cache(big, None) is None
    monkeypatch.delenv("FKMAP_CACHE")
    ingest_path(tree)  # automatic mode: this small tree is not cached
    assert not cache_dir.exists()


def test_default_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FKMAP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir() == tmp_path / "xdg" / "fkmap"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_dir() == tmp_path / "home" / ".cache" / "fkmap"
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(tmp_path / "mine"))
    assert default_dir() == tmp_path / "mine"


def test_prune_drops_the_oldest_entries_first(cache_dir: Path) -> None:
    store = ParseCache(cache_dir)
    names = [store.key(f"SELECT {i};", None) for i in range(6)]
    for i, key in enumerate(names):
        store.put(key, b"x" * 1000)
        os.utime(store.dir / key[:2] / key, (1_000_000 + i, 1_000_000 + i))
    removed = store.prune(max_bytes=4000)
    assert removed == 3  # down to 80% of the bound
    assert [(store.dir / k[:2] / k).exists() for k in names] == [False, False, False, True, True, True]


def test_a_pack_is_replaced_not_grown(tree: Path, cache_dir: Path) -> None:
    ingest_path(tree, cache=True)
    store = ParseCache(cache_dir)
    before = store.load_pack(os.path.realpath(tree))
    assert len(before) == 7  # the files of the sets with more than one file
    (tree / "services/auth/migrations/001_users.sql").write_text("CREATE TABLE users (id int PRIMARY KEY);\n")
    ingest_path(tree, cache=True)
    after = store.load_pack(os.path.realpath(tree))
    assert len(after) == 7
    assert len(set(after) - set(before)) == 1


def test_fresh_results_are_not_shared_mutable_state(tree: Path, cache_dir: Path) -> None:
    first = ingest_path(tree, cache=True)
    second = ingest_path(tree, cache=True)
    assert first == second
    assert isinstance(second, Inventory)


def test_fkmap_scan_no_cache(tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cli import main

    monkeypatch.setenv("FKMAP_CACHE", "1")  # force the cache on even for this small tree
    runner = CliRunner()
    off = runner.invoke(main, ["scan", str(tree), "--no-cache", "--format", "json"])
    assert off.exit_code == 0, off.output
    assert not cache_dir.exists()
    on = runner.invoke(main, ["scan", str(tree), "--format", "json"])
    assert on.exit_code == 0, on.output
    assert entries(cache_dir)
    assert on.output == off.output


def test_the_key_names_sqlglot_s_version_without_importing_sqlglot(monkeypatch: pytest.MonkeyPatch) -> None:
    found = modules_after("from ingest.migrations.cache import parser_version\nparser_version()")
    assert "ingest.migrations.cache" in found and "sqlglot" not in found

    keys = []
    for version in ("30.0.0", "30.0.1"):
        monkeypatch.setattr(cache_mod, "_sqlglot_version", lambda v=version: v)
        cache_mod.parser_version.cache_clear()
        keys.append(cache_mod.parser_version())
    cache_mod.parser_version.cache_clear()
    assert keys[0] != keys[1]  # a new sqlglot invalidates what its parsing gave
