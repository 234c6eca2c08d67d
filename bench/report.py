"""The parts of ``make bench`` beyond migration ingest, and its outputs.

:func:`run_extras` times, each in a fresh process through ``bench/run.py``'s child
mode: the catalog reader against SQLAlchemy reflection (``bench/catalog_bench.py``),
graph build + analysis and the dashboard's server-side layout at M and L, the
dashboard's first paint and filter latency (``bench/dashboard_bench.py``, when it
exists) and SVG export at M (``bench/export_bench.py``). :func:`write_outputs`
writes ``bench/out/results.json`` and the README snippet ``bench/README-figures.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
SNIPPET = BENCH / "README-figures.md"
TABLES = {"S": 100, "M": 2_000, "L": 20_000}

Child = Callable[..., dict[str, Any]]


def run_extras(child: Child, sizes: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Catalog, graph, layout, dashboard and export figures (each ``status`` 'ok' or why not)."""
    extras: dict[str, Any] = {}
    print("[catalog] fkmap ingest_dsn vs SQLAlchemy reflection ...", flush=True)
    extras["catalog"] = child({"tool": "catalog", "repeat": 5}, 900)
    _show("catalog", extras["catalog"], ("fkmap_s", "reflect_s", "tables", "fks"))
    for size in [s for s in sizes if s in ("M", "L")]:
        print(f"[graph {size}] build, analysis, server-side layout ...", flush=True)
        extras[f"graph {size}"] = child({"tool": "graph", "size": size}, 600)
        _show(f"graph {size}", extras[f"graph {size}"], ("build_s", "analysis_s", "app_data_s", "layout_s"))
    for size in [s for s in sizes if s in ("M", "L")]:
        key = f"dashboard {size}"
        if not (BENCH / "dashboard_bench.py").exists():
            extras[key] = {"status": "n/a (dashboard bench missing)"}
        else:
            print(f"[{key}] first paint and filter latency (Playwright) ...", flush=True)
            extras[key] = child({"tool": "dashboard", "tables": TABLES[size]}, 900)
        _show(key, extras[key], ("paint_ms", "paint_cold_ms", "filter_server_ms", "filter_browser_ms"))
    if "M" in sizes:
        print("[export M] SVG ...", flush=True)
        extras["export M"] = child({"tool": "export", "tables": TABLES["M"], "repeat": 3}, 900)
        _show("export M", extras["export M"], ("svg_services_s", "svg_tables_s"))
    return extras


def _show(name: str, r: dict[str, Any], keys: tuple[str, ...]) -> None:
    if r.get("status") != "ok":
        print(f"  {name}: {r.get('status')}")
        return
    shown = ", ".join(f"{k} {r[k]:.3f}" if isinstance(r.get(k), float) else f"{k} {r.get(k)}" for k in keys)
    print(f"  {name}: {shown}", flush=True)


def _ok(r: dict[str, Any] | None) -> bool:
    return r is not None and r.get("status") == "ok"


def _s(value: Any, unit: str = " s", digits: int = 2) -> str:
    return f"{value:.{digits}f}{unit}" if isinstance(value, int | float) else "n/a"


def _ratio(theirs: dict[str, Any] | None, ours: float | None, key: str = "wall_s") -> str:
    if not _ok(theirs):
        status = (theirs or {}).get("status", "not run")
        limit = (theirs or {}).get("wall_s")
        return f"{status}" + (f" after {limit:.0f} s" if isinstance(limit, float) else "")
    assert theirs is not None
    value = theirs.get(key)
    if not isinstance(value, int | float) or not ours:
        return "n/a"
    same = "identical FKs" if theirs.get("same") else f"FKs differ ({theirs.get('fks')})"
    return f"{_s(value)} — fkmap {value / ours:.1f}x faster, {same}"


def snippet(info: dict[str, Any], migrations: dict[str, Any], extras: dict[str, Any]) -> str:
    """The README section with the latest figures and the machine they come from."""
    load = " / ".join(f"{x:.1f}" for x in info["load_avg"])
    lines = [
        "## Performance",
        "",
        f"Latest `make bench` ({time.strftime('%Y-%m-%d')}) on {info['cpu']}, {info['cores']} cores, "
        f"{info['ram_gb']} GB RAM, {info['os']}, Python {info['python']} (load average at start {load}; "
        "the machine was shared, so CPU seconds are given next to wall seconds). "
        "Medians of several runs, each in a fresh process; inputs from `bench/generate.py`. "
        "Raw figures: `bench/out/results.json`.",
        "",
        "| Input | fkmap, all cores | CPU | 1 core | peak RSS (parent + workers) | re-scan (cached) "
        "| sqlglot, per statement | `sql2dbml --postgres` |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, rows in migrations.items():
        ours = rows["fkmap"]
        if not _ok(ours):
            lines.append(f"| {key} | {ours.get('status')} | | | | | | |")
            continue
        peak = ours.get("peak_mb", 0) + (ours.get("workers_peak_mb") or 0)
        what = f"{rows['files']:,} files" if rows["files"] > 1 else "one dump"
        rate = f"{rows['files'] / ours['wall_s']:,.0f} files/s, " if rows["files"] > 1 else ""
        lines.append(
            f"| {key.split()[0]}: {what}, {rows['mb']:.{1 if rows['mb'] >= 1 else 2}f} MB, "
            f"{rows['expected_fks']:,} FKs "
            f"| {_s(ours['wall_s'])} ({rate}{rows['mb'] / ours['wall_s']:.1f} MB/s) | {_s(ours['cpu_s'])} "
            f"| {_s(rows.get('fkmap_1core', {}).get('wall_s'))} | {peak:.0f} MB "
            f"| {_s(rows.get('fkmap_rescan', {}).get('wall_s'))} "
            f"| {_ratio(rows.get('sqlglot'), ours['wall_s'])} "
            f"| {_ratio(rows.get('sql2dbml'), ours.get('process_wall_s'))} |"
        )
    lines += [
        "",
        "fkmap times are for `ingest_path` in a running process; the `sql2dbml` ratio compares whole "
        "processes (Node start-up included on its side, Python start-up and imports on ours). "
        "'First scan' figures (filling the parse cache) are in the JSON.",
        "",
    ]
    cat = extras.get("catalog")
    if _ok(cat):
        assert cat is not None
        ratio = cat["reflect_s"] / cat["fkmap_s"] if cat.get("reflect_s") else None
        lines.append(
            f"- Live catalog, {cat['tables']:,} tables / {cat['fks']:,} FKs: fkmap {_s(cat['fkmap_s'])}, "
            f"SQLAlchemy reflection {_s(cat.get('reflect_s'))}" + (f" ({ratio:.0f}x)." if ratio else ".")
        )
    elif cat is not None:
        lines.append(f"- Live catalog: {cat.get('status')}.")
    for size in ("M", "L"):
        g = extras.get(f"graph {size}")
        if _ok(g):
            assert g is not None
            lines.append(
                f"- Graph at {size} ({g['tables']:,} tables): build {_s(g['build_s'])}, analysis "
                f"{_s(g['analysis_s'])}, dashboard data {_s(g.get('app_data_s'))}, "
                f"server-side layout {_s(g.get('layout_s'))}."
            )
        d = extras.get(f"dashboard {size}")
        if _ok(d):
            assert d is not None
            lines.append(
                f"- Dashboard at {size} ({d['tables']:,} tables): first paint {_s(d['paint_ms'], ' ms', 0)} "
                f"(cold {_s(d['paint_cold_ms'], ' ms', 0)}), filter {_s(d['filter_server_ms'], ' ms', 0)} "
                f"server / {_s(d['filter_browser_ms'], ' ms', 0)} in the browser."
            )
        elif d is not None:
            lines.append(f"- Dashboard at {size}: {d.get('status')}.")
    e = extras.get("export M")
    if _ok(e):
        assert e is not None
        lines.append(
            f"- SVG export at M ({e['tables']:,} tables): service diagram {_s(e['svg_services_s'])}, "
            f"all tables {_s(e['svg_tables_s'])}."
        )
    return "\n".join(lines) + "\n"


def write_outputs(
    info: dict[str, Any], migrations: dict[str, Any], extras: dict[str, Any], table: list[str], seconds: float
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    document = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": info,
        "bench_seconds": round(seconds, 1),
        "migrations": migrations,
        "extras": extras,
        "table": table,
    }
    (OUT / "results.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    text = snippet(info, migrations, extras)
    SNIPPET.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"wrote {OUT / 'results.json'} and {SNIPPET} ({seconds / 60:.1f} min)")
