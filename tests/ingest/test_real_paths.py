"""RealDirs gives every folder of a walk the real path os.path.realpath gives, links of links,
loops and links out of the tree included."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.real_paths import RealDirs, inside


def _tree(tmp: Path) -> Path:
    top = tmp / "top"
    (top / "a" / "b" / "c").mkdir(parents=True)
    (tmp / "outside" / "d").mkdir(parents=True)
    (top / "link").symlink_to(top / "a")
    (top / "link_of_link").symlink_to(top / "link")
    (top / "a" / "b" / "up").symlink_to(top / "a")  # a loop
    (top / "out").symlink_to(tmp / "outside")
    (top / "a" / "f.sql").write_text("x")
    (top / "a" / "file_link.sql").symlink_to(tmp / "outside" / "g.sql")
    (tmp / "outside" / "g.sql").write_text("y")
    return top


def test_every_folder_and_file_gets_its_realpath(tmp_path: Path) -> None:
    top = str(_tree(tmp_path))
    reals = RealDirs(top)
    seen: set[str] = set()
    checked = 0
    for directory, dirs, files in os.walk(top, followlinks=True):
        real = reals.of(directory)
        assert real == os.path.realpath(directory), directory
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        reals.expect(directory, real, dirs)
        for name in files:
            assert reals.file(directory, real, name) == os.path.realpath(os.path.join(directory, name))
            checked += 1
    assert checked >= 3
    assert not inside(os.path.realpath(os.path.join(top, "out")), reals.top)
    assert inside(os.path.realpath(os.path.join(top, "link_of_link")), reals.top)
