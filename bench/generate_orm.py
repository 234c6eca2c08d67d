"""Benchmark inputs for the readers of schemas declared in code: one generated project per stack.

Not a unit test. :func:`make_stack` writes a project of ``n`` tables in the shape of one stack,
table ``i`` (``i > 0``) holding a foreign key to table ``i // 2``, so every stack declares
``n - 1`` foreign keys, read statically (:mod:`ingest.orm`):

* ``rails``: ``db/migrate/*.rb`` (one ``create_table`` with ``t.references ... foreign_key:``
  each) and the ``db/schema.rb`` they lead to (``add_foreign_key``);
* ``django``: one app's ``models.py`` and one migration per model (``CreateModel``);
* ``sqlalchemy``: declarative models, and an Alembic revision chain (``op.create_table``);
* ``sequelize``: one model file per table (``sequelize.define``, ``references``) and one
  ``queryInterface.createTable`` migration each;
* ``typeorm``: one entity per table (``@ManyToOne`` + ``@JoinColumn``);
* ``knex``: one migration per table (``.references('id').inTable(...)``);
* ``liquibase``: a master changelog including one YAML changelog per table.

:func:`ensure_stacks` writes them under ``bench/out/inputs/orm/<stack>`` once.
Usage: ``.venv/bin/python bench/generate_orm.py [--tables 300]``
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["STACKS", "ensure_stacks", "make_stack"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "out" / "inputs" / "orm"
VERSION = 1

Files = Iterator[tuple[str, str]]


def _parent(i: int) -> int:
    return i // 2


def _rails(n: int) -> Files:
    yield "Gemfile", 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\n'
    schema = ["ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do"]
    for i in range(n):
        ref = (
            f"      t.references :parent, null: false, foreign_key: {{ to_table: :widgets_{_parent(i)} }}\n"
            if i
            else ""
        )
        yield (
            f"db/migrate/2024{i:010d}_create_widgets_{i}.rb",
            f"class CreateWidgets{i} < ActiveRecord::Migration[7.1]\n  def change\n"
            f"    create_table :widgets_{i} do |t|\n      t.string :name\n{ref}    end\n  end\nend\n",
        )
        parent = '    t.bigint "parent_id", null: false\n' if i else ""
        schema.append(
            f'  create_table "widgets_{i}", force: :cascade do |t|\n    t.string "name"\n{parent}  end'
        )
    schema += [
        f'  add_foreign_key "widgets_{i}", "widgets_{_parent(i)}", column: "parent_id"' for i in range(1, n)
    ]
    yield "db/schema.rb", "\n".join([*schema, "end"]) + "\n"


def _django(n: int) -> Files:
    yield "manage.py", ""
    yield "shop/__init__.py", ""
    yield "shop/migrations/__init__.py", ""
    models = ["from django.db import models\n"]
    for i in range(n):
        fk = f'    parent = models.ForeignKey("Item{_parent(i)}", on_delete=models.CASCADE)\n' if i else ""
        models.append(f"\nclass Item{i}(models.Model):\n    name = models.CharField(max_length=20)\n{fk}")
        deps = f'[("shop", "{i:04d}_item{i - 1}")]' if i else "[]"
        field = (
            f'{" " * 16}("parent", models.ForeignKey('
            f'on_delete=models.CASCADE, to="shop.item{_parent(i)}")),\n'
            if i
            else ""
        )
        yield (
            f"shop/migrations/{i + 1:04d}_item{i}.py",
            "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
            f"    dependencies = {deps}\n    operations = [\n        migrations.CreateModel(\n"
            f'            name="Item{i}",\n            fields=[\n'
            '                ("id", models.AutoField(primary_key=True)),\n'
            '                ("name", models.CharField(max_length=20)),\n'
            f"{field}            ],\n        ),\n    ]\n",
        )
    yield "shop/models.py", "\n".join(models)


def _sqlalchemy(n: int) -> Files:
    yield "pyproject.toml", '[project]\nname = "store"\nversion = "1.0"\n'
    yield "alembic.ini", "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://u@h/db\n"
    yield "migrations/env.py", "target_metadata = None\n"
    models = [
        "from sqlalchemy import Column, ForeignKey, Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
    ]
    for i in range(n):
        fk = (
            f'    parent_id = Column(Integer, ForeignKey("items_{_parent(i)}.id", ondelete="CASCADE"))\n'
            if i
            else ""
        )
        models.append(
            f'\nclass Item{i}(Base):\n    __tablename__ = "items_{i}"\n'
            f"    id = Column(Integer, primary_key=True)\n    name = Column(String(20))\n{fk}"
        )
        down = f'"r{i - 1:05d}"' if i else "None"
        col = (
            f'{" " * 8}sa.Column("parent_id", sa.Integer,'
            f' sa.ForeignKey("items_{_parent(i)}.id", ondelete="CASCADE")),\n'
            if i
            else ""
        )
        yield (
            f"migrations/versions/r{i:05d}_items_{i}.py",
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f'revision = "r{i:05d}"\ndown_revision = {down}\n\n\n'
            f'def upgrade():\n    op.create_table(\n        "items_{i}",\n'
            '        sa.Column("id", sa.Integer, primary_key=True),\n'
            f'        sa.Column("name", sa.String(20)),\n{col}    )\n\n\n'
            f'def downgrade():\n    op.drop_table("items_{i}")\n',
        )
    yield "app/models.py", "\n".join(models)


def _sequelize(n: int) -> Files:
    yield "package.json", json.dumps({"name": "shop", "dependencies": {"sequelize": "^6"}}) + "\n"
    for i in range(n):
        ref = (
            "  parentId: { type: DataTypes.INTEGER,"
            f" references: {{ model: 'items_{_parent(i)}', key: 'id' }},"
            " onDelete: 'CASCADE' },\n"
            if i
            else ""
        )
        yield (
            f"src/models/item{i}.js",
            "const { DataTypes } = require('sequelize');\n"
            f"module.exports = (sequelize) => sequelize.define('Item{i}', {{\n"
            f"  name: {{ type: DataTypes.STRING }},\n{ref}}}, {{ tableName: 'items_{i}' }});\n",
        )
        mref = ref.replace("DataTypes", "Sequelize").replace("  parentId", "      parentId")
        yield (
            f"src/migrations/2024{i:010d}-create-item{i}.js",
            "module.exports = {\n  async up(queryInterface, Sequelize) {\n"
            f"    await queryInterface.createTable('items_{i}', {{\n"
            "      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },\n"
            "      name: { type: Sequelize.STRING },\n"
            "      createdAt: { type: Sequelize.DATE }, updatedAt: { type: Sequelize.DATE },\n"
            f"{mref}    }});\n  }},\n"
            "  async down(queryInterface) {\n"
            f"    await queryInterface.dropTable('items_{i}');\n  }},\n}};\n",
        )


def _typeorm(n: int) -> Files:
    yield "package.json", json.dumps({"name": "api", "dependencies": {"typeorm": "^0.3"}}) + "\n"
    for i in range(n):
        p = _parent(i)
        rel = (
            f"  @ManyToOne(() => Item{p}, {{ onDelete: 'CASCADE' }})\n"
            f"  @JoinColumn({{ name: 'parent_id' }})\n  parent: Item{p};\n"
            if i
            else ""
        )
        imports = f"import {{ Item{p} }} from './item{p}';\n" if i else ""
        yield (
            f"src/entities/item{i}.ts",
            "import { Entity, Column, PrimaryGeneratedColumn, ManyToOne, JoinColumn } from 'typeorm';\n"
            f"{imports}\n@Entity('items_{i}')\nexport class Item{i} {{\n"
            f"  @PrimaryGeneratedColumn() id: number;\n  @Column() name: string;\n{rel}}}\n",
        )


def _knex(n: int) -> Files:
    yield "package.json", json.dumps({"name": "billing", "dependencies": {"knex": "^3", "pg": "^8"}}) + "\n"
    for i in range(n):
        ref = (
            "    t.integer('parent_id').references('id')"
            f".inTable('items_{_parent(i)}').onDelete('CASCADE');\n"
            if i
            else ""
        )
        yield (
            f"migrations/2024{i:010d}_items_{i}.js",
            f"exports.up = function (knex) {{\n  return knex.schema.createTable('items_{i}', (t) => {{\n"
            f"    t.increments('id');\n    t.string('name');\n{ref}  }});\n}};\n\n"
            f"exports.down = (knex) => knex.schema.dropTable('items_{i}');\n",
        )


def _liquibase(n: int) -> Files:
    res = "service/src/main/resources"
    yield "service/pom.xml", "<project/>\n"
    includes = []
    for i in range(n):
        fk = (
            "                - column:\n                    name: parent_id\n"
            "                    type: BIGINT\n"
            "                    constraints:\n"
            f"                      references: items_{_parent(i)}(id)\n"
            f"                      foreignKeyName: fk_items_{i}_parent\n"
            if i
            else ""
        )
        includes.append(f'  <include file="changes/{i:05d}-items.yaml" relativeToChangelogFile="true"/>')
        yield (
            f"{res}/db/changelog/changes/{i:05d}-items.yaml",
            "databaseChangeLog:\n  - changeSet:\n"
            f"      id: {i}\n      author: bench\n      changes:\n        - createTable:\n"
            f"            tableName: items_{i}\n            columns:\n"
            "                - column:\n                    name: id\n                    type: BIGINT\n"
            "                    constraints:\n                      primaryKey: true\n"
            f"{fk}",
        )
    yield (
        f"{res}/db/changelog/db.changelog-master.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n'
        + "\n".join(includes)
        + "\n</databaseChangeLog>\n",
    )


#: Stack name -> writer of its files (relative path, text).
STACKS: dict[str, Callable[[int], Files]] = {
    "rails": _rails,
    "django": _django,
    "sqlalchemy": _sqlalchemy,
    "sequelize": _sequelize,
    "typeorm": _typeorm,
    "knex": _knex,
    "liquibase": _liquibase,
}


def make_stack(root: Path, stack: str, n: int) -> dict[str, int]:
    """Write stack ``stack``'s project of ``n`` tables under ``root`` (emptied first); files, bytes, FKs."""
    if root.exists():
        shutil.rmtree(root)
    files = size = 0
    for rel, text in STACKS[stack](n):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1
        size += len(text.encode("utf-8"))
    return {"tables": n, "fks": n - 1, "files": files, "bytes": size}


def ensure_stacks(n: int, out: Path = DEFAULT_OUT) -> dict[str, dict[str, object]]:
    """Every stack's project of ``n`` tables under ``out/<stack>``, written unless current; their facts."""
    stamp = out / "facts.json"
    try:
        facts: dict[str, dict[str, object]] = json.loads(stamp.read_text(encoding="utf-8"))
        if facts.pop("_version", None) == {"version": VERSION, "tables": n}:
            return facts
    except (OSError, ValueError):
        pass
    facts = {}
    for stack in STACKS:
        facts[stack] = {**make_stack(out / stack, stack, n), "path": str(out / stack)}
    stamp.write_text(
        json.dumps({**facts, "_version": {"version": VERSION, "tables": n}}) + "\n", encoding="utf-8"
    )
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for stack, f in ensure_stacks(args.tables, args.out).items():
        print(
            f"{stack}: {f['files']} files, {int(str(f['bytes'])) / 1e6:.2f} MB, {f['fks']} FKs -> {f['path']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
