"""Django's ``on_delete``: recorded as declared, marked as the application's, compared as the database has it.

Django carries out ``on_delete=CASCADE`` (``PROTECT``, ``SET_NULL``...) in Python and creates the
constraint with no ``ON DELETE``. fkmap keeps the declared behaviour in ``on_delete`` (what the
remediation must replace) with ``on_delete_enforced_by == "application"``; ``fkmap diff`` against the
database Django migrated finds no drift, and lists those keys apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks.drift import diff_inventories
from cli import main
from exports.drift_report import drift_document, render_drift_text
from exports.sqlgen import add_fk_sql
from ingest.saved import read as read_saved
from model.inventory import ForeignKey, Inventory
from tests.ingest.orm.orm_py_helpers import read, write

PROJECT = {
    "manage.py": "",
    "site_conf/settings.py": 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n',
    "shop/models.py": """
        from django.db import models


        class Customer(models.Model):
            name = models.CharField(max_length=40)


        class Tag(models.Model):
            name = models.CharField(max_length=20)


        class Order(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
            approver = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
            auditor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
            archive = models.ForeignKey(Customer, null=True, on_delete=models.DO_NOTHING, related_name="+")
            fallback = models.ForeignKey(Customer, null=True, on_delete=models.SET(None), related_name="+")
            tags = models.ManyToManyField(Tag)


        class PriorityOrder(Order):
            level = models.IntegerField()
    """,
}

#: ``manage.py sqlmigrate shop 0001`` of the project above, as Django 5.1 printed it.
DJANGO_DDL = Path(__file__).parent / "fixtures" / "django_on_delete" / "sqlmigrate_shop_0001.sql"


def _actions(fks: tuple[ForeignKey, ...]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(fk.table.name, fk.columns[0]): (fk.on_delete, fk.on_delete_enforced_by) for fk in fks}


def test_declared_behaviour_is_kept_and_marked_as_the_applications(tmp_path: Path) -> None:
    inv = read(tmp_path / "site", PROJECT)
    assert _actions(inv.foreign_keys) == {
        ("shop_order", "customer_id"): ("CASCADE", "application"),
        ("shop_order", "approver_id"): ("SET NULL", "application"),
        ("shop_order", "auditor_id"): ("RESTRICT", "application"),
        ("shop_order", "archive_id"): ("NO ACTION", "database"),
        ("shop_order", "fallback_id"): ("SET NULL", "application"),
        ("shop_order_tags", "order_id"): ("CASCADE", "application"),  # Django deletes the links
        ("shop_order_tags", "tag_id"): ("CASCADE", "application"),
        ("shop_priorityorder", "order_ptr_id"): ("CASCADE", "application"),  # the parent link
    }
    cascade = next(fk for fk in inv.foreign_keys if fk.columns == ("customer_id",))
    assert cascade.database_on_delete == "NO ACTION"
    # the phase-2 rollback re-creates the constraint as Django did: no ON DELETE
    assert add_fk_sql(cascade) == (
        f"ALTER TABLE public.shop_order ADD CONSTRAINT {cascade.name} FOREIGN KEY (customer_id) "
        "REFERENCES public.shop_customer (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;"
    )


def test_database_variants_and_raw_sql_are_the_databases(tmp_path: Path) -> None:
    files = {
        "manage.py": "",
        "notes/models.py": """
            from django.db import models


            class Author(models.Model):
                name = models.CharField(max_length=40)


            class Note(models.Model):
                author = models.ForeignKey(Author, on_delete=models.DB_CASCADE)
        """,
        "notes/migrations/__init__.py": "",
        "notes/migrations/0001_initial.py": """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                initial = True
                dependencies = []
                operations = [
                    migrations.CreateModel(
                        name="Author",
                        fields=[
                            ("id", models.AutoField(primary_key=True)),
                            ("name", models.CharField(max_length=40)),
                        ],
                    ),
                    migrations.CreateModel(
                        name="Note",
                        fields=[
                            ("id", models.AutoField(primary_key=True)),
                            ("author", models.ForeignKey(on_delete=models.DB_CASCADE, to="notes.author")),
                        ],
                    ),
                    migrations.RunSQL(
                        "CREATE TABLE note_links (id serial PRIMARY KEY,"
                        " note_id integer REFERENCES notes_note (id) ON DELETE CASCADE)"
                    ),
                ]
        """,
    }
    inv = read(tmp_path / "site", files)
    assert _actions(inv.foreign_keys) == {
        ("notes_note", "author_id"): ("CASCADE", "database"),
        ("note_links", "note_id"): ("CASCADE", "database"),
    }


def test_the_json_contract_carries_the_mark_and_reads_back(tmp_path: Path) -> None:
    root = write(tmp_path / "site", PROJECT)
    out = tmp_path / "scan.json"
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    marks = {(f["table"]["name"], f["columns"][0]): f["on_delete_enforced_by"] for f in doc["foreign_keys"]}
    assert marks[("shop_order", "customer_id")] == "application"
    assert marks[("shop_order", "archive_id")] == "database"
    saved = read_saved(str(out))
    assert _actions(saved.foreign_keys) == _actions(read(tmp_path / "again", PROJECT).foreign_keys)
    assert Inventory.from_json(saved.to_json()) == saved


@pytest.mark.postgres
def test_diff_against_the_database_django_migrated(
    tmp_path: Path, fresh_database: Callable[..., str]
) -> None:
    from ingest.catalogs.postgres import ingest_dsn

    code = read(tmp_path / "site", PROJECT)
    live = ingest_dsn(fresh_database(DJANGO_DDL.read_text(encoding="utf-8")))
    assert len(live.foreign_keys) == 8 and {fk.on_delete for fk in live.foreign_keys} == {"NO ACTION"}
    drift = diff_inventories(code, live)
    assert not drift.has_drift, render_drift_text(drift)
    assert drift.matched == 8
    assert sorted((c.a.columns[0], c.a.on_delete, c.b.on_delete) for c in drift.application_enforced) == [
        ("approver_id", "SET NULL", "NO ACTION"),
        ("auditor_id", "RESTRICT", "NO ACTION"),
        ("customer_id", "CASCADE", "NO ACTION"),
        ("fallback_id", "SET NULL", "NO ACTION"),
        ("order_id", "CASCADE", "NO ACTION"),
        ("order_ptr_id", "CASCADE", "NO ACTION"),
        ("tag_id", "CASCADE", "NO ACTION"),
    ]
    text = render_drift_text(drift)
    assert "ON DELETE carried out by the application, not the database (7; not drift" in text
    assert "on_delete: CASCADE (A) vs NO ACTION (B); in the database NO ACTION on both sides" in text
    assert text.endswith("No drift: 8 foreign keys match.\n")
    doc = drift_document(drift)
    assert doc["drift"] is False and len(doc["application_enforced"]) == 7
    first = doc["application_enforced"][0]
    assert first["fields"] == ["on_delete"] and first["database"] == {"on_delete": "NO ACTION"}


@pytest.mark.postgres
def test_a_database_that_cascades_itself_is_drift(tmp_path: Path, fresh_database: Callable[..., str]) -> None:
    """Django declares CASCADE, but the live constraint does it too: someone changed the database."""
    from ingest.catalogs.postgres import ingest_dsn

    code = read(tmp_path / "site", PROJECT)
    cascade = next(fk for fk in code.foreign_keys if fk.columns == ("customer_id",))
    live = ingest_dsn(
        fresh_database(
            "CREATE TABLE shop_customer (id bigint PRIMARY KEY);"
            "CREATE TABLE shop_order (id bigint PRIMARY KEY, "
            f'customer_id bigint NOT NULL, CONSTRAINT "{cascade.name}" FOREIGN KEY (customer_id) '
            "REFERENCES shop_customer (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);"
        )
    )
    drift = diff_inventories(Inventory(foreign_keys=(cascade,)), live)
    [change] = drift.changed
    assert change.fields == ("on_delete",)
    assert change.values("on_delete") == ("NO ACTION", "CASCADE")
    assert drift.application_enforced == ()
    assert "on_delete: NO ACTION (A) vs CASCADE (B)" in render_drift_text(drift)


@pytest.mark.postgres
def test_the_rollback_sql_recreates_the_constraint_django_made(
    tmp_path: Path, fresh_database: Callable[..., str]
) -> None:
    """Phase 2 dropped Django's keys; the rollback script puts back exactly what Django created."""
    import psycopg

    from exports.sqlgen import validate_fk_sql
    from ingest.catalogs.postgres import ingest_dsn

    code = read(tmp_path / "site", PROJECT)
    dsn = fresh_database(DJANGO_DDL.read_text(encoding="utf-8"))
    before = ingest_dsn(dsn).foreign_keys
    keys = [fk for fk in code.foreign_keys if fk.on_delete_enforced_by == "application"]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for fk in keys:
            conn.execute(f"ALTER TABLE {fk.table.name} DROP CONSTRAINT {fk.name}")
        assert len(ingest_dsn(dsn).foreign_keys) == len(before) - len(keys) == 1
        for fk in keys:
            conn.execute(add_fk_sql(fk))
            conn.execute(validate_fk_sql(fk))
    after = ingest_dsn(dsn).foreign_keys
    assert {(fk.name, fk.on_delete, fk.deferrable, fk.initially_deferred) for fk in after} == {
        (fk.name, fk.on_delete, fk.deferrable, fk.initially_deferred) for fk in before
    }
    assert not diff_inventories(code, ingest_dsn(dsn)).has_drift
