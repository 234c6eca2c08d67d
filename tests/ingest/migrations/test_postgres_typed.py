"""The typed CREATE TABLE path (postgres_typed) gives what the dict path (postgres_convert) gives."""

from __future__ import annotations

import msgspec
import pytest
from pglast.parser import parse_sql_json

from ingest.migrations import ops as o
from ingest.migrations import postgres as pg
from ingest.migrations.postgres_convert import Ctx, convert_node
from ingest.migrations.postgres_typed import NotTyped, create_ops

TYPED = [
    "CREATE TABLE IF NOT EXISTS app.t (id int PRIMARY KEY, u int NOT NULL REFERENCES users, "
    "CONSTRAINT t_u_uq UNIQUE (u), CHECK (u > 0))",
    "CREATE TABLE t (\n  id bigserial PRIMARY KEY,\n  status varchar(32) NOT NULL DEFAULT 'new',\n"
    "  at timestamptz NOT NULL DEFAULT now(),\n  meta jsonb NOT NULL DEFAULT '{}'::jsonb,\n"
    "  u bigint\n    REFERENCES s.users (id) ON DELETE CASCADE ON UPDATE SET NULL\n)",
    "CREATE TABLE t (a numeric(10, 2)[][], b interval(3), c double precision, d char(2), e x.y, "
    "f timestamp(3) with time zone, g bit varying(5), h smallint[3])",
    "CREATE TABLE t (a int REFERENCES b DEFERRABLE INITIALLY DEFERRED, "
    "c int UNIQUE DEFERRABLE, d int REFERENCES e NOT DEFERRABLE, g int REFERENCES h INITIALLY IMMEDIATE)",
    "CREATE TABLE t (a int, b int, CONSTRAINT f FOREIGN KEY (a, b) REFERENCES u (x, y) MATCH FULL "
    "ON DELETE SET NULL (a) DEFERRABLE, PRIMARY KEY (a, b) DEFERRABLE, UNIQUE (b))",
    "CREATE TABLE t (a int CHECK (a > b + c), b int CONSTRAINT pos CHECK (b > 0) NOT NULL NULL)",
    "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY, b int GENERATED ALWAYS AS (a * 2) STORED)",
    'CREATE TABLE "S"."T" ("Id" int PRIMARY KEY, "x""y" text COLLATE "C")',
    "CREATE UNLOGGED TABLE t (a int)",
    "CREATE TEMP TABLE t (a int REFERENCES b)",
    "CREATE TABLE t ()",
    "CREATE TABLE t (a int, UNIQUE (a) USING INDEX TABLESPACE x)",
    "CREATE TABLE t (a int REFERENCES b NOT ENFORCED)",
]
NOT_TYPED = [
    "CREATE TABLE t (LIKE s INCLUDING ALL, a int)",
    "CREATE TABLE t (a int) INHERITS (p)",
    "CREATE TABLE t PARTITION OF p FOR VALUES IN (1)",
    "CREATE TABLE t (a int, EXCLUDE USING gist (a WITH =))",
]


def _both(sql: str) -> tuple[list[o.Op] | None, list[o.Op]]:
    tree = msgspec.json.decode(parse_sql_json(sql))
    body = tree["stmts"][0]["stmt"]["CreateStmt"]
    data = sql.encode()
    try:
        typed = create_ops(msgspec.json.encode(body), Ctx(data, 0, 1, sql, "m.sql", []))
    except NotTyped:
        typed = None
    return typed, convert_node("CreateStmt", body, Ctx(data, 0, 1, sql, "m.sql", []))


@pytest.mark.parametrize("sql", TYPED)
def test_typed_path_agrees_with_the_dict_path(sql: str) -> None:
    typed, by_dict = _both(sql)
    assert typed == by_dict


@pytest.mark.parametrize("sql", NOT_TYPED)
def test_other_tables_take_the_dict_path(sql: str) -> None:
    typed, by_dict = _both(sql)
    assert typed is None
    assert by_dict


def test_a_script_reads_the_same_lines_either_way() -> None:
    sql = "SET x = 1;\nCREATE TABLE a (\n  id int PRIMARY KEY,\n  b int\n    REFERENCES b\n);\n"
    ops, diags = pg.parse(sql, "m.sql")
    assert not diags
    [op] = ops
    assert isinstance(op, o.CreateTable)
    assert (op.line, op.fks[0].line, op.text) == (2, 5, sql[11:-2])
