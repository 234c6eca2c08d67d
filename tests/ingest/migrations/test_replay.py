"""Replay semantics: every DDL form, with the exact FK records (present and dropped) it leaves.

Scripts go through the real PostgreSQL parser (pglast) and the replayer; each
case names the syntax form it covers. ``test_matches_postgresql`` runs a corpus
of the same scripts on the machine's PostgreSQL and compares the catalog's
foreign keys (names included) with the replay.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ingest.migrations import ops as o
from ingest.migrations.replay import Replayer, replay
from ingest.migrations.sets import ingest_text
from model.inventory import Column, ForeignKey, Location, Table
from tests.helpers import not_none
from tests.ingest.replay_helpers import FK, at, codes, fks, ref, run, why

USERS = "CREATE TABLE users (id int PRIMARY KEY);\n"

# (id, script, expected foreign_keys in output order)
CASES = [
    (
        "inline-references-with-column",
        USERS + "CREATE TABLE posts (id int, user_id int REFERENCES users (id));",
        [FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=2)],
    ),
    (
        "inline-references-primary-key-default",
        USERS + "CREATE TABLE posts (\n  id int,\n  user_id int NOT NULL REFERENCES users\n);",
        [FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=4)],
    ),
    (
        "table-level-named-with-actions",
        USERS
        + "CREATE TABLE posts (\n  author int,\n"
        + "  CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id)\n"
        + "    ON DELETE CASCADE ON UPDATE SET NULL\n);",
        [
            FK(
                "posts_author_fk",
                "posts",
                "author",
                "users",
                "id",
                line=4,
                on_delete="CASCADE",
                on_update="SET NULL",
            )
        ],
    ),
    (
        "composite-keys-in-order",
        "CREATE TABLE a (x int, y int, PRIMARY KEY (y, x));\n"
        "CREATE TABLE b (p int, q int, FOREIGN KEY (q, p) REFERENCES a (y, x));",
        [FK("b_q_p_fkey", "b", ("q", "p"), "a", ("y", "x"), line=2)],
    ),
    (
        "composite-references-primary-key-order",
        "CREATE TABLE a (x int, y int, PRIMARY KEY (y, x));\n"
        "CREATE TABLE b (p int, q int, FOREIGN KEY (q, p) REFERENCES a);",
        [FK("b_q_p_fkey", "b", ("q", "p"), "a", ("y", "x"), line=2)],
    ),
    (
        "references-without-key-uses-id-column",
        "CREATE TABLE u (id int, name text);\nCREATE TABLE v (u_id int REFERENCES u);",
        [FK("v_u_id_fkey", "v", "u_id", "u", "id", line=2)],
    ),
    (
        "every-action",
        USERS
        + "CREATE TABLE t (a int REFERENCES users ON DELETE RESTRICT ON UPDATE CASCADE,\n"
        + "  b int REFERENCES users ON DELETE SET DEFAULT ON UPDATE NO ACTION,\n"
        + "  c int REFERENCES users ON DELETE NO ACTION ON UPDATE RESTRICT);",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2, on_delete="RESTRICT", on_update="CASCADE"),
            FK("t_b_fkey", "t", "b", "users", "id", line=3, on_delete="SET DEFAULT"),
            FK("t_c_fkey", "t", "c", "users", "id", line=4, on_update="RESTRICT"),
        ],
    ),
    (
        "on-delete-set-null-column-list",
        "CREATE TABLE users (tenant int, id int, PRIMARY KEY (tenant, id));\n"
        "CREATE TABLE posts (tenant int, author int,\n"
        "  FOREIGN KEY (tenant, author) REFERENCES users MATCH SIMPLE ON DELETE SET NULL (author));",
        [
            FK(
                "posts_tenant_author_fkey",
                "posts",
                ("tenant", "author"),
                "users",
                ("tenant", "id"),
                line=3,
                on_delete="SET NULL",
                on_delete_columns=("author",),
            )
        ],
    ),
    (
        "deferrable-forms",
        USERS
        + "CREATE TABLE t (a int REFERENCES users DEFERRABLE,\n"
        + "  b int REFERENCES users INITIALLY DEFERRED,\n"
        + "  c int, FOREIGN KEY (c) REFERENCES users DEFERRABLE INITIALLY IMMEDIATE);",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2, deferrable=True),
            FK("t_b_fkey", "t", "b", "users", "id", line=3, deferrable=True, initially_deferred=True),
            FK("t_c_fkey", "t", "c", "users", "id", line=4, deferrable=True),
        ],
    ),
    (
        "not-valid-ignored-in-create-table",
        USERS + "CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES users NOT VALID);",
        [FK("t_a_fkey", "t", "a", "users", "id", line=2)],
    ),
    (
        "alter-add-not-valid-then-validate",
        USERS
        + "CREATE TABLE t (a int, b int);\n"
        + "ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES users NOT VALID;\n"
        + "ALTER TABLE t ADD CONSTRAINT t_b_fk FOREIGN KEY (b) REFERENCES users NOT VALID;\n"
        + "ALTER TABLE t VALIDATE CONSTRAINT t_a_fk;",
        [
            FK("t_a_fk", "t", "a", "users", "id", line=3),
            FK("t_b_fk", "t", "b", "users", "id", line=4, validated=False),
        ],
    ),
    (
        "not-enforced-is-not-validated",
        USERS + "CREATE TABLE t (a int REFERENCES users NOT ENFORCED);",
        [FK("t_a_fkey", "t", "a", "users", "id", line=2, validated=False)],
    ),
    (
        "create-if-not-exists-is-a-no-op-when-the-table-exists",
        USERS
        + "CREATE TABLE posts (id int, user_id int REFERENCES users);\n"
        + "CREATE TABLE IF NOT EXISTS posts (id int, owner_id int REFERENCES users);\n"
        + "CREATE TABLE IF NOT EXISTS tags (id int, user_id int REFERENCES users);",
        [
            FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=2),
            FK("tags_user_id_fkey", "tags", "user_id", "users", "id", line=4),
        ],
    ),
    (
        "alter-table-only-pg-dump-style",
        "CREATE TABLE public.users (id int);\nCREATE TABLE public.posts (user_id int);\n"
        "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY public.posts\n    ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) "
        "REFERENCES public.users(id) ON DELETE CASCADE;",
        [FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=6, on_delete="CASCADE")],
    ),
    (
        "alter-add-foreign-key-unnamed",
        USERS + "CREATE TABLE t (a int);\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES users;",
        [FK("t_a_fkey", "t", "a", "users", "id", line=3)],
    ),
    (
        "alter-table-if-exists-on-missing-table",
        USERS + "ALTER TABLE IF EXISTS nope ADD FOREIGN KEY (a) REFERENCES users;",
        [],
    ),
    (
        "add-column-references",
        USERS
        + "CREATE TABLE t (a int);\n"
        + "ALTER TABLE t ADD COLUMN b int REFERENCES users ON DELETE SET NULL,\n"
        + "  ADD COLUMN IF NOT EXISTS a int REFERENCES users;",
        [FK("t_b_fkey", "t", "b", "users", "id", line=3, on_delete="SET NULL")],
    ),
    (
        "drop-constraint-and-if-exists",
        USERS
        + "CREATE TABLE t (a int REFERENCES users);\n"
        + "ALTER TABLE t DROP CONSTRAINT t_a_fkey;\n"
        + "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_a_fkey;",
        [FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3)],
    ),
    (
        "re-added-after-drop-is-a-new-record",
        USERS
        + "CREATE TABLE t (a int REFERENCES users);\n"
        + "ALTER TABLE t DROP CONSTRAINT t_a_fkey;\n"
        + "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES users ON DELETE CASCADE;",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3),
            FK("t_a_fkey", "t", "a", "users", "id", line=4, on_delete="CASCADE"),
        ],
    ),
    (
        "drop-column-drops-fks-on-both-sides",
        "CREATE TABLE users (id int PRIMARY KEY, org int UNIQUE);\n"
        + "CREATE TABLE t (a int REFERENCES users, o int REFERENCES users (org), k int);\n"
        + "ALTER TABLE t DROP COLUMN a;\n"
        + "ALTER TABLE users DROP COLUMN org CASCADE;",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3),
            FK("t_o_fkey", "t", "o", "users", "org", line=2, dropped=4),
        ],
    ),
    (
        "rename-table",
        USERS + "CREATE TABLE t (a int REFERENCES users);\nALTER TABLE users RENAME TO accounts;",
        [FK("t_a_fkey", "t", "a", "accounts", "id", line=2)],
    ),
    (
        "rename-column-both-sides",
        USERS
        + "CREATE TABLE t (a int REFERENCES users);\n"
        + "ALTER TABLE users RENAME COLUMN id TO user_id;\n"
        + "ALTER TABLE t RENAME a TO owner;",
        [FK("t_a_fkey", "t", "owner", "users", "user_id", line=2)],
    ),
    (
        "rename-constraint-then-drop-by-new-name",
        USERS
        + "CREATE TABLE t (a int REFERENCES users);\n"
        + "ALTER TABLE t RENAME CONSTRAINT t_a_fkey TO t_owner_fk;\n"
        + "ALTER TABLE t DROP CONSTRAINT t_owner_fk;",
        [FK("t_owner_fk", "t", "a", "users", "id", line=2, dropped=4)],
    ),
    (
        "set-schema",
        USERS
        + "CREATE SCHEMA auth;\nCREATE TABLE t (a int REFERENCES users);\nALTER TABLE users SET SCHEMA auth;",
        [FK("t_a_fkey", "t", "a", "auth.users", "id", line=3)],
    ),
    (
        "drop-table-cascade",
        USERS + "CREATE TABLE t (id int PRIMARY KEY, a int REFERENCES users);\n"
        "CREATE TABLE u (t_id int REFERENCES t);\nDROP TABLE users CASCADE;\n"
        "DROP TABLE IF EXISTS u, t, nope;",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=4),
            FK("u_t_id_fkey", "u", "t_id", "t", "id", line=3, dropped=5),
        ],
    ),
    (
        "quoted-and-folded-identifiers",
        'CREATE TABLE "Users" ("Id" int PRIMARY KEY);\n'
        'CREATE TABLE Posts (UserId int REFERENCES "Users", "Editor" int REFERENCES "Users" ("Id"));',
        [
            FK("posts_Editor_fkey", "posts", "Editor", "Users", "Id", line=2),
            FK("posts_userid_fkey", "posts", "userid", "Users", "Id", line=2),
        ],
    ),
    (
        "self-reference",
        "CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node ON DELETE CASCADE);",
        [FK("node_parent_fkey", "node", "parent", "node", "id", line=1, on_delete="CASCADE")],
    ),
    (
        "default-name-de-duplicated",
        USERS
        + "CREATE TABLE t (a int REFERENCES users, FOREIGN KEY (a) REFERENCES users ON DELETE CASCADE);\n"
        "ALTER TABLE t DROP CONSTRAINT t_a_fkey1;",
        [
            FK("t_a_fkey", "t", "a", "users", "id", line=2),
            FK("t_a_fkey1", "t", "a", "users", "id", line=2, on_delete="CASCADE", dropped=3),
        ],
    ),
    (
        "alter-constraint-deferrable",
        USERS + "CREATE TABLE t (a int REFERENCES users);\n"
        "ALTER TABLE t ALTER CONSTRAINT t_a_fkey DEFERRABLE INITIALLY DEFERRED;",
        [FK("t_a_fkey", "t", "a", "users", "id", line=2, deferrable=True, initially_deferred=True)],
    ),
]


@pytest.mark.parametrize(("sql", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fk_records(sql: str, expected: list[ForeignKey]) -> None:
    inv = run(sql)
    assert inv.foreign_keys == tuple(expected), why(inv)
    assert not [d for d in inv.diagnostics if d.severity == "error"], why(inv)


# ------------------------------------------------------------------------------ diagnostics
def test_if_not_exists_skip_is_noted() -> None:
    inv = run(CASES[12][1])
    assert codes(inv) == [("info", "skipped", 3)]


def test_unknown_constraint_warns_unless_if_exists() -> None:
    inv = run(
        USERS + "ALTER TABLE users DROP CONSTRAINT nope;\nALTER TABLE users DROP CONSTRAINT IF EXISTS nope;"
    )
    assert codes(inv) == [("warning", "unknown-constraint", 2)]
    assert inv.diagnostics[0].excerpt == "ALTER TABLE users DROP CONSTRAINT nope"


def test_drop_table_without_cascade_warns_and_still_drops() -> None:
    inv = run(USERS + "CREATE TABLE t (a int REFERENCES users);\nDROP TABLE users;")
    assert inv.foreign_keys == (FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3),)
    assert codes(inv) == [("warning", "drop-dependent", 3)]
    assert "public.t.t_a_fkey" in inv.diagnostics[0].message


def test_drop_referenced_column_without_cascade_warns() -> None:
    inv = run(USERS + "CREATE TABLE t (a int REFERENCES users);\nALTER TABLE users DROP COLUMN id;")
    assert inv.foreign_keys == (FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3),)
    assert codes(inv) == [("warning", "drop-dependent", 3)]
    assert inv.table(ref("users")) == Table(ref("users"), defined_at=at(1))


def test_drop_primary_key_constraint_drops_dependent_fks() -> None:
    inv = run(
        USERS
        + "CREATE TABLE t (a int REFERENCES users);\nALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;"
    )
    assert inv.foreign_keys == (FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=3),)
    assert codes(inv) == []
    assert not_none(inv.table(ref("users"))).primary_key == ()


def test_duplicate_table_is_skipped_with_warning() -> None:
    inv = run(USERS + "CREATE TABLE users (id int, boss int REFERENCES users);")
    assert inv.foreign_keys == ()
    assert codes(inv) == [("warning", "duplicate-table", 2)]


def test_duplicate_constraint_name_is_not_recorded() -> None:
    inv = run(
        USERS + "CREATE TABLE t (a int CONSTRAINT fk REFERENCES users, b int CONSTRAINT fk REFERENCES users);"
    )
    assert inv.foreign_keys == (FK("fk", "t", "a", "users", "id", line=2),)
    assert codes(inv) == [("warning", "duplicate-constraint", 2)]


def test_undefined_table_becomes_external_with_one_warning() -> None:
    sql = (
        "CREATE TABLE posts (\n  id int,\n  user_id uuid REFERENCES users (id),\n"
        "  editor uuid REFERENCES users (id)\n);"
    )
    inv = run(sql)
    assert inv.foreign_keys == (
        FK("posts_editor_fkey", "posts", "editor", "users", "id", line=4),
        FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=3),
    )
    assert inv.table(ref("users")) == Table(ref("users"), external=True)
    assert codes(inv) == [("warning", "unknown-table", 3)]
    d = inv.diagnostics[0]
    assert "public.users" in d.message and "2 time(s)" in d.message
    assert d.excerpt == "user_id uuid REFERENCES users (id),"


def test_references_external_table_without_columns_left_empty() -> None:
    inv = run("CREATE TABLE posts (user_id int REFERENCES users);")
    assert inv.foreign_keys == (FK("posts_user_id_fkey", "posts", "user_id", "users", (), line=1),)
    assert codes(inv) == [("warning", "unresolved-reference", 1), ("warning", "unknown-table", 1)]


def test_forward_reference_resolves_when_created_later() -> None:
    sql = "CREATE TABLE posts (user_id int REFERENCES users);\nCREATE TABLE users (id int PRIMARY KEY);"
    inv = run(sql)
    # its statement fails on a fresh database: flagged, and still present
    expected = FK("posts_user_id_fkey", "posts", "user_id", "users", "id", line=1, fresh_db_failure=True)
    assert inv.foreign_keys == (expected,)
    assert inv.table(ref("users")) == Table(
        ref("users"), (Column("id", "integer", False),), ("id",), defined_at=at(2)
    )
    assert codes(inv) == [("warning", "forward-reference", 2)]


def test_alter_of_undefined_table_keeps_the_fk() -> None:
    inv = run(USERS + "ALTER TABLE legacy ADD CONSTRAINT legacy_user_fk FOREIGN KEY (uid) REFERENCES users;")
    # ALTER TABLE of a table never created fails on a fresh database: flagged, still present
    expected = FK("legacy_user_fk", "legacy", "uid", "users", "id", line=2, fresh_db_failure=True)
    assert inv.foreign_keys == (expected,)
    assert inv.table(ref("legacy")) == Table(ref("legacy"), external=True)
    assert codes(inv) == [("warning", "unknown-table", 2)]


# ------------------------------------------------------------------------------ tables
def test_dropped_tables_appear_only_when_an_fk_names_them() -> None:
    sql = USERS + (
        "CREATE TABLE t (a int REFERENCES users);\nCREATE TABLE lonely (id int);\n"
        "DROP TABLE t;\nDROP TABLE lonely;\nCREATE TABLE t (b int);"
    )
    inv = run(sql)
    assert [t.ref.name for t in inv.tables] == ["t", "users"]
    assert inv.table(ref("t")) == Table(ref("t"), (Column("b", "integer"),), defined_at=at(6))
    assert inv.foreign_keys == (FK("t_a_fkey", "t", "a", "users", "id", line=2, dropped=4),)


def test_dropped_table_kept_with_its_drop_location() -> None:
    inv = run(USERS + "CREATE TABLE t (a int REFERENCES users);\nDROP TABLE t;")
    assert inv.table(ref("t")) == Table(
        ref("t"), (Column("a", "integer"),), defined_at=at(2), dropped_at=at(3)
    )


def test_columns_primary_key_and_nullability() -> None:
    sql = (
        "CREATE TABLE t (id bigint, code varchar(20) NOT NULL, tags text[], amount numeric(10,2),\n"
        " at timestamp with time zone, PRIMARY KEY (id));\n"
        "ALTER TABLE t ALTER COLUMN amount SET NOT NULL, ALTER COLUMN code DROP NOT NULL,\n"
        " ALTER COLUMN tags TYPE varchar(5)[];"
    )
    assert run(sql).table(ref("t")) == Table(
        ref("t"),
        (
            Column("id", "bigint", False),
            Column("code", "varchar(20)", True),
            Column("tags", "varchar(5)[]", True),
            Column("amount", "numeric(10,2)", False),
            Column("at", "timestamptz", True),
        ),
        ("id",),
        defined_at=at(1),
    )


def test_create_table_as_defines_the_table_and_temp_tables_are_ignored() -> None:
    inv = run(
        "CREATE TABLE snap AS SELECT 1 AS id;\nCREATE TEMP TABLE scratch (id int);\n"
        "CREATE TABLE r (s int REFERENCES snap (id));"
    )
    assert [(t.ref.name, t.external) for t in inv.tables] == [("r", False), ("snap", False)]


def test_like_copies_columns_not_fks_and_key_only_with_indexes() -> None:
    sql = (
        "CREATE TABLE a (code text PRIMARY KEY, u int REFERENCES a);\n"
        "CREATE TABLE b (LIKE a);\nCREATE TABLE c (LIKE a INCLUDING ALL);\n"
        "CREATE TABLE d (x text REFERENCES c, y text REFERENCES b);"
    )
    inv = run(sql)
    assert [c.name for c in not_none(inv.table(ref("b"))).columns] == ["code", "u"]
    assert inv.foreign_keys == (
        FK("a_u_fkey", "a", "u", "a", "code", line=1),
        FK("d_x_fkey", "d", "x", "c", "code", line=4),
        FK("d_y_fkey", "d", "y", "b", (), line=4),
    )
    assert codes(inv) == [("warning", "unresolved-reference", 4)]


def test_inherits_copies_columns() -> None:
    inv = run("CREATE TABLE base (id int, created date);\nCREATE TABLE child (extra int) INHERITS (base);")
    assert [c.name for c in not_none(inv.table(ref("child"))).columns] == ["id", "created", "extra"]


def test_partitions_fold_into_their_root() -> None:
    sql = USERS + (
        "CREATE TABLE events (id int, user_id int REFERENCES users, PRIMARY KEY (id)) PARTITION BY"
        " RANGE (id);\n"
        "CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (1) TO (10);\n"
        "CREATE TABLE events_2 (id int, user_id int);\n"
        "ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (10) TO (20);\n"
        "ALTER TABLE events_2 ADD CONSTRAINT ev2_user FOREIGN KEY (user_id) REFERENCES users;\n"
        "CREATE TABLE seen (event_id int REFERENCES events_1 (id));"
    )
    inv = run(sql)
    assert [t.ref.name for t in inv.tables] == ["events", "seen", "users"]
    assert inv.foreign_keys == (
        FK("ev2_user", "events", "user_id", "users", "id", line=6),
        FK("events_user_id_fkey", "events", "user_id", "users", "id", line=2),
        FK("seen_event_id_fkey", "seen", "event_id", "events", "id", line=7),
    )
    assert codes(inv) == [("info", "partition", 3)]
    assert inv.diagnostics[0].message == "2 partition(s) folded into public.events: events_1, events_2"


def test_detach_partition_makes_it_a_table_again() -> None:
    sql = (
        "CREATE TABLE e (id int) PARTITION BY LIST (id);\nCREATE TABLE e1 PARTITION OF e FOR VALUES IN (1);\n"
    )
    inv = run(sql + "ALTER TABLE e DETACH PARTITION e1;")
    assert [t.ref.name for t in inv.tables] == ["e", "e1"]


# ------------------------------------------------------------------------------ schemas
def test_search_path_decides_where_unqualified_names_live() -> None:
    sql = (
        "SET search_path TO app, public;\nCREATE TABLE users (id int PRIMARY KEY);\n"
        "CREATE TABLE public.logs (user_id int REFERENCES users);\n"
        "SET search_path = DEFAULT;\nCREATE TABLE notes (user_id int REFERENCES app.users);"
    )
    assert fks(sql) == (
        FK("logs_user_id_fkey", "logs", "user_id", "app.users", "id", line=3),
        FK("notes_user_id_fkey", "notes", "user_id", "app.users", "id", line=5),
    )


def test_pg_dump_empty_search_path_with_qualified_names() -> None:
    sql = (
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "CREATE TABLE shop.users (id int);\nCREATE TABLE shop.orders (user_id int);\n"
        "ALTER TABLE ONLY shop.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY shop.orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id)"
        " REFERENCES shop.users(id);"
    )
    assert fks(sql) == (FK("orders_user_id_fkey", "shop.orders", "user_id", "shop.users", "id", line=5),)


def test_set_config_search_path_list() -> None:
    sql = (
        "SELECT set_config('search_path', 'billing, public', false);\nCREATE TABLE inv (id int PRIMARY KEY);"
    )
    assert [t.ref.qualified for t in run(sql).tables] == ["billing.inv"]


def test_create_schema_with_elements() -> None:
    sql = "CREATE SCHEMA s\n  CREATE TABLE a (id int PRIMARY KEY)\n  CREATE TABLE b (a_id int REFERENCES a);"
    assert fks(sql) == (FK("b_a_id_fkey", "s.b", "a_id", "s.a", "id", line=3),)


def test_drop_schema_cascade_drops_its_tables() -> None:
    sql = (
        "CREATE TABLE s.a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES s.a);\n"
        "DROP SCHEMA s CASCADE;"
    )
    inv = run(sql)
    assert inv.foreign_keys == (FK("b_a_id_fkey", "b", "a_id", "s.a", "id", line=2, dropped=3),)
    assert not_none(inv.table(ref("s.a"))).dropped_at == at(3)


# ------------------------------------------------------------------------------ names
def test_long_default_names_truncate_like_postgresql() -> None:
    table, col = "a" * 40, "b" * 40
    name = "a" * 29 + "_" + "b" * 28 + "_fkey"
    sql = (
        USERS
        + f"CREATE TABLE {table} ({col} int REFERENCES users);\nALTER TABLE {table} DROP CONSTRAINT {name};"
    )
    assert fks(sql) == (FK(name, table, col, "users", "id", line=2, dropped=3),)


def test_multibyte_names_are_cut_on_character_boundaries() -> None:
    table, col = "é" * 31, "č" * 23
    sql = USERS + f'CREATE TABLE "{table}" ("{col}" int REFERENCES users);'
    assert fks(sql)[0].name == "é" * 14 + "_" + "č" * 14 + "_fkey"


def test_default_names_are_unique_per_schema() -> None:
    sql = USERS + "CREATE TABLE a_b (c int REFERENCES users);\nCREATE TABLE a (b_c int REFERENCES users);"
    assert [fk.name for fk in fks(sql)] == ["a_b_c_fkey1", "a_b_c_fkey"]


# ------------------------------------------------------------------------------ the Replayer itself
def test_search_path_resets_per_file_and_diagnostics_follow_replay_order() -> None:
    first = [o.SetSearchPath(("app",), line=1), o.CreateTable(o.QName(None, "users"), line=2)]
    second = [
        o.CreateTable(o.QName(None, "posts"), fks=(o.FKSpec(None, ("u",), o.QName(None, "users")),), line=1),
        o.DropConstraint(o.QName(None, "posts"), "nope", line=3),
    ]
    inv = replay("db", [("2_a.sql", first), ("10_b.sql", second)])
    assert [t.ref.qualified for t in inv.tables] == ["app.users", "public.posts", "public.users"]
    assert [(d.path, d.line, d.code) for d in inv.diagnostics] == [
        ("10_b.sql", 1, "unresolved-reference"),
        ("10_b.sql", 1, "unknown-table"),
        ("10_b.sql", 3, "unknown-constraint"),
    ]


def test_history_sorted_by_replay_order_not_path_text() -> None:
    add = o.AddForeignKey(o.QName(None, "t"), o.FKSpec("fk", ("a",), o.QName(None, "u"), ("id",)), line=1)
    drop = o.DropConstraint(o.QName(None, "t"), "fk", line=2)
    base = [o.CreateTable(o.QName(None, "u"), line=1), o.CreateTable(o.QName(None, "t"), line=2)]
    inv = replay("db", [("2_a.sql", [*base, add, drop]), ("10_b.sql", [add])])
    assert [(str(f.added_at), str(f.dropped_at)) for f in inv.foreign_keys] == [
        ("2_a.sql:1", "2_a.sql:2"),
        ("10_b.sql:1", "None"),
    ]


def test_internal_errors_become_diagnostics_and_replay_goes_on() -> None:
    r = Replayer("db")
    r.begin_file("m.sql")
    r.apply(o.CreateTable(o.QName(None, "t"), line=1))
    r.apply(o.AddForeignKey(o.QName(None, "t"), None, line=2, text="ALTER TABLE t ADD ..."))  # type: ignore[arg-type]
    r.apply(o.CreateTable(o.QName(None, "u"), line=3))
    tables, _, diags = r.result()
    assert [t.ref.name for t in tables] == ["t", "u"]
    assert [(d.severity, d.code, d.line, d.excerpt) for d in diags] == [
        ("error", "internal", 2, "ALTER TABLE t ADD ...")
    ]


def test_location_is_the_line_of_the_references_clause() -> None:
    sql = (
        "\n\nCREATE TABLE users (id int PRIMARY KEY);\n-- é comment\n"
        "CREATE TABLE t (\n  -- ö\n  a int,\n  b int\n    REFERENCES users\n);"
    )
    assert fks(sql)[0].added_at == Location("m.sql", 9)


# ------------------------------------------------------------------------------ against PostgreSQL itself
CATALOG_FKS = """
SELECT c.conname, n.nspname, cl.relname,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[],
       rn.nspname, rcl.relname,
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[],
       c.confdeltype::text, c.confupdtype::text, c.condeferrable, c.condeferred, c.convalidated
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN pg_class rcl ON rcl.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rcl.relnamespace
WHERE c.contype = 'f' AND c.conparentid = 0
"""
ACTION_CODES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
# Scripts valid on PostgreSQL 15 (no NOT ENFORCED) whose tables are all created in the script.
SERVER_SCRIPTS = [
    c for c in CASES if c[0] not in ("not-enforced-is-not-validated", "references-without-key-uses-id-column")
] + [
    (
        "long-and-colliding-names",
        USERS
        + f"CREATE TABLE {'a' * 40} ({'b' * 40} int REFERENCES users, {'b' * 39}x int REFERENCES users);\n"
        + "CREATE TABLE a_b (c int REFERENCES users);\nCREATE TABLE a (b_c int REFERENCES users);\n"
        + f'CREATE TABLE "{"é" * 31}" ("{"č" * 23}" int REFERENCES users);\n'
        + "CREATE TABLE pairs (x int, y int, PRIMARY KEY (x, y));\n"
        + f"CREATE TABLE t ({'c' * 40} int, {'d' * 40} int, {'e' * 60} int, {'f' * 60} int,\n"
        + f"  FOREIGN KEY ({'c' * 40}, {'d' * 40}) REFERENCES pairs,\n"
        + f"  FOREIGN KEY ({'e' * 60}, {'f' * 60}) REFERENCES pairs);",
        None,
    ),
    (
        "do-block-and-renames",
        USERS
        + "CREATE TABLE posts (id int PRIMARY KEY, user_id int);\n"
        + "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'posts_user_fk') THEN\n"
        + "    ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
        + "  END IF;\nEND $$;\n"
        + "ALTER TABLE posts RENAME TO articles;\n"
        "ALTER TABLE articles ADD COLUMN parent int REFERENCES articles;\n"
        + "CREATE SCHEMA IF NOT EXISTS archive;\nALTER TABLE articles SET SCHEMA archive;\n"
        + "ALTER TABLE archive.articles ADD FOREIGN KEY (parent) REFERENCES archive.articles;",
        None,
    ),
]


def _server_fks(dsn: str) -> set[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(CATALOG_FKS).fetchall()
    return {
        (name, s, t, tuple(cols), rs, rt, tuple(rcols), ACTION_CODES[d], ACTION_CODES[u], df, dd, v)
        for name, s, t, cols, rs, rt, rcols, d, u, df, dd, v in rows
    }


@pytest.mark.postgres
@pytest.mark.parametrize("sql", [c[1] for c in SERVER_SCRIPTS], ids=[c[0] for c in SERVER_SCRIPTS])
def test_matches_postgresql(fresh_database: Callable[..., str], sql: str) -> None:
    """The replay's present FKs are exactly what PostgreSQL's catalog holds after running the script."""
    dsn = fresh_database(sql=sql)
    inv = run(sql)
    mine = {
        (f.name, f.table.schema, f.table.name, f.columns, f.ref_table.schema, f.ref_table.name, f.ref_columns,
         f.on_delete, f.on_update, f.deferrable, f.initially_deferred, f.validated)
        for f in inv.foreign_keys
        if f.state == "present"
    }  # fmt: skip
    assert mine == _server_fks(dsn), why(inv)


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE TABLE t (id int PRIMARY KEY, b int);",
        "CREATE TABLE t (id int, b int, PRIMARY KEY (id));",
        "CREATE TABLE t (id int, b int);\nALTER TABLE t ADD PRIMARY KEY (id);",
    ],
)
def test_a_primary_key_makes_its_columns_not_null_in_the_replay(ddl: str, dialect: str) -> None:
    """One rule for every dialect and form: the replay, not each parser, makes key columns NOT NULL."""
    inv = ingest_text(ddl, path="x.sql", dialect=dialect)
    assert [(c.name, c.nullable) for c in inv.tables[0].columns] == [("id", False), ("b", True)]
