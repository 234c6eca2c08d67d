"""``make bench``: fkmap's speed on generated inputs, side by side with the usual tools.

Not a unit test. For sizes S (100 tables), M (2,000) and L (20,000 tables, ~30,000
FKs, ~10 MB of DDL), as a tree of migration files and as one pg_dump-style file
(:mod:`bench.generate`), it times, each in a fresh process, median of several runs:

* fkmap's migration ingest (:func:`ingest.migrations.sets.ingest_path`) on every core,
  on one core, a re-scan of the unchanged input (parse cache warm), and a first
  scan that also fills the cache; files/s, MB/s, CPU (parent + workers), peak RSS;
* the same files through sqlglot, statement by statement, and through the DBML
  CLI's ``sql2dbml --postgres`` (:mod:`bench.baselines`), each capped at
  ``--timeout`` seconds; the FK sets of all tools are compared with the generator's;
* the catalog reader against SQLAlchemy reflection (``bench/catalog_bench.py``);
* graph build and analysis, the dashboard's server-side layout, its first paint
  and filter latency (``bench/dashboard_bench.py``, if present) and SVG export at M
  (``bench/export_bench.py``'s functions).

Prints a table, writes ``bench/out/results.json`` and ``bench/README-figures.md``.
CPU times are reported next to wall times: on a shared machine wall time mostly
measures the neighbours. Usage: ``.venv/bin/python bench/run.py [--sizes S,M,L] [--quick]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import run_sql2dbml, run_timed  # noqa: E402
from bench.generate import SIZES, ensure_inputs  # noqa: E402

OUT = BENCH / "out"
CACHE = OUT / "cache"
FKTuple = tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]


# ============================================================================ child side
def _usage() -> tuple[float, float, float, float]:
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        me.ru_utime + me.ru_stime,
        kids.ru_utime + kids.ru_stime,
        me.ru_maxrss / 1024,
        kids.ru_maxrss / 1024,
    )


def _timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    cpu0, kids0, _, _ = _usage()
    start = time.perf_counter()
    value = fn()
    wall = time.perf_counter() - start
    cpu1, kids1, peak, kids_peak = _usage()
    return value, {
        "wall_s": wall,
        "cpu_s": cpu1 - cpu0 + kids1 - kids0,
        "cpu_parent_s": cpu1 - cpu0,
        "peak_mb": peak,
        "workers_peak_mb": kids_peak,
    }


def _fk_check(found: set[FKTuple], expected: set[FKTuple]) -> dict[str, Any]:
    return {
        "fks": len(found),
        "same": found == expected,
        "missing": len(expected - found),
        "extra": len(found - expected),
    }


def _child_fkmap(job: dict[str, Any]) -> dict[str, Any]:
    from ingest.migrations.sets import ingest_path

    facts = ensure_inputs(job["size"])[job["kind"]]
    inv, timing = _timed(lambda: ingest_path(facts["path"], cache=job["cache"], workers=job["workers"]))
    found = {
        (fk.table.schema, fk.table.name, fk.columns, fk.ref_table.schema, fk.ref_table.name, fk.ref_columns)
        for fk in inv.foreign_keys
        if fk.dropped_at is None
    }
    return {**timing, **_fk_check(found, set(facts["fks"])), "tables": len(inv.tables)}


def _migration_paths(path: str) -> list[str]:
    from ingest.migrations.layout import discover

    sets, _ = discover(path)
    return [f.path for s in sets for f in s.files]


def _child_sqlglot(job: dict[str, Any]) -> dict[str, Any]:
    import sqlglot  # noqa: F401  (imported before the clock starts, like fkmap's modules)

    from bench.baselines import sqlglot_fks

    facts = ensure_inputs(job["size"])[job["kind"]]
    paths = _migration_paths(facts["path"])
    (found, rejected), timing = _timed(lambda: sqlglot_fks(paths))
    return {**timing, **_fk_check(found, set(facts["fks"])), "rejected": rejected}


def _child_graph(job: dict[str, Any]) -> dict[str, Any]:
    from graph.analysis import cascade_chains, cross_service_fks, service_cycles, service_graph
    from graph.build import build_graph
    from ownership.scan import scan

    facts = ensure_inputs(job["size"])["tree"]
    inv = scan([facts["path"]])
    G, build = _timed(lambda: build_graph(inv))

    def analyse() -> None:
        cross_service_fks(G)
        service_graph(G)
        service_cycles(G)
        cascade_chains(G)

    _, analysis = _timed(analyse)
    out: dict[str, Any] = {
        "tables": len(inv.tables),
        "fks": len(inv.foreign_keys),
        "build_s": build["wall_s"],
    }
    out["analysis_s"] = analysis["wall_s"]
    try:
        from ui.data import build_app_data
        from ui.elements import table_view
        from ui.state import TableFilter
    except ImportError as exc:
        out["layout"] = f"n/a ({exc})"
        return out
    data, app_data = _timed(lambda: build_app_data(inv))
    _, view = _timed(lambda: table_view(data, TableFilter()))
    out["app_data_s"], out["layout_s"] = app_data["wall_s"], view["wall_s"]
    return out


def _child_dashboard(job: dict[str, Any]) -> dict[str, Any]:
    import logging

    from playwright.sync_api import sync_playwright

    from bench import dashboard_bench

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=dashboard_bench.CHROMIUM, args=dashboard_bench.ARGS)
        try:
            result: dict[str, Any] = dashboard_bench.run(job["tables"], browser)
        finally:
            browser.close()
    return result


def _child_export(job: dict[str, Any]) -> dict[str, Any]:
    from exports.images import image_bytes
    from graph.scope import Scope
    from tests.graph.synthetic import synthetic_inventory

    inv = synthetic_inventory(tables=job["tables"], services=25)
    out: dict[str, Any] = {"tables": len(inv.tables), "fks": len(inv.foreign_keys)}
    for name, scope in (("svg_services_s", Scope()), ("svg_tables_s", Scope(level="tables"))):
        runs = []
        for _ in range(job["repeat"]):
            _, timing = _timed(functools.partial(image_bytes, inv, "svg", scope=scope))
            runs.append(timing["wall_s"])
        out[name] = statistics.median(runs)
    return out


def _child_catalog(job: dict[str, Any]) -> dict[str, Any]:
    from bench import catalog_bench

    built = catalog_bench.build(False)
    ours, tables, fks = catalog_bench.time_ours(job["repeat"])
    out: dict[str, Any] = {"built_s": built, "fkmap_runs_s": ours, "fkmap_s": statistics.median(ours)}
    out.update({"tables": tables, "fks": fks})
    if hasattr(catalog_bench, "cpu_ours"):
        out["fkmap_client_cpu_s"], out["fkmap_server_cpu_s"] = catalog_bench.cpu_ours()
    # (runs, [cpu,] tables, fks, error): the shape catalog_bench has had, with or without CPU figures
    result = catalog_bench.time_reflection(1, 300.0, resolve_fks=False)
    reflect, r_tables, r_fks, error = result[0], result[-3], result[-2], result[-1]
    out.update({"reflect_runs_s": reflect, "reflect_tables": r_tables, "reflect_fks": r_fks, "error": error})
    out["reflect_s"] = statistics.median(reflect) if reflect else None
    return out


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "fkmap": _child_fkmap,
    "sqlglot": _child_sqlglot,
    "graph": _child_graph,
    "dashboard": _child_dashboard,
    "export": _child_export,
    "catalog": _child_catalog,
}


# ============================================================================ parent side
def child(job: dict[str, Any], timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its JSON result plus the process's own figures."""
    with tempfile.TemporaryDirectory(prefix="fkmap-bench-") as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "err.txt"
        proc = run_timed(
            [sys.executable, str(Path(__file__)), "--child", json.dumps(job)],
            timeout,
            err,
            stdout_path=out,
            env={"PYTHONPATH": str(ROOT), **(env or {})},
        )
        result: dict[str, Any] = {"process_wall_s": proc["wall_s"], "process_peak_mb": proc["peak_mb"]}
        if proc["status"] != "ok":
            return {**result, "status": proc["status"]}
        try:
            result.update(json.loads(out.read_text(encoding="utf-8").strip().splitlines()[-1]))
            result["status"] = "ok"
        except (ValueError, IndexError):
            lines = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            result["status"] = "error: " + (lines[-1] if lines else f"exit {proc['returncode']}")[:300]
    return result


def repeated(
    job: dict[str, Any], runs: int, timeout: float, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """``runs`` runs of ``job`` (fewer when one is slow); medians of the numeric figures."""
    results = []
    for i in range(runs):
        r = child(job, timeout, env)
        results.append(r)
        if r["status"] != "ok" or (i == 0 and r.get("wall_s", 0) > timeout / 4):
            break
    ok = [r for r in results if r["status"] == "ok"]
    if not ok:
        return {"status": results[-1]["status"], "runs": len(results)}
    merged: dict[str, Any] = {"status": "ok", "runs": len(ok)}
    for key, value in ok[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            merged[key] = value
        elif isinstance(value, int):
            merged[key] = statistics.median_low(r[key] for r in ok)
        else:
            merged[key] = statistics.median(r[key] for r in ok)
    merged["wall_runs_s"] = [round(r.get("wall_s", r["process_wall_s"]), 3) for r in ok]
    return merged


def machine() -> dict[str, Any]:
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        ram_gb = int(mem.split()[1]) / 1024 / 1024
    except (OSError, StopIteration, ValueError):
        ram_gb = 0.0
    from ingest.migrations.parallel import cpu_count

    return {
        "cpu": model,
        "cores": cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_avg": list(os.getloadavg()),
    }


def migration_rows(size: str, kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every tool on one input."""
    facts = ensure_inputs(size)[kind]
    runs = args.repeat_l if size == "L" else args.repeat
    base = {"size": size, "kind": kind}
    rows: dict[str, Any] = {
        "files": facts["files"],
        "mb": facts["bytes"] / 1e6,
        "expected_fks": len(facts["fks"]),
    }
    nocache = {"FKMAP_CACHE": "0"}
    rows["fkmap"] = repeated({**base, "tool": "fkmap", "cache": False, "workers": None}, runs, 300, nocache)
    rows["fkmap_1core"] = repeated(
        {**base, "tool": "fkmap", "cache": False, "workers": 1}, runs, 300, nocache
    )
    cache_dir = CACHE / f"{size}-{kind}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    first = []
    for i in range(runs):  # a first scan fills an empty cache
        fresh = CACHE / f"{size}-{kind}-first-{i}"
        shutil.rmtree(fresh, ignore_errors=True)
        first.append(
            child(
                {**base, "tool": "fkmap", "cache": True, "workers": None},
                300,
                {"FKMAP_CACHE_DIR": str(fresh)},
            )
        )
        shutil.rmtree(fresh, ignore_errors=True)
    rows["fkmap_first_scan"] = _median_of(first)
    env = {"FKMAP_CACHE_DIR": str(cache_dir)}
    child({**base, "tool": "fkmap", "cache": True, "workers": None}, 300, env)  # warm it
    rows["fkmap_rescan"] = repeated({**base, "tool": "fkmap", "cache": True, "workers": None}, runs, 300, env)
    if not args.skip_baselines:
        rows["sqlglot"] = repeated({**base, "tool": "sqlglot"}, args.baseline_repeat, args.timeout)
        rows["sql2dbml"] = _sql2dbml(facts, args)
    return rows


def _median_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in results if r["status"] == "ok"]
    if not ok:
        return results[-1] if results else {"status": "not run"}
    return {k: (statistics.median(r[k] for r in ok) if isinstance(v, float) else v) for k, v in ok[0].items()}


def _sql2dbml(facts: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    paths = _migration_paths(facts["path"])
    expected = set(facts["fks"])
    runs: list[dict[str, Any]] = []
    for _ in range(args.baseline_repeat):
        r = run_sql2dbml(paths, args.timeout)
        found = r.pop("fks", None)
        if found is not None:
            r.update(_fk_check(found, expected))
        runs.append(r)
        if r["status"] != "ok" or r["wall_s"] > args.timeout / 4:
            break
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {"status": runs[-1]["status"], "wall_s": runs[-1].get("wall_s"), "runs": len(runs)}
    out = dict(ok[0])
    for key in ("wall_s", "cpu_s", "peak_mb"):
        out[key] = statistics.median(r[key] for r in ok)
    out["runs"] = len(ok)
    return out


def _fmt(value: Any, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "-"


def print_migrations(results: dict[str, Any]) -> list[str]:
    """The migration table as lines (also used in the README snippet)."""
    head = (
        f"{'input':<18}{'tool':<28}{'wall s':>8}{'CPU s':>8}{'files/s':>9}{'MB/s':>7}"
        f"{'peak MB':>9}{'FKs':>7}{'same':>6}{'ours x':>8}"
    )
    lines = [head, "-" * len(head)]
    names = {
        "fkmap": "fkmap (all cores)",
        "fkmap_1core": "fkmap (1 core)",
        "fkmap_first_scan": "fkmap first scan (+cache)",
        "fkmap_rescan": "fkmap re-scan (cached)",
        "sqlglot": "sqlglot per statement",
        "sql2dbml": "sql2dbml --postgres",
    }
    for key, rows in results.items():
        label = f"{key} {rows['files']}f {rows['mb']:.{1 if rows['mb'] >= 1 else 2}f}MB"
        ours = rows["fkmap"]
        for tool, name in names.items():
            r = rows.get(tool)
            if r is None:
                continue
            if r.get("status") != "ok":
                lines.append(f"{label:<18}{name:<28}{r.get('status', '?'):>30}")
                label = ""
                continue
            wall = r.get("wall_s")
            rate = rows["files"] / wall if wall and rows["files"] > 1 else None
            mb = rows["mb"] / wall if wall else None
            peak = r.get("peak_mb", 0) + (r.get("workers_peak_mb") or 0)
            ratio = ""
            if tool == "sqlglot" and ours.get("wall_s"):
                ratio = f"{wall / ours['wall_s']:.1f}x"
            elif tool == "sql2dbml" and ours.get("process_wall_s"):
                ratio = f"{wall / ours['process_wall_s']:.1f}x"
            same = "yes" if r.get("same") else "NO" if "same" in r else "-"
            lines.append(
                f"{label:<18}{name:<28}{_fmt(wall):>8}{_fmt(r.get('cpu_s')):>8}{_fmt(rate, 0):>9}"
                f"{_fmt(mb, 1):>7}{_fmt(peak, 0):>9}{r.get('fks', '-'):>7}{same:>6}{ratio:>8}"
            )
            label = ""
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--repeat", type=int, default=5, help="runs of fkmap at S and M (median)")
    parser.add_argument("--repeat-l", type=int, default=3, help="runs of fkmap at L")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs of each baseline")
    parser.add_argument("--timeout", type=float, default=120.0, help="cap on one baseline run, seconds")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--skip-extras", action="store_true", help="migration ingest only")
    parser.add_argument("--quick", action="store_true", help="S and M only, fewer runs, no extras")
    args = parser.parse_args(argv)
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(CHILDREN[job["tool"]](job), default=str))
        return 0
    if args.quick:
        args.sizes, args.repeat, args.baseline_repeat, args.skip_extras = "S,M", 3, 1, True
    from bench.report import run_extras, write_outputs  # the rest of the report

    started = time.time()
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB, {info['os']}, ", end="")
    print(f"Python {info['python']}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in info['load_avg'])}", flush=True)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip().upper() in SIZES]
    migrations: dict[str, Any] = {}
    for size in sizes:
        for kind in ("tree", "dump"):
            facts = ensure_inputs(size)[kind]
            print(f"[{size} {kind}] {facts['files']} files, {facts['bytes'] / 1e6:.1f} MB ...", flush=True)
            migrations[f"{size} {kind}"] = migration_rows(size, kind, args)
            for line in print_migrations({f"{size} {kind}": migrations[f"{size} {kind}"]})[2:]:
                print(line, flush=True)
    extras = {} if args.skip_extras else run_extras(child, sizes, args)
    info["load_avg_end"] = list(os.getloadavg())
    table = print_migrations(migrations)
    print()
    print("\n".join(table))
    write_outputs(info, migrations, extras, table, time.time() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
