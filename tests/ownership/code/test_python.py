"""Python: strings and f-strings, Django, SQLAlchemy/SQLModel, pymongo, syntax errors."""

from __future__ import annotations

from collections.abc import Callable

from ownership.code.python import read_python

Uses = Callable[[dict[str, str | bytes]], set[tuple[str, str, str]]]

STRINGS = '''
"""Select the rows of a module docstring."""
QUERY = """
    SELECT id
    FROM accounts
    WHERE id = %s
"""
def f(cur, table, uid):
    cur.execute("UPDATE accounts SET n = %(n)s WHERE id = %(id)s", {"n": 1, "id": uid})
    cur.execute(f"DELETE FROM {table} WHERE id = {uid}")
    cur.execute(f"INSERT INTO {schema}.events (uid) VALUES ({uid})")
    cur.execute("SELECT * FROM a "
                "JOIN b ON a.id = b.id")
    cur.execute("SELECT * FROM c " + where)
    text("SELECT * FROM d WHERE id = :id")
    label = "Update available"
'''


def test_strings() -> None:
    facts = read_python(STRINGS.encode(), "svc/db.py")
    assert sorted((f.table, f.access, f.line) for f in facts.found) == [
        ("a", "read", 12),
        ("accounts", "read", 3),
        ("accounts", "write", 9),
        ("b", "read", 12),
        ("c", "read", 14),
        ("d", "read", 15),
        ("events", "write", 11),
    ]
    assert facts.diagnostics == []


DJANGO_MODELS = """
from django.db import models

class TimeStamped(models.Model):
    created = models.DateTimeField()
    class Meta:
        abstract = True

class Order(TimeStamped):
    total = models.IntegerField()

class Refund(models.Model):
    class Meta:
        db_table = "shop_refunds_v2"

class Item(models.Model):
    class Meta:
        app_label = "catalog"

class OpenOrder(Order):
    class Meta:
        proxy = True

class NotAModel(Base):
    pass
"""
DJANGO_VIEWS = """
from shop.models import Order, Refund, OpenOrder
def view(request):
    Order.objects.create(total=1)
    Refund.objects.filter(id=1).delete()
    OpenOrder.objects.all()
    Unknown.objects.create()
    Order.save()
"""


def test_django(uses_of: Uses) -> None:
    files: dict[str, str | bytes] = {"shop/models.py": DJANGO_MODELS, "shop/views.py": DJANGO_VIEWS}
    files["billing/models/__init__.py"] = (
        "from django.db import models\nclass Invoice(models.Model):\n    pass\n"
    )
    assert uses_of(files) == {
        ("shop_order", "write", "django"),
        ("shop_order", "read", "django"),
        ("shop_refunds_v2", "write", "django"),
        ("shop_refunds_v2", "read", "django"),
        ("catalog_item", "write", "django"),
        ("billing_invoice", "write", "django"),
    }


def test_an_unmanaged_django_model_reads_the_table_it_maps(uses_of: Uses) -> None:
    """``managed = False`` maps a table that something else creates: declaring it is no write."""
    models = (
        "from django.db import models\n"
        "class Member(models.Model):\n"
        "    class Meta:\n"
        "        managed = False\n"
        '        db_table = "users"\n'
        "class Case(models.Model):\n"
        "    member = models.ForeignKey(Member, on_delete=models.PROTECT)\n"
    )
    views = "from .models import Member\ndef who(pk):\n    return Member.objects.get(pk=pk)\n"
    assert uses_of({"cases/models.py": models, "cases/views.py": views}) == {
        ("users", "read", "django"),
        ("cases_case", "write", "django"),
    }


SQLALCHEMY = """
from sqlalchemy import Table, Column, MetaData, insert, select, update
import sqlalchemy as sa
from sqlmodel import SQLModel, Field

metadata = MetaData()
audit = Table("audit_log", metadata, Column("id"), schema="ops")
Table("standalone", metadata)

class User(Base):
    __tablename__ = "users"
    __table_args__ = ({"schema": "auth"},)

class Address(Base):
    __tablename__: str = "addresses"
    __table_args__ = {"schema": "geo", "comment": "x"}

class Hero(SQLModel, table=True):
    id: int = Field(primary_key=True)

class HeroRead(SQLModel):
    id: int

def f(session, conn):
    session.add(User(name="x"))
    session.add_all([Address(), Hero()])
    session.query(User).filter_by(id=1).first()
    conn.execute(insert(Address).values(x=1))
    conn.execute(audit.insert().values(id=1))
    conn.execute(sa.update(Hero).values(x=1))
    session.execute(select(User, Address))
    conn.execute(audit.select())
    session.add(make_user())
"""


def test_sqlalchemy_and_sqlmodel(uses_of: Uses) -> None:
    assert uses_of({"app/db.py": SQLALCHEMY}) == {
        ("ops.audit_log", "write", "sqlalchemy"),
        ("ops.audit_log", "read", "sqlalchemy"),
        ("standalone", "write", "sqlalchemy"),
        ("auth.users", "write", "sqlalchemy"),
        ("auth.users", "read", "sqlalchemy"),
        ("geo.addresses", "write", "sqlalchemy"),
        ("geo.addresses", "read", "sqlalchemy"),
        ("hero", "write", "sqlalchemy"),
    }


PYMONGO = """
def f(db):
    db["events"].insert_one({})
    db.get_collection("Sessions").find({})
    carts = db["carts"]
    carts.update_many({}, {})
    cfg["key"].strip()
"""


def test_pymongo(uses_of: Uses) -> None:
    assert uses_of({"m.py": PYMONGO}) == {
        ("events", "write", "mongodb"),
        ("sessions", "read", "mongodb"),
        ("carts", "write", "mongodb"),
    }


def test_syntax_error_is_one_diagnostic() -> None:
    facts = read_python(b'q = "SELECT * FROM a"\ndef f(:\n', "bad.py")
    assert [(d.severity, d.code, d.path, d.line) for d in facts.diagnostics] == [
        ("warning", "parse-error", "bad.py", 2)
    ]
    assert facts.found == []
