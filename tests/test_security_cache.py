"""Caches: nothing another local user plants in a cache folder runs or is believed.

The parse cache (``FKMAP_CACHE_DIR``, :mod:`ingest.migrations.cache`) and the shared scan of
the dashboard's workers (:mod:`ui.shared`) hold data only (typed MessagePack, never pickles),
in folders created ``0700``; a folder that belongs to someone else or that group or others could
write is not used at all (a warning, then no cache). Tested with real scans: a pickle whose
loading would create a marker file is planted in place of every cache entry and stored
inventory; a tampered entry is planted in a world-writable folder and in one owned by another
user; the scan result must be the uncached one and the marker must never appear.
"""

from __future__ import annotations

import logging
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

import pytest

from ingest.migrations.cache import ParseCache
from ingest.migrations.sets import ingest_path
from model.inventory import Diagnostic, ForeignKey, TableRef
from tests.conftest import missing
from tests.ingest.migrations.test_cache import TREE, write_tree


class Planted:
    """Unpickling this creates ``marker``: what a hostile pickle could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.marker, "w"))


def hostile_pickle(marker: Path) -> bytes:
    payload = pickle.dumps(Planted(marker))
    pickle.loads(payload).close()  # the payload works: loading it creates the marker
    assert marker.exists()
    marker.unlink()
    return payload


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_tree(tmp_path / "repo", TREE)
    return tmp_path / "repo"


def _scan(tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(cache_dir))
    return ingest_path(tree, cache=True, workers=1)


def test_pickles_planted_in_the_parse_cache_never_run(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir, marker = tmp_path / "cache", tmp_path / "pwned"
    expected = ingest_path(tree, cache=False)
    assert _scan(tree, cache_dir, monkeypatch) == expected  # fills the cache
    entries = [p for p in cache_dir.rglob("*") if p.is_file() and p.name != ".pruned"]
    assert len(entries) >= 2, "set results and the pack"
    payload = hostile_pickle(marker)
    for path in entries:  # what a pickle-reading fkmap would have loaded: its magic line, then a pickle
        magic = path.read_bytes().split(b"\n", 1)[0] + b"\n"
        path.write_bytes(magic + payload)
    assert _scan(tree, cache_dir, monkeypatch) == expected
    assert not marker.exists()


def _tampered(tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ForeignKey:
    """Fill the cache, then rewrite every set result with a foreign key no migration declares."""
    _scan(tree, cache_dir, monkeypatch)
    fake = ForeignKey("planted", TableRef("x", "", "a"), ("id",), TableRef("x", "", "b"), ("id",))
    store = ParseCache(cache_dir)
    sets = [
        p for p in store.dir.rglob("*") if p.is_file() and p.read_bytes().startswith(b"fkmap-set-cache\n")
    ]
    assert sets
    for path in sets:
        result = store.get_set(path.name)
        assert result is not None
        store.put(path.name, _set_bytes(path.name, (result[0], (*result[1], fake), result[2])))
    assert _scan(tree, cache_dir, monkeypatch).foreign_keys.count(fake) == len(sets), "the tampering works"
    return fake


def _set_bytes(key: str, result: Any) -> bytes:
    from ingest.migrations import cache_codec

    return b"fkmap-set-cache\n" + cache_codec.dump("set", key, result)


@pytest.mark.parametrize("how", ["world-writable", "group-writable", "owned by another user", "open parent"])
def test_a_cache_folder_others_can_write_is_never_read(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    cache_dir = tmp_path / "parent" / "cache"
    fake = _tampered(tree, cache_dir, monkeypatch)
    if how == "world-writable":
        cache_dir.chmod(0o777)
    elif how == "group-writable":
        cache_dir.chmod(0o770)
    elif how == "owned by another user":
        if os.geteuid() != 0:
            missing("root", "changing a folder's owner needs root")
        os.chown(cache_dir, 65534, 65534)
    else:
        (tmp_path / "parent").chmod(0o777)  # anyone could rename the cache folder and put theirs
    caplog.set_level(logging.WARNING)
    inventory = _scan(tree, cache_dir, monkeypatch)
    assert fake not in inventory.foreign_keys
    assert inventory == ingest_path(tree, cache=False)
    warnings = [r.getMessage() for r in caplog.records if r.name == "fkmap.cache"]
    assert len(warnings) == 1 and f"not using the cache folder {cache_dir}" in warnings[0], warnings
    assert "scanning without the parse cache" in warnings[0]


def test_cache_folders_are_created_private(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0)  # even with no umask at all
    try:
        _scan(tree, tmp_path / "a" / "cache", monkeypatch)
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "cache").stat().st_mode & 0o777 == 0o700


def test_a_pickle_planted_as_the_shared_scan_never_runs(tmp_path: Path) -> None:
    from ui.shared.cache import open_shared_cache
    from ui.shared.fingerprint import IngestSpec
    from ui.shared.ingest import SharedIngest, decode_inventory

    marker = tmp_path / "pwned"
    (tmp_path / "repo").mkdir()
    shared = SharedIngest(IngestSpec((str(tmp_path / "repo"),)), open_shared_cache(tmp_path / "shared"))
    key = shared.key()
    payload = hostile_pickle(marker)
    for blob in (b"P" + zlib.compress(payload), payload, b"M" + zlib.compress(payload)):
        shared.cache.set(f"fkmap:inv:{key}", blob)
        shared.cache.set(f"fkmap:inv:{key}:meta", b"{}")
        with pytest.raises(ValueError, match="not a stored inventory"):
            shared.inventory(key)
        with pytest.raises(ValueError, match="not a stored inventory"):
            decode_inventory(blob)
    assert not marker.exists()


@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_an_unsafe_shared_folder_is_refused_and_the_workers_scan_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int
) -> None:
    from app import create_app
    from ui.shared.cache import UnsafeCacheFolder, open_shared_cache
    from ui.shared.loader import SharedLoader, SharedSettings

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(UnsafeCacheFolder, match="writable by group or others"):
        open_shared_cache(folder)
    assert not (folder / "cache.db").exists(), "diskcache never opened it"
    caplog.set_level(logging.WARNING)
    app = create_app([str(tmp_path)], shared=SharedSettings(cache_dir=str(folder)))
    loader = app.server.config["FKMAP_LOADER"]
    assert not isinstance(loader, SharedLoader)
    assert loader.wait(30) and loader.status == "ready"
    assert not (folder / "cache.db").exists()
    warnings = [r.getMessage() for r in caplog.records if r.name == "fkmap.cache"]
    assert any(f"not using the cache folder {folder}" in w and "scans on its own" in w for w in warnings)


def test_diagnostics_survive_the_data_only_entries(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every diagnostic, operation and table comes back equal (the codec misses no field)."""
    expected = ingest_path(tree, cache=False)
    assert any(isinstance(d, Diagnostic) and d.severity == "error" for d in expected.diagnostics)
    _scan(tree, tmp_path / "cache", monkeypatch)
    monkeypatch.setattr("ingest.migrations.cache.ParseCache.get_set", lambda self, key: None)  # the pack path
    assert _scan(tree, tmp_path / "cache", monkeypatch) == expected
