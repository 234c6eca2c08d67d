"""The store handle: opened on first use; the report's phases come from it."""

from __future__ import annotations

from pathlib import Path

from model.inventory import Inventory
from remediation.handle import StoreHandle, tracked_phases
from remediation.tracking import tracked_fks
from tests.remediation.sample import INIT, scan_folder


def test_tracked_phases_come_from_the_store(tmp_path: Path) -> None:
    inv: Inventory = scan_folder(tmp_path, {"001_init.sql": INIT})
    phase_of = tracked_phases(inv, StoreHandle(str(tmp_path / "state.db")))
    assert phase_of is not None
    fk = tracked_fks(inv)[0].fk
    assert phase_of(fk) == "Phase 0: Not started"


def test_a_store_that_cannot_be_opened_gives_no_phases(tmp_path: Path) -> None:
    inv = scan_folder(tmp_path, {"001_init.sql": INIT})
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    assert tracked_phases(inv, StoreHandle(str(broken))) is None
