"""MySQL executable comments (``/*! ... */``, ``/*!50001 ... */``, MariaDB's ``/*M! ... */``) are
statements to the server: mysqldump writes ``/*!40000 ALTER TABLE ... */``. fkmap reads them as the
server does, and the real MariaDB of the machine says what that is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.analysis import cross_service_fks
from graph.build import build_graph
from ingest.catalogs.mysql import ingest_mysql
from ingest.migrations.sets import ingest_text
from ingest.migrations.split import executable_text, split_statements
from model.inventory import ForeignKey
from ownership.scan import scan

FK = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)"


def test_the_content_of_an_executable_comment_is_a_statement() -> None:
    sql = f"/*!40101 SET NAMES utf8mb4 */;\n/*!40000 {FK} */;\n/*! {FK} */;\n/*{FK} */;\n"
    statements = split_statements(sql, dialect="mysql")
    assert [executable_text(s.text).strip() for s in statements] == ["SET NAMES utf8mb4", FK, FK]
    assert [s.line for s in statements] == [1, 2, 3]


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [("mysql", ["SELECT 1"]), ("mariadb", ["SET x = 1    SELECT 1"])],
)
def test_mariadb_only_comments_run_on_mariadb(dialect: str, expected: list[str]) -> None:
    statements = split_statements("/*M!100100 SET x = 1 */ SELECT 1;", dialect=dialect)
    assert [executable_text(s.text, dialect=dialect).strip() for s in statements] == expected


def test_what_is_never_run_or_quoted_stays_as_it_is() -> None:
    sandbox = "/*M!999999\\- enable the sandbox mode */"  # mariadb-dump's first line: for the client
    assert split_statements(sandbox + "\nSELECT 1;", dialect="mariadb")[0].text == "SELECT 1"
    quoted = "INSERT INTO notes VALUES ('/*!40000 not SQL */', `/*!x*/`, \"/*!y*/\") # /*!z*/"
    assert executable_text(quoted) == quoted
    nested_ending = "/*!50001 CREATE VIEW v AS SELECT 1 /* why */ */"
    assert executable_text(nested_ending).strip() == "CREATE VIEW v AS SELECT 1 /* why */"


def test_a_delimiter_inside_an_executable_comment_ends_the_statement() -> None:
    """As the mysql client splits: /*!40000 ... */ holds no terminator of its own."""
    sql = "/*!40000 ALTER TABLE a DISABLE KEYS */;\n/*!40000 ALTER TABLE a ENABLE KEYS */;"
    assert len(split_statements(sql, dialect="mysql")) == 2


def test_what_sqlglot_cannot_read_in_one_is_read_as_a_comment() -> None:
    """PARTITION BY in /*!50100 ... */ (mysqldump) is beyond sqlglot: the table is still read."""
    sql = (
        "CREATE TABLE users (id INT PRIMARY KEY) ENGINE=InnoDB\n"
        "/*!50100 PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB) */;"
    )
    inv = ingest_text(sql, path="m.sql", dialect="mysql")
    assert [t.ref.name for t in inv.tables] == ["users"]
    assert inv.diagnostics == ()


def test_a_cross_service_fk_in_an_executable_comment_is_found(tmp_path: Path) -> None:
    auth = tmp_path / "services" / "auth" / "migrations"
    orders = tmp_path / "services" / "orders" / "migrations"
    auth.mkdir(parents=True)
    orders.mkdir(parents=True)
    (auth / "001_users.sql").write_text("CREATE TABLE `users` (`id` INT PRIMARY KEY) ENGINE=InnoDB;\n")
    (orders / "001_orders.sql").write_text(
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "CREATE TABLE `orders` (`id` INT PRIMARY KEY, `user_id` INT, KEY (`user_id`)) ENGINE=InnoDB;\n"
        "/*!40000 ALTER TABLE `orders` DISABLE KEYS */;\n"
        f"/*!40000 {FK} */;\n"
    )
    inv = scan([str(tmp_path)])
    crossing = cross_service_fks(build_graph(inv))
    assert [(fk.name, fk.table.name, fk.ref_table.name, fk.added_at.line) for fk in crossing] == [  # type: ignore[union-attr]
        ("orders_user_fk", "orders", "users", 4)
    ]


# ------------------------------------------------------------------------------ the real server
DUMP = """/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
CREATE TABLE users (id INT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id INT PRIMARY KEY, user_id INT, KEY (user_id)) ENGINE=InnoDB;
CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100), order_id INT) ENGINE=InnoDB;
/*!40000 ALTER TABLE orders DISABLE KEYS */;
INSERT INTO notes VALUES (1, '/*!40000 ALTER TABLE notes ADD FOREIGN KEY (id) REFERENCES users (id) */', 2);
/*!40000 ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) */;
/*M!100100 ALTER TABLE notes ADD CONSTRAINT notes_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) */;
/*!999999 ALTER TABLE notes ADD CONSTRAINT notes_user_fk FOREIGN KEY (id) REFERENCES users (id) */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */
"""


def _keys(fks: tuple[ForeignKey, ...]) -> set[tuple[str, str, tuple[str, ...], str, tuple[str, ...]]]:
    return {(fk.table.name, fk.name, fk.columns, fk.ref_table.name, fk.ref_columns) for fk in fks}


@pytest.mark.mariadb
def test_the_foreign_keys_are_the_ones_mariadb_creates(mariadb_database: Callable[..., str]) -> None:
    server = ingest_mysql(mariadb_database(DUMP))
    assert server.diagnostics == ()
    found = ingest_text(DUMP, path="dump.sql", dialect="mariadb")
    assert (
        _keys(found.foreign_keys)
        == _keys(server.foreign_keys)
        == {
            ("orders", "orders_user_fk", ("user_id",), "users", ("id",)),
            ("notes", "notes_order_fk", ("order_id",), "orders", ("id",)),
        }
    )
    assert found.diagnostics == ()
    # MySQL does not run MariaDB's /*M! comments
    as_mysql = ingest_text(DUMP, path="dump.sql", dialect="mysql")
    assert _keys(as_mysql.foreign_keys) == {("orders", "orders_user_fk", ("user_id",), "users", ("id",))}
