"""The MySQL/MariaDB catalog reader, against the machine's real MariaDB.

Tests marked ``mariadb`` create their own databases (and a user with a
password), and drop them afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest

from ingest import read_source
from ingest.catalogs.mysql import connect_read_only, ingest_mysql
from ingest.catalogs.mysql_dsn import parse_mysql_dsn
from model.inventory import Column, ForeignKey, Location, Source, Table, TableRef
from tests.ingest.conftest import _connect

Row = tuple[str, str, tuple[str, ...], TableRef, tuple[str, ...], str, str]

SHOP = """
CREATE TABLE users (
  id INT NOT NULL PRIMARY KEY,
  tenant_id INT NOT NULL,
  email VARCHAR(200),
  UNIQUE KEY users_id_tenant (id, tenant_id)
) ENGINE=InnoDB;
CREATE TABLE orders (
  id INT NOT NULL,
  tenant_id INT NOT NULL,
  user_id INT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id)
    ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB;
CREATE TABLE `order items` (
  `order id` INT NOT NULL,
  `tenant` INT NOT NULL,
  `line` INT NOT NULL,
  PRIMARY KEY (`tenant`, `order id`, `line`),
  CONSTRAINT `fk``odd name` FOREIGN KEY (`tenant`, `order id`) REFERENCES orders (tenant_id, id)
    ON DELETE RESTRICT
) ENGINE=InnoDB;
CREATE TABLE notes (
  id INT NOT NULL PRIMARY KEY,
  author INT NULL,
  editor INT NULL,
  FOREIGN KEY (author) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT notes_editor_fk FOREIGN KEY (editor) REFERENCES users (id) ON DELETE NO ACTION
) ENGINE=InnoDB;
CREATE TABLE `Üser links` (
  id INT NOT NULL PRIMARY KEY,
  parent INT NULL,
  FOREIGN KEY (parent) REFERENCES `Üser links` (id)
) ENGINE=InnoDB;
CREATE VIEW active_users AS SELECT id FROM users
"""


def rows(fks: tuple[ForeignKey, ...]) -> set[Row]:
    return {
        (fk.name, fk.table.name, fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update)
        for fk in fks
    }


def dbname(dsn: str) -> str:
    return parse_mysql_dsn(dsn).database


def expected_shop(db: str) -> set[Row]:
    def t(name: str) -> TableRef:
        return TableRef(db, "", name)

    return {
        (
            "orders_user_fk",
            "orders",
            ("user_id", "tenant_id"),
            t("users"),
            ("id", "tenant_id"),
            "CASCADE",
            "CASCADE",
        ),
        (
            "fk`odd name",
            "order items",
            ("tenant", "order id"),
            t("orders"),
            ("tenant_id", "id"),
            "RESTRICT",
            "RESTRICT",
        ),
        ("notes_ibfk_1", "notes", ("author",), t("users"), ("id",), "SET NULL", "RESTRICT"),
        ("notes_editor_fk", "notes", ("editor",), t("users"), ("id",), "NO ACTION", "RESTRICT"),
        ("Üser links_ibfk_1", "Üser links", ("parent",), t("Üser links"), ("id",), "RESTRICT", "RESTRICT"),
    }


# -- without a server ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["mysql://u:secret@h:99999/db", "mysql://u:secret@h/a/b", "mongodb://u:secret@h/x"]
)
def test_parse_dsn_errors_hide_the_password(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_mysql_dsn(bad)
    assert "secret" not in str(info.value)
    inv = ingest_mysql(bad)
    assert [d.code for d in inv.diagnostics] == ["connect"]
    assert "secret" not in inv.to_json()


def test_unreachable_server_is_one_line_diagnostic() -> None:
    inv = ingest_mysql("mysql://app:s3cret@127.0.0.1:1/shop?bogus=1", connect_timeout=2)
    assert [(d.severity, d.code, d.path) for d in inv.diagnostics] == [
        ("warning", "config", "mysql://app@127.0.0.1:1/shop"),
        ("error", "connect", "mysql://app@127.0.0.1:1/shop"),
    ]
    message = inv.diagnostics[1].message
    assert message.startswith("cannot connect to mysql://app@127.0.0.1:1/shop: ") and "\n" not in message
    assert inv.sources == (Source("catalog", "mysql://app@127.0.0.1:1/shop"),)
    assert "s3cret" not in inv.to_json()
    assert (inv.tables, inv.foreign_keys) == ((), ())


# -- against MariaDB -------------------------------------------------------------------------------


@pytest.mark.mariadb
def test_exact_foreign_keys_of_one_database(mariadb_database: Callable[..., str]) -> None:
    dsn = mariadb_database(SHOP)
    db = dbname(dsn)
    inv = ingest_mysql(dsn)
    assert inv.diagnostics == ()
    assert rows(inv.foreign_keys) == expected_shop(db)
    label = f"mysql://root@127.0.0.1:3306/{quote(db)}"
    assert inv.sources == (Source("catalog", label),)
    assert {fk.added_at for fk in inv.foreign_keys} == {Location(label)}
    assert all(fk.state == "present" and fk.origin == "declared" for fk in inv.foreign_keys)
    assert [(fk.table.name, fk.name) for fk in inv.foreign_keys] == sorted(
        (fk.table.name, fk.name) for fk in inv.foreign_keys
    )


@pytest.mark.mariadb
def test_tables_columns_and_primary_keys(mariadb_database: Callable[..., str]) -> None:
    dsn = mariadb_database(SHOP)
    db = dbname(dsn)
    inv = ingest_mysql(dsn)
    at = Location(f"mysql://root@127.0.0.1:3306/{db}")
    # the view is not a table; no external table: every key stays inside the database
    assert [t.ref for t in inv.tables] == [
        TableRef(db, "", n) for n in ("notes", "order items", "orders", "users", "Üser links")
    ]
    users = inv.table(TableRef(db, "", "users"))
    assert users == Table(
        TableRef(db, "", "users"),
        (
            Column("id", "int(11)", False),
            Column("tenant_id", "int(11)", False),
            Column("email", "varchar(200)", True),
        ),
        ("id",),
        defined_at=at,
    )
    items = inv.table(TableRef(db, "", "order items"))
    assert items is not None and items.primary_key == ("tenant", "order id", "line")
    orders = inv.table(TableRef(db, "", "orders"))
    assert orders is not None and orders.primary_key == ("tenant_id", "id")


@pytest.mark.mariadb
def test_cross_database_key_and_instance_scan(mariadb_database: Callable[..., str], mariadb_dsn: str) -> None:
    shop = mariadb_database(SHOP)
    a = dbname(shop)
    audit = mariadb_database(
        f"CREATE TABLE audit (id INT PRIMARY KEY, user_id INT, "
        f"CONSTRAINT audit_user_fk FOREIGN KEY (user_id) REFERENCES `{a}`.users (id) ON DELETE CASCADE)"
    )
    b = dbname(audit)
    alone = ingest_mysql(audit)
    assert rows(alone.foreign_keys) == {
        ("audit_user_fk", "audit", ("user_id",), TableRef(a, "", "users"), ("id",), "CASCADE", "RESTRICT")
    }
    assert [(t.ref, t.external) for t in alone.tables] == sorted(
        [(TableRef(b, "", "audit"), False), (TableRef(a, "", "users"), True)]
    )
    # no database in the DSN: every non-system database, ours included, none external
    everything = ingest_mysql(mariadb_dsn)
    assert everything.sources == (Source("catalog", "mysql://root@127.0.0.1:3306/"),)
    ours = {fk for fk in everything.foreign_keys if fk.table.database in (a, b)}
    assert rows(tuple(ours)) == expected_shop(a) | rows(alone.foreign_keys)
    assert not any(t.external for t in everything.tables if t.ref.database in (a, b))
    databases = {t.ref.database for t in everything.tables}
    assert {a, b} <= databases and not databases & {
        "mysql",
        "sys",
        "performance_schema",
        "information_schema",
    }
    by_db = {fk.table.database: fk.added_at for fk in everything.foreign_keys}
    assert by_db[b] == Location(f"mysql://root@127.0.0.1:3306/{b}")
    # --all-databases with a DSN that names one
    assert {fk.key for fk in ingest_mysql(audit, all_databases=True).foreign_keys} >= {fk.key for fk in ours}


@pytest.fixture
def mariadb_user(mariadb_dsn: str) -> Iterator[Callable[[str, str], str]]:
    """Factory: a user with a password and SELECT on one database; its DSN (password included)."""
    conn = _connect(mariadb_dsn)
    made: list[str] = []

    def make(database: str, password: str) -> str:
        name = f"fkmap_{uuid.uuid4().hex[:8]}"
        with conn.cursor() as cur:
            cur.execute(f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
            cur.execute(f"GRANT SELECT ON `{database}`.* TO '{name}'@'127.0.0.1'")
        made.append(name)
        return f"mysql://{name}:{quote(password, safe='')}@127.0.0.1:3306/{database}"

    yield make
    with conn.cursor() as cur:
        for name in made:
            cur.execute(f"DROP USER IF EXISTS '{name}'@'127.0.0.1'")
    conn.close()


@pytest.mark.mariadb
def test_password_is_never_shown(
    mariadb_database: Callable[..., str], mariadb_user: Callable[[str, str], str]
) -> None:
    db = dbname(mariadb_database(SHOP))
    password = "S3cr:et/@pw"
    dsn = mariadb_user(db, password)
    user = parse_mysql_dsn(dsn).user
    inv = ingest_mysql(dsn)
    assert inv.diagnostics == () and rows(inv.foreign_keys) == expected_shop(db)
    assert inv.sources == (Source("catalog", f"mysql://{user}@127.0.0.1:3306/{db}"),)
    # the user sees one database: an instance scan reads only it
    instance = ingest_mysql(dsn.rsplit("/", 1)[0] + "/")
    assert {t.ref.database for t in instance.tables} == {db}
    wrong = ingest_mysql(dsn.replace(quote(password, safe=""), "wr0ng-" + quote(password, safe="")))
    assert [d.code for d in wrong.diagnostics] == ["connect"]
    assert "Access denied" in wrong.diagnostics[0].message
    for text in (inv.to_json(), instance.to_json(), wrong.to_json()):
        assert password not in text and quote(password, safe="") not in text and "S3cr" not in text


@pytest.mark.mariadb
def test_session_is_read_only_with_timeouts(mariadb_database: Callable[..., str]) -> None:
    import pymysql

    dsn = mariadb_database("CREATE TABLE t (id INT PRIMARY KEY)")
    db = dbname(dsn)
    conn = connect_read_only(parse_mysql_dsn(dsn), statement_timeout=7)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT @@session.tx_read_only, @@session.max_statement_time")
            read_only, timeout = cur.fetchone()
            assert (int(read_only), float(timeout)) == (1, 7.0)
            with pytest.raises(pymysql.MySQLError) as info:
                cur.execute(f"INSERT INTO `{db}`.t VALUES (1)")
            assert info.value.args[0] == 1792  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    finally:
        conn.close()


@pytest.mark.mariadb
def test_missing_database_and_dispatcher(mariadb_database: Callable[..., str], mariadb_dsn: str) -> None:
    missing = ingest_mysql(mariadb_dsn + "fkmap_no_such_db")
    assert [(d.code, d.path) for d in missing.diagnostics] == [
        ("connect", "mysql://root@127.0.0.1:3306/fkmap_no_such_db")
    ]
    dsn = mariadb_database(SHOP)
    via = read_source(dsn.replace("mysql://", "mariadb://"))
    assert rows(via.foreign_keys) == expected_shop(dbname(dsn))
    assert via.sources[0].label.startswith("mariadb://root@127.0.0.1:3306/")


@pytest.mark.mariadb
def test_scan_assigns_services_by_database(mariadb_database: Callable[..., str]) -> None:
    from ownership import scan

    users = mariadb_database(
        "CREATE TABLE users (id INT PRIMARY KEY)", name=f"auth_{uuid.uuid4().hex[:6]}_db"
    )
    auth = dbname(users)
    chat = dbname(
        mariadb_database(
            f"CREATE TABLE messages (id INT PRIMARY KEY, sender_id INT, "
            f"FOREIGN KEY (sender_id) REFERENCES `{auth}`.users (id) ON DELETE CASCADE)",
            name=f"chat_{uuid.uuid4().hex[:6]}_db",
        )
    )
    inv = scan.scan([users.rsplit("/", 1)[0] + "/"])
    mine = [fk for fk in inv.foreign_keys if fk.ref_table.database == auth]
    assert [(fk.table, fk.columns, fk.on_delete) for fk in mine] == [
        (TableRef(chat, "", "messages"), ("sender_id",), "CASCADE")
    ]
    services = {t.ref: t.service for t in inv.tables}
    # map_by "path" reads a catalog's service from the database name (database_pattern)
    assert services[TableRef(auth, "", "users")] == auth.removesuffix("_db")
    assert services[TableRef(chat, "", "messages")] == chat.removesuffix("_db")
