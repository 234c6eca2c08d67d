"""PostgreSQL statements -> operations (pglast): every statement form, lines, errors, DO blocks."""

from __future__ import annotations

import pglast.parser
import pytest

from ingest.migrations import ops as o
from ingest.migrations import postgres as pg
from ingest.migrations.postgres_fast import fast_ops
from ingest.migrations.split import Statement
from model.inventory import Column, Diagnostic
from tests.helpers import not_none
from tests.ingest.replay_helpers import FK, codes, fks, run

Q = o.QName


def one(sql: str) -> o.Op:
    ops, diags = pg.parse(sql, "m.sql")
    assert not diags, diags
    assert len(ops) == 1, ops
    return ops[0]


INT = "integer"
# (id, statement, expected operation); lines are 1 unless the statement spans lines.
STATEMENTS = [
    (
        "create-table-columns-keys-fks",
        "CREATE TABLE IF NOT EXISTS app.t (id int PRIMARY KEY, u int NOT NULL REFERENCES users, "
        "CONSTRAINT t_u_uq UNIQUE (u), CHECK (u > 0))",
        o.CreateTable(
            Q("app", "t"),
            # as written: the replay makes a primary key's columns NOT NULL (test_replay)
            (Column("id", INT, True), Column("u", INT, False)),
            (
                o.ConstraintSpec("p", None, ("id",)),
                o.ConstraintSpec("u", "t_u_uq", ("u",)),
                o.ConstraintSpec("c", None, ("u",)),
            ),
            (o.FKSpec(None, ("u",), Q(None, "users"), line=1),),
            if_not_exists=True,
            line=1,
        ),
    ),
    (
        "create-table-partition-of",
        "CREATE TABLE e1 PARTITION OF e (CONSTRAINT f FOREIGN KEY (a) REFERENCES z (id)) FOR VALUES IN (1)",
        o.CreateTable(
            Q(None, "e1"),
            fks=(o.FKSpec("f", ("a",), Q(None, "z"), ("id",), line=1),),
            partition_of=Q(None, "e"),
            line=1,
        ),
    ),
    (
        "create-table-like-and-inherits",
        "CREATE TABLE c (LIKE a INCLUDING INDEXES, LIKE b, x int) INHERITS (p, s.q)",
        o.CreateTable(
            Q(None, "c"),
            (Column("x", INT),),
            like=(o.LikeSpec(Q(None, "a"), True), o.LikeSpec(Q(None, "b"), False)),
            inherits=(Q(None, "p"), Q("s", "q")),
            line=1,
        ),
    ),
    (
        "create-table-as",
        "CREATE TABLE snap (a, b) AS SELECT 1, 2",
        o.CreateTable(Q(None, "snap"), (Column("a"), Column("b")), line=1),
    ),
    (
        "alter-add-foreign-key-not-valid",
        "ALTER TABLE ONLY s.t ADD CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES s.p (x, y) "
        "ON UPDATE CASCADE ON DELETE SET NULL (b) DEFERRABLE INITIALLY DEFERRED NOT VALID",
        o.AddForeignKey(
            Q("s", "t"),
            o.FKSpec(
                "fk",
                ("a", "b"),
                Q("s", "p"),
                ("x", "y"),
                "SET NULL",
                "CASCADE",
                True,
                True,
                False,
                ("b",),
                line=1,
            ),
            line=1,
        ),
    ),
    (
        "alter-if-exists-add-column-references",
        "ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS u int REFERENCES users ON DELETE CASCADE",
        o.AddColumn(
            Q(None, "t"),
            Column("u", INT),
            fks=(o.FKSpec(None, ("u",), Q(None, "users"), on_delete="CASCADE", line=1),),
            if_not_exists=True,
            table_if_exists=True,
            line=1,
        ),
    ),
    (
        "alter-add-primary-key",
        "ALTER TABLE t ADD PRIMARY KEY (a, b)",
        o.AddConstraint(Q(None, "t"), o.ConstraintSpec("p", None, ("a", "b")), line=1),
    ),
    (
        "alter-drop-constraint",
        "ALTER TABLE t DROP CONSTRAINT IF EXISTS fk CASCADE",
        o.DropConstraint(Q(None, "t"), "fk", True, True, line=1),
    ),
    ("alter-drop-column", "ALTER TABLE t DROP COLUMN c", o.DropColumn(Q(None, "t"), "c", line=1)),
    (
        "alter-validate",
        "ALTER TABLE t VALIDATE CONSTRAINT fk",
        o.ValidateConstraint(Q(None, "t"), "fk", line=1),
    ),
    (
        "alter-constraint",
        "ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE",
        o.AlterConstraint(Q(None, "t"), "fk", True, False, line=1),
    ),
    (
        "alter-column-type",
        "ALTER TABLE t ALTER COLUMN c TYPE bigint",
        o.AlterColumn(Q(None, "t"), "c", "bigint", line=1),
    ),
    (
        "alter-set-not-null",
        "ALTER TABLE t ALTER c SET NOT NULL",
        o.AlterColumn(Q(None, "t"), "c", nullable=False, line=1),
    ),
    (
        "attach-partition",
        "ALTER TABLE e ATTACH PARTITION e2 DEFAULT",
        o.AttachPartition(Q(None, "e"), Q(None, "e2"), line=1),
    ),
    (
        "detach-partition",
        "ALTER TABLE e DETACH PARTITION e2",
        o.DetachPartition(Q(None, "e"), Q(None, "e2"), line=1),
    ),
    (
        "rename-table",
        "ALTER TABLE IF EXISTS s.t RENAME TO u",
        o.RenameTable(Q("s", "t"), "u", table_if_exists=True, line=1),
    ),
    ("rename-column", "ALTER TABLE t RENAME COLUMN a TO b", o.RenameColumn(Q(None, "t"), "a", "b", line=1)),
    (
        "rename-constraint",
        "ALTER TABLE t RENAME CONSTRAINT a TO b",
        o.RenameConstraint(Q(None, "t"), "a", "b", line=1),
    ),
    ("set-schema", "ALTER TABLE t SET SCHEMA archive", o.SetSchema(Q(None, "t"), "archive", line=1)),
    (
        "drop-table",
        "DROP TABLE IF EXISTS a, s.b CASCADE",
        o.DropTable((Q(None, "a"), Q("s", "b")), True, True, line=1),
    ),
    ("drop-schema", "DROP SCHEMA s CASCADE", o.DropSchema(("s",), False, True, line=1)),
    (
        "set-search-path",
        'SET search_path TO app, "Mixed", public',
        o.SetSearchPath(("app", "Mixed", "public"), line=1),
    ),
    ("set-local-search-path", "SET LOCAL search_path = app", o.SetSearchPath(("app",), line=1)),
    ("set-schema-shorthand", "SET SCHEMA 'app'", o.SetSearchPath(("app",), line=1)),
    ("reset-search-path", "RESET search_path", o.SetSearchPath(None, line=1)),
    ("set-search-path-default", "SET search_path TO DEFAULT", o.SetSearchPath(None, line=1)),
    (
        "pg-dump-set-config",
        "SELECT pg_catalog.set_config('search_path', '', false)",
        o.SetSearchPath((), line=1),
    ),
    (
        "create-schema-elements",
        "CREATE SCHEMA s CREATE TABLE a (id int)",
        o.CreateSchema("s", elements=(o.CreateTable(Q(None, "a"), (Column("id", INT),), line=1),), line=1),
    ),
    ("create-schema-authorization", "CREATE SCHEMA AUTHORIZATION bob", o.CreateSchema("bob", line=1)),
]


@pytest.mark.parametrize(("sql", "expected"), [s[1:] for s in STATEMENTS], ids=[s[0] for s in STATEMENTS])
def test_statement_to_operation(sql: str, expected: o.Op) -> None:
    assert one(sql) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO t VALUES (1)",
        "COPY t (a) FROM stdin",
        "GRANT SELECT ON t TO r",
        "COMMENT ON TABLE t IS 'x'",
        "CREATE INDEX i ON t (a)",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TEMP TABLE t (a int REFERENCES u)",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ ALTER TABLE t ADD FOREIGN KEY (a)"
        " REFERENCES u$$",
        "ALTER TABLE t OWNER TO app",
        "ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass)",
        "ALTER SEQUENCE s OWNED BY t.id",
        "SET statement_timeout = 0",
        "SELECT pg_catalog.setval('s', 1, false)",
        "BEGIN",
        "COMMIT",
    ],
)
def test_statements_that_cannot_change_fks_are_skipped(sql: str) -> None:
    assert pg.parse(sql, "m.sql") == ([], [])


def test_copy_data_and_function_bodies_are_not_replayed() -> None:
    sql = (
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "COPY users (id) FROM stdin;\n1\nALTER TABLE x ADD FOREIGN KEY (a) REFERENCES users;\n\\.\n"
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  ALTER TABLE y ADD FOREIGN KEY (a) REFERENCES users;\nEND $$;\n"
        "CREATE TABLE t (u int REFERENCES users);"
    )
    inv = run(sql)
    assert inv.foreign_keys == (FK("t_u_fkey", "t", "u", "users", "id", line=10),)
    assert codes(inv) == []


# ------------------------------------------------------------------------------ errors and lines
def test_a_bad_statement_is_one_diagnostic_and_the_rest_replays() -> None:
    sql = (
        "CREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE a (u int REFERENCES users);\n"
        "CREATE TABLE `mysql` (id INT) ENGINE=InnoDB;\n"
        "CREATE TABLE b (u int REFERENCES users);\n"
        "ALTER TABLE b ADD CONSTRAINT FOREIGN KEY;\n"
        "CREATE TABLE c (u int REFERENCES users);"
    )
    inv = run(sql, dialect="postgres")
    assert [(f.name, not_none(f.added_at).line) for f in inv.foreign_keys] == [
        ("a_u_fkey", 2),
        ("b_u_fkey", 4),
        ("c_u_fkey", 6),
    ]
    assert codes(inv) == [("error", "parse-error", 3), ("error", "parse-error", 5)]
    assert inv.diagnostics[0].excerpt == "CREATE TABLE `mysql` (id INT) ENGINE=InnoDB"
    assert inv.diagnostics[0].message.startswith("PostgreSQL syntax error: syntax error at or near")


@pytest.mark.parametrize("position", [0, 1, 5, 9])
def test_error_isolation_anywhere_in_a_batch(position: int) -> None:
    statements = [f"CREATE TABLE t{i} (u int REFERENCES users)" for i in range(10)]
    statements[position] = "CREATE TABLE broken (u int REFERENCES)"
    ops, diags = pg.parse(";\n".join(statements) + ";", "m.sql")
    assert [op.line for op in ops] == [i + 1 for i in range(10) if i != position]
    assert [(d.code, d.line) for d in diags] == [("parse-error", position + 1)]


def test_many_errors_fall_back_to_statement_by_statement() -> None:
    statements = [f"CREATE TABLE t{i} (u int REFERENCES{' users' if i % 2 else ''})" for i in range(20)]
    ops, diags = pg.parse(";\n".join(statements) + ";", "m.sql")
    assert [op.line for op in ops] == list(range(2, 21, 2))
    assert [d.line for d in diags] == list(range(1, 21, 2))


def test_small_chunks_give_the_same_operations(monkeypatch: pytest.MonkeyPatch) -> None:
    sql = "\n".join(f"CREATE TABLE t{i} (\n  u int REFERENCES t{i - 1} (id)\n);" for i in range(1, 51))
    whole = pg.parse(sql, "m.sql")
    monkeypatch.setattr(pg, "CHUNK_CHARS", 100)
    assert pg.parse(sql, "m.sql") == whole
    creates = [op for op in whole[0] if isinstance(op, o.CreateTable)]
    assert len(creates) == len(whole[0])
    assert [op.fks[0].line for op in creates] == list(range(2, 150, 3))


def test_lines_are_right_after_multibyte_text() -> None:
    sql = (
        "-- Ünïcödé ☃ comment\nCREATE TABLE \"ü\" (id int PRIMARY KEY, note text DEFAULT 'ß☃');\n"
        "CREATE TABLE t (\n  a int DEFAULT length('☃☃'),\n  b int REFERENCES \"ü\"\n);\n"
        'ALTER TABLE t\n  ADD CONSTRAINT t_a FOREIGN KEY (a) REFERENCES "ü";'
    )
    assert [(f.name, not_none(f.added_at).line) for f in fks(sql)] == [("t_a", 8), ("t_b_fkey", 5)]


def test_psql_include_is_noted() -> None:
    ops, diags = pg.parse("\\i other.sql\nCREATE TABLE t (id int);", "m.sql")
    assert len(ops) == 1
    assert diags == [Diagnostic("info", "psql include not followed", "m.sql", 1, "\\i other.sql", "include")]


# ------------------------------------------------------------------------------ DO blocks
GUARDED = """CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int, user_id int, editor int);
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'posts_user_fk') THEN
    ALTER TABLE posts
      ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
  END IF;
  BEGIN
    ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (editor) REFERENCES users;
  EXCEPTION WHEN duplicate_object THEN NULL;
  END;
  EXECUTE 'ALTER TABLE posts DROP CONSTRAINT posts_editor_fk';
  EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (id) REFERENCES users', 'posts');
  PERFORM 1;
END
$$;"""


def test_do_block_static_ddl_is_replayed() -> None:
    inv = run(GUARDED)
    assert inv.foreign_keys == (
        FK("posts_editor_fk", "posts", "editor", "users", "id", line=10, dropped=13),
        FK("posts_user_fk", "posts", "user_id", "users", "id", line=7, on_delete="CASCADE"),
    )
    assert codes(inv) == [("info", "dynamic-sql", 14)]
    assert inv.diagnostics[0].message.startswith("dynamic SQL in a DO block is not replayed: EXECUTE format(")


def test_do_block_tagged_quote_and_language() -> None:
    sql = (
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE t (u int);\n"
        "DO LANGUAGE plpgsql $body$ BEGIN\n"
        " ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES users;\nEND $body$;\n"
        "DO LANGUAGE plpython3u $$ plpy.execute('ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES users') $$;"
    )
    assert fks(sql) == (FK("t_u_fkey", "t", "u", "users", "id", line=4),)


def test_do_block_that_is_not_plpgsql_falls_back_to_literal_statements() -> None:
    sql = (
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE t (u int);\n"
        "DO $$ BEGIN IF THEN END IF;\n  ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES users;\nEND $$;"
    )
    inv = run(sql)
    assert inv.foreign_keys == (FK("t_u_fkey", "t", "u", "users", "id", line=4),)
    assert codes(inv) == [("warning", "parse-error", 3)]


@pytest.mark.parametrize("position", [0, 3, 7])
def test_error_isolation_after_multibyte_text(position: int) -> None:
    statements = [f"CREATE TABLE t{i} (u int REFERENCES users, note text DEFAULT '☃é☃é')" for i in range(8)]
    statements[position] = "CREATE TABLE broken (u int REFERENCES, note text DEFAULT '☃')"
    ops, diags = pg.parse(";\n".join(statements) + ";", "m.sql")
    assert [op.line for op in ops] == [i + 1 for i in range(8) if i != position]
    assert [(d.code, d.line) for d in diags] == [("parse-error", position + 1)]


def test_a_file_of_another_dialect_stays_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = pglast.parser.parse_sql_json

    def counting(sql: str) -> str:
        calls.append(len(sql))
        return real(sql)

    monkeypatch.setattr(pg, "parse_sql_json", counting)
    sql = "\n".join(f"CREATE TABLE `t{i}` (`id` INT) ENGINE=InnoDB;" for i in range(200))
    ops, diags = pg.parse(sql, "m.sql")
    assert ops == [] and len(diags) == 200
    assert len(calls) <= 200 + 2 * 8


# ------------------------------------------------------------------------------ pg_dump fast path
FAST_FORMS = [
    "ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) "
    "REFERENCES public.users(id) ON DELETE CASCADE",
    "ALTER TABLE ONLY s.t ADD CONSTRAINT t_pkey PRIMARY KEY (a, b)",
    "ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE (code)",
    'ALTER TABLE ONLY "Shop"."Order Lines"\n    ADD CONSTRAINT "fk ""x""" FOREIGN KEY ("Order", item_id) '
    'REFERENCES "Shop"."Orders"("Id", id) MATCH FULL ON UPDATE SET NULL ON DELETE RESTRICT DEFERRABLE '
    "INITIALLY DEFERRED NOT VALID",
    "ALTER TABLE ONLY a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b (y) DEFERRABLE",
    "ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b(y) ON UPDATE NO ACTION"
    " ON DELETE SET DEFAULT",
]
NOT_FAST = [
    "alter table a add constraint f foreign key (x) references b (y)",
    "ALTER TABLE ONLY a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES user(id)",
    "ALTER TABLE ONLY a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b(y) ON DELETE SET NULL (x)",
    "ALTER TABLE ONLY a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b",
    f"ALTER TABLE ONLY a ADD CONSTRAINT {'f' * 70} FOREIGN KEY (x) REFERENCES b(y)",
    "ALTER TABLE ONLY a ADD CONSTRAINT p PRIMARY KEY USING INDEX i",
    "ALTER TABLE ONLY a ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b(y), ADD COLUMN z int",
    "ALTER TABLE ONLY Users ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES b(y)",
]


@pytest.mark.parametrize("sql", FAST_FORMS + NOT_FAST)
def test_fast_path_agrees_with_the_parser(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "SELECT 1;\n\n" + sql + ";"
    fast = pg.parse(text, "m.sql")
    monkeypatch.setattr(pg, "FAST_PATH", False)
    assert fast == pg.parse(text, "m.sql")
    st = Statement(sql, 3, 11)
    assert (fast_ops(st) is not None) == (sql in FAST_FORMS)


def test_fast_path_keeps_statement_order() -> None:
    sql = (
        "CREATE TABLE users (id int);\nALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
        "CREATE TABLE posts (u int);\n"
        "ALTER TABLE ONLY posts ADD CONSTRAINT posts_u_fkey FOREIGN KEY (u) REFERENCES users(id);\n"
    )
    ops, _ = pg.parse(sql, "m.sql")
    assert [(type(op).__name__, op.line) for op in ops] == [
        ("CreateTable", 1),
        ("AddConstraint", 2),
        ("CreateTable", 3),
        ("AddForeignKey", 4),
    ]


@pytest.mark.parametrize(
    ("sql", "line"),
    [
        ("-- a typo\n\nCREAT TABLE post_polls (\n  post_id uuid REFERENCES posts (id)\n);", 3),
        ("CREATE TABEL polls (\n  post_id uuid REFERENCES posts (id)\n);", 1),
        ("ALTER TABEL polls ADD FOREIGN KEY (a) REFERENCES posts;", 1),
    ],
    ids=["unknown-command", "create-typo", "alter-typo"],
)
def test_typos_that_skip_the_relevance_filter_are_still_reported(sql: str, line: int) -> None:
    ops, diags = pg.parse(sql, "m.sql")
    assert ops == []
    assert [(d.severity, d.code, d.line) for d in diags] == [("error", "parse-error", line)]
