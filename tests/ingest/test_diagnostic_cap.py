"""At most 100 diagnostics per file, then one that counts the rest, whatever the reader.

A megabyte of garbage used to give one diagnostic per line: 117,000 for a Prisma schema
(317 MB, a 27 MB JSON document), 66,000 for SQL. The rule lives in
:mod:`ingest.diagnostics`; :func:`ingest.read_source` applies it to every reader, and the
replayer and the Prisma parser use it as they go.
"""

from __future__ import annotations

import random
from pathlib import Path

from ingest import read_source
from ingest.diagnostics import MAX_PER_FILE, SUMMARY_CODE, PerFileCap, cap_per_file
from model.inventory import Diagnostic

PRISMA = ["x", "}", "{", "foo", "@@", "=", "(", ")", "model", "String", "?", "[]"]
SQL = ["x", "foo", "=", "SELECT", "CREAT", ",", "FROM", "1", "TABLE", "+"]


def _garbage(lines: int, words: list[str], start: str = "", end: str = "") -> str:
    rng = random.Random(7)
    return "".join(start + " ".join(rng.choice(words) for _ in range(3)) + end + "\n" for _ in range(lines))


def _check_capped(diagnostics: tuple[Diagnostic, ...], path: str, at_least_dropped: int) -> None:
    mine = [d for d in diagnostics if d.path == path]
    summaries = [d for d in mine if d.code == SUMMARY_CODE]
    assert len(mine) == MAX_PER_FILE + 1 and len(summaries) == 1
    [summary] = summaries
    dropped = int(summary.message.split()[1].replace(",", ""))
    assert dropped >= at_least_dropped
    assert summary.severity == "error"
    assert summary.message.endswith(f"only the first {MAX_PER_FILE} of a file are kept")


def test_garbage_prisma_is_100_diagnostics_and_a_count(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(_garbage(20_000, PRISMA), encoding="utf-8")
    inv = read_source(str(path))
    _check_capped(inv.diagnostics, path.as_posix(), 10_000)


def test_garbage_sql_is_100_diagnostics_per_file_and_a_count(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_garbage.sql").write_text(_garbage(5_000, SQL, end=";"), encoding="utf-8")
    (folder / "002_garbage.sql").write_text(_garbage(5_000, SQL, end=";"), encoding="utf-8")
    (folder / "003_good.sql").write_text("CREATE TABLE t (id int);\n", encoding="utf-8")
    inv = read_source(str(tmp_path), dialect="postgres")
    for name in ("001_garbage.sql", "002_garbage.sql"):
        _check_capped(inv.diagnostics, f"migrations/{name}", 4_000)
    assert [t.ref.name for t in inv.tables] == ["t"]


def test_garbage_mysql_too(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    path.write_text(_garbage(3_000, SQL, start="CREATE TABLE t (", end=";"), encoding="utf-8")
    inv = read_source(str(path), dialect="mysql")
    _check_capped(inv.diagnostics, "dump.sql", 2_000)


def test_the_cap_keeps_the_first_and_is_idempotent() -> None:
    flood = [
        Diagnostic("warning" if i % 2 else "error", f"d{i}", "a.sql", i, code="x") for i in range(1, 251)
    ]
    other = [Diagnostic("info", "fine", "b.sql", 1)]
    capped = cap_per_file([*flood, *other])
    assert capped[:MAX_PER_FILE] == flood[:MAX_PER_FILE]
    summary = capped[MAX_PER_FILE]
    assert (summary.code, summary.line, summary.severity) == (SUMMARY_CODE, 101, "error")
    assert summary.message.startswith("and 150 more diagnostics in this file, from line 101")
    assert capped[MAX_PER_FILE + 1 :] == other
    assert cap_per_file(capped) == capped
    cap = PerFileCap(limit=3)
    cap.extend(capped)  # a second, smaller cap adds the first summary's count to its own
    assert cap.result()[-2].message.startswith("and 247 more diagnostics in this file")
