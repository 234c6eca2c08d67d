"""Benchmark inputs: a microservice repository (migrations and code) and a pg_dump-style file, S to XL.

Not a unit test. For each size, :func:`ensure_inputs` writes (once; reused while
:data:`GENERATOR_VERSION` holds) the tree of :func:`bench.generate_tree.make_tree` --
services in four migration layouts, FKs within and across them, and each service's code
(:mod:`bench.generate_code`) -- and the lean ``pg_dump``-style file of
``tests/ingest/pgdump_fixture.make_pg_dump(n, lean=True)`` (:func:`make_dump`), with the FK
set each must give.

Sizes (:data:`SIZES`): S 100 tables / 150 FKs / 25 files, M 2,000 / 3,000 / 500,
L 20,000 / 30,000 / 5,000 files (about 10 MB of DDL), XL 100,000 / 150,000 / 25,000 files
(about 55 MB). Both writers go file by file and statement by statement, so XL takes seconds
and little memory. Output is deterministic.

Usage: ``.venv/bin/python bench/generate.py [S|M|L|XL ...] [--out bench/out/inputs]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate_tree import FKTuple, Size, make_tree  # noqa: E402
from tests.ingest.pgdump_fixture import expected_fk_count, make_pg_dump  # noqa: E402

__all__ = ["SIZES", "FKTuple", "Size", "ensure_inputs", "make_dump", "make_tree"]

SIZES: dict[str, Size] = {
    "S": Size("S", 100, 150, 25, 5),
    "M": Size("M", 2_000, 3_000, 500, 20),
    "L": Size("L", 20_000, 30_000, 5_000, 40),
    "XL": Size("XL", 100_000, 150_000, 25_000, 100),
}

#: Bump when the generated text changes, so stale inputs on disk are rewritten.
GENERATOR_VERSION = 6
DEFAULT_OUT = ROOT / "bench" / "out" / "inputs"


def make_dump(path: Path, tables: int) -> dict[str, Any]:
    """Write the lean pg_dump-style file of ``tables`` tables to ``path``; its facts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(make_pg_dump(tables, lean=True), encoding="utf-8")
    fks = sorted(
        {("app", f"t{i}", ("owner_id",), "app", "t0", ("id",)) for i in range(1, tables)}
        | {("app", f"t{i}", ("parent_id",), "app", f"t{i // 2}", ("id",)) for i in range(1, tables)}
    )
    assert len(fks) == expected_fk_count(tables)
    return {"tables": tables, "fks": fks, "files": 1, "bytes": path.stat().st_size}


def _jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    return {**facts, "fks": [[a, b, list(c), d, e, list(f)] for a, b, c, d, e, f in facts["fks"]]}


def _load_fks(data: list[list[Any]]) -> list[FKTuple]:
    return [(a, b, tuple(c), d, e, tuple(f)) for a, b, c, d, e, f in data]


def ensure_inputs(name: str, out: Path = DEFAULT_OUT) -> dict[str, dict[str, Any]]:
    """Generate size ``name``'s tree and dump under ``out/<name>`` unless current; their facts.

    Returns ``{"tree": {path, tables, fks, files, bytes}, "dump": {...}}``.
    """
    size = SIZES[name]
    base = out / name
    stamp = base / "facts.json"
    if stamp.exists():
        try:
            facts = json.loads(stamp.read_text(encoding="utf-8"))
            if facts.get("version") == GENERATOR_VERSION:
                for kind in ("tree", "dump"):
                    facts[kind]["fks"] = _load_fks(facts[kind]["fks"])
                return {"tree": facts["tree"], "dump": facts["dump"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    tree = make_tree(base / "tree", size)
    tree["path"] = str(base / "tree")
    dump = make_dump(base / "dump.sql", size.tables)
    dump["path"] = str(base / "dump.sql")
    record = {"version": GENERATOR_VERSION, "tree": _jsonable(tree), "dump": _jsonable(dump)}
    stamp.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return {"tree": tree, "dump": dump}


def _iter_sizes(names: list[str]) -> Iterator[Size]:
    for n in names or list(SIZES):
        yield SIZES[n.upper()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", help="S, M, L and/or XL (default all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for size in _iter_sizes(args.sizes):
        facts = ensure_inputs(size.name, args.out)
        for kind, f in facts.items():
            print(
                f"{size.name} {kind}: {f['files']} files, {int(f['bytes']) / 1e6:.1f} MB, "
                f"{f['tables']} tables, {len(f['fks'])} FKs -> {f['path']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
