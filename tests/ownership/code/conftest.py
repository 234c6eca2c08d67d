"""Fixtures for the code-evidence tests: write a small tree, scan it, and look at the uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ownership.code import CodeScan, scan_code
from ownership.units import find_units

Files = dict[str, str | bytes]


def write_tree(root: Path, files: Files) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[str, Files], Path]:
    """Write files into ``tmp_path/<name>`` and return that folder."""

    def make(name: str, files: Files) -> Path:
        return write_tree(tmp_path / name, files)

    return make


@pytest.fixture
def scan_files(tmp_path: Path) -> Callable[[Files], CodeScan]:
    """Write the files into a fresh tree and scan it with the units found there."""

    def scan(files: Files) -> CodeScan:
        root = write_tree(tmp_path / "repo", files)
        units = find_units(root)
        scan = scan_code(root, units)
        # the prefilter is a speed-up only: parsing every file must find the same uses
        assert scan_code(root, units, prefilter=False).uses == scan.uses
        return scan

    return scan


@pytest.fixture
def uses_of(
    scan_files: Callable[[Files], CodeScan],
) -> Callable[[Files], set[tuple[str, str, str]]]:
    """``{(table, access, how)}`` of a scan of the files (no diagnostics allowed)."""

    def uses(files: Files) -> set[tuple[str, str, str]]:
        scan = scan_files(files)
        assert scan.diagnostics == ()
        return {(u.table, u.access, u.how) for u in scan.uses}

    return uses
