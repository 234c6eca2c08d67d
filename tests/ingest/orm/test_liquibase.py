"""Liquibase: XML, YAML and JSON changelogs, includes followed in changelog order."""

from __future__ import annotations

from pathlib import Path

from ingest import read_source
from ingest.migrations.sets import read as read_folder
from ingest.orm.liquibase import ingest_liquibase
from tests.ingest.orm.orm_helpers import fks, present, write

RES = "service/src/main/resources"
MASTER = f"{RES}/db/changelog/db.changelog-master.xml"
FILES = {
    "service/pom.xml": "<project/>",
    f"{RES}/application.yml": "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/orders\n",
    MASTER: """
        <?xml version="1.0" encoding="UTF-8"?>
        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <property name="app" value="shop"/>
          <include file="db/changelog/changes/001-init.yaml"/>
          <include file="changes/002-keys.xml" relativeToChangelogFile="true"/>
          <includeAll path="later/" relativeToChangelogFile="true"/>
        </databaseChangeLog>
    """,
    f"{RES}/db/changelog/changes/001-init.yaml": """
        databaseChangeLog:
          - changeSet:
              id: 1
              author: dev
              changes:
                - createTable:
                    tableName: Customers
                    columns:
                      - column:
                          name: id
                          type: BIGINT
                          constraints:
                            primaryKey: true
                      - column:
                          name: email
                          type: VARCHAR(255)
                          constraints:
                            nullable: false
                - createTable:
                    tableName: orders
                    columns:
                      - column: {name: id, type: BIGINT, constraints: {primaryKey: true}}
                      - column:
                          name: customer_id
                          type: BIGINT
                          constraints:
                            references: customers(id)
                            foreignKeyName: fk_orders_customer
                            deleteCascade: true
              rollback:
                - dropTable:
                    tableName: orders
    """,
    f"{RES}/db/changelog/changes/002-keys.xml": """
        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
          <changeSet id="2" author="dev">
            <createTable tableName="${app}_items">
              <column name="id" type="bigint"><constraints primaryKey="true"/></column>
              <column name="order_id" type="bigint">
                <constraints referencedTableName="orders" referencedColumnNames="id"
                    foreignKeyName="fk_items_order"/>
              </column>
              <column name="sku" type="varchar(40)"/>
            </createTable>
            <addForeignKeyConstraint baseTableName="orders" baseColumnNames="id"
                constraintName="fk_orders_self" referencedTableName="orders" referencedColumnNames="id"
                onDelete="SET NULL" onUpdate="CASCADE"/>
            <rollback>
              <dropForeignKeyConstraint baseTableName="orders" constraintName="fk_items_order"/>
            </rollback>
          </changeSet>
          <changeSet id="3" author="dev" dbms="oracle">
            <addForeignKeyConstraint baseTableName="orders" baseColumnNames="id"
                constraintName="fk_oracle_only" referencedTableName="customers" referencedColumnNames="id"/>
          </changeSet>
          <changeSet id="4" author="dev">
            <sql>
              CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint);
              ALTER TABLE payments ADD CONSTRAINT fk_pay_order FOREIGN KEY (order_id) REFERENCES orders (id);
            </sql>
            <sqlFile path="sql/005-audit.sql" relativeToChangelogFile="true"/>
          </changeSet>
        </databaseChangeLog>
    """,
    f"{RES}/db/changelog/changes/sql/005-audit.sql": """
        CREATE TABLE audit (id bigint, customer_id bigint REFERENCES customers (id));
    """,
    f"{RES}/db/changelog/later/010-drop.json": """
        {"databaseChangeLog": [
          {"changeSet": {"id": "10", "author": "dev", "changes": [
            {"dropForeignKeyConstraint": {"baseTableName": "orders", "constraintName": "fk_orders_self"}},
            {"renameTable": {"oldTableName": "shop_items", "newTableName": "order_items"}}
          ]}}
        ]}
    """,
    f"{RES}/db/changelog/later/020-more.yaml": """
        databaseChangeLog:
          - changeSet:
              id: 20
              author: dev
              changes:
                - addColumn:
                    tableName: audit
                    columns:
                      - column:
                          name: order_id
                          type: bigint
                          constraints:
                            referencedTableName: orders
                            referencedColumnNames: id
                            foreignKeyName: fk_audit_order
                - dropAllForeignKeyConstraints:
                    baseTableName: payments
                - dropTable:
                    tableName: legacy
    """,
}


def test_changelog_tree_in_order(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    inv, sql_files = ingest_liquibase(tmp_path)
    init = f"{RES}/db/changelog/changes/001-init.yaml"
    keys = f"{RES}/db/changelog/changes/002-keys.xml"
    audit = f"{RES}/db/changelog/changes/sql/005-audit.sql"
    more = f"{RES}/db/changelog/later/020-more.yaml"
    assert [m.path for m in inv.migrations] == [
        init,
        keys,
        audit,
        f"{RES}/db/changelog/later/010-drop.json",
        more,
    ]
    assert {m.database for m in inv.migrations} == {f"{RES}/db/changelog"}
    assert sql_files == {audit}
    assert fks(inv) == {
        (
            "fk_orders_customer",
            "public.orders",
            ("customer_id",),
            "public.customers",
            ("id",),
            "CASCADE",
            "NO ACTION",
            f"{init}:26",
            "present",
        ),
        (
            "fk_items_order",
            "public.order_items",
            ("order_id",),
            "public.orders",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{keys}:6",
            "present",
        ),
        (
            "fk_orders_self",
            "public.orders",
            ("id",),
            "public.orders",
            ("id",),
            "SET NULL",
            "CASCADE",
            f"{keys}:11",
            "dropped",
        ),
        (
            "fk_pay_order",
            "public.payments",
            ("order_id",),
            "public.orders",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{keys}:25",
            "dropped",
        ),
        (
            "audit_customer_id_fkey",
            "public.audit",
            ("customer_id",),
            "public.customers",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{audit}:1",
            "present",
        ),
        (
            "fk_audit_order",
            "public.audit",
            ("order_id",),
            "public.orders",
            ("id",),
            "NO ACTION",
            "NO ACTION",
            f"{more}:12",
            "present",
        ),
    }
    tables = {t.ref.name: t for t in inv.tables if not t.external}
    assert tables["customers"].primary_key == ("id",)
    assert [(c.name, c.nullable) for c in tables["customers"].columns] == [("id", False), ("email", False)]
    assert str(tables["orders"].defined_at) == f"{init}:19"
    assert "legacy" not in tables


def test_folder_scan_reads_changelogs_and_not_their_sql_twice(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    inv = read_folder(str(tmp_path))
    assert {t.ref.database for t in inv.tables} == {f"{RES}/db/changelog"}
    assert ("public.audit", ("customer_id",), "public.customers", ("id",)) in present(inv)
    assert not any(d.code == "no-migrations" for d in inv.diagnostics)


def test_single_changelog_source(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    inv = read_source(str(tmp_path / MASTER))
    assert len(present(inv)) == 4
    assert {m.database for m in inv.migrations} == {str(tmp_path / RES / "db/changelog")}
    bad = read_source(str(tmp_path / "service/pom.xml"))
    assert [d.code for d in bad.diagnostics] == ["parse-error"]


def test_entities_are_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "db/master.xml": """
                <?xml version="1.0"?>
                <!DOCTYPE databaseChangeLog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <databaseChangeLog>
                  <changeSet id="1" author="x"><sql>&secret;</sql></changeSet>
                </databaseChangeLog>
            """,
            "db/bomb.yaml": "databaseChangeLog: &a [" + ", ".join(["*a"] * 2) + "]\n",
        },
    )
    inv, _ = ingest_liquibase(tmp_path)
    assert inv.tables == ()
    messages = sorted((d.path, d.message) for d in inv.diagnostics)
    assert messages[1] == (
        "db/master.xml",
        "changelog not read: XML entity declarations are not read (unsafe)",
    )
    assert messages[0][0] == "db/bomb.yaml"


def test_mysql_project_keeps_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/src/main/resources/application.properties": "spring.datasource.url=jdbc:mysql://db/app\n",
            "app/src/main/resources/db/changelog.yaml": """
                databaseChangeLog:
                  - changeSet:
                      id: 1
                      author: a
                      changes:
                        - createTable:
                            tableName: Users
                            columns: [{column: {name: Id, type: int, constraints: {primaryKey: true}}}]
                        - createTable:
                            tableName: Posts
                            columns:
                              - column:
                                  name: UserId
                                  type: int
                                  constraints: {references: Users(Id), foreignKeyName: FK_Posts_Users}
            """,
        },
    )
    inv, _ = ingest_liquibase(tmp_path)
    assert present(inv) == {("Posts", ("UserId",), "Users", ("Id",))}


def test_contexts_naming_databases_and_module_classpath(tmp_path: Path) -> None:
    """One changeSet per database chosen by context (as Apache Fineract does), and a module's
    changelog included by classpath from another Maven module."""
    write(
        tmp_path,
        {
            "app/src/main/resources/application.properties": "url=jdbc:postgresql://db/app\n",
            "app/src/main/resources/db/master.xml": """
                <databaseChangeLog>
                  <changeSet id="1" author="a" context="postgresql">
                    <createTable tableName="accounts"><column name="id" type="bigint"/></createTable>
                  </changeSet>
                  <changeSet id="1" author="a" context="mysql">
                    <createTable tableName="accounts"><column name="id" type="bigint"/></createTable>
                  </changeSet>
                  <include file="db/module/loans.xml" context="tenant_db AND !initial_switch"/>
                </databaseChangeLog>
            """,
            "loans/src/main/resources/db/module/loans.xml": """
                <databaseChangeLog>
                  <changeSet id="2" author="a">
                    <createTable tableName="loans">
                      <column name="account_id" type="bigint">
                        <constraints foreignKeyName="fk_loan_account" references="accounts(id)"/>
                      </column>
                    </createTable>
                  </changeSet>
                </databaseChangeLog>
            """,
        },
    )
    inv, _ = ingest_liquibase(tmp_path)
    assert present(inv) == {("public.loans", ("account_id",), "public.accounts", ("id",))}
    assert {m.database for m in inv.migrations} == {"app/src/main/resources/db"}
    assert inv.diagnostics == ()
