"""MySQL (and other sqlglot dialects) -> operations -> FK records, with MySQL's naming rules."""

from __future__ import annotations

from typing import Unpack

import pytest

from ingest.migrations import ops as o
from ingest.migrations import sqlglot_dialects as mysql
from model.inventory import Column, ForeignKey, Table
from tests.helpers import FkOptions, not_none
from tests.ingest.replay_helpers import FK, codes, fks, ref, run, why

USERS = (
    "CREATE TABLE `users` (\n  `id` INT NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
)


def my(
    name: str,
    table: str,
    cols: tuple[str, ...] | str,
    ref_table: str,
    ref_cols: tuple[str, ...] | str,
    *,
    line: int,
    dropped: int | None = None,
    **kw: Unpack[FkOptions],
) -> ForeignKey:
    """An expected MySQL FK: unqualified tables live in schema ''."""
    return FK(name, table, cols, ref_table, ref_cols, line=line, dropped=dropped, schema="", **kw)


CASES = [
    (
        "table-level-named-and-unnamed",
        USERS
        + "CREATE TABLE `orders` (\n  `id` INT PRIMARY KEY,\n  `user_id` INT NOT NULL,\n  `seller_id` INT,\n"
        + "  CONSTRAINT `fk_seller` FOREIGN KEY (`seller_id`) REFERENCES `users` (`id`) ON DELETE"
        " SET NULL ON UPDATE CASCADE,\n"
        + "  FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE,\n"
        + "  KEY `idx_user` (`user_id`)\n) ENGINE=InnoDB;",
        [
            my(
                "fk_seller",
                "orders",
                "seller_id",
                "users",
                "id",
                line=9,
                on_delete="SET NULL",
                on_update="CASCADE",
            ),
            my("orders_ibfk_1", "orders", "user_id", "users", "id", line=10, on_delete="CASCADE"),
        ],
    ),
    (
        "composite",
        "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)) ENGINE=InnoDB;\n"
        "CREATE TABLE c (x INT, y INT, FOREIGN KEY (y, x) REFERENCES p (b, a)) ENGINE=InnoDB;",
        [my("c_ibfk_1", "c", ("y", "x"), "p", ("b", "a"), line=2)],
    ),
    (
        "alter-add-named-and-unnamed-numbering",
        USERS
        + "CREATE TABLE t (a INT, b INT, c INT, CONSTRAINT t_ibfk_4 FOREIGN KEY (a) REFERENCES users (id));\n"
        + "ALTER TABLE t ADD CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES users (id), ADD FOREIGN"
        " KEY (c) REFERENCES users (id);",
        [
            my("fk_b", "t", "b", "users", "id", line=6),
            my("t_ibfk_4", "t", "a", "users", "id", line=5),
            my("t_ibfk_5", "t", "c", "users", "id", line=6),
        ],
    ),
    (
        "drop-foreign-key",
        USERS + "CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES users (id));\n"
        "ALTER TABLE `t` DROP FOREIGN KEY `t_ibfk_1`;",
        [my("t_ibfk_1", "t", "a", "users", "id", line=5, dropped=6)],
    ),
    (
        "drop-constraint",
        USERS + "CREATE TABLE t (a INT, CONSTRAINT fk FOREIGN KEY (a) REFERENCES users (id));\n"
        "ALTER TABLE t DROP CONSTRAINT fk;",
        [my("fk", "t", "a", "users", "id", line=5, dropped=6)],
    ),
    (
        "rename-table-renames-generated-names",
        USERS
        + "CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES users (id));\n"
        + "RENAME TABLE t TO orders, `users` TO `accounts`;\n"
        "ALTER TABLE orders DROP FOREIGN KEY orders_ibfk_1;",
        [my("orders_ibfk_1", "orders", "a", "accounts", "id", line=5, dropped=7)],
    ),
    (
        "alter-rename-and-change-column",
        USERS
        + "CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES users (id));\n"
        + "ALTER TABLE t RENAME TO t2;\nALTER TABLE t2 CHANGE COLUMN a owner_id BIGINT NOT NULL;\n"
        + "ALTER TABLE users RENAME COLUMN id TO uid;",
        [my("t2_ibfk_1", "t2", "owner_id", "users", "uid", line=5)],
    ),
    (
        "drop-table",
        USERS
        + "CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES users (id));\nDROP TABLE IF EXISTS t, nope;",
        [my("t_ibfk_1", "t", "a", "users", "id", line=5, dropped=6)],
    ),
    (
        "qualified-and-use",
        "CREATE TABLE shop.users (id INT PRIMARY KEY);\nUSE shop;\n"
        "CREATE TABLE orders (user_id INT, FOREIGN KEY (user_id) REFERENCES users (id));",
        [FK("orders_ibfk_1", "shop.orders", "user_id", "shop.users", "id", line=3)],
    ),
]


@pytest.mark.parametrize(("sql", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fk_records(sql: str, expected: list[ForeignKey]) -> None:
    inv = run(sql, dialect="mysql")
    assert inv.foreign_keys == tuple(expected), why(inv)
    assert codes(inv) == [], why(inv)


def test_detected_without_dialect_argument() -> None:
    assert fks(CASES[0][1]) == tuple(CASES[0][2])


def test_inline_references_are_recorded_with_a_note() -> None:
    inv = run(USERS + "CREATE TABLE t (\n  a INT REFERENCES users (id) ON DELETE CASCADE\n) ENGINE=InnoDB;")
    assert inv.foreign_keys == (my("t_ibfk_1", "t", "a", "users", "id", line=6, on_delete="CASCADE"),)
    assert codes(inv) == [("info", "mysql-inline-reference", 6)]


def test_columns_and_keys() -> None:
    inv = run(USERS, dialect="mysql")
    assert inv.tables == (
        Table(
            ref("users", ""),
            (mysql_column("id", "int", False),),
            ("id",),
            defined_at=inv.tables[0].defined_at,
        ),
    )


def mysql_column(name: str, typ: str, nullable: bool) -> Column:
    return Column(name, typ, nullable)


def test_unknown_foreign_key_drop_warns() -> None:
    inv = run(USERS + "ALTER TABLE users DROP FOREIGN KEY nope;", dialect="mysql")
    assert codes(inv) == [("warning", "unknown-constraint", 5)]


def test_syntax_error_is_one_diagnostic() -> None:
    sql = (
        USERS
        + "CREATE TABLE t (a INT REFERENCES);\nCREATE TABLE u (a INT, FOREIGN KEY (a) REFERENCES users (id));"
    )
    inv = run(sql, dialect="mysql")
    assert [f.name for f in inv.foreign_keys] == ["u_ibfk_1"]
    assert [(d.severity, d.code, d.line) for d in inv.diagnostics] == [("error", "parse-error", 5)]
    assert inv.diagnostics[0].message.startswith("mysql syntax error: Expected table name")
    assert "\x1b" not in inv.diagnostics[0].message


def test_procedures_triggers_and_data_are_skipped() -> None:
    sql = USERS + (
        "DELIMITER //\nCREATE PROCEDURE p() BEGIN ALTER TABLE users DROP FOREIGN KEY x; END//\nDELIMITER ;\n"
        "INSERT INTO users VALUES (1);\nSET FOREIGN_KEY_CHECKS=0;\n"
        "CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES users (id));"
    )
    inv = run(sql, dialect="mysql")
    assert [(f.name, not_none(f.added_at).line) for f in inv.foreign_keys] == [("t_ibfk_1", 10)]
    assert codes(inv) == []


def test_unsupported_statement_that_mentions_fks_is_reported() -> None:
    ops, diags = mysql.parse(
        "SET x = 1;\nALTER TABLE t ORDER BY a, ADD FOREIGN KEY (a) REFERENCES u (id);", "m.sql"
    )
    assert ops == []
    assert [(d.severity, d.code, d.line) for d in diags] == [("warning", "unsupported", 2)]
    assert diags[0].message == "mysql statement not understood; skipped"


def test_rename_table_operations() -> None:
    ops, _ = mysql.parse("RENAME TABLE `a` TO `b`, shop.c TO archive.c;", "m.sql")
    assert ops == [
        o.RenameTable(o.QName(None, "a"), "b", line=1),
        o.RenameTable(o.QName("shop", "c"), "c", line=1),
        o.SetSchema(o.QName("shop", "c"), "archive", line=1),
    ]


def test_other_sqlglot_dialects() -> None:
    inv = run(
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE a (x INTEGER REFERENCES b(id) ON DELETE CASCADE);",
        dialect="sqlite",
    )
    assert inv.foreign_keys == (my("a_x_fkey", "a", "x", "b", "id", line=2, on_delete="CASCADE"),)
    assert codes(inv) == []
