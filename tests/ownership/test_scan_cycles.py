"""A scan leaves no reference cycle holding its values: they are freed when done, not at exit.

A one-shot command runs without full collections (:func:`cli.common.young_collections_only`), so
whatever a cycle holds stays in memory until the interpreter exits -- and is then walked and freed
at its expense. The objects that hold a scan's values (the replay's Sharer and replayers, the
ownership Decider and its code usage) must therefore be no cycles themselves.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ownership.scan import scan

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"

#: Kinds of objects that only a scan makes; none of them may be cyclic garbage after it.
SCAN_KINDS = {"Sharer", "Replayer", "Decider", "CodeUsage", "Table", "ForeignKey", "TableRef", "Column"}


def test_a_scan_leaves_no_cyclic_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FKMAP_CACHE", "0")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        inv = scan([str(DEMO)])
        assert inv.tables and inv.foreign_keys
        del inv
        gc.collect()
        found = {type(o).__name__ for o in gc.garbage} & SCAN_KINDS
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not found, f"reference cycles keep {sorted(found)} after the scan"
