"""Measurements that run inside a fresh Python process of their own: ``python bench/child.py JOB``.

Not a unit test. :func:`child` starts the process with a JSON job, waits at most ``timeout``
seconds and returns the job's JSON result plus the process's own wall seconds and peak RSS.
Jobs (:data:`JOBS`):

* ``sqlglot``: the sqlglot baseline over a bench input's files (:func:`bench.baselines.sqlglot_fks`);
* ``catalog``: fkmap's catalog reader against SQLAlchemy reflection (:mod:`bench.catalog_bench`);
* ``browser``: first paint and filter in Chromium at one size (:mod:`bench.browser_bench`).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import run_timed  # noqa: E402

__all__ = ["JOBS", "child", "migration_paths"]


def migration_paths(path: str) -> list[str]:
    """The up-migration files fkmap replays under ``path``, in replay order (a file: itself)."""
    from ingest.migrations.layout import discover

    sets, _ = discover(path)
    return [f.path for s in sets for f in s.files]


def _sqlglot(job: dict[str, Any]) -> dict[str, Any]:
    import sqlglot  # noqa: F401  (imported before the clock starts, like fkmap's modules)

    from bench.baselines import sqlglot_fks
    from bench.generate import ensure_inputs

    facts = ensure_inputs(job["size"])[job["kind"]]
    paths = migration_paths(facts["path"])
    cpu0, wall0 = time.process_time(), time.perf_counter()
    found, rejected = sqlglot_fks(paths)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    expected = set(facts["fks"])
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "fks": len(found),
        "same": found == expected,
        "missing": len(expected - found),
        "extra": len(found - expected),
        "rejected": rejected,
    }


def _catalog(job: dict[str, Any]) -> dict[str, Any]:
    from bench import catalog_bench

    built = catalog_bench.build(False)
    ours, tables, fks = catalog_bench.time_ours(job["repeat"])
    out: dict[str, Any] = {"built_s": built, "fkmap_runs_s": ours, "fkmap_s": statistics.median(ours)}
    out.update({"tables": tables, "fks": fks, "dsn": catalog_bench.bench_dsn()})
    out["fkmap_client_cpu_s"], out["fkmap_server_cpu_s"] = catalog_bench.cpu_ours()
    reflect, _cpu, r_tables, r_fks, error = catalog_bench.time_reflection(1, 300.0, resolve_fks=False)
    out.update({"reflect_runs_s": reflect, "reflect_tables": r_tables, "reflect_fks": r_fks, "error": error})
    out["reflect_s"] = statistics.median(reflect) if reflect else None
    return out


def _browser(job: dict[str, Any]) -> dict[str, Any]:
    from bench.browser_bench import measure_size

    return measure_size(job["size"])


#: Job name -> what it runs in the child process.
JOBS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "sqlglot": _sqlglot,
    "catalog": _catalog,
    "browser": _browser,
}


def child(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run ``job`` in a fresh interpreter; its JSON result plus the process's wall seconds and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="fkmap-bench-") as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "err.txt"
        proc = run_timed(
            [sys.executable, str(Path(__file__)), json.dumps(job)],
            timeout,
            err,
            stdout_path=out,
            env={"PYTHONPATH": str(ROOT)},
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


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps(JOBS[spec["job"]](spec), default=str))
