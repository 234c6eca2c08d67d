"""Code-declared schemas in folder scans and in the registry: detection, single files, SQL next to them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from ingest import read_source
from ingest.registry import reader_for
from tests.ingest.orm.orm_py_helpers import codes, fks, write

RAILS_SCHEMA = """
ActiveRecord::Schema.define(version: 1) do
  create_table "users"
  create_table "posts" do |t|
    t.references :user, foreign_key: true
  end
end
"""
DJANGO_MODELS = """
from django.db import models


class Shop(models.Model):
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
"""
REVISION = """
revision = "r1"
down_revision = None


def upgrade():
    op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("b", sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id")))
"""
SA_MODELS = """
from sqlalchemy import Column, ForeignKey, Integer


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("items.id"))
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write(
        tmp_path / "repo",
        {
            "services/rails-app/db/schema.rb": RAILS_SCHEMA,
            "services/shop/manage.py": "",
            "services/shop/shops/models.py": DJANGO_MODELS,
            "services/jobs/alembic.ini": "[alembic]\n",
            "services/jobs/alembic/versions/r1.py": REVISION,
            "services/catalog/pyproject.toml": "",
            "services/catalog/catalog/models.py": SA_MODELS,
            "services/billing/migrations/001_init.sql": (
                "CREATE TABLE invoices (id int PRIMARY KEY);\n"
                "CREATE TABLE lines (invoice_id int REFERENCES invoices);\n"
            ),
            "services/rails-app/spec/dummy/db/schema.rb": RAILS_SCHEMA.replace("users", "fixtures"),
        },
    )


def test_a_folder_scan_finds_every_stack(repo: Path) -> None:
    inv = read_source(str(repo))
    assert {(fk.table.database, fk.table.name, fk.columns, fk.ref_table.name) for fk in inv.foreign_keys} == {
        ("services/billing/migrations", "lines", ("invoice_id",), "invoices"),
        ("services/rails-app/db", "posts", ("user_id",), "users"),
        ("services/shop", "shops_shop", ("owner_id",), "auth_user"),
        ("services/jobs/alembic/versions", "b", ("a_id",), "a"),
        ("services/catalog", "items", ("parent_id",), "items"),
    }
    assert {m.database for m in inv.migrations} == {
        "services/billing/migrations",
        "services/rails-app/db",
        "services/shop",
        "services/jobs/alembic/versions",
        "services/catalog",
    }
    assert [c for c, _, _ in codes(inv)] == ["orm-external"]


@pytest.mark.parametrize(
    ("rel", "name"),
    [
        ("services/rails-app", "rails"),
        ("services/rails-app/db/schema.rb", "rails"),
        ("services/shop", "django"),
        ("services/shop/shops/models.py", "django"),
        ("services/jobs", "alembic"),
        ("services/jobs/alembic/versions/r1.py", "alembic"),
        ("services/catalog/catalog/models.py", "sqlalchemy"),
        ("services/billing/migrations", "migrations"),
        ("services", "migrations"),
    ],
)
def test_the_registry_recognises_each_layout(repo: Path, rel: str, name: str) -> None:
    assert reader_for(str(repo / rel)).name == name


def test_a_recognised_folder_is_read_whole(repo: Path) -> None:
    assert (
        read_source(str(repo / "services")).foreign_keys
        == read_source(str(repo / "services/shop/..")).foreign_keys
    )
    inv = read_source(str(repo / "services/rails-app"))
    assert fks(inv) == {("posts", ("user_id",), "users", ("id",), "NO ACTION")}
    assert {fk.table.database for fk in inv.foreign_keys} == {"db"}


def test_single_files(repo: Path) -> None:
    schema = repo / "services/rails-app/db/schema.rb"
    inv = read_source(str(schema))
    assert {(fk.table.database, fk.table.name) for fk in inv.foreign_keys} == {(str(schema.parent), "posts")}
    assert fks(read_source(str(repo / "services/catalog/catalog/models.py"))) == {
        ("items", ("parent_id",), "items", ("id",), "NO ACTION")
    }
    assert fks(read_source(str(repo / "services/jobs/alembic.ini"))) == {
        ("b", ("a_id",), "a", ("id",), "NO ACTION")
    }
    assert fks(read_source(str(repo / "services/shop/manage.py"))) == {
        ("shops_shop", ("owner_id",), "auth_user", ("id",), "CASCADE")
    }


def test_rails_structure_sql_carries_the_schema(tmp_path: Path) -> None:
    root = write(
        tmp_path / "app",
        {
            "db/structure.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "db/migrate/20240101000000_users.rb": "class U < ActiveRecord::Migration[7.1]\n"
            "  def change\n    create_table :users\n    create_table :posts do |t|\n"
            "      t.references :user, foreign_key: true\n    end\n  end\nend\n",
        },
    )
    inv = read_source(str(root))
    assert {t.ref.name for t in inv.tables} == {"users"}
    assert [c for c, _, _ in codes(inv)] == ["orm-sql"]


def test_fkmap_scan_finds_them_with_no_flags(repo: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(repo / "services/rails-app"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(fk["table"]["name"], fk["referenced_table"]["name"]) for fk in data["foreign_keys"]] == [
        ("posts", "users")
    ]


def test_a_missing_parser_fails_only_the_code_schemas(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ingest.orm.rails", None)  # as if tree-sitter were not installed
    inv = read_source(str(repo))
    assert fks(inv) == {("lines", ("invoice_id",), "invoices", ("id",), "NO ACTION")}
    assert [(d.severity, d.code) for d in inv.diagnostics] == [("error", "unsupported")]
