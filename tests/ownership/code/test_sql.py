"""Tables of SQL strings: reads, writes, CTEs, parameters, dialects, prose that is not SQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.code import sql as sql_mod
from ownership.code.names import pluralize, rails_table, snake_case
from ownership.code.sql import PLACEHOLDER, first_word, jpql_entities, looks_like_sql, sql_tables


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM users", [("users", "read")]),
        (
            'select u.id from auth.Users u join "Posts" p on p.uid = u.id',
            [("auth.users", "read"), ("posts", "read")],
        ),
        ("INSERT INTO users (id) VALUES ($1)", [("users", "write")]),
        (
            "INSERT INTO archive SELECT * FROM users WHERE id IN (SELECT uid FROM bans)",
            [("archive", "write"), ("bans", "read"), ("users", "read")],
        ),
        (
            "UPDATE users SET n = 1 WHERE id = (SELECT uid FROM sessions LIMIT 1)",
            [("sessions", "read"), ("users", "write")],
        ),
        (
            "UPDATE orders o SET total = s.total FROM sums s WHERE s.id = o.id",
            [("orders", "write"), ("sums", "read")],
        ),
        ("DELETE FROM carts c USING users u WHERE c.uid = u.id", [("carts", "write"), ("users", "read")]),
        (
            "MERGE INTO stock s USING deliveries d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET n = d.n",
            [("deliveries", "read"), ("stock", "write")],
        ),
        (
            "WITH recent AS (SELECT * FROM posts) SELECT * FROM recent JOIN users ON true",
            [("posts", "read"), ("users", "read")],
        ),
        (
            "WITH gone AS (DELETE FROM sessions RETURNING uid) UPDATE users SET online = false WHERE id IN "
            "(SELECT uid FROM gone)",
            [("sessions", "write"), ("users", "write")],
        ),
        ("COPY users (id) FROM STDIN", [("users", "write")]),
        ("COPY users TO STDOUT", [("users", "read")]),
        ("COPY (SELECT * FROM logs) TO STDOUT", [("logs", "read")]),
        ("SELECT 1", []),
        (
            "  -- comment\n  /* block */ (SELECT id FROM a) UNION (SELECT id FROM b)",
            [("a", "read"), ("b", "read")],
        ),
        ("SELECT * FROM users; DELETE FROM tokens", [("tokens", "write"), ("users", "read")]),
        (
            "INSERT INTO users (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
            [("users", "write")],
        ),
    ],
)
def test_postgres_statements(sql: str, expected: list[tuple[str, str]]) -> None:
    assert list(sql_tables(sql)) == sorted(expected)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM users WHERE id = %s", [("users", "read")]),
        ("UPDATE users SET name = %(name)s WHERE id = %(id)s", [("users", "write")]),
        ("DELETE FROM users WHERE id = ?", [("users", "write")]),
        ("SELECT * FROM users WHERE email = :email AND id::text = :id", [("users", "read")]),
        ("INSERT INTO `shop`.`orders` (`id`) VALUES (?)", [("shop.orders", "write")]),
        ("REPLACE INTO stats (k, v) VALUES (?, ?)", [("stats", "write")]),
        ("UPSERT INTO stats (k, v) VALUES (1, 2)", [("stats", "write")]),
        ("SELECT * FROM `users` LIMIT 1", [("users", "read")]),
        ("UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.a", [("t1", "write"), ("t2", "read")]),
        ("SELECT * FROM users WHERE id = @id", [("users", "read")]),
    ],
)
def test_driver_parameters_and_other_dialects(sql: str, expected: list[tuple[str, str]]) -> None:
    assert list(sql_tables(sql)) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Update failed",
        "Delete your account",
        "Insert coin",
        "Copy to clipboard",
        "Select an option",
        "With love",
        "Update your profile now",
        "Delete this item?",
        "Selection",
        "updated_at",
        "",
        "Merge conflict",
    ],
)
def test_prose_is_not_sql(text: str) -> None:
    assert sql_tables(text) == ()


def test_placeholders() -> None:
    assert sql_tables(f"SELECT * FROM {PLACEHOLDER}") == ()
    assert sql_tables(f"SELECT * FROM {PLACEHOLDER}.events WHERE id = {PLACEHOLDER}") == (("events", "read"),)
    assert sql_tables(f"INSERT INTO logs (m) VALUES ('{PLACEHOLDER}')") == (("logs", "write"),)


def test_cte_names_shadow_only_unqualified_reads() -> None:
    assert sql_tables("WITH users AS (SELECT 1) SELECT * FROM users, public.users") == (
        ("public.users", "read"),
    )


def test_first_word() -> None:
    assert first_word("\n\t( (-- x\nSELECT") == "select"
    assert first_word("/* unterminated") == ""
    assert looks_like_sql("with x as (select 1) select 1")
    assert not looks_like_sql("selector")


def test_jpql() -> None:
    assert jpql_entities("SELECT u FROM User u JOIN u.roles r WHERE u.email = :e") == (
        ("u.roles", "read"),
        ("user", "read"),
    )
    assert jpql_entities("DELETE FROM Session s WHERE s.expires < ?1") == (("session", "write"),)
    assert jpql_entities("not jpql") == ()


def test_default_names() -> None:
    assert snake_case("UserProfile") == "user_profile"
    assert snake_case("APIKey") == "api_key"
    assert snake_case("already_snake") == "already_snake"
    plurals = {
        "user": "users",
        "company": "companies",
        "day": "days",
        "box": "boxes",
        "bus": "buses",
        "analysis": "analyses",
        "child": "children",
        "datum": "data",
        "knife": "knives",
        "quiz": "quizzes",
        "matrix": "matrices",
        "equipment": "equipment",
        "users": "users",
        "hero": "heros",
    }
    assert {w: pluralize(w) for w in plurals} == plurals
    assert rails_table("LineItem") == "line_items"
    assert rails_table("Person") == "people"


#: Driver parameters as code writes them, some glued to their operator, and text that looks like one.
_PARAMS = ["?", "%s", "%d", "%(name)s", ":name", ":1", "@name", "$1", "=?", ">=%s", "<>%(n)s", "=:x",
           "'a?b'", "'%s'", "x::int", "%%", "% s", ": x", "@> b", "fkmap_ph",
           "/* ? */ 1"]  # fmt: skip
_SHAPES = [
    "SELECT * FROM users WHERE id = {0} AND name = {1}",
    "SELECT * FROM users WHERE id{0} AND x IN ({1}, {2})",
    "INSERT INTO logs (a, b) VALUES ({0}, {1})",
    "REPLACE INTO `stats` (k) VALUES ({0})",
    "UPDATE accounts SET n = {0} WHERE id = {1} AND k = {2}",
    "DELETE FROM s.carts WHERE uid = {0} -- {1}",
    "WITH m AS (SELECT * FROM a WHERE b = {0}) SELECT * FROM m JOIN c ON c.x = {1}",
    "UPSERT INTO t (a) VALUES ({0})",
]


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(_SHAPES), st.lists(st.sampled_from(_PARAMS), min_size=3, max_size=3))
def test_postgres_lexer_parameters_give_what_sqlglot_tokens_gave(shape: str, params: list[str]) -> None:
    """Replacing driver parameters with PostgreSQL's lexer finds the tables sqlglot's tokens found."""
    text = shape.format(*params)
    sql_mod.sql_tables.cache_clear()
    found = sql_tables(text)
    quick = sql_mod._pg_normalized
    try:
        sql_mod._pg_normalized = lambda sql: None  # sqlglot's tokens only, as before
        sql_mod.sql_tables.cache_clear()
        assert sql_tables(text) == found, text
    finally:
        sql_mod._pg_normalized = quick
        sql_mod.sql_tables.cache_clear()


def test_a_jsonb_operator_is_no_parameter() -> None:
    """PostgreSQL's lexer reads ``?|`` as the operator it is; sqlglot's tokens took its ``?`` for a
    parameter, and the statement was lost."""
    assert sql_tables("SELECT * FROM users WHERE id = ? AND tags ?| array['a']") == (("users", "read"),)


def test_parameters_are_replaced_without_sqlglot() -> None:
    assert sql_mod._pg_normalized("SELECT * FROM t WHERE a=? AND b = %(b)s AND c = @c") == (
        f"SELECT * FROM t WHERE a={PLACEHOLDER} AND b = {PLACEHOLDER} AND c = {PLACEHOLDER}"
    )
    assert (
        sql_mod._pg_normalized("UPSERT INTO t (a) VALUES (:a)") == f"INSERT INTO t (a) VALUES ({PLACEHOLDER})"
    )
    assert sql_mod._pg_normalized("SELECT 'a?' FROM t") is None  # a string is no parameter
    assert sql_mod._pg_normalized("SELECT * FROM t WHERE a = 'unterminated") is None  # sqlglot's turn
    assert sql_mod._pg_normalized("SELECT * FROM tё WHERE a = ?") is None  # not ASCII: sqlglot's turn
