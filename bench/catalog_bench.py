"""Benchmark: fkmap's catalog reader vs SQLAlchemy reflection on 10,000 tables / 20,000 FKs.

Creates (once; reused when it is already complete) the database ``fkmap_bench_l``
on the test instance (``FKMAP_TEST_PG``, default ``postgresql://postgres@127.0.0.1:5432/postgres``):
10,000 tables ``t00000``.. each with a primary key and two foreign keys to other
tables. Then times, median of ``--repeat`` runs (5), :func:`ingest.catalogs.postgres.ingest_dsn`
against SQLAlchemy's ``MetaData().reflect(engine)`` — what SQLAlchemy-based ER-diagram
tools do. Reflection is slow (tens of seconds), so it runs ``--reflect-repeat`` times
(1 by default). Its default ``resolve_fks=True`` follows each FK to the referenced table
recursively and dies with ``RecursionError`` on long FK chains like these; that run is
tried once and reported, and the timed runs use ``resolve_fks=False`` (which reads the
same tables and FKs with less work, so the ratio is conservative).
Besides wall-clock time it reports CPU seconds (client process + the server backend
serving the read, from ``/proc`` when the server is local), which a busy machine
distorts much less. Prints a table and writes ``bench/out/catalog.json``.

Usage: ``.venv/bin/python bench/catalog_bench.py [--repeat 5] [--reflect-repeat 1] [--rebuild]``
Target: ours < 1 s and at least 10x faster than reflection.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.catalogs.postgres import ingest_dsn

ADMIN_DSN = os.environ.get("FKMAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DBNAME = "fkmap_bench_l"
TABLES = 10_000
FKS_PER_TABLE = 2
BATCH = 500  # tables (or ALTERs) per round trip: stays under the shared lock table
OUT = Path(__file__).resolve().parent / "out" / "catalog.json"


def bench_dsn() -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + "/" + DBNAME


def _targets(i: int) -> tuple[int, int]:
    """The two tables table ``i`` references (never itself, never the same twice)."""
    a = (i * 7 + 1) % TABLES
    b = (i * 13 + 5) % TABLES
    if a == i:
        a = (a + 1) % TABLES
    if b in (i, a):
        b = (b + 2) % TABLES
    if b in (i, a):
        b = (b + 3) % TABLES
    return a, b


def _complete() -> bool:
    try:
        with psycopg.connect(bench_dsn(), connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'), "
                "(SELECT count(*) FROM pg_constraint WHERE contype = 'f')"
            ).fetchone()
    except psycopg.OperationalError:
        return False
    return row == (TABLES, TABLES * FKS_PER_TABLE)


def build(rebuild: bool = False) -> float:
    """Create the benchmark database unless it is already complete; seconds spent."""
    if not rebuild and _complete():
        return 0.0
    start = time.perf_counter()
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DBNAME}"')
    with psycopg.connect(bench_dsn(), autocommit=True) as conn:
        for lo in range(0, TABLES, BATCH):
            conn.execute(
                "".join(
                    f"CREATE TABLE t{i:05d} (id integer PRIMARY KEY, name text, "
                    f"ref_a integer, ref_b integer, created_at timestamptz);"
                    for i in range(lo, min(lo + BATCH, TABLES))
                )
            )
        for lo in range(0, TABLES, BATCH):
            stmts = []
            for i in range(lo, min(lo + BATCH, TABLES)):
                a, b = _targets(i)
                stmts.append(
                    f"ALTER TABLE t{i:05d} "
                    f"ADD CONSTRAINT t{i:05d}_ref_a_fkey FOREIGN KEY (ref_a) REFERENCES t{a:05d}(id) "
                    f"ON DELETE CASCADE NOT VALID, "
                    f"ADD CONSTRAINT t{i:05d}_ref_b_fkey FOREIGN KEY (ref_b) "
                    f"REFERENCES t{b:05d}(id) NOT VALID;"
                )
            conn.execute("".join(stmts))
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a local server backend has used, or None if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_ours(repeat: int) -> tuple[list[float], int, int]:
    """Wall-clock runs of the public entry point."""
    runs = []
    inv = None
    for _ in range(repeat):
        start = time.perf_counter()
        inv = ingest_dsn(bench_dsn())
        runs.append(time.perf_counter() - start)
    assert inv is not None and not inv.diagnostics, inv and inv.diagnostics
    return runs, len(inv.tables), len(inv.foreign_keys)


def cpu_ours() -> tuple[float, float | None]:
    """Client and server CPU seconds of one read: the steps of ``read_database`` on a known backend."""
    from ingest.catalogs import postgres as catalog
    from ingest.dsn import parse_dsn

    dsn = parse_dsn(bench_dsn())
    with catalog.connect_read_only(dsn) as conn:
        pid = conn.info.backend_pid
        server0, client0 = backend_cpu(pid), time.process_time()
        table_rows = conn.execute(catalog._sql("tables.sql")).fetchall()
        fk_rows = conn.execute(catalog.foreign_keys_sql(conn.info.server_version)).fetchall()
        refs = catalog._Refs(DBNAME)
        catalog._tables(refs, dsn.label, table_rows)
        catalog._foreign_keys(refs, dsn.label, fk_rows)
        client, server1 = time.process_time() - client0, backend_cpu(pid)
        conn.rollback()
    return client, None if server0 is None or server1 is None else server1 - server0


def time_reflection(
    repeat: int, timeout: float, *, resolve_fks: bool
) -> tuple[list[float], list[tuple[float, float | None]], int, int, str]:
    """Runs of ``MetaData().reflect(connection)``: wall seconds, (client, server) CPU, counts, error."""
    from sqlalchemy import MetaData, create_engine

    url = bench_dsn().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    runs: list[float] = []
    cpu: list[tuple[float, float | None]] = []
    tables = fks = 0
    try:
        for _ in range(repeat):
            metadata = MetaData()
            with engine.connect() as conn:
                dbapi = conn.connection.dbapi_connection
                assert isinstance(dbapi, psycopg.Connection)  # what the psycopg dialect connects with
                pid = dbapi.info.backend_pid
                server0, client0 = backend_cpu(pid), time.process_time()
                start = time.perf_counter()
                try:
                    metadata.reflect(conn, resolve_fks=resolve_fks)
                except RecursionError:
                    elapsed = time.perf_counter() - start
                    return runs, cpu, tables, fks, f"RecursionError after {elapsed:.1f} s"
                runs.append(time.perf_counter() - start)
                server1 = backend_cpu(pid)
                server = None if server0 is None or server1 is None else server1 - server0
                cpu.append((time.process_time() - client0, server))
            tables = len(metadata.tables)
            fks = sum(len(t.foreign_key_constraints) for t in metadata.tables.values())
            if runs[-1] > timeout:
                break
    finally:
        engine.dispose()
    return runs, cpu, tables, fks, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of fkmap's reader (median)")
    parser.add_argument("--reflect-repeat", type=int, default=1, help="runs of SQLAlchemy reflection")
    parser.add_argument(
        "--reflect-timeout", type=float, default=300.0, help="stop repeating after a slow run"
    )
    parser.add_argument("--rebuild", action="store_true", help="re-create the benchmark database")
    parser.add_argument(
        "--no-try-default",
        dest="try_default",
        action="store_false",
        help="skip the one run of reflect() with its default resolve_fks=True",
    )
    args = parser.parse_args(argv)

    built = build(args.rebuild)
    if built:
        print(f"created {DBNAME} ({TABLES} tables, {TABLES * FKS_PER_TABLE} FKs) in {built:.1f} s")
    ours, our_tables, our_fks = time_ours(args.repeat)
    ours_median = statistics.median(ours)
    shown = ", ".join(f"{r:.3f}" for r in ours)
    print(f"fkmap ingest_dsn: median {ours_median:.3f} s of {len(ours)} runs ({shown})")

    our_cpu = [cpu_ours() for _ in range(args.repeat)]
    load = os.getloadavg()[0]

    default_error = ""
    if args.try_default:
        # What ER tools call: reflect() with resolve_fks=True follows every FK to
        # the referenced table recursively.
        default_error = time_reflection(1, args.reflect_timeout, resolve_fks=True)[-1]
        print(f"SQLAlchemy reflect(engine): {default_error or 'ok'}")
    reflect, reflect_cpu, ref_tables, ref_fks, error = time_reflection(
        args.reflect_repeat, args.reflect_timeout, resolve_fks=False
    )
    if error or not reflect:
        print(f"SQLAlchemy reflect(engine, resolve_fks=False) failed: {error}")
        return 1
    reflect_median = statistics.median(reflect)
    ratio = reflect_median / ours_median

    def cpu_total(samples: list[tuple[float, float | None]]) -> float | None:
        totals = [c + s for c, s in samples if s is not None]
        return statistics.median(totals) if totals else None

    ours_cpu, reflect_cpu_total = cpu_total(our_cpu), cpu_total(reflect_cpu)
    cpu_ratio = reflect_cpu_total / ours_cpu if ours_cpu and reflect_cpu_total else None

    def shown_cpu(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    rows = [
        ("fkmap ingest_dsn", ours_median, ours_cpu, len(ours), our_tables, our_fks),
        (
            "SQLAlchemy reflect (no resolve)",
            reflect_median,
            reflect_cpu_total,
            len(reflect),
            ref_tables,
            ref_fks,
        ),
    ]
    print(f"{'reader':<32} {'wall s':>8} {'cpu s':>8} {'runs':>5} {'tables':>8} {'FKs':>8}")
    for name, median, cpu, runs, tables, fks in rows:
        print(f"{name:<32} {median:>8.3f} {shown_cpu(cpu):>8} {runs:>5} {tables:>8} {fks:>8}")
    print(
        f"ratio (reflection / fkmap): wall {ratio:.1f}x, cpu "
        f"{'n/a' if cpu_ratio is None else f'{cpu_ratio:.1f}x'}; load average {load:.1f} "
        f"on {os.cpu_count()} CPUs; target: fkmap < 1 s and >= 10x"
    )

    OUT.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "database": DBNAME,
        "tables": TABLES,
        "foreign_keys": TABLES * FKS_PER_TABLE,
        "load_average_1m": load,
        "cpus": os.cpu_count(),
        "fkmap": {
            "call": "ingest.catalogs.postgres.ingest_dsn(dsn)",
            "runs_s": ours,
            "median_s": ours_median,
            "cpu_client_server_s": our_cpu,
            "median_cpu_s": ours_cpu,
            "tables": our_tables,
            "foreign_keys": our_fks,
        },
        "sqlalchemy_reflect": {
            "call": "MetaData().reflect(connection, resolve_fks=False)",
            "default_call_result": default_error or ("ok" if args.try_default else "not run"),
            "runs_s": reflect,
            "median_s": reflect_median,
            "cpu_client_server_s": reflect_cpu,
            "median_cpu_s": reflect_cpu_total,
            "tables": ref_tables,
            "foreign_keys": ref_fks,
        },
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "target_met": ours_median < 1.0 and ratio >= 10.0,
        "python": platform.python_version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
