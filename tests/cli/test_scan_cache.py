"""``fkmap scan`` run again: unchanged input gives the same bytes from the result cache, a change a scan.

Every expected output is that of a scan without any cache (``--no-cache``) of the same files.
Whether the scan ran is read from the caches' own counters and from the modules a process
imported, never from timings.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from ingest import result_cache
from tests.helpers import modules_after
from tests.ingest.migrations.test_cache import TREE, write_tree

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_tree(root, TREE)
    return root


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("FKMAP_CACHE_DIR", str(where))
    monkeypatch.setenv("FKMAP_CACHE", "1")  # on, even for this small tree
    return where


def scan(*args: str) -> Result:
    result = CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def fresh(*args: str) -> str:
    return scan(*args, "--no-cache").stdout


def hits() -> int:
    return result_cache.stats.hits


def test_an_unchanged_tree_prints_the_same_bytes_without_scanning(tree: Path, cache_dir: Path) -> None:
    expected = fresh(str(tree), "--format", "json")
    first = scan(str(tree), "--format", "json")
    before = hits()
    again = scan(str(tree), "--format", "json")
    assert first.stdout == expected and again.stdout == expected
    assert hits() == before + 1
    os.utime(tree / "legacy/db/1_shop.sql", ns=(1, 1))  # touched, not edited
    assert scan(str(tree), "--format", "json").stdout == expected
    assert hits() == before + 2


def test_editing_one_file_changes_exactly_what_it_should(tree: Path, cache_dir: Path) -> None:
    scan(str(tree), "--format", "json")
    edited = tree / "services/chat/migrations/20240102120000_msgs.sql"
    edited.write_text("CREATE TABLE messages (id int, room_id int REFERENCES rooms (id), note text);\n")
    before = hits()
    out = scan(str(tree), "--format", "json").stdout
    assert hits() == before
    assert out == fresh(str(tree), "--format", "json")
    columns = {t["name"]: [c["name"] for c in t["columns"]] for t in json.loads(out)["tables"]}
    assert columns["messages"] == ["id", "room_id", "note"]
    assert scan(str(tree), "--format", "json").stdout == out and hits() == before + 1


@pytest.mark.parametrize(
    "args",
    [["--format", "table"], ["--infer"], ["--dialect", "mysql"], ["--explain", "users"]],
    ids=["format", "infer", "dialect", "explain"],
)
def test_other_options_are_other_entries(tree: Path, cache_dir: Path, args: list[str]) -> None:
    plain = scan(str(tree), "--format", "json").stdout
    before = hits()
    expected = fresh(str(tree), *args)
    assert scan(str(tree), *args).stdout == expected and hits() == before
    assert scan(str(tree), *args).stdout == expected and hits() == before + 1
    assert scan(str(tree), "--format", "json").stdout == plain and hits() == before + 2


def test_the_config_and_the_environment_are_part_of_the_key(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(str(tree), "--format", "json")
    (tree / "fkmap.toml").write_text('[services.identity]\ntables = ["users", "sessions"]\n')
    before = hits()
    out = scan(str(tree), "--format", "json").stdout
    assert hits() == before and out == fresh(str(tree), "--format", "json")
    assert {t["service"] for t in json.loads(out)["tables"] if t["name"] == "users"} == {"identity"}
    monkeypatch.setenv("FKMAP_MAX_TABLES", "3")
    limited = scan(str(tree), "--format", "json")
    assert hits() == before and limited.exit_code == 1
    assert limited.stdout == fresh(str(tree), "--format", "json")
    again = scan(str(tree), "--format", "json")  # the exit status and message are kept too
    assert hits() == before + 1 and (again.exit_code, again.stderr) == (1, limited.stderr)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-7],
        lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],
        lambda data: data[:-30] + bytes([data[-30] ^ 1]) + data[-29:],
        lambda data: b"garbage",
    ],
    ids=["cut", "output-flipped", "header-flipped", "garbage"],
)
def test_a_damaged_entry_is_a_warning_and_a_full_scan(
    tree: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    expected = scan(str(tree), "--format", "json").stdout
    (entry,) = [p for p in (cache_dir / "result").rglob("*") if p.is_file()]
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    refused, before = result_cache.stats.refused, hits()
    with caplog.at_level(logging.WARNING, logger="fkmap.cache"):
        assert scan(str(tree), "--format", "json").stdout == expected
    assert result_cache.stats.refused == refused + 1 and hits() == before
    assert "ignoring the result-cache entry" in caplog.text
    assert scan(str(tree), "--format", "json").stdout == expected and hits() == before + 1


def test_output_to_a_file_is_served_too(tree: Path, cache_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    expected = fresh(str(tree), "--format", "json")
    for _ in range(2):
        result = scan(str(tree), "--format", "json", "-o", str(target))
        assert target.read_text(encoding="utf-8") == expected
        assert f"fkmap: wrote {target}" in result.stderr
    assert hits() >= 1


def _modules_of_a_scan(tree: Path, env: dict[str, str], out: Path) -> set[str]:
    args = ["scan", str(tree), "--format", "json", "-o", str(out)]
    return modules_after(f"import cli\ncli.main({args!r}, standalone_mode=False)", env)


def test_a_re_scan_imports_next_to_nothing(tree: Path, tmp_path: Path) -> None:
    env = {"FKMAP_CACHE_DIR": str(tmp_path / "cache"), "FKMAP_CACHE": "1"}
    first = _modules_of_a_scan(tree, env, tmp_path / "a.json")
    again = _modules_of_a_scan(tree, env, tmp_path / "b.json")
    heavy = {"pglast", "msgspec", "ownership.scan", "exports", "model.inventory"}
    assert heavy <= first
    assert "networkx" not in first  # the scan document needs no graph
    assert not (heavy | {"sqlglot", "networkx"}) & again, sorted(heavy & again)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_cache_folder_others_can_write_is_not_believed(
    tree: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected = scan(str(tree), "--format", "json").stdout
    (entry,) = [p for p in (cache_dir / "result").rglob("*") if p.is_file()]
    planted = entry.read_bytes().replace(b'"users"', b'"u5ers"')  # what another user could write
    entry.write_bytes(planted)
    os.chmod(cache_dir, 0o777)
    before = hits()
    with caplog.at_level(logging.WARNING, logger="fkmap.cache"):
        assert scan(str(tree), "--format", "json").stdout == expected
    assert hits() == before and "not using the cache folder" in caplog.text


def test_a_small_scan_imports_no_pool_and_no_yaml(tree: Path, tmp_path: Path) -> None:
    """A folder with no YAML changelog, too small for worker processes: PyYAML, multiprocessing and
    concurrent.futures (20 ms of imports between them) stay unimported."""
    env = {"FKMAP_CACHE": "0"}
    found = _modules_of_a_scan(tree, env, tmp_path / "a.json")
    assert "ingest.orm.liquibase_files" in found and "ingest.migrations.parallel" in found
    assert not {"yaml", "multiprocessing", "concurrent.futures"} & found
