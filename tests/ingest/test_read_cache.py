"""The reading cache: an unchanged source gives back its inventory without being read again.

Every test compares with a scan that uses no cache at all (``cache_override(False)``): the
cached inventory, diagnostics included, must be exactly that one. Work avoided is counted by
the calls to the real :meth:`Replayer.result` (one per replayed migration set), never timed.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from ingest import read_cache, read_source
from ingest.migrations.cache import cache_override
from ingest.migrations.replay import Replayer
from model.inventory import Inventory
from tests.helpers import spy
from tests.ingest.migrations.test_cache import TREE, write_tree

SCHEMA = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id    Int    @id
  owner Int // References users.id
}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_tree(root, {**TREE, "billing/prisma/schema.prisma": SCHEMA})
    return root


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "cache"
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(where))
    with cache_override(True):  # on, even for these small sources
        yield where


@pytest.fixture
def replayed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The labels of the migration sets replayed, in order (the real replay runs)."""
    labels: list[str] = []
    real = Replayer.result

    def counting(self: Replayer) -> object:
        labels.append(self.database)
        return real(self)

    monkeypatch.setattr(Replayer, "result", counting)
    return labels


def uncached(source: Path, **options: object) -> Inventory:
    with cache_override(False):
        return read_source(str(source), **options)  # type: ignore[arg-type]


def entries(where: Path) -> list[Path]:
    return sorted(p for p in where.glob("read-*/*/*") if p.is_file())


def test_an_unchanged_tree_is_not_read_again(tree: Path, cache_dir: Path, replayed: list[str]) -> None:
    expected = uncached(tree)
    assert {d.code for d in expected.diagnostics} >= {"parse-error", "encoding", "include", "unknown-table"}
    replayed.clear()
    first = read_source(str(tree))
    assert first == expected and len(replayed) == 4, replayed
    assert len(entries(cache_dir)) == 1
    hits = read_cache.stats.hits
    replayed.clear()
    again = read_source(str(tree))
    assert replayed == [] and read_cache.stats.hits == hits + 1
    assert again == expected
    assert again.diagnostics == expected.diagnostics  # every one, in order, nothing dropped
    assert again.migrations == expected.migrations and again.sources == expected.sources


def test_an_unchanged_dump_is_not_read_again(tmp_path: Path, cache_dir: Path, replayed: list[str]) -> None:
    dump = tmp_path / "dump.sql"
    dump.write_text(
        "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a);\nCREAT x;\n"
    )
    expected = uncached(dump)
    assert read_source(str(dump)) == expected
    replayed.clear()
    assert read_source(str(dump)) == expected
    assert replayed == []


def test_one_edited_file_replays_only_its_set(tree: Path, cache_dir: Path, replayed: list[str]) -> None:
    read_source(str(tree))
    edited = tree / "services/chat/migrations/20240102120000_msgs.sql"
    edited.write_text(
        edited.read_text() + "CREATE TABLE pins (id int, message_id int REFERENCES messages);\n"
    )
    replayed.clear()
    result = read_source(str(tree))
    assert replayed == ["services/chat/migrations"]
    assert result == uncached(tree)
    assert any(fk.table.name == "pins" for fk in result.foreign_keys)


def test_a_new_file_is_seen(tree: Path, cache_dir: Path) -> None:
    read_source(str(tree))
    (tree / "services/auth/migrations/004_roles.sql").write_text("CREATE TABLE roles (id int);\n")
    result = read_source(str(tree))
    assert result == uncached(tree)
    assert any(t.ref.name == "roles" for t in result.tables)


def test_touching_a_file_keeps_the_entry(tree: Path, cache_dir: Path, replayed: list[str]) -> None:
    expected = read_source(str(tree))
    later = os.stat(tree / "dump.sql").st_mtime + 60
    os.utime(tree / "dump.sql", (later, later))
    replayed.clear()
    assert read_source(str(tree)) == expected
    assert replayed == []


@pytest.mark.parametrize("options", [{"dialect": "mysql"}, {"follow_symlinks": True}])
def test_other_options_are_another_entry(tree: Path, cache_dir: Path, options: dict[str, object]) -> None:
    read_source(str(tree))
    hits = read_cache.stats.hits
    result = read_source(str(tree), **options)  # type: ignore[arg-type]
    assert read_cache.stats.hits == hits, "read again (its sets may still come from the parse cache)"
    assert result == uncached(tree, **options)
    assert len(entries(cache_dir)) == 2


def test_a_config_change_reads_again(tree: Path, cache_dir: Path, replayed: list[str]) -> None:
    from ownership.scan import scan

    scan([str(tree)], code=False)
    replayed.clear()
    scan([str(tree)], code=False)
    assert replayed == []
    (tree / "fkmap.toml").write_text('[services.auth]\npaths = ["services/auth/**"]\n')
    hits = read_cache.stats.hits
    assert any(t.service == "auth" for t in scan([str(tree)], code=False).tables)
    assert replayed == [] and read_cache.stats.hits == hits + 1, "services are not an option of the reading"
    (tree / "fkmap.toml").write_text('[scan]\ndialect = "mysql"\n')
    with_config = scan([str(tree)], code=False)
    assert replayed, "the config's dialect is an option of the reading"
    with cache_override(False):
        assert with_config == scan([str(tree)], code=False)


def test_a_change_of_fkmap_reads_again(
    tree: Path, cache_dir: Path, replayed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_source(str(tree))
    monkeypatch.setattr(read_cache, "code_digest", lambda: "another version")
    replayed.clear()
    assert read_source(str(tree)) == uncached(tree)
    assert replayed


def _entry(cache_dir: Path) -> Path:
    (found,) = entries(cache_dir)
    return found


def _forged_body(path: Path) -> bytes:
    """A well-formed entry for the right key whose inventory is not one (a table is a number)."""
    data = path.read_bytes()
    key = msgspec.msgpack.decode(data[len(read_cache._MAGIC) + read_cache._CHECK :])[0]
    return msgspec.msgpack.encode((key, "digest", {"tables": [1]}))


DAMAGE: dict[str, Callable[[Path], bytes]] = {
    "truncated": lambda p: p.read_bytes()[: len(p.read_bytes()) // 2],
    "a byte flipped": lambda p: p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1]),
    "a pickle": lambda p: read_cache._MAGIC + pickle.dumps(Inventory()),
    "empty": lambda p: b"",
    "forged, checksum right": lambda p: (
        read_cache._MAGIC + read_cache._checksum(memoryview(_forged_body(p))) + _forged_body(p)
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_or_forged_entry_is_ignored_with_a_warning(
    tree: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    expected = read_source(str(tree))
    path = _entry(cache_dir)
    path.write_bytes(DAMAGE[damage](path))
    caplog.set_level(logging.WARNING, logger="fkmap.cache")
    hits = read_cache.stats.hits
    assert read_source(str(tree)) == expected
    assert read_cache.stats.hits == hits, "read again (its sets may still come from the parse cache)"
    warnings = [r.getMessage() for r in caplog.records if r.name == "fkmap.cache"]
    assert len(warnings) == 1 and "ignoring the reading-cache entry" in warnings[0], warnings
    assert read_source(str(tree)) == expected  # rewritten: a hit again
    assert read_cache.stats.hits == hits + 1


def test_an_entry_of_another_source_is_not_believed(tmp_path: Path, cache_dir: Path) -> None:
    one, two = tmp_path / "one.sql", tmp_path / "two.sql"
    one.write_text("CREATE TABLE a (id int);\n")
    two.write_text("CREATE TABLE b (id int);\n")
    read_source(str(one))
    read_source(str(two))
    first, second = entries(cache_dir)
    second.write_bytes(first.read_bytes())  # the same bytes under the other source's key
    assert [t.ref.name for t in read_source(str(one)).tables + read_source(str(two)).tables] == ["a", "b"]


def test_without_the_cache_nothing_is_stored(tree: Path, cache_dir: Path) -> None:
    with cache_override(False):
        read_source(str(tree))
    assert not entries(cache_dir)


def test_small_sources_are_not_cached_by_default(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(tmp_path / "auto"))
    monkeypatch.delenv("FKMAP_CACHE", raising=False)
    read_source(str(tree))
    assert not entries(tmp_path / "auto")


def test_a_cached_inventory_shares_its_repeated_values(tree: Path, cache_dir: Path) -> None:
    read_source(str(tree))
    inv = read_source(str(tree))
    users = next(t for t in inv.tables if t.ref.name == "users" and not t.external)
    sessions = next(fk for fk in inv.foreign_keys if fk.table.name == "sessions")
    assert sessions.ref_table is users.ref  # one object, not one per mention
    ids = [
        c for t in inv.tables for c in t.columns if (c.name, c.type, c.nullable) == ("id", "bigint", False)
    ]
    assert len(ids) >= 2 and all(c is ids[0] for c in ids)


def test_links_are_part_of_the_content(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "repo"
    write_tree(root, {"a/001.sql": "CREATE TABLE a (id int);\n", "b/001.sql": "CREATE TABLE b (id int);\n"})
    (root / "current").symlink_to("a")
    first = read_source(str(root))
    (root / "current").unlink()
    (root / "current").symlink_to("b")
    assert read_source(str(root)) == uncached(root) != first


def test_a_planted_pickle_never_runs(tree: Path, cache_dir: Path, tmp_path: Path) -> None:
    from tests.test_security_cache import hostile_pickle

    expected = read_source(str(tree))
    marker = tmp_path / "pwned"
    path = _entry(cache_dir)
    path.write_bytes(read_cache._MAGIC + hostile_pickle(marker))
    assert read_source(str(tree)) == expected
    assert not marker.exists()


def _age(root: Path) -> None:
    """Every file an hour old: past the racy window, so a stat alone vouches for it."""
    past = os.stat(root).st_mtime - 3600
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (past, past))


def test_a_snapshot_taken_before_the_reading_spares_hashing_the_tree_again(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import file_states

    _age(tree)
    file_states.snapshot(str(tree), follow_symlinks=False)  # as the result cache does before a scan
    hashed = spy(monkeypatch, file_states, "_hash")
    stores = read_cache.stats.stores
    assert read_source(str(tree)) == uncached(tree)
    assert hashed == [] and read_cache.stats.stores == stores + 1
    (tree / "services/auth/migrations/004_roles.sql").write_text("CREATE TABLE roles (id int);\n")
    result = read_source(str(tree))  # the snapshot no longer holds: a new one, every file hashed
    assert any(t.ref.name == "roles" for t in result.tables) and len(hashed) > 5


def test_a_file_changed_while_the_source_is_read_is_not_kept_under_the_old_content(
    tree: Path, cache_dir: Path
) -> None:
    from ingest import file_states

    _age(tree)
    file_states.snapshot(str(tree), follow_symlinks=False)
    edited = tree / "services/auth/migrations/004_roles.sql"

    def read_while_editing() -> Inventory:
        inventory = uncached(tree)
        edited.write_text("CREATE TABLE roles (id int);\n")
        return inventory

    before = read_cache.stats.stores
    read_cache.cached_read("migrations", str(tree), None, False, read_while_editing)
    assert read_cache.stats.stores == before and entries(cache_dir) == []
    assert any(t.ref.name == "roles" for t in read_source(str(tree)).tables)
