"""The code-scan cache: the same scan with it as without, files read again only when they changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ownership.code import CodeScan, scan_code
from ownership.code import pool as pool_module
from ownership.code import scan as scan_module
from ownership.code.cache import CodeCache, file_key
from ownership.units import find_units
from tests.ownership.code.conftest import write_tree

FILES: dict[str, str | bytes] = {
    "api/go.mod": "module api\n",
    "api/db.go": 'package api\nconst q = "DELETE FROM carts WHERE id = $1"\n',
    "api/util.go": "package api\nfunc add(a, b int) int { return a + b }\n",
    "web/package.json": '{"name": "web"}',
    "web/src/feed.ts": "export const q = `SELECT p.* FROM posts p JOIN users u ON u.id = p.author`;\n",
    "web/src/broken.ts": "const q = `SELECT * FROM posts`;\nfunction (((\n",
    "jobs/models/user.rb": "class User < ApplicationRecord\nend\n",
    "jobs/purge.rb": "User.destroy_all\n",
    "jobs/other.rb": "Other.destroy_all\n",
    "tools/report.py": 'cur.execute("SELECT count(*) FROM messages WHERE day = %s", (d,))\n',
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(folder))
    monkeypatch.setenv("FKMAP_CACHE", "1")
    return folder


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the language readers are called on (in this process: the scans use one worker)."""
    calls: list[str] = []
    readers = dict(scan_module._READERS)
    for lang, reader in readers.items():

        def counting(data: bytes, rel: str, reader: Callable[..., object] = reader) -> object:
            calls.append(rel)
            return reader(data, rel)

        monkeypatch.setitem(scan_module._READERS, lang, counting)
    return calls


def _scan(root: Path) -> CodeScan:
    return scan_code(root, find_units(root), workers=1)


def _uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> CodeScan:
    with monkeypatch.context() as m:
        m.setenv("FKMAP_CACHE", "0")
        return _scan(root)


def _packs(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "code").glob("*.pack")) if (cache_dir / "code").exists() else []


def test_cold_and_warm_scans_equal_the_scan_without_cache(
    tmp_path: Path, cache_dir: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    expected = _uncached(root, monkeypatch)
    assert {u.table for u in expected.uses} == {"carts", "messages", "posts", "users"}
    assert [d.code for d in expected.diagnostics] == ["parse-error"]
    parsed.clear()
    cold = _scan(root)
    assert cold == expected and "jobs/purge.rb" in parsed  # read in the second pass
    assert len(_packs(cache_dir)) == 1 and oct(os.stat(cache_dir / "code").st_mode & 0o777) == "0o700"
    parsed.clear()
    warm = _scan(root)
    assert warm == expected
    assert parsed == []  # nothing parsed again, the second pass included


def test_a_changed_file_alone_is_read_again(
    tmp_path: Path, cache_dir: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    _scan(root)
    (root / "api/db.go").write_text('package api\nconst q = "UPDATE orders SET paid = true"\n')
    (root / "tools/report.py").unlink()
    os.rename(root / "web/src/broken.ts", root / "web/src/renamed.ts")
    parsed.clear()
    scan = _scan(root)
    assert sorted(parsed) == ["api/db.go", "web/src/renamed.ts"]
    assert scan == _uncached(root, monkeypatch)
    assert {u.table for u in scan.uses} == {"orders", "posts", "users"}
    assert [d.path for d in scan.diagnostics] == ["web/src/renamed.ts"]


def test_no_cache_switch_writes_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    _uncached(root, monkeypatch)
    assert _packs(cache_dir) == []


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"fkmap-code-cache\n\x93\x01\x02", b"fkmap-code-cache\n" + b"\xff" * 40],
    ids=["empty", "foreign", "wrong-types", "truncated"],
)
def test_a_damaged_pack_is_a_miss_and_is_rewritten(
    tmp_path: Path, cache_dir: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    expected = _scan(root)
    [pack] = _packs(cache_dir)
    pack.write_bytes(damage)
    parsed.clear()
    assert _scan(root) == expected and parsed  # read again
    parsed.clear()
    assert _scan(root) == expected and parsed == []  # and cached again


def test_a_pack_of_another_root_is_not_used(tmp_path: Path, cache_dir: Path) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    _scan(root)
    [pack] = _packs(cache_dir)
    other = CodeCache(cache_dir, "/elsewhere")
    other.path.parent.mkdir(parents=True, exist_ok=True)
    other.path.write_bytes(pack.read_bytes())  # a copy claiming the other root's name
    assert other.load() == {}
    assert CodeCache(cache_dir, os.path.abspath(root)).load()


def test_an_open_cache_folder_is_not_used(
    tmp_path: Path, cache_dir: Path, parsed: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    cache_dir.mkdir()
    os.chmod(cache_dir, 0o777)
    expected = _scan(root)
    assert _packs(cache_dir) == []
    assert "writable by group or others" in caplog.text
    parsed.clear()
    assert _scan(root) == expected and parsed  # parsed again: nothing was cached


def test_key_depends_on_content_path_and_language() -> None:
    key = file_key("go", "a.go", b"x")
    assert key == file_key("go", "a.go", b"x")
    assert (
        len({key, file_key("go", "a.go", b"y"), file_key("go", "b.go", b"x"), file_key("rust", "a.go", b"x")})
        == 4
    )


def test_workers_are_planned_for_the_files_left_to_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    files: dict[str, str | bytes] = {
        f"api/plain{i}.go": "package api\n// " + "x" * 5000 + "\n" for i in range(20)
    }
    files |= {"api/go.mod": "module api\n", "api/db.go": 'package api\nconst q = "DELETE FROM carts"\n'}
    root = write_tree(tmp_path / "repo", files)
    planned: list[int] = []
    real = pool_module.plan_workers

    def recording(*, total_bytes: int, requested: int | None = None) -> int:
        planned.append(total_bytes)
        return real(total_bytes=total_bytes, requested=requested)

    monkeypatch.setattr(scan_module, "plan_workers", recording)
    with monkeypatch.context() as m:
        m.setenv("FKMAP_CACHE", "0")
        scan = scan_code(root, find_units(root))
    assert planned == [len(files["api/db.go"])]  # the 20 plain files never reach a worker
    assert parsed == ["api/db.go"] and [u.table for u in scan.uses] == ["carts"]
    assert scan.files == 21 and scan.lines == 20 * 2 + 2
