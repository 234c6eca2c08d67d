"""What the load test (:mod:`bench.load_test`) records, checks and reports.

Not a unit test. :class:`Results` collects latencies, errors and the saves the server
acknowledged (:class:`Saved`); :func:`check_store` reads the store's audit log back and names
every lost, duplicated or unacknowledged save and every broken version chain; :func:`report`
prints p50/p95/p99 per request kind, writes ``load.json`` and gives the exit status.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.deploy_harness import Reply

__all__ = ["Results", "Saved", "check_store", "percentiles", "report"]


@dataclass
class Saved:
    """An edit the server reported as saved."""

    who: str
    fk_id: str
    version: int
    tag: str


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    saved: list[Saved] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, reply: Reply | None, seconds: float, error: str = "") -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")
            elif reply is not None and not reply.ok:
                self.errors.append(f"{kind}: HTTP {reply.status} {reply.text[:300]}")


def check_store(dsn: str, saved: list[Saved], users: set[str]) -> list[str]:
    """Problems found in the audit log: lost, duplicated or unacknowledged saves, broken chains."""
    from remediation.store import open_store

    store = open_store(dsn)
    audit = store.audit()
    records = {r.uid: r for r in store.records()}
    problems: list[str] = []
    by_uid: dict[str, list[Any]] = defaultdict(list)
    for entry in audit:
        by_uid[entry.uid].append(entry)
    for uid, entries in by_uid.items():
        previous = 0
        for entry in entries:
            before = entry.before.version if entry.before is not None else 0
            after = entry.after.version if entry.after is not None else 0
            if before != previous or after != previous + 1:
                problems.append(
                    f"record {uid}: audit entry {entry.id} goes {before} -> {after} after {previous}"
                )
            previous = after
        if uid in records and records[uid].version != previous:
            problems.append(f"record {uid}: stored version {records[uid].version}, last audited {previous}")

    def tagged(entry: Any, tag: str) -> bool:
        r = entry.after
        return r is not None and (r.owner_team == tag or any(m.note == tag for m in r.marks))

    index = {(e.who, e.fk_id, e.after.version): e for e in audit if e.after is not None}
    for s in saved:
        found = index.get((s.who, s.fk_id, s.version))
        if found is None or not tagged(found, s.tag):
            problems.append(f"lost update: {s.who}'s save {s.tag} of {s.fk_id} (version {s.version})")
    ours = [e for e in audit if e.who in users]
    if len(ours) != len(saved):
        problems.append(f"{len(ours)} audited saves by the simulated users, {len(saved)} acknowledged")
    return problems


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99

    def ms(x: float) -> float:
        return round(x * 1000, 1)

    return {"p50": ms(cuts[49]), "p95": ms(cuts[94]), "p99": ms(cuts[98]), "max": ms(ordered[-1])}


def report(
    args: argparse.Namespace,
    results: Results,
    problems: list[str],
    wall: float,
    ingest_s: float,
    server_log: str,
    out_dir: Path,
) -> int:
    total = sum(len(v) for v in results.samples.values())
    print(f"\n{total} requests in {wall:.1f} s ({total / wall:.1f}/s)")
    print(f"{'kind':<20}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    table: dict[str, Any] = {}
    rows = {kind: results.samples[kind] for kind in sorted(results.samples)}
    rows["all callbacks"] = [v for kind, values in rows.items() if kind.startswith("cb ") for v in values]
    for kind, values in rows.items():
        stats = percentiles(values)
        table[kind] = {"count": len(values), **stats}
        cells = "".join(f"{stats.get(k, 0):>10}" for k in ("p50", "p95", "p99", "max"))
        print(f"{kind:<20}{len(values):>7}{cells}")
    tracebacks = server_log.count("Traceback")
    print(
        f"\nedits saved {len(results.saved)}, conflicts {results.conflicts}, errors {len(results.errors)}, "
        f"server tracebacks {tracebacks}, lost updates / audit problems {len(problems)}"
    )
    for line in (results.errors + problems)[:20]:
        print("  -", line)
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "users": args.users,
        "duration_s": args.duration,
        "workers": args.workers,
        "threads": args.threads,
        "ingest": "celery" if args.redis else "diskcache",
        "ingest_s": round(ingest_s, 2),
        "requests": total,
        "wall_s": round(wall, 1),
        "latency_ms": table,
        "saved": len(results.saved),
        "conflicts": results.conflicts,
        "errors": results.errors[:100],
        "server_tracebacks": tracebacks,
        "audit_problems": problems[:100],
    }
    (out_dir / "load.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    ok = not results.errors and not problems and not tracebacks and results.saved
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1
