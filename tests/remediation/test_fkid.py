"""The three identities of a foreign key: exact id, structure, name."""

from __future__ import annotations

from model.inventory import ForeignKey, Location, TableRef
from remediation.fkid import fkid, name_key, structural_key


def test_fkid_forms() -> None:
    t, u = TableRef("shop", "", "orders"), TableRef("shop", "", "users")
    mysql = ForeignKey("orders_ibfk_1", t, ("user_id",), u, ("id",), added_at=Location("db/1.sql", 9))
    assert (fkid(mysql), structural_key(mysql), name_key(mysql)) == (
        "db/1.sql:9#user_id",
        "orders(user_id)->users(id)",
        "orders_ibfk_1",
    )
