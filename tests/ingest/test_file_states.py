"""Snapshots of the files under a source: what counts as a change, and what is never read again.

Work avoided is shown by what is hashed (the real :func:`hashlib.sha256` is wrapped and its
inputs counted), never by timings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest import file_states
from ingest.file_states import RACY_NS, SKIP_DIRS, Snapshot, snapshot, unchanged
from ingest.migrations import files


def _tree(root: Path) -> Path:
    for rel, text in {
        "auth/migrations/001.sql": "CREATE TABLE users (id int);\n",
        "auth/migrations/002.sql": "CREATE TABLE s (id int);\n",
        "auth/src/app.py": "print('users')\n",
        "node_modules/x/y.sql": "CREATE TABLE skipped (id int);\n",
        ".git/config": "[core]\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _settled(snap: Snapshot) -> Snapshot:
    """``snap`` as if taken long after its files were written (none of them racily clean)."""
    return Snapshot(snap.records, max(r[3] for r in snap.records) + 10 * RACY_NS, snap.bytes)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose content the check reads, in order."""
    seen: list[str] = []
    real = file_states._hash

    def counting(path: str) -> str:
        seen.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(file_states, "_hash", counting)
    return seen


def test_the_readers_skip_list_is_the_snapshots() -> None:
    assert files.SKIP_DIRS is SKIP_DIRS


def test_a_snapshot_lists_what_the_readers_walk(tmp_path: Path) -> None:
    snap = snapshot(str(_tree(tmp_path)), follow_symlinks=False)
    listed = [r[1] for r in snap.records if r[0] == "F"]
    assert listed == ["auth/migrations/001.sql", "auth/migrations/002.sql", "auth/src/app.py"]
    assert snap.bytes == sum((tmp_path / rel).stat().st_size for rel in listed)


def test_an_untouched_tree_is_only_stat_ed(tmp_path: Path, hashed: list[str]) -> None:
    root = str(_tree(tmp_path))
    snap = _settled(snapshot(root, follow_symlinks=False))
    hashed.clear()
    assert unchanged(snap, root, follow_symlinks=False)
    assert hashed == []


def test_a_touched_file_is_hashed_and_still_unchanged(tmp_path: Path, hashed: list[str]) -> None:
    root = _tree(tmp_path)
    snap = _settled(snapshot(str(root), follow_symlinks=False))
    os.utime(root / "auth/migrations/002.sql", ns=(1, 1))
    hashed.clear()
    assert unchanged(snap, str(root), follow_symlinks=False)
    assert hashed == ["002.sql"]


def test_a_racily_clean_file_is_always_hashed(tmp_path: Path, hashed: list[str]) -> None:
    root = _tree(tmp_path)
    snap = snapshot(str(root), follow_symlinks=False)  # taken right after the files were written
    hashed.clear()
    assert unchanged(snap, str(root), follow_symlinks=False)
    assert sorted(hashed) == ["001.sql", "002.sql", "app.py"]
    # the same size and times but other content: only the hash can tell, and it does
    forged = tuple((*r[:6], "0" * 64) if r[0] == "F" else r for r in snap.records)
    assert not unchanged(Snapshot(forged, snap.taken_ns, snap.bytes), str(root), follow_symlinks=False)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "auth/migrations/002.sql").write_text("CREATE TABLE t (id int);\n"),
        lambda root: (root / "auth/migrations/003.sql").write_text(""),
        lambda root: (root / "auth/migrations/002.sql").unlink(),
        lambda root: (root / "auth/migrations/002.sql").rename(root / "auth/migrations/004.sql"),
        lambda root: (root / "auth/new").mkdir(),
        lambda root: os.symlink("001.sql", root / "auth/migrations/link.sql"),
    ],
    ids=["edited", "added", "removed", "renamed", "new-folder", "new-link"],
)
def test_every_kind_of_change_is_seen(tmp_path: Path, change: object) -> None:
    root = _tree(tmp_path)
    snap = _settled(snapshot(str(root), follow_symlinks=False))
    change(root)  # type: ignore[operator]
    assert not unchanged(snap, str(root), follow_symlinks=False)


def test_skipped_and_hidden_folders_are_not_watched(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    snap = _settled(snapshot(str(root), follow_symlinks=False))
    (root / "node_modules/x/y.sql").write_text("changed")
    (root / ".git/config").write_text("changed")
    assert unchanged(snap, str(root), follow_symlinks=False)


def test_a_single_file_and_links_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.sql"
    outside.write_text("CREATE TABLE o (id int);\n")
    root = _tree(tmp_path / "repo")
    os.symlink(outside, root / "auth/migrations/000.sql")
    kept = _settled(snapshot(str(root), follow_symlinks=False))
    followed = _settled(snapshot(str(root), follow_symlinks=True))
    outside.write_text("CREATE TABLE p (id int, other int);\n")
    assert unchanged(kept, str(root), follow_symlinks=False)  # not read: only where it points
    assert not unchanged(followed, str(root), follow_symlinks=True)
    single = _settled(snapshot(str(outside), follow_symlinks=False))
    assert [r[1] for r in single.records] == ["outside.sql"]
    outside.write_text("CREATE TABLE q (id int);\n")
    assert not unchanged(single, str(outside), follow_symlinks=False)


def test_the_readers_size_limit_is_the_snapshots() -> None:
    from ingest.migrations.read import MAX_FILE_BYTES

    assert file_states.BIG_BYTES == MAX_FILE_BYTES


def test_a_file_too_big_to_read_is_known_by_its_size_and_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashed: list[str]
) -> None:
    monkeypatch.setattr(file_states, "BIG_BYTES", 26)  # 001.sql has 29 bytes, the others fewer
    root = _tree(tmp_path)
    snap = snapshot(str(root), follow_symlinks=False)
    assert [r[1] for r in snap.records if r[0] == "F" and not r[6]] == ["auth/migrations/001.sql"]
    assert "001.sql" not in hashed
    assert unchanged(snap, str(root), follow_symlinks=False)
    os.utime(root / "auth/migrations/001.sql", ns=(1, 1))
    assert not unchanged(snap, str(root), follow_symlinks=False)
