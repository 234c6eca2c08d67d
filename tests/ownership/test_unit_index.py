"""Looking up the unit that holds a folder: the same answer as a scan of every unit, at the cost of the
folder's depth.

Service assignment asks :meth:`UnitIndex.containing` several times per table; a lookup that tried
every unit made the ownership stage grow with tables x units (super-linear from L to XL, where
both grow). The work is counted with the real :func:`ownership.inputs.inside`, never timed.
"""

from __future__ import annotations

import pytest

from ownership import inputs
from ownership.inputs import UnitIndex, inside
from ownership.units import Unit


def _units(n: int) -> list[Unit]:
    units = [Unit("root", "", (), "library"), Unit("libs", "libs", (), "library")]
    for i in range(n):
        units.append(Unit(f"s{i}", f"services/s{i}", (), "service"))
        units.append(Unit(f"s{i}-worker", f"services/s{i}/worker/", (), "service"))
    return units


def _every_unit(units: list[Unit], folder: str) -> Unit | None:
    """The lookup as it was: every unit tried, the longest path holding ``folder``, first on a tie."""
    best: Unit | None = None
    for unit in sorted(units, key=lambda u: (u.path, u.name)):
        if inside(folder, unit.path) and (best is None or len(unit.path) > len(best.path)):
            best = unit
    return best


FOLDERS = [
    "",
    ".",
    "tools",
    "libs",
    "libs/x",
    "libsx/y",
    "services",
    "services/s3",
    "services/s3/",
    "services/s3/db/migrations",
    "services/s3/worker",
    "services/s3/worker/jobs/a.sql",
    "services/s30/x",
    "services//s3/x",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_innermost_unit_as_before(folder: str) -> None:
    units = _units(40)
    units.append(Unit("dot", ".", (), "library"))
    assert UnitIndex(units).containing(folder) == _every_unit(units, folder)


def test_a_lookup_costs_the_same_with_twice_the_units(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(folder: str, unit_path: str) -> bool:
        calls.append(unit_path)
        return inside(folder, unit_path)

    monkeypatch.setattr(inputs, "inside", counting)
    work = []
    for n in (50, 100):
        index = UnitIndex(_units(n))
        calls.clear()
        for folder in FOLDERS:
            index.containing(folder)
        work.append(len(calls))
    assert work[0] == work[1]
    assert work[0] <= 3 * len(FOLDERS)
