"""Whole processes, measured as a user meets them: fkmap commands, the parse-limit baseline and the floor.

Not a unit test. :func:`fkmap` runs ``python -m cli ARGS`` (what the ``fkmap`` entry point
runs) in a fresh process and reports its wall seconds, CPU seconds (user + system of the
process and every worker it waited for: ``os.wait4``) and peak RSS (the largest of those
processes). The peak comes from GNU ``time`` wrapped around the command when it is installed:
Linux carries a process's pre-``exec`` peak -- the bench's own, once it has read a large scan
document -- into the ``ru_maxrss`` its parent sees, but not into a grandchild forked by a small
``time`` process. With ``timings=True`` it also reads the stage table the process writes through
``FKMAP_TIMINGS`` (:mod:`model.timings`). :func:`parse_limit` runs ``bench/parse_limit.py``
over the same files, :func:`floor` ``bench/floor.py``. :func:`repeat` runs one of them several
times and keeps medians.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import run_timed  # noqa: E402

__all__ = ["FKTuple", "fkmap", "floor", "parse_limit", "present_fks", "repeat"]

FKTuple = tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]


GNU_TIME = Path("/usr/bin/time")


def _peak_wrapped(argv: list[str], tmp: Path) -> tuple[list[str], Path | None]:
    """``argv`` under GNU ``time`` writing the peak RSS (KB) to a file, when ``time`` is installed."""
    if not GNU_TIME.exists():
        return argv, None
    target = tmp / "peak.txt"
    return [str(GNU_TIME), "-q", "-f", "%M", "-o", str(target), *argv], target


def _peak_mb(path: Path | None, fallback: float) -> float:
    try:
        if path is not None:
            return int(path.read_text(encoding="utf-8").split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return fallback


def _status(proc: dict[str, Any], err: Path) -> str:
    if proc["status"] != "ok":
        return str(proc["status"])
    if proc["returncode"] == 0:
        return "ok"
    lines = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return f"exit {proc['returncode']}: " + (lines[-1][:300] if lines else "")


def fkmap(
    args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 900, timings: bool = False
) -> dict[str, Any]:
    """One ``fkmap ARGS`` process: status, wall_s, cpu_s, peak_mb (and ``stages`` with ``timings``)."""
    with tempfile.TemporaryDirectory(prefix="fkmap-bench-") as tmp:
        err, stages = Path(tmp) / "stderr.txt", Path(tmp) / "timings.json"
        extra = {"PYTHONPATH": str(ROOT), **(env or {})}
        if timings:
            extra["FKMAP_TIMINGS"] = str(stages)
        argv, peak = _peak_wrapped([sys.executable, "-m", "cli", *args], Path(tmp))
        proc = run_timed(argv, timeout, err, env=extra, cwd=str(ROOT))
        result = {k: proc[k] for k in ("wall_s", "cpu_s", "peak_mb")}
        result["peak_mb"] = _peak_mb(peak, proc["peak_mb"])
        result["status"] = _status(proc, err)
        if timings and stages.exists():
            result["stages"] = json.loads(stages.read_text(encoding="utf-8"))
    return result


def parse_limit(paths: Sequence[str], *, timeout: float = 900) -> dict[str, Any]:
    """libpg_query alone over ``paths`` (``bench/parse_limit.py``): its figures and the process's."""
    return _script("parse_limit.py", paths, (), timeout)


def floor(paths: Sequence[str], scan_json: Path, *, timeout: float = 900) -> dict[str, Any]:
    """The floor of a scan of ``paths`` in fkmap's design (``bench/floor.py``), given the document
    fkmap's scan of them wrote: its parts' CPU seconds and the process's."""
    return _script("floor.py", paths, (str(scan_json),), timeout)


def _script(name: str, paths: Sequence[str], args: Sequence[str], timeout: float) -> dict[str, Any]:
    """``python bench/NAME LIST ARGS`` (LIST: a file of ``paths``), which prints one JSON line."""
    with tempfile.TemporaryDirectory(prefix="fkmap-bench-") as tmp:
        listing, out, err = Path(tmp) / "paths.txt", Path(tmp) / "out.json", Path(tmp) / "err.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        script = ROOT / "bench" / name
        argv, peak = _peak_wrapped([sys.executable, str(script), str(listing), *args], Path(tmp))
        proc = run_timed(argv, timeout, err, stdout_path=out)
        result: dict[str, Any] = {
            "process_wall_s": proc["wall_s"],
            "process_cpu_s": proc["cpu_s"],
            "peak_mb": _peak_mb(peak, proc["peak_mb"]),
            "status": _status(proc, err),
        }
        if result["status"] == "ok":
            result.update(json.loads(out.read_text(encoding="utf-8").strip().splitlines()[-1]))
    return result


def repeat(run: Callable[[], dict[str, Any]], runs: int) -> dict[str, Any]:
    """``runs`` results of ``run()`` (stopping at the first failure): medians of the numbers."""
    results: list[dict[str, Any]] = []
    for _ in range(max(runs, 1)):
        results.append(run())
        if results[-1]["status"] != "ok":
            break
    ok = [r for r in results if r["status"] == "ok"]
    if not ok:
        return {**results[-1], "runs": 0}
    merged: dict[str, Any] = {"status": "ok", "runs": len(ok)}
    for key, value in ok[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            merged.setdefault(key, value)
        else:
            merged[key] = statistics.median(r[key] for r in ok)
    for key in ("wall_s", "cpu_s"):
        if key in ok[0]:
            merged[f"{key.split('_')[0]}_runs_s"] = [round(r[key], 3) for r in ok]
    return merged


def present_fks(scan_json: Path) -> set[FKTuple]:
    """The present foreign keys of a saved scan document, as the generators list them."""
    doc = json.loads(scan_json.read_text(encoding="utf-8"))
    return {
        (
            fk["table"]["schema"],
            fk["table"]["name"],
            tuple(fk["columns"]),
            fk["referenced_table"]["schema"],
            fk["referenced_table"]["name"],
            tuple(fk["referenced_columns"]),
        )
        for fk in doc["foreign_keys"]
        if fk["state"] == "present" and fk["origin"] == "declared"
    }
