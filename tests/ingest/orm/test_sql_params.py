"""Bound parameters of Sequelize's ``sequelize.query(sql, { replacements | bind })`` are values,
not SQL syntax errors."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.js_projects import ingest_js
from ingest.orm.sql_params import bind_parameters
from tests.ingest.orm.orm_helpers import write

MIGRATION = """
    module.exports = {
      up: async (queryInterface, Sequelize) => {
        await queryInterface.createTable("documents", { id: { type: Sequelize.UUID, primaryKey: true } });
        await queryInterface.sequelize.query(
          `update documents set "text" = :text where id = :id`, {OPTIONS});
      },
    };
"""


def _scan(tmp_path: Path, options: str) -> list[tuple[str, str, int]]:
    files = {
        "package.json": '{"name": "docs", "dependencies": {"sequelize": "^6"}}',
        "migrations/20200101000000-fix.js": MIGRATION.replace("{OPTIONS}", options),
    }
    inv = ingest_js(write(tmp_path, files))
    assert [t.ref.name for t in inv.tables] == ["documents"]
    return [(d.severity, d.code, d.line) for d in inv.diagnostics]


def test_replacements_are_values_not_syntax_errors(tmp_path: Path) -> None:
    assert _scan(tmp_path / "r", "{ replacements: { text: '', id: 'x' } }") == []
    assert _scan(tmp_path / "b", "{ bind: ['', 'x'] }") == []


def test_without_replacements_a_colon_is_still_a_syntax_error(tmp_path: Path) -> None:
    assert _scan(tmp_path, "{ transaction }") == [("error", "parse-error", 5)]


def test_quoted_text_casts_and_dollar_quotes_are_kept() -> None:
    sql = "update t set a = ':x', b = ?::text, c = $1 where d = $name and e = \"col:x\" /* :y */"
    assert bind_parameters(sql) == (
        "update t set a = ':x', b = NULL::text, c = NULL where d = NULL and e = \"col:x\" /* :y */"
    )
    assert bind_parameters("do $body$ begin end $body$") == "do $body$ begin end $body$"
