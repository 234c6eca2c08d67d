"""``make bench``: fkmap as users run it -- whole processes -- next to the parse limit and other tools.

Not a unit test. For each size (S 100 tables, M 2,000, L 20,000, XL 100,000; ``--sizes`` or
``BENCH_SIZES``), on the generated tree (migrations and code) and the ``pg_dump``-style file
(:mod:`bench.generate`), each figure the median of several fresh processes (:mod:`bench.rows`):

* ``fkmap scan --format json``: first scan without cache, first scan filling the cache, re-scan
  with the cache warm; CPU (user + system, workers included) and wall seconds, peak RSS, the FK
  set checked against the generator's; the same bytes through libpg_query alone
  (``bench/parse_limit.py``) and the ratios to its pure parse CPU; per-stage seconds from one
  ``FKMAP_TIMINGS`` run in one process;
* on the tree: ``fkmap export`` (service diagram, report) and ``fkmap check``;
* baselines: sqlglot statement by statement and ``sql2dbml --postgres`` (:mod:`bench.baselines`);

and once: the readers of schemas declared in code, per stack (:mod:`bench.generate_orm`); the
live catalog (fkmap's reader against SQLAlchemy reflection, and ``fkmap scan postgresql://...``
as a whole process); the dashboard in Chromium at the demo, 2,000 and 20,000 tables
(:mod:`bench.browser_bench`). CPU seconds stand next to wall seconds: on a shared machine wall
time mostly measures the neighbours.

Writes ``bench/out/results.json``; a full run (every size, nothing skipped) also writes
``bench/README-figures.md`` and the README's Performance section (:mod:`bench.report`).
Usage: ``.venv/bin/python bench/run.py [--sizes S,M,L,XL] [--quick] [--skip-extras]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import run_sql2dbml  # noqa: E402
from bench.child import child, migration_paths  # noqa: E402
from bench.generate import SIZES, ensure_inputs  # noqa: E402
from bench.procs import fkmap, repeat  # noqa: E402
from bench.rows import command_rows, input_rows, orm_rows, ratios  # noqa: E402

__all__ = ["main"]

#: Sizes whose baselines run: sqlglot up to L, sql2dbml (minutes at L) up to M.
SQLGLOT_SIZES, SQL2DBML_SIZES = ("S", "M", "L"), ("S", "M")


def machine() -> dict[str, Any]:
    """CPU model, cores this process may use, RAM, OS, Python and the load average."""
    model, ram_gb = platform.processor() or "", 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        ram_gb = int(mem.split()[1]) / 1024 / 1024
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(ram_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_avg": list(os.getloadavg()),
    }


def _runs(size: str, args: argparse.Namespace) -> int:
    runs: int = {"L": args.runs_l, "XL": args.runs_xl}.get(size, args.runs)
    return runs


def _line(name: str, r: dict[str, Any]) -> None:
    print(
        f"  {name:<22} {r.get('status')}, {r.get('cpu_s', 0):.2f} s CPU, FKs same: {r.get('same')}",
        flush=True,
    )


def baselines(size: str, kind: str, facts: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """sqlglot and sql2dbml on one input (the sizes of :data:`SQLGLOT_SIZES`, :data:`SQL2DBML_SIZES`)."""
    out: dict[str, Any] = {}
    if size in SQLGLOT_SIZES:
        runs = 1 if size == "L" else args.baseline_runs
        job = {"job": "sqlglot", "size": size, "kind": kind}
        out["sqlglot"] = repeat(lambda: child(job, args.timeout), runs)
        _line("sqlglot per statement", out["sqlglot"])
    if size in SQL2DBML_SIZES:
        paths = migration_paths(facts["path"])
        expected = set(facts["fks"])

        def once() -> dict[str, Any]:
            r = run_sql2dbml(paths, args.timeout)
            found = r.pop("fks", None)
            if found is not None:
                r.update(fks=len(found), same=found == expected)
            return r

        out["sql2dbml"] = repeat(once, args.baseline_runs)
        _line("sql2dbml --postgres", out["sql2dbml"])
    return out


def catalog(work: Path) -> dict[str, Any]:
    """fkmap's catalog reader against SQLAlchemy reflection, and ``fkmap scan DSN`` as a whole process."""
    print("[catalog] 10,000 tables: ingest_dsn vs SQLAlchemy reflection, and fkmap scan DSN ...", flush=True)
    result = child({"job": "catalog", "repeat": 5}, 1800)
    if result.get("status") == "ok":
        scan = ["scan", result["dsn"], "--format", "json", "-o", str(work / "catalog.json")]
        result["process"] = repeat(lambda: fkmap(scan, env={"FKMAP_CACHE_DIR": str(work / "cache")}), 3)
        print(
            f"  fkmap {result['fkmap_s']:.2f} s in process, {result['process'].get('wall_s', 0):.2f} s whole"
        )
        print(f"  reflection {result.get('reflect_s')} s")
    else:
        print(f"  {result.get('status')}")
    return result


def browser() -> dict[str, Any]:
    """First paint and filter at the demo, 2,000 and 20,000 tables, each size in its own process."""
    from bench.browser_bench import SIZES as BROWSER_SIZES
    from bench.browser_bench import with_ratios

    found = {}
    for size in BROWSER_SIZES:
        print(f"[browser {size}] first paint and filter in Chromium ...", flush=True)
        found[size] = child({"job": "browser", "size": size}, 1200)
        print(f"  {found[size].get('status')}", flush=True)
    return with_ratios(found)


def _parser(sizes: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=sizes, help="comma-separated sizes (default $BENCH_SIZES or all)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command at S and M (median)")
    parser.add_argument("--runs-l", type=int, default=3, help="runs at L")
    parser.add_argument("--runs-xl", type=int, default=1, help="runs at XL")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs of each baseline (1 at L)")
    parser.add_argument("--timeout", type=float, default=120.0, help="cap on one baseline run, seconds")
    parser.add_argument("--orm-tables", type=int, default=300, help="tables of each generated ORM project")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--skip-extras", action="store_true", help="no ORM stacks, catalog or browser")
    parser.add_argument("--quick", action="store_true", help="S and M, fewer runs, no baselines or extras")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser(os.environ.get("BENCH_SIZES", "") or ",".join(SIZES)).parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.skip_baselines, args.skip_extras = "S,M", 3, True, True
    from bench.generate_orm import ensure_stacks
    from bench.report import write_outputs

    started = time.time()
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB, Python {info['python']}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in info['load_avg'])}", flush=True)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip().upper() in SIZES]
    results: dict[str, Any] = {"inputs": {}, "commands": {}, "baselines": {}}
    work = Path(tempfile.mkdtemp(prefix="fkmap-bench-"))
    try:
        for size in sizes:
            inputs = ensure_inputs(size)
            for kind in ("tree", "dump"):
                facts = inputs[kind]
                key = f"{size} {kind}"
                print(
                    f"[{key}] {facts['files']} files, {facts['bytes'] / 1e6:.1f} MB, {facts['tables']} tables"
                )
                results["inputs"][key] = input_rows(facts, size, _runs(size, args), work)
                if not args.skip_baselines:
                    results["baselines"][key] = baselines(size, kind, facts, args)
            if size != "XL":
                print(f"[{size} tree] export and check ...", flush=True)
                done = command_rows(inputs["tree"], size, _runs(size, args), work)
                results["commands"][size] = done
                tree = results["inputs"][f"{size} tree"]
                tree["ratios"].update(ratios(done, tree["parse_limit"]))
        if not args.skip_extras:
            print(f"[orm] {args.orm_tables} tables per stack ...", flush=True)
            results["orm"] = orm_rows(ensure_stacks(args.orm_tables), args.runs, work)
            results["catalog"] = catalog(work)
            results["browser"] = browser()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["load_avg_end"] = list(os.getloadavg())
    full = sizes == list(SIZES) and not (args.skip_baselines or args.skip_extras or args.quick)
    write_outputs(info, results, time.time() - started, full=full)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
