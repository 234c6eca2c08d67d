"""Django: models of apps without migrations, migrations in dependency order, drift between the two."""

from __future__ import annotations

from pathlib import Path

from ingest.orm.django_fields import fk_name, truncate_name
from tests.ingest.orm.orm_py_helpers import codes, fks, read

MODELS = {
    "manage.py": "",
    "conf/settings.py": 'AUTH_USER_MODEL = "crew.Person"\nDEFAULT_AUTO_FIELD = "models.BigAutoField"\n',
    "people/apps.py": 'from django.apps import AppConfig\n\nclass C(AppConfig):\n    label = "crew"\n',
    "people/models.py": """
        from django.db import models


        class Person(models.Model):
            code = models.CharField(max_length=10, unique=True)
            mentor = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
            friends = models.ManyToManyField("self")
    """,
    "shop/models/__init__.py": "from .base import *\n",
    "shop/models/base.py": """
        from django.conf import settings
        from django.db import models

        from people.models import Person


        class Stamped(models.Model):
            created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

            class Meta:
                abstract = True


        class Product(Stamped):
            sku = models.CharField(primary_key=True, max_length=20)
            tags = models.ManyToManyField("Tag", db_table="product_tag_links")


        class Tag(models.Model):
            name = models.CharField(max_length=20)


        class Order(Stamped):
            buyer = models.ForeignKey(Person, models.CASCADE, to_field="code", db_column="buyer_code")
            items = models.ManyToManyField(Product, through="Line")
            invoice = models.OneToOneField("billing.Invoice", on_delete=models.DO_NOTHING)
            legacy = models.ForeignKey(Product, on_delete=models.SET(None), db_constraint=False)

            class Meta:
                db_table = "orders"


        class Line(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE)
            product = models.ForeignKey("shop.Product", on_delete=models.RESTRICT)


        class SpecialProduct(Product):
            class Meta:
                proxy = True


        class Favourite(models.Model):
            product = models.ForeignKey(SpecialProduct, on_delete=models.SET_DEFAULT)


        class DigitalProduct(Product):
            url = models.URLField()


        class NotAModel:
            x = models.ForeignKey("nowhere.Thing", on_delete=models.CASCADE)
    """,
}


def test_models_of_apps_without_migrations(tmp_path: Path) -> None:
    inv = read(tmp_path / "site", MODELS)
    assert fks(inv) == {
        ("crew_person", ("mentor_id",), "crew_person", ("id",), "SET NULL"),
        ("crew_person_friends", ("from_person_id",), "crew_person", ("id",), "CASCADE"),
        ("crew_person_friends", ("to_person_id",), "crew_person", ("id",), "CASCADE"),
        ("shop_product", ("created_by_id",), "crew_person", ("id",), "RESTRICT"),
        ("product_tag_links", ("product_id",), "shop_product", ("sku",), "CASCADE"),
        ("product_tag_links", ("tag_id",), "shop_tag", ("id",), "CASCADE"),
        ("orders", ("created_by_id",), "crew_person", ("id",), "RESTRICT"),
        ("orders", ("buyer_code",), "crew_person", ("code",), "CASCADE"),
        ("orders", ("invoice_id",), "billing_invoice", ("id",), "NO ACTION"),
        ("shop_line", ("order_id",), "orders", ("id",), "CASCADE"),
        ("shop_line", ("product_id",), "shop_product", ("sku",), "RESTRICT"),
        ("shop_favourite", ("product_id",), "shop_product", ("sku",), "SET DEFAULT"),
        ("shop_digitalproduct", ("product_ptr_id",), "shop_product", ("sku",), "CASCADE"),
    }
    inferred = [
        (fk.name, fk.ref_table.name, fk.on_delete) for fk in inv.foreign_keys if fk.origin == "inferred"
    ]
    assert inferred == [("inferred:orders.legacy_id", "shop_product", "SET NULL")]
    tables = {t.ref.name: t for t in inv.tables}
    assert "shop_stamped" not in tables and "shop_specialproduct" not in tables
    assert tables["billing_invoice"].external
    assert tables["shop_digitalproduct"].primary_key == ("product_ptr_id",)
    assert [c.type for c in tables["shop_line"].columns] == ["bigint", "bigint", "varchar(20)"]
    assert {t.ref.database for t in inv.tables} == {"site"}
    assert [(c, p) for c, p, _ in codes(inv)] == [("orm-external", "people/models.py")]
    buyer = next(fk for fk in inv.foreign_keys if fk.columns == ("buyer_code",))
    assert buyer.name == fk_name("orders", "buyer_code", "crew_person", "code")
    assert (buyer.deferrable, buyer.initially_deferred, str(buyer.added_at)) == (
        True,
        True,
        "shop/models/base.py:24",
    )


def test_django_names() -> None:
    assert (
        fk_name("blog_post", "author_id", "auth_user", "id") == "blog_post_author_id_dd7a8485_fk_auth_user_id"
    )
    long = fk_name("a" * 40, "b" * 30, "c" * 40, "id")
    assert len(long) <= 63 and long.startswith("a" * 10)
    assert truncate_name("x" * 10, 63) == "x" * 10


MIGRATED = {
    "manage.py": "",
    "blog/models.py": """
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=50)


        class Article(models.Model):
            writer = models.ForeignKey(Author, on_delete=models.CASCADE)
            topics = models.ManyToManyField("library.Topic")
            extra = models.ForeignKey("library.Topic", on_delete=models.CASCADE, related_name="+")
    """,
    "blog/migrations/0001_initial.py": """
        from django.db import migrations, models
        from django.db.models import deletion


        class Migration(migrations.Migration):
            initial = True
            dependencies = [("library", "0001_initial")]
            operations = [
                migrations.CreateModel(
                    name="Writer",
                    fields=[("id", models.AutoField(primary_key=True)), ("name", models.TextField())],
                ),
                migrations.CreateModel(
                    name="Article",
                    fields=[
                        ("id", models.AutoField(primary_key=True)),
                        ("writer", models.ForeignKey(on_delete=deletion.CASCADE, to="blog.writer")),
                        ("shelf", models.ForeignKey(on_delete=deletion.CASCADE, to="library.shelf")),
                    ],
                ),
            ]
    """,
    "blog/migrations/0002_changes.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("blog", "0001_initial"), ("library", "0002_topic")]
            operations = [
                migrations.RenameModel("Writer", "Author"),
                migrations.RemoveField(model_name="article", name="shelf"),
                migrations.AddField(
                    model_name="article",
                    name="topics",
                    field=models.ManyToManyField(to="library.topic"),
                ),
                migrations.RunSQL(
                    "ALTER TABLE blog_article ADD COLUMN extra_id integer;"
                    " ALTER TABLE blog_article ADD CONSTRAINT raw_fk FOREIGN KEY (extra_id)"
                    " REFERENCES library_topic (id);",
                    reverse_sql="",
                ),
            ]
    """,
    "library/migrations/0001_initial.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            operations = [
                migrations.CreateModel(name="Shelf", fields=[("id", models.AutoField(primary_key=True))]),
                migrations.CreateModel(
                    name="Book",
                    fields=[
                        ("id", models.AutoField(primary_key=True)),
                        ("shelf", models.ForeignKey(on_delete=models.CASCADE, to="library.shelf")),
                    ],
                    options={"db_table": "books"},
                ),
            ]
    """,
    "library/migrations/0002_topic.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("library", "0001_initial")]
            operations = [
                migrations.CreateModel(name="Topic", fields=[("id", models.AutoField(primary_key=True))]),
                migrations.AlterField(
                    model_name="book",
                    name="shelf",
                    field=models.ForeignKey(on_delete=models.PROTECT, to="library.topic"),
                ),
                migrations.AlterModelTable(name="book", table="library_books"),
            ]
    """,
    "library/migrations/0003_drop_shelf.py": """
        from django.db import migrations


        class Migration(migrations.Migration):
            dependencies = [("library", "0002_topic"), ("blog", "0002_changes")]
            operations = [migrations.DeleteModel(name="Shelf")]
    """,
}


def test_migrations_in_dependency_order(tmp_path: Path) -> None:
    inv = read(tmp_path / "site", MIGRATED)
    assert [m.path for m in inv.migrations] == [  # Django's plan: leaves in order, dependencies first
        "library/migrations/0001_initial.py",
        "library/migrations/0002_topic.py",
        "blog/migrations/0001_initial.py",
        "blog/migrations/0002_changes.py",
        "library/migrations/0003_drop_shelf.py",
    ]
    assert fks(inv) == {
        ("blog_article", ("writer_id",), "blog_author", ("id",), "CASCADE"),
        ("blog_article_topics", ("article_id",), "blog_article", ("id",), "CASCADE"),
        ("blog_article_topics", ("topic_id",), "library_topic", ("id",), "CASCADE"),
        ("library_books", ("shelf_id",), "library_topic", ("id",), "RESTRICT"),
        ("blog_article", ("extra_id",), "library_topic", ("id",), "NO ACTION"),
    }
    dropped = {(fk.table.name, fk.columns, fk.ref_table.name) for fk in inv.foreign_keys if fk.dropped_at}
    assert dropped == {
        ("blog_article", ("shelf_id",), "library_shelf"),
        ("library_books", ("shelf_id",), "library_shelf"),
        ("blog_article", ("writer_id",), "blog_author"),  # RenameModel makes the keys pointing at it anew
    }
    writers = [(fk.name, str(fk.added_at)) for fk in inv.foreign_keys if fk.columns == ("writer_id",)]
    assert writers == [
        (fk_name("blog_article", "writer_id", "blog_author", "id"), "blog/migrations/0002_changes.py:7"),
        (fk_name("blog_article", "writer_id", "blog_writer", "id"), "blog/migrations/0001_initial.py:17"),
    ]
    # the models declare Article.extra as a key, and the migrations create it (in SQL): no drift
    assert codes(inv) == []


def test_models_confirm_migrations(tmp_path: Path) -> None:
    files = dict(MIGRATED)
    files["blog/models.py"] = """
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=50)


        class Article(models.Model):
            editor = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
            writer = models.ForeignKey(Author, on_delete=models.CASCADE)
            topics = models.ManyToManyField("library.Topic")
    """
    inv = read(tmp_path / "site", files)
    assert codes(inv) == [
        ("orm-drift", "blog/migrations/0002_changes.py", 15),
        ("orm-drift", "blog/models.py", 9),
    ]
    assert "blog_article(editor_id) -> blog_author(id)" in inv.diagnostics[1].message


def test_squashed_migrations_replace_theirs(tmp_path: Path) -> None:
    base = "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n"
    inv = read(
        tmp_path / "site",
        {
            "a/migrations/0001_one.py": base
            + "    operations = [migrations.CreateModel('X',"
            + " [('id', models.AutoField(primary_key=True))])]\n",
            "a/migrations/0002_two.py": base
            + "    dependencies = [('a', '0001_one')]\n    operations = [migrations.DeleteModel('X')]\n",
            "a/migrations/0001_squashed_0002.py": base
            + "    replaces = [('a', '0001_one'), ('a', '0002_two')]\n"
            + "    operations = [migrations.CreateModel('Y', [('id', models.AutoField(primary_key=True)),"
            + " ('p', models.ForeignKey('self', models.CASCADE))])]\n",
            "a/migrations/0003_after.py": base
            + "    dependencies = [('a', '0002_two')]\n"
            + "    operations = [migrations.AddField('y', 'q',"
            + " models.ForeignKey(to='a.y', on_delete=models.CASCADE))]\n",
        },
    )
    assert [m.path for m in inv.migrations] == [
        "a/migrations/0001_squashed_0002.py",
        "a/migrations/0003_after.py",
    ]
    assert fks(inv) == {
        ("a_y", ("p_id",), "a_y", ("id",), "CASCADE"),
        ("a_y", ("q_id",), "a_y", ("id",), "CASCADE"),
    }


def test_dynamic_model_constructs_are_diagnostics(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "site",
        {
            "app/models.py": """
                from django.db import models

                TARGET = get_target()


                class A(models.Model):
                    b = models.ForeignKey(TARGET, on_delete=models.CASCADE)
                    for i in range(3):
                        locals()[f"f{i}"] = models.IntegerField()

                    class Meta:
                        db_table = table_name()


                A.add_to_class("c", models.ForeignKey(A, on_delete=models.CASCADE))
            """
        },
    )
    assert [(c, line) for c, _, line in codes(inv)] == [
        ("orm-dynamic", 7),
        ("orm-dynamic", 8),
        ("orm-dynamic", 12),
    ]
    assert fks(inv) == {("app_a", ("c_id",), "app_a", ("id",), "CASCADE")}


def test_a_models_file_without_django_is_not_read(tmp_path: Path) -> None:
    inv = read(tmp_path / "site", {"svc/models.py": "class A:\n    x = ForeignKey('b')\n"})
    assert inv.tables == () and inv.foreign_keys == ()


def test_the_dialect_prefers_postgresql_among_the_engines(tmp_path: Path) -> None:
    settings = (
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n'
        'if PG:\n    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}\n'
    )
    models = "from django.db import models\n\nclass A(models.Model):\n"
    models += "    b = models.ForeignKey('A', models.CASCADE)\n"
    inv = read(tmp_path / "site", {"manage.py": "", "hc/settings.py": settings, "app/models.py": models})
    assert {fk.table.schema for fk in inv.foreign_keys} == {"public"}
    mysql = settings.replace("postgresql", "mysql")
    inv = read(tmp_path / "other", {"manage.py": "", "hc/settings.py": mysql, "app/models.py": models})
    assert {(fk.table.schema, fk.deferrable) for fk in inv.foreign_keys} == {("", False)}


def test_separate_database_and_state_and_named_files(tmp_path: Path) -> None:
    base = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
    inv = read(
        tmp_path / "site",
        {
            "old/migrations/0001_initial.py": base
            + "    operations = [migrations.CreateModel('Thing',"
            + " [('id', models.AutoField(primary_key=True))])]\n",
            "new/migrations/first_move.py": base
            + "    dependencies = [('old', '0001_initial')]\n"
            + "    state_operations = [\n"
            + "        migrations.CreateModel('Thing', [('id', models.AutoField(primary_key=True))],"
            + " options={'db_table': 'new_thing'}),\n"
            + "        migrations.CreateModel('Part', [('id', models.AutoField(primary_key=True)),"
            + " ('thing', models.ForeignKey('new.thing', models.CASCADE))]),\n"
            + "    ]\n"
            + "    database_operations = [migrations.AlterModelTable('thing', 'new_thing')]\n"
            + "    operations = [\n"
            + "        migrations.SeparateDatabaseAndState(database_operations=[\n"
            + "            migrations.RunSQL('ALTER TABLE old_thing RENAME TO new_thing')],"
            + " state_operations=state_operations),\n"
            + "        migrations.AddField('part', 'other',"
            + " models.ForeignKey('new.thing', models.PROTECT, null=True)),\n"
            + "    ]\n",
        },
    )
    assert [m.path for m in inv.migrations] == [
        "old/migrations/0001_initial.py",
        "new/migrations/first_move.py",
    ]
    # the state-only CreateModel of Part creates no table: the key added afterwards is on a missing table
    assert fks(inv) == {("new_part", ("other_id",), "new_thing", ("id",), "RESTRICT")}
    assert {t.ref.name for t in inv.tables if not t.external} == {"new_thing"}
    assert [c for c, _, _ in codes(inv)] == ["unknown-table"]


def test_abstract_bases_imported_from_other_modules(tmp_path: Path) -> None:
    inv = read(
        tmp_path / "site",
        {
            "shop/models/__init__.py": "",
            "shop/models/base.py": """
                from django.db import models


                class Owned(models.Model):
                    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)

                    class Meta:
                        abstract = True
            """,
            "shop/models/cart.py": """
                from django.db import models
                from .base import Owned


                class Cart(Owned):
                    pass
            """,
        },
    )
    assert fks(inv) == {("shop_cart", ("owner_id",), "auth_user", ("id",), "CASCADE")}
