"""The floor of a scan in fkmap's design: the work every ``scan --format json`` of an input must do.

Not a unit test. Run as its own process by ``make bench`` (:func:`bench.procs.floor`):
``python bench/floor.py LIST SCAN_JSON``, where LIST holds the paths the parse limit reads
(``bench/parse_limit.py``) and SCAN_JSON is the document fkmap's scan of them wrote. It prints one
JSON line of CPU seconds, each part measured alone in this process, with the cyclic collector off
(as fkmap runs these stages):

* ``start``: the interpreter's start-up and the imports any scan needs (pglast's parser, msgspec,
  click);
* ``parse``: libpg_query over the bytes, in the parse limit's pieces (the parse limit again);
* ``decode``: the ``CreateStmt`` trees of that output decoded into the structs fkmap reads them
  into (:data:`ingest.migrations.postgres_typed.CreateStmt`: only the fields it reads), everything
  else skipped;
* ``model``: the neutral model's objects (:mod:`model.inventory`'s frozen dataclasses) for the
  scan's tables, columns, keys, evidence and foreign keys, built once, with one shared
  :class:`~model.inventory.TableRef` per table and one object per distinct column;
* ``encode``: the scan document's bytes, indented, from its values (msgspec).

``floor`` is their sum: what a scan costs if reading files, turning trees into operations,
replaying them, deciding owners, building the graph and the analysis, and laying out the
document cost nothing at all.
"""

from __future__ import annotations

import time

_STARTED = time.process_time()  # the interpreter's start-up, before any import of this script

import contextlib  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402, F401  (every fkmap command imports it)
import msgspec  # noqa: E402
from pglast.parser import ParseError, parse_sql_json  # noqa: E402

_START = time.process_time()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse_limit import pieces  # noqa: E402
from ingest.migrations.postgres_typed import CreateStmt  # noqa: E402
from model.inventory import Column, Evidence, ForeignKey, Location, Table, TableRef  # noqa: E402


class _Stmt(msgspec.Struct):
    CreateStmt: CreateStmt | None = None


class _Raw(msgspec.Struct):
    stmt: _Stmt


class _Parsed(msgspec.Struct):
    stmts: list[_Raw] = []


def _timed(work: Any, *args: Any) -> tuple[float, Any]:
    cpu = time.process_time()
    result = work(*args)
    return time.process_time() - cpu, result


def _parse(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        for piece in pieces(text):
            with contextlib.suppress(ParseError):  # the parse limit counts those; nothing to decode
                out.append(parse_sql_json(piece))
    return out


def _decode(trees: list[str]) -> int:
    decoder = msgspec.json.Decoder(_Parsed)
    return sum(1 for tree in trees for raw in decoder.decode(tree).stmts if raw.stmt.CreateStmt)


def _location(where: dict[str, Any] | None) -> Location | None:
    return None if where is None else Location(where["path"], where["line"])


def _key(t: dict[str, Any]) -> tuple[str, str, str]:
    return (t["database"], t["schema"], t["name"])


def _values(doc: dict[str, Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The scan's tables and foreign keys as plain values (not measured)."""
    tables = [
        (
            _key(t),
            [(c["name"], c["type"], c["nullable"]) for c in t["columns"]],
            tuple(t["primary_key"]),
            t["defined_at"],
            t["service"],
            [(e["kind"], e["service"], e["detail"], e["path"], e["line"]) for e in t["owner_evidence"]],
        )
        for t in doc["tables"]
    ]
    fks = [
        (
            f["name"],
            _key(f["table"]),
            tuple(f["columns"]),
            _key(f["referenced_table"]),
            tuple(f["referenced_columns"]),
            f["on_delete"],
            f["added_at"],
        )
        for f in doc["foreign_keys"]
    ]
    return tables, fks


def _model(tables: list[tuple[Any, ...]], fks: list[tuple[Any, ...]]) -> int:
    refs: dict[tuple[str, str, str], TableRef] = {}
    columns: dict[tuple[str, str, bool], Column] = {}
    built: list[Any] = []
    for key, cols, pk, defined, service, evidence in tables:
        ref = refs[key] = TableRef(*key)
        own = tuple(columns.get(c) or columns.setdefault(c, Column(*c)) for c in cols)
        why = tuple(Evidence(*e) for e in evidence)
        built.append(Table(ref, own, pk, False, _location(defined), None, service, owner_evidence=why))
    for name, table, cols, ref_table, ref_cols, on_delete, added in fks:
        source = refs.get(table) or refs.setdefault(table, TableRef(*table))
        target = refs.get(ref_table) or refs.setdefault(ref_table, TableRef(*ref_table))
        built.append(ForeignKey(name, source, cols, target, ref_cols, on_delete, added_at=_location(added)))
    return len(built)


def _encode(doc: dict[str, Any]) -> int:
    return len(msgspec.json.format(msgspec.json.encode(doc), indent=2))


def main(argv: list[str]) -> int:
    gc.disable()
    paths = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    doc = msgspec.json.decode(Path(argv[1]).read_bytes())
    tables, fks = _values(doc)
    parts: dict[str, float] = {"start": _START}
    parts["parse"], trees = _timed(_parse, texts)
    parts["decode"], creates = _timed(_decode, trees)
    del trees
    parts["model"], records = _timed(_model, tables, fks)
    parts["encode"], size = _timed(_encode, doc)
    result = {f"{k}_cpu_s": round(v, 4) for k, v in parts.items()}
    result["floor_cpu_s"] = round(sum(parts.values()), 4)
    result.update(interpreter_cpu_s=round(_STARTED, 4), creates=creates, records=records, bytes=size)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
