"""What ``make bench`` measures on one input, as whole processes (:mod:`bench.procs`).

Not a unit test. For one generated input (a size's tree or dump), :func:`input_rows` gives:

* ``parse_limit``: libpg_query alone over the same bytes (``bench/parse_limit.py``);
* ``scan``: ``fkmap scan P --format json --no-cache``, its FK set checked against the generator's;
* ``floor``: the work any scan of those bytes must do in fkmap's design (``bench/floor.py``);
* ``scan_first``: the same with an empty parse cache (the first scan, filling the cache);
* ``rescan``: again with that cache warm (an unchanged tree scanned again);
* ``stages``: one ``--no-cache`` scan in one process (``FKMAP_WORKERS=1``) with ``FKMAP_TIMINGS``:
  CPU and wall seconds per stage;
* ``ratios``: each command's CPU seconds over the parse limit's pure parse CPU seconds;

and, for a tree, :func:`command_rows`: ``fkmap export P --format svg`` (the service diagram),
``fkmap export P --format md`` (the report) and ``fkmap check P`` against a baseline written
before, each without the parse cache (as on a fresh CI runner). :func:`orm_rows` times the
readers of schemas declared in code, one generated project per stack (:mod:`bench.generate_orm`).
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.child import migration_paths
from bench.procs import fkmap, floor, parse_limit, present_fks, repeat

__all__ = ["LIMITS", "command_rows", "input_rows", "orm_rows", "ratios"]

#: Environment for sizes over fkmap's default limits (a 60 MB dump, 100,000 tables in one folder).
LIMITS = {"XL": {"FKMAP_MAX_SQL_MB": "256", "FKMAP_MAX_TABLES": "1000000"}}

Log = Callable[[str], None]


def _show(log: Log, name: str, r: dict[str, Any]) -> None:
    if r.get("status") != "ok":
        log(f"  {name:<22} {r.get('status')}")
        return
    wall = r.get("wall_s", r.get("parse_wall_s", r.get("process_wall_s")))
    cpu = r.get("cpu_s", r.get("floor_cpu_s", r.get("parse_cpu_s")))  # a floor has a parse_cpu_s too
    peak = r.get("peak_mb", 0)
    log(f"  {name:<22} wall {wall:7.2f} s  CPU {cpu:7.2f} s  peak {peak:6.0f} MB  runs {r['runs']}")


def ratios(rows: dict[str, Any], limit: dict[str, Any]) -> dict[str, float]:
    """CPU seconds of each command in ``rows`` over the parse limit's pure parse CPU seconds."""
    pure = limit.get("parse_cpu_s") if limit.get("status") == "ok" else None
    if not pure:
        return {}
    out = {}
    for name in ("scan", "scan_first", "rescan", "export_svg", "export_md", "check"):
        r = rows.get(name)
        if r and r.get("status") == "ok":
            out[name] = round(r["cpu_s"] / pure, 2)
    if "process_cpu_s" in limit:
        out["parse_limit_process"] = round(limit["process_cpu_s"] / pure, 2)
    found = rows.get("floor")
    if found and found.get("status") == "ok":
        out["floor"] = round(found["floor_cpu_s"] / pure, 2)
    return out


def input_rows(facts: dict[str, Any], size: str, runs: int, work: Path, log: Log = print) -> dict[str, Any]:
    """Every whole-process figure of one input (see the module docstring)."""
    path = facts["path"]
    env = {**LIMITS.get(size, {}), "FKMAP_CACHE_DIR": str(work / "cache-unused")}
    out = work / "scan.json"
    rows: dict[str, Any] = {
        "files": facts["files"],
        "mb": facts["bytes"] / 1e6,
        "tables": facts["tables"],
        "expected_fks": len(facts["fks"]),
        "code_files": facts.get("code_files", 0),
    }
    paths = migration_paths(path)
    rows["parse_limit"] = repeat(lambda: parse_limit(paths), runs)
    _show(log, "parse limit (pglast)", rows["parse_limit"])
    scan = ["scan", path, "--format", "json", "-o", str(out)]
    rows["scan"] = repeat(lambda: fkmap([*scan, "--no-cache"], env=env), runs)
    if rows["scan"]["status"] == "ok":
        found, expected = present_fks(out), set(facts["fks"])
        rows["scan"].update(
            same=found == expected, missing=len(expected - found), extra=len(found - expected)
        )
    _show(log, "scan --no-cache", rows["scan"])
    if rows["scan"]["status"] == "ok":
        rows["floor"] = repeat(lambda: floor(paths, out), runs)
        _show(log, "floor of the design", rows["floor"])

    cached = {**env, "FKMAP_CACHE_DIR": str(work / "cache-first")}

    def first() -> dict[str, Any]:
        shutil.rmtree(work / "cache-first", ignore_errors=True)
        return fkmap(scan, env=cached)

    rows["scan_first"] = repeat(first, runs)
    _show(log, "first scan (+cache)", rows["scan_first"])
    rows["rescan"] = repeat(lambda: fkmap(scan, env=cached), runs)  # the cache the last first scan filled
    _show(log, "re-scan (cache warm)", rows["rescan"])
    staged = fkmap([*scan, "--no-cache"], env={**env, "FKMAP_WORKERS": "1"}, timings=True)
    rows["stages"] = staged.pop("stages", None)
    rows["stages_run"] = staged
    rows["ratios"] = ratios(rows, rows["parse_limit"])
    for cache in ("cache-first", "cache-unused"):
        shutil.rmtree(work / cache, ignore_errors=True)
    return rows


def command_rows(facts: dict[str, Any], size: str, runs: int, work: Path, log: Log = print) -> dict[str, Any]:
    """``fkmap export`` (service diagram, report) and ``fkmap check`` on a tree, without the parse cache."""
    path = facts["path"]
    env = {**LIMITS.get(size, {}), "FKMAP_CACHE": "0", "FKMAP_CACHE_DIR": str(work / "cache-unused")}
    rows: dict[str, Any] = {}
    for name, fmt, suffix in (("export_svg", "svg", "svg"), ("export_md", "md", "md")):
        argv = ["export", path, "--format", fmt, "-o", str(work / f"export.{suffix}")]
        rows[name] = repeat(functools.partial(fkmap, argv, env=env), runs)
        _show(log, f"export --format {fmt}", rows[name])
    baseline = str(work / "baseline.json")
    prepared = fkmap(["check", path, "--baseline", baseline, "--update-baseline"], env=env)
    if prepared["status"] != "ok":
        rows["check"] = {**prepared, "runs": 0, "status": f"baseline not written: {prepared['status']}"}
    else:
        rows["check"] = repeat(lambda: fkmap(["check", path, "--baseline", baseline], env=env), runs)
    _show(log, "check (baseline)", rows["check"])
    return rows


def orm_rows(stacks: dict[str, dict[str, Any]], runs: int, work: Path, log: Log = print) -> dict[str, Any]:
    """Per stack: ``fkmap scan P --format json --no-cache`` as a whole process, its FKs, its ``orm`` stage."""
    rows: dict[str, Any] = {}
    out = work / "orm.json"
    env = {"FKMAP_CACHE_DIR": str(work / "cache-unused")}
    for stack, facts in stacks.items():
        scan = ["scan", str(facts["path"]), "--format", "json", "--no-cache", "-o", str(out)]
        r = repeat(functools.partial(fkmap, scan, env=env), runs)
        if r["status"] == "ok":
            r["fks"] = len(present_fks(out))
        staged = fkmap(scan, env=env, timings=True)
        stage = (staged.get("stages") or {}).get("stages", {}).get("orm", {})
        r.update(orm_cpu_s=stage.get("cpu_s"), orm_wall_s=stage.get("wall_s"))
        r.update({k: facts[k] for k in ("files", "bytes", "tables")}, expected_fks=facts["fks"])
        rows[stack] = r
        _show(log, f"orm {stack}", r)
    return rows
