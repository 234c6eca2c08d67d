"""The bench's own pieces do what its figures rely on (no timing is asserted: that is ``make bench``'s job).

* every generated ORM project is read by fkmap into exactly the foreign keys it declares;
* the generated tree's services are units with code that the ownership inference reads;
* the parse-limit baseline cuts a dump only between statements and loses no byte;
* the floor measures every part it adds up, over every table and foreign key of the scan;
* the README's Performance section is replaced and nothing else;
* browser ratios are taken against the demo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.browser_bench import with_ratios
from bench.generate_orm import STACKS, make_stack
from bench.generate_tree import Size, make_tree
from bench.parse_limit import pieces
from bench.procs import fkmap, floor
from bench.report import update_readme
from ingest.migrations.sets import read
from ownership.scan import scan


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_each_orm_project_gives_exactly_its_foreign_keys(tmp_path: Path, stack: str) -> None:
    facts = make_stack(tmp_path / stack, stack, 9)
    inv = read(str(tmp_path / stack))
    found = {
        (fk.table.name, fk.ref_table.name)
        for fk in inv.foreign_keys
        if fk.dropped_at is None and fk.origin == "declared"
    }
    names = sorted({t.ref.name for t in inv.tables if not t.external})
    base = names[0].rstrip("0123456789")  # widgets_, shop_item, items_
    assert found == {(f"{base}{i}", f"{base}{i // 2}") for i in range(1, 9)}, inv.diagnostics
    assert facts["fks"] == 8 and len(names) == 9
    assert [d for d in inv.diagnostics if d.severity != "info"] == []


def test_the_tree_has_services_with_code_that_reads_their_tables(tmp_path: Path) -> None:
    facts = make_tree(tmp_path / "tree", Size("T", 60, 90, 15, 3))
    inv = scan([str(tmp_path / "tree")])
    assert facts["code_files"] == 3
    present = {
        (fk.table.schema, fk.table.name, fk.columns, fk.ref_table.schema, fk.ref_table.name, fk.ref_columns)
        for fk in inv.foreign_keys
        if fk.dropped_at is None
    }
    assert present == set(facts["fks"])
    assert {t.service for t in inv.tables if not t.external} == {"auth", "users", "billing"}
    evidence = {e.kind for t in inv.tables for e in t.owner_evidence}
    assert "unit" in evidence


def test_the_parse_limit_cuts_between_statements_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.parse_limit as pl

    monkeypatch.setattr(pl, "PIECE", 40)
    text = "".join(f"CREATE TABLE t{i} (id int);\n\n" for i in range(10))
    parts = pieces(text)
    assert "".join(parts) == text
    assert len(parts) > 1 and all(p.endswith(";\n\n") for p in parts)


def test_the_floor_covers_every_table_and_foreign_key_of_the_scan(tmp_path: Path) -> None:
    dump = tmp_path / "dump.sql"
    tables = [f"CREATE TABLE app.t{i} (id bigint PRIMARY KEY, up bigint, name text);" for i in range(30)]
    keys = [f"ALTER TABLE ONLY app.t{i} ADD CONSTRAINT t{i}_up FOREIGN KEY (up) REFERENCES app.t{i - 1}(id);"
            for i in range(1, 30)]  # fmt: skip
    dump.write_text("\n\n".join([*tables, *keys]) + "\n", encoding="utf-8")
    doc = tmp_path / "scan.json"
    assert fkmap(["scan", str(dump), "--format", "json", "--no-cache", "-o", str(doc)])["status"] == "ok"

    found = floor([str(dump)], doc)

    assert found["status"] == "ok", found
    assert (found["creates"], found["records"]) == (30, 30 + 29)
    assert found["bytes"] == len(doc.read_bytes().rstrip(b"\n"))  # the document as fkmap lays it out
    parts = [found[f"{k}_cpu_s"] for k in ("start", "parse", "decode", "model", "encode")]
    assert all(p >= 0 for p in parts) and found["start_cpu_s"] > 0
    assert found["floor_cpu_s"] == pytest.approx(sum(parts), abs=1e-3)


def test_update_readme_replaces_the_performance_section_only(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n## Usage\n\nu\n\n## Performance\n\nold\n\n## Deployment\n\nd\n", encoding="utf-8"
    )
    update_readme("## Performance\n\nnew\n", readme)
    assert (
        readme.read_text(encoding="utf-8")
        == "# x\n\n## Usage\n\nu\n\n## Performance\n\nnew\n\n## Deployment\n\nd\n"
    )


def test_browser_ratios_are_against_the_demo() -> None:
    results: dict[str, dict[str, Any]] = {
        "demo": {"status": "ok", "tables_graph": {"paint_ms": 200.0, "filter_browser_ms": 50.0}},
        "20000": {"status": "ok", "tables_graph": {"paint_ms": 900.0, "filter_browser_ms": 500.0}},
        "2000": {"status": "timed out"},
    }
    out = with_ratios(results)
    assert out["20000"]["ratios"] == {"tables_graph.paint_ms": 4.5, "tables_graph.filter_browser_ms": 10.0}
    assert "ratios" not in out["demo"] and "ratios" not in out["2000"]
