"""Table globs ``[database:][schema.]name``: which tables they match."""

from __future__ import annotations

import pytest

from model.inventory import TableRef
from ownership.patterns import matches_table

USERS = TableRef("services/auth/migrations", "public", "users")


@pytest.mark.parametrize(
    ("pattern", "ref", "expected"),
    [
        ("users", USERS, True),
        ("user*", USERS, True),
        ("public.users", USERS, True),
        ("auth.users", USERS, False),
        ("*.users", USERS, True),
        ("services/auth/migrations:users", USERS, True),
        ("services/*:public.users", USERS, True),
        ("services/messaging/migrations:users", USERS, False),
        ("Users", USERS, False),
        ("public.Users", USERS, False),
        ("auth_db:*", TableRef("auth_db", "public", "x"), True),
        ("auth_db:*", TableRef("auth_db2", "public", "x"), False),
        ("*.a.b", TableRef("db", "public", "a.b"), True),
        ("a.b", TableRef("db", "public", "a.b"), False),
        ("my[.]schema.t", TableRef("db", "my.schema", "t"), True),
        ("*:x:y", TableRef("db", "public", "x:y"), True),
        ("x:y", TableRef("db", "public", "x:y"), False),
        ("users", TableRef("db", "", "users"), True),
        ("[!u]sers", USERS, False),
    ],
)
def test_matches_table(pattern: str, ref: TableRef, expected: bool) -> None:
    assert matches_table(pattern, ref) is expected
