"""``make bench``'s outputs: ``bench/out/results.json``, and from a full run the README's Performance section.

Not a unit test. :func:`write_outputs` writes the raw figures; when the run was full (every
size, nothing skipped) it also renders :func:`snippet` into ``bench/README-figures.md`` and
replaces the ``## Performance`` section of ``README.md`` with it. ``python bench/report.py``
does the latter again from the ``results.json`` on disk (when that came from a full run);
``python bench/report.py A.json B.json ...`` does it from partial runs that together measured every
size (:func:`combine`: ``make bench BENCH_SIZES=S,M,L`` then ``BENCH_SIZES=XL``, say), and the
heading names each run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results.json"
SNIPPET = ROOT / "bench" / "README-figures.md"
README = ROOT / "README.md"

__all__ = ["combine", "snippet", "update_readme", "write_outputs"]

STAGES: tuple[str, ...] = ("read", "split", "parse", "replay", "cache", "orm", "resolve", "code")
STAGES += ("ownership", "graph", "analysis", "output")

TIMINGS_NOTE = """\
**Where the time goes.** Any fkmap command writes the wall and CPU seconds of each stage of its run
to FILE when started with `FKMAP_TIMINGS=FILE` (JSON: `stages` -> `{wall_s, cpu_s, calls}`, `total`,
`unattributed`; stages `read`, `split`, `parse`, `replay`, `cache`, `orm`, `resolve`, `code`,
`ownership`, `graph`, `analysis`, `output`). Nested stages are charged once, to the innermost one,
and a stage includes the imports it triggers; start-up is `unattributed`. Worker processes are not
followed: with a parse pool, `parse` is the time the main process waited, and on two CPUs or more
a folder's code (from 1 MB on) is read by a child process while the migrations are read, so `code`
is the time the main process waited for it; `make bench` takes its per-stage table from runs with
`FKMAP_WORKERS=1`. Without the variable nothing is measured and nothing changes."""


def _ok(r: Any) -> bool:
    return isinstance(r, dict) and r.get("status") == "ok"


def _s(value: Any, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) and not isinstance(value, bool) else "n/a"


def _cell(r: Any, ratio: Any = None) -> str:
    if not _ok(r):
        return str((r or {}).get("status", "not run"))
    text = f"{_s(r['cpu_s'])} / {_s(r['wall_s'])}"
    return text + (f" (**{ratio:.1f}x**)" if isinstance(ratio, int | float) else "")


def _inputs_table(inputs: dict[str, Any]) -> list[str]:
    lines = [
        "| Input | libpg_query alone: parse CPU (process CPU) | `scan --format json --no-cache` CPU / wall s "
        "| first scan, filling the cache | re-scan, cache warm | peak RSS | FKs as generated |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, rows in inputs.items():
        limit, ratios = rows.get("parse_limit", {}), rows.get("ratios", {})
        what = (
            f"{rows['files']:,} files + {rows['code_files']:,} code files"
            if rows["files"] > 1
            else "one dump"
        )
        scan = rows.get("scan", {})
        same = (
            "yes" if scan.get("same") else f"NO ({scan.get('missing')} missing)" if "same" in scan else "n/a"
        )
        peak = max((rows.get(k, {}).get("peak_mb") or 0) for k in ("scan", "scan_first", "rescan"))
        lines.append(
            f"| {key.split()[0]}: {what}, {rows['mb']:.1f} MB, {rows['tables']:,} tables, "
            f"{rows['expected_fks']:,} FKs | {_s(limit.get('parse_cpu_s'))} "
            f"({_s(limit.get('process_cpu_s'))}) | {_cell(scan, ratios.get('scan'))} "
            f"| {_cell(rows.get('scan_first'), ratios.get('scan_first'))} "
            f"| {_cell(rows.get('rescan'), ratios.get('rescan'))} | {peak:.0f} MB | {same} |"
        )
    return lines


FLOOR_NOTE = """\
**The floor of the design.** `bench/floor.py` measures, on the same bytes and in one process, the work
every `scan --format json` must do in fkmap's design, even if reading the files, turning parse trees
into operations, replaying them, deciding owners, building the graph and the analysis, and laying out
the document cost nothing: the interpreter's start-up with the imports every scan needs (pglast,
msgspec, click); libpg_query over the bytes; decoding the `CREATE TABLE` trees into the structs
fkmap reads (only the fields it reads); building the neutral model's frozen dataclasses once (one
shared `TableRef` per table, one object per distinct column); and encoding the scan document.
CPU seconds, ratio to the parse limit in bold:"""


def _floor_table(inputs: dict[str, Any]) -> list[str]:
    lines = [
        "| Input | start-up, imports | parse | decode | model objects | encode | floor | `scan --no-cache` |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, rows in inputs.items():
        found, ratios = rows.get("floor"), rows.get("ratios", {})
        if not _ok(found):
            continue
        parts = [_s(found.get(f"{k}_cpu_s")) for k in ("start", "parse", "decode", "model", "encode")]
        total = f"{_s(found['floor_cpu_s'])} (**{_s(ratios.get('floor'), 1)}x**)"
        scan = f"{_s(rows['scan']['cpu_s'])} (**{_s(ratios.get('scan'), 1)}x**)"
        lines.append(f"| {key} | " + " | ".join(parts) + f" | {total} | {scan} |")
    return lines


def _stages_table(inputs: dict[str, Any]) -> list[str]:
    lines = [
        "| Input | " + " | ".join(STAGES) + " | start-up, other | total |",
        "|---|" + "---|" * (len(STAGES) + 2),
    ]
    for key, rows in inputs.items():
        stages = (rows.get("stages") or {}).get("stages", {})
        cells = [_s(stages.get(name, {}).get("cpu_s")) for name in STAGES]
        whole = (rows.get("stages_run") or {}).get("cpu_s")  # the process, start-up included (os.wait4)
        claimed = sum(s.get("cpu_s", 0) for s in stages.values())
        other = whole - claimed if isinstance(whole, float) and stages else None
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {_s(other)} | {_s(whole)} |")
    return lines


def _commands_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| Tree | `export --format svg` (service diagram) | `export --format md` (report) | `check` |",
        "|---|---|---|---|",
    ]
    for size, rows in results.get("commands", {}).items():
        ratios = results["inputs"].get(f"{size} tree", {}).get("ratios", {})
        cells = [_cell(rows.get(n), ratios.get(n)) for n in ("export_svg", "export_md", "check")]
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    return lines


def _baselines(results: dict[str, Any]) -> list[str]:
    lines = []
    for key, tools in results.get("baselines", {}).items():
        ours = results["inputs"].get(key, {}).get("scan", {})
        for tool, r in tools.items():
            if not _ok(r):
                lines.append(f"- {key}, {tool}: {r.get('status')}.")
                continue
            same = "identical FKs" if r.get("same") else f"FKs differ ({r.get('fks')})"
            how = "in process, start-up not counted" if tool == "sqlglot" else "whole process"
            ratio = (
                f"; {r['cpu_s'] / ours['cpu_s']:.1f}x the CPU of fkmap's whole `scan --no-cache`"
                if _ok(ours) and ours["cpu_s"]
                else ""
            )
            lines.append(
                f"- {key}, {tool} ({how}): {_s(r['cpu_s'])} s CPU, {_s(r['wall_s'])} s wall, {same}{ratio}."
            )
    return lines


def _orm(orm: dict[str, Any]) -> list[str]:
    lines = [
        "| Stack | files | FKs found / declared | whole `scan` CPU / wall s "
        "| of which reading code schemas (CPU s) |",
        "|---|---|---|---|---|",
    ]
    for stack, r in orm.items():
        lines.append(
            f"| {stack} | {r.get('files')} | {r.get('fks', 'n/a')} / {r.get('expected_fks')} | {_cell(r)} "
            f"| {_s(r.get('orm_cpu_s'))} |"
        )
    return lines


def _catalog(cat: Any) -> list[str]:
    if not _ok(cat):
        return [f"- Live catalog: {(cat or {}).get('status', 'not run')}."]
    ratio = cat["reflect_s"] / cat["fkmap_s"] if cat.get("reflect_s") else None
    proc = cat.get("process", {})
    return [
        f"- Live catalog, {cat['tables']:,} tables / {cat['fks']:,} FKs: "
        f"fkmap's reader {_s(cat['fkmap_s'])} s, "
        f"SQLAlchemy reflection {_s(cat.get('reflect_s'))} s"
        + (f" ({ratio:.0f}x); " if ratio else "; ")
        + f"`fkmap scan postgresql://...` as a whole process {_cell(proc)} s CPU / wall."
    ]


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in d.items():
        if isinstance(v, dict) and k != "ratios":
            out.update(_flat(v, f"{prefix}{k}."))
        elif k.endswith("_ms") and isinstance(v, int | float):
            out[f"{prefix}{k}"] = float(v)
    return out


def _browser(found: dict[str, Any]) -> list[str]:
    sizes = list(found)
    keys = list(_flat(found.get("demo", {}))) or sorted({k for r in found.values() for k in _flat(r)})
    lines = ["| Figure (ms) | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]
    for key in keys:
        cells = []
        for size in sizes:
            r = found[size]
            value = _flat(r).get(key)
            ratio = (r.get("ratios") or {}).get(key)
            cells.append(
                f"{value:.0f}" + (f" ({ratio:.1f}x)" if ratio else "") if value is not None else "n/a"
            )
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Status: " + ", ".join(f"{s} {found[s].get('status')}" for s in sizes) + ".")
    return lines


def _sizes(results: dict[str, Any]) -> str:
    measured = {k.split()[0] for k in results.get("inputs", {})}
    return ",".join(s for s in ("S", "M", "L", "XL") if s in measured)


def _which_run(document: dict[str, Any]) -> str:
    """ "full `make bench`", the runs a combined document was made of, or the sizes a partial run
    measured (its figures stand for those only)."""
    if document.get("full"):
        return "full `make bench`"
    runs = document.get("runs")
    if runs:
        return ", then ".join(
            f"`make bench BENCH_SIZES={r['sizes']}` ({r['created'][:16].replace('T', ' ')}, "
            f"load average at start {r['load_avg'][0]:.1f})"
            for r in runs
        )
    sizes = _sizes(document["results"])
    return f"`make bench BENCH_SIZES={sizes}` (XL, 100,000 tables, is measured by a full run)"


def combine(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """One results document from partial runs on one machine, each size from the last run that
    measured it; the machine facts are the first run's, the figures that are not per size
    (code stacks, catalog, browser) the last run's that has them.

    >>> a = {"created": "2026-12-07T20:50", "bench_seconds": 60, "machine": {"load_avg": [3, 2, 1]},
    ...      "results": {"inputs": {"L tree": 1}, "commands": {"L": 2}, "catalog": {"x": 1}}}
    >>> b = {"created": "2026-12-07T21:00", "bench_seconds": 30, "machine": {"load_avg": [1, 1, 1]},
    ...      "results": {"inputs": {"XL tree": 3}, "commands": {}}}
    >>> c = combine([a, b])
    >>> sorted(c["results"]["inputs"]), c["results"]["catalog"], [r["sizes"] for r in c["runs"]]
    (['L tree', 'XL tree'], {'x': 1}, ['L', 'XL'])
    """
    results: dict[str, Any] = {}
    for doc in documents:
        for key, value in doc["results"].items():
            if key in ("inputs", "commands", "baselines"):
                results.setdefault(key, {}).update(value)
            else:
                results[key] = value
    return {
        "created": documents[-1]["created"],
        "full": False,
        "machine": documents[0]["machine"],
        "bench_seconds": sum(d["bench_seconds"] for d in documents),
        "results": results,
        "runs": [
            {"sizes": _sizes(d["results"]), "created": d["created"], "load_avg": d["machine"]["load_avg"]}
            for d in documents
        ],
    }


def snippet(document: dict[str, Any]) -> str:
    """The README's Performance section for one results document."""
    info, results = document["machine"], document["results"]
    load = " / ".join(f"{x:.1f}" for x in info["load_avg"])
    out = [
        "## Performance",
        "",
        f"Latest {_which_run(document)} "
        f"({document['created'][:10]}, {document['bench_seconds'] / 60:.0f} min) on "
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, Python {info['python']} "
        f"(load average at start {load}: the machine was shared, so CPU seconds come first). "
        "Every figure is a whole fkmap process "
        "(`python -m cli ...`, what the `fkmap` command runs), start-up included (with compiled "
        "modules kept, as an installed fkmap has them): CPU = user + system of the "
        "process and its workers, median of several runs (one at XL); peak RSS is the largest process "
        "(of the scans in the row). "
        "Ratios (**bold**) are CPU seconds over libpg_query's own CPU seconds parsing the same bytes "
        "(`bench/parse_limit.py`: pglast `parse_sql_json`, nothing else). Inputs from `bench/generate.py`; "
        "XL runs with `FKMAP_MAX_SQL_MB` and `FKMAP_MAX_TABLES` raised. "
        "Raw figures: `bench/out/results.json`.",
        "",
        *_inputs_table(results.get("inputs", {})),
        "",
        FLOOR_NOTE,
        "",
        *_floor_table(results.get("inputs", {})),
        "",
        "Per stage, CPU seconds of one `scan --format json --no-cache` in one process (`FKMAP_WORKERS=1`, "
        "`FKMAP_TIMINGS`); the total is the whole process's, start-up and imports included:",
        "",
        *_stages_table(results.get("inputs", {})),
        "",
        "The other commands on the tree, without the parse cache (as on a fresh CI runner), "
        "CPU / wall seconds:",
        "",
        *_commands_table(results),
        "",
        "Other tools on the same files:",
        "",
        *_baselines(results),
    ]
    if "orm" in results:
        out += ["", "Schemas declared in code, one generated project per stack:", "", *_orm(results["orm"])]
    if "catalog" in results:
        out += ["", *_catalog(results["catalog"])]
    if "browser" in results:
        out += ["", "The dashboard in Chromium (ratio to the demo):", "", *_browser(results["browser"])]
    out += [
        "",
        TIMINGS_NOTE,
        "",
        "A full `make bench` (every size, about 70 minutes on this shared machine) regenerates this section "
        "(`bench/report.py`); `make bench BENCH_SIZES=S,M` measures some sizes only and writes "
        "`bench/out/results.json` alone (`python bench/report.py A.json B.json` makes this section from "
        "partial runs that together measured every size).",
    ]
    return "\n".join(out) + "\n"


def update_readme(text: str, readme: Path = README) -> None:
    """Replace the ``## Performance`` section of ``readme`` (up to the next ``## ``) with ``text``."""
    body = readme.read_text(encoding="utf-8")
    start = body.index("\n## Performance\n") + 1
    end = body.find("\n## ", start + 1)
    readme.write_text(body[:start] + text + (body[end:] if end >= 0 else ""), encoding="utf-8")


def write_outputs(info: dict[str, Any], results: dict[str, Any], seconds: float, *, full: bool) -> None:
    """``results.json`` always; the README figures only from a full run."""
    OUT.mkdir(parents=True, exist_ok=True)
    document = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "full": full,
        "machine": info,
        "bench_seconds": round(seconds, 1),
        "results": results,
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    text = snippet(document)
    print()
    print(text)
    if full:
        SNIPPET.write_text(text, encoding="utf-8")
        update_readme(text)
        print(f"wrote {RESULTS}, {SNIPPET} and README.md's Performance section ({seconds / 60:.1f} min)")
    else:
        print(f"wrote {RESULTS} ({seconds / 60:.1f} min); not a full run, so the README is left as it is")


if __name__ == "__main__":
    if len(sys.argv) > 2:  # partial runs, which together must measure every size
        saved = combine([json.loads(Path(a).read_text(encoding="utf-8")) for a in sys.argv[1:]])
        if _sizes(saved["results"]) != "S,M,L,XL":
            print(f"these runs measured {_sizes(saved['results'])}, not every size", file=sys.stderr)
            raise SystemExit(1)
    else:
        saved = json.loads(RESULTS.read_text(encoding="utf-8"))
    if not (saved.get("full") or saved.get("runs")):
        print("bench/out/results.json is not from a full run; the README is left as it is", file=sys.stderr)
        raise SystemExit(1)
    SNIPPET.write_text(snippet(saved), encoding="utf-8")
    update_readme(snippet(saved))
    print(f"wrote {SNIPPET} and README.md's Performance section")
