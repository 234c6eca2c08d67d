"""Django keys into the tables of apps outside the scan (``auth``): provided by a declared
dependency, they do not fail on a fresh database; without the dependency they do."""

from __future__ import annotations

from pathlib import Path

from graph.build import build_graph
from tests.ingest.orm.orm_py_helpers import fks, read

MIGRATION = """
    from django.conf import settings
    from django.db import migrations, models

    class Migration(migrations.Migration):
        initial = True
        dependencies = [{dependency}]
        operations = [
            migrations.CreateModel(name="Customer", fields=[("id", models.AutoField(primary_key=True))]),
            migrations.CreateModel(name="Order", fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("customer", models.ForeignKey(on_delete=models.CASCADE, to="shop.customer")),
                ("user", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)),
            ]),
        ]
"""


def _project(dependency: str) -> dict[str, str]:
    return {
        "manage.py": "",
        "shop/__init__.py": "",
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": MIGRATION.replace("{dependency}", dependency),
    }


def test_a_key_into_an_app_the_migration_depends_on_does_not_fail_on_a_fresh_db(tmp_path: Path) -> None:
    inv = read(tmp_path, _project("migrations.swappable_dependency(settings.AUTH_USER_MODEL)"))
    assert fks(inv) == {
        ("shop_order", ("customer_id",), "shop_customer", ("id",), "CASCADE"),
        ("shop_order", ("user_id",), "auth_user", ("id",), "CASCADE"),
    }
    assert [fk.fresh_db_failure for fk in inv.foreign_keys] == [False, False]
    auth_user = next(t for t in inv.tables if t.ref.name == "auth_user")
    assert (auth_user.external, auth_user.provided_by) == (True, "Django app auth")
    graph = build_graph(inv)
    assert [d["fresh_db_failure"] for _, _, d in graph.edges(data=True)] == [False, False]


def test_without_the_dependency_the_statement_fails_on_a_fresh_db(tmp_path: Path) -> None:
    inv = read(tmp_path, _project(""))
    assert {fk.columns: fk.fresh_db_failure for fk in inv.foreign_keys} == {
        ("customer_id",): True,  # the same CREATE TABLE names auth_user, which does not exist
        ("user_id",): False,  # the graph flags it: its table is never created
    }
    auth_user = next(t for t in inv.tables if t.ref.name == "auth_user")
    assert (auth_user.external, auth_user.provided_by) == (True, "")
    graph = build_graph(inv)
    assert [d["fresh_db_failure"] for _, _, d in graph.edges(data=True)] == [True, True]
