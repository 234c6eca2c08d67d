"""FKMAP_TIMINGS: stages nest without double counting, off changes nothing, a command writes its file.

No test asserts how long anything took (that is ``make bench``'s job): only which stages were
charged, how often, and that every second of the total is accounted for exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from model import timings
from model.timings import Clock

ROOT = Path(__file__).resolve().parents[2]


def _busy(n: int = 20_000) -> int:
    return sum(i * i for i in range(n))


def test_nested_stages_charge_each_second_once() -> None:
    clock = Clock()
    with clock.stage("outer"):
        _busy()
        with clock.stage("inner"):
            _busy()
        with clock.stage("inner"):
            _busy()
    report = clock.report()
    stages = report["stages"]
    assert {name: s["calls"] for name, s in stages.items()} == {"inner": 2, "outer": 1}
    for key in ("wall_s", "cpu_s"):
        claimed = sum(s[key] for s in stages.values()) + report["unattributed"][key]
        assert claimed == pytest.approx(report["total"][key], abs=1e-5)
        assert all(s[key] >= 0 for s in stages.values())
    assert clock.stack == []


def test_a_stage_is_left_when_its_block_raises() -> None:
    clock = Clock()
    with pytest.raises(ValueError), clock.stage("failing"):
        raise ValueError("boom")
    assert clock.stack == [] and clock.report()["stages"]["failing"]["calls"] == 1


def test_iterate_charges_producing_items_not_using_them_and_closes_the_source() -> None:
    clock = Clock()
    closed: list[bool] = []

    def produce() -> Iterator[int]:
        try:
            yield from range(5)
        finally:
            closed.append(True)

    seen = []
    with clock.stage("consumer"):
        wrapped = clock.iterate("producer", produce())
        for item in wrapped:
            seen.append(item)
            if item == 2:
                break
        wrapped.close()
    assert seen == [0, 1, 2]
    assert closed == [True]
    assert clock.report()["stages"]["producer"]["calls"] == 3
    assert clock.stack == []


@pytest.mark.skipif(timings.CLOCK is not None, reason="this process runs with FKMAP_TIMINGS set")
def test_off_by_default_the_helpers_change_nothing(tmp_path: Path) -> None:
    def f(x: int) -> int:
        return x + 1

    assert timings.timed("x")(f) is f
    items = iter([1, 2])
    assert timings.iterate("x", items) is items
    with timings.stage("x"):
        pass
    timings.write(tmp_path / "t.json")
    assert not (tmp_path / "t.json").exists()


def test_a_scan_writes_its_stages(tmp_path: Path) -> None:
    target = tmp_path / "timings.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), timings.ENV: str(target), "FKMAP_CACHE": "0"}
    out = tmp_path / "scan.json"
    cmd = [
        sys.executable,
        "-m",
        "cli",
        "scan",
        str(ROOT / "examples" / "demo"),
        "--format",
        "json",
        "-o",
        str(out),
    ]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    report = json.loads(target.read_text(encoding="utf-8"))
    assert {"read", "split", "parse", "replay", "resolve", "code", "ownership", "graph", "output"} <= set(
        report["stages"]
    )
    assert json.loads(out.read_text(encoding="utf-8"))["format_version"] == 1
    claimed = sum(s["cpu_s"] for s in report["stages"].values()) + report["unattributed"]["cpu_s"]
    assert claimed == pytest.approx(report["total"]["cpu_s"], abs=1e-4)


def test_a_bad_timings_path_does_not_fail_the_command(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), timings.ENV: str(tmp_path / "missing" / "t.json")}
    cmd = [sys.executable, "-m", "cli", "scan", str(ROOT / "examples" / "demo"), "--format", "json"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format_version"] == 1
