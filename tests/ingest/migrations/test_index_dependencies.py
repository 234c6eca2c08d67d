"""A foreign key depends on one unique index of the table it references; dropping that index,
or the primary key / unique constraint that owns it, with CASCADE drops the foreign key.

PostgreSQL picks the index: the primary key's for ``REFERENCES t``, else the oldest usable
unique index (no expression, no WHERE, not deferrable) on exactly the referenced columns.
Every script is replayed by fkmap and run on the machine's real PostgreSQL; the foreign keys
left must be the same.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from ingest.migrations.sets import ingest_text

U = "CREATE TABLE u (id int, code int, a int, b int);\n"

SCRIPTS = {
    "drop-unique-index-cascade": U + "CREATE UNIQUE INDEX u_code ON u (code);\n"
    "CREATE TABLE t (c int REFERENCES u (code));\nDROP INDEX u_code CASCADE;",
    "oldest-of-two-indexes-dropped": U + "CREATE UNIQUE INDEX u_code_b ON u (code);\n"
    "CREATE UNIQUE INDEX u_code_a ON u (code);\nCREATE TABLE t (c int REFERENCES u (code));\n"
    "DROP INDEX u_code_b CASCADE;",
    "newest-of-two-indexes-dropped": U + "CREATE UNIQUE INDEX u_code_b ON u (code);\n"
    "CREATE UNIQUE INDEX u_code_a ON u (code);\nCREATE TABLE t (c int REFERENCES u (code));\n"
    "DROP INDEX u_code_a CASCADE;",
    "index-older-than-primary-key": U + "CREATE UNIQUE INDEX u_id_idx ON u (id);\n"
    "ALTER TABLE u ADD PRIMARY KEY (id);\nCREATE TABLE t (c int REFERENCES u (id));\n"
    "ALTER TABLE u DROP CONSTRAINT u_pkey CASCADE;",
    "primary-key-older-than-index": U + "ALTER TABLE u ADD PRIMARY KEY (id);\n"
    "CREATE UNIQUE INDEX u_id_idx ON u (id);\nCREATE TABLE t (c int REFERENCES u (id));\n"
    "CREATE TABLE t2 (c int REFERENCES u (id));\nDROP INDEX u_id_idx CASCADE;\n"
    "ALTER TABLE t2 ADD CONSTRAINT t2_again FOREIGN KEY (c) REFERENCES u (id);\n"
    "ALTER TABLE u DROP CONSTRAINT u_pkey CASCADE;",
    "references-without-columns-use-the-primary-key": "CREATE TABLE u (id int UNIQUE);\n"
    "ALTER TABLE u ADD PRIMARY KEY (id);\nCREATE TABLE t (c int REFERENCES u);\n"
    "CREATE TABLE t2 (c int REFERENCES u (id));\nALTER TABLE u DROP CONSTRAINT u_id_key CASCADE;",
    "unusable-indexes-are-skipped": U + "CREATE UNIQUE INDEX u_part ON u (code) WHERE code > 0;\n"
    "ALTER TABLE u ADD CONSTRAINT u_def UNIQUE (code) DEFERRABLE;\n"
    "CREATE UNIQUE INDEX u_expr ON u ((code + 0));\nCREATE UNIQUE INDEX u_ok ON u (code);\n"
    "CREATE TABLE t (c int REFERENCES u (code));\nDROP INDEX u_part CASCADE;\n"
    "ALTER TABLE u DROP CONSTRAINT u_def CASCADE;\nDROP INDEX u_expr CASCADE;\n"
    "CREATE TABLE t2 (c int REFERENCES u (code));\nDROP INDEX u_ok CASCADE;",
    "column-order-does-not-matter": U + "CREATE UNIQUE INDEX u_ba ON u (b, a);\n"
    "CREATE TABLE t (x int, y int, FOREIGN KEY (x, y) REFERENCES u (a, b));\nDROP INDEX u_ba CASCADE;",
    "renamed-index": U + "CREATE UNIQUE INDEX u_a ON u (a);\nCREATE TABLE t (x int REFERENCES u (a));\n"
    "ALTER INDEX u_a RENAME TO u_a2;\nDROP INDEX u_a2 CASCADE;",
    "renamed-constraint-renames-its-index": "CREATE TABLE u (id int CONSTRAINT u_k PRIMARY KEY);\n"
    "CREATE TABLE t (x int REFERENCES u);\nALTER TABLE u RENAME CONSTRAINT u_k TO u_k2;\n"
    "ALTER INDEX u_k2 RENAME TO u_k3;\nALTER TABLE u DROP CONSTRAINT u_k3 CASCADE;",
    "schema-qualified-and-moved": "CREATE SCHEMA s;\nCREATE SCHEMA s2;\nCREATE TABLE s.u (id int);\n"
    "CREATE UNIQUE INDEX u_id ON s.u (id);\nCREATE UNIQUE INDEX u_id_too ON s.u (id);\n"
    "CREATE TABLE t (c int REFERENCES s.u (id));\nCREATE TABLE t2 (c int REFERENCES s.u (id));\n"
    "ALTER TABLE s.u SET SCHEMA s2;\nSET search_path = s2, public;\nDROP INDEX u_id_too CASCADE;\n"
    "DROP INDEX s2.u_id CASCADE;",
    "using-index-becomes-the-key": U + "CREATE UNIQUE INDEX u_idx ON u (id);\n"
    "ALTER TABLE u ADD CONSTRAINT u_uq UNIQUE USING INDEX u_idx;\n"
    "CREATE TABLE t (c int REFERENCES u (id));\nALTER TABLE u DROP CONSTRAINT u_uq CASCADE;",
    "default-index-name": U
    + "CREATE UNIQUE INDEX ON u (code);\nCREATE TABLE t (c int REFERENCES u (code));\n"
    "DROP INDEX u_code_idx CASCADE;",
    "include-columns-are-no-key": U + "CREATE UNIQUE INDEX u_inc ON u (id) INCLUDE (code);\n"
    "CREATE TABLE t (c int REFERENCES u (id));\nDROP INDEX u_inc CASCADE;",
    "dropped-column-takes-its-index": U + "CREATE UNIQUE INDEX u_code ON u (code);\n"
    "CREATE UNIQUE INDEX u_code_id ON u (code, id);\nCREATE TABLE t (c int REFERENCES u (code));\n"
    "CREATE TABLE t2 (c int, d int, FOREIGN KEY (c, d) REFERENCES u (code, id));\n"
    "ALTER TABLE u DROP COLUMN id CASCADE;\nCREATE TABLE t3 (c int REFERENCES u (code));",
    "several-keys-several-indexes": U + "ALTER TABLE u ADD PRIMARY KEY (id);\n"
    "ALTER TABLE u ADD CONSTRAINT u_code_key UNIQUE (code);\nCREATE UNIQUE INDEX u_ab ON u (a, b);\n"
    "CREATE TABLE t (i int REFERENCES u, c int REFERENCES u (code), x int, y int,\n"
    "  FOREIGN KEY (x, y) REFERENCES u (a, b));\nALTER TABLE u DROP CONSTRAINT u_code_key CASCADE;",
}

FKS = (
    "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
    "AND connamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')"
)


def _in_postgres(dsn: str) -> set[tuple[str, str]]:
    with psycopg.connect(dsn) as conn:
        return {(table.rsplit(".", 1)[-1], name) for table, name in conn.execute(FKS).fetchall()}


@pytest.mark.postgres
@pytest.mark.parametrize("sql", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_foreign_keys_left_are_the_ones_postgresql_keeps(
    fresh_database: Callable[..., str], sql: str
) -> None:
    server = _in_postgres(fresh_database(sql))
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    present = {(fk.table.name, fk.name) for fk in inv.foreign_keys if fk.dropped_at is None}
    assert present == server
    assert [d for d in inv.diagnostics if d.severity != "info"] == []


def test_the_dropped_key_says_where() -> None:
    inv = ingest_text(SCRIPTS["drop-unique-index-cascade"], path="m.sql", dialect="postgres")
    [fk] = inv.foreign_keys
    assert (fk.name, str(fk.dropped_at)) == ("t_c_fkey", "m.sql:4")


def test_without_cascade_postgresql_refuses_and_a_warning_says_so() -> None:
    sql = U + "CREATE UNIQUE INDEX u_code ON u (code);\nCREATE TABLE t (c int REFERENCES u (code));\n"
    sql += "DROP INDEX u_code;"
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    assert [fk.dropped_at is not None for fk in inv.foreign_keys] == [True]
    [d] = inv.diagnostics
    assert (d.code, d.line) == ("drop-dependent", 4)
    assert d.message.startswith("DROP INDEX u_code without CASCADE fails while 1 foreign key(s) depend on it")


def test_the_index_of_a_key_cannot_be_dropped_alone() -> None:
    sql = "CREATE TABLE u (id int PRIMARY KEY);\nCREATE TABLE t (c int REFERENCES u);\n"
    sql += "DROP INDEX u_pkey CASCADE;"
    inv = ingest_text(sql, path="m.sql", dialect="postgres")
    assert [fk.dropped_at for fk in inv.foreign_keys] == [None]
    [d] = inv.diagnostics
    assert (d.code, d.line) == ("drop-dependent", 3)
    assert "constraint u_pkey on public.u requires it" in d.message


def test_mysql_keeps_its_behaviour() -> None:
    """MySQL has no DROP INDEX ... CASCADE; DROP PRIMARY KEY leaves the foreign keys to the server."""
    sql = (
        "CREATE TABLE `u` (`id` INT PRIMARY KEY);\n"
        "CREATE TABLE `t` (`c` INT, FOREIGN KEY (`c`) REFERENCES `u` (`id`));\n"
        "ALTER TABLE `u` DROP PRIMARY KEY;"
    )
    inv = ingest_text(sql, path="m.sql", dialect="mysql")
    assert [fk.dropped_at for fk in inv.foreign_keys] == [None]
