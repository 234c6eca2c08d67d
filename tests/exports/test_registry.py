"""The FORMATS registry: every writer loads, each subject's ``--format`` words, whole-scan formats."""

from __future__ import annotations

import io
import json

import pytest

from checks.baseline import check
from checks.drift import diff_inventories
from exports import EXPORTERS, FORMATS, ScopeError, choices, export, render, render_text
from exports.check_report import format_github, format_json, format_text
from exports.drift_report import render_drift_json, render_drift_text
from exports.scan_json import render_json
from exports.sqlgen import drop_script, orphan_checks_script, rollback_script
from exports.text_report import render_table
from graph.build import build_graph
from graph.scope import Scope
from tests.exports.export_fixture import small_inventory


def test_every_writer_loads_and_names_are_unique_documents() -> None:
    assert set(EXPORTERS) == set(FORMATS)
    assert all(callable(f.write) for f in FORMATS.values())
    assert all(f.suffix.startswith(".") for f in FORMATS.values())
    for subject in ("inventory", "drift", "check", "fks"):
        assert len(choices(subject)) == sum(1 for f in FORMATS.values() if f.subject == subject)


def test_command_words_per_subject() -> None:
    assert {word: f.name for word, f in choices("drift").items()} == {
        "text": "drift-text",
        "json": "drift-json",
    }
    assert list(choices("check")) == ["text", "json", "github"]
    assert list(choices("fks")) == ["drop", "rollback", "orphans"]
    assert "json" in choices("inventory") and choices("inventory")["json"].name == "json"


def test_json_is_the_scan_document_and_table_the_scan_report() -> None:
    inv = small_inventory()
    assert render_text("json", inv) == render_json(inv)
    assert json.loads(render_text("json", inv))["format_version"] == 1
    assert render_text("table", inv) == render_table(inv)
    assert render_text("table", inv, scope=Scope()) == render_table(inv)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_whole_scan_formats_refuse_a_scope_and_a_graph(fmt: str) -> None:
    with pytest.raises(ScopeError, match=f"format '{fmt}' covers the whole scan"):
        render(fmt, small_inventory(), scope=Scope(service="auth"))
    with pytest.raises(TypeError, match="needs the scan"):
        render(fmt, build_graph(small_inventory()))


def test_drift_check_and_sql_formats_write_what_their_functions_return() -> None:
    inv = small_inventory()
    drift = diff_inventories(inv, type(inv)())
    assert render_text("drift-text", drift) == render_drift_text(drift)
    assert render_text("drift-json", drift, diagnostics=inv.diagnostics) == render_drift_json(
        drift, inv.diagnostics
    )
    result = check(inv, [])
    assert render_text("check-text", result) == format_text(result)
    assert render_text("check-json", result) == format_json(result)
    assert render_text("check-github", result, resolve=str.upper) == format_github(result, resolve=str.upper)
    fks = [(fk, "auth") for fk in inv.foreign_keys[:2]]
    assert render_text("sql-drop", fks, title="t") == drop_script(fks, title="t")
    assert render_text("sql-rollback", fks, dialect="mysql") == rollback_script(fks, dialect="mysql")
    assert render_text("sql-orphans", fks) == orphan_checks_script(fks)


def test_render_text_refuses_binary_formats_and_export_unknown_ones() -> None:
    with pytest.raises(ValueError, match="format 'png' writes binary data"):
        render_text("png", small_inventory())
    with pytest.raises(KeyError, match="unknown format 'yaml'"):
        export("yaml", small_inventory(), io.StringIO())
