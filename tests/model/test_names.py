"""Database-qualified labels: only where two tables would share one, with the shortest telling tag."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from model.inventory import TableRef
from model.names import database_tags, distinct_labels


def test_unique_names_are_left_alone() -> None:
    refs = [TableRef("auth", "public", "users"), TableRef("billing", "public", "invoices")]
    assert distinct_labels(refs) == {refs[0]: "public.users", refs[1]: "public.invoices"}


def test_colliding_names_carry_their_database() -> None:
    auth, acct = TableRef("auth", "public", "users"), TableRef("accounting", "public", "users")
    posts = TableRef("auth", "public", "posts")
    labels = distinct_labels([auth, acct, posts], lambda r: r.name)
    assert labels == {auth: "auth.users", acct: "accounting.users", posts: "posts"}


def test_migration_folders_are_shortened_to_what_differs() -> None:
    a = TableRef("services/auth/migrations", "public", "users")
    b = TableRef("services/messaging/migrations", "public", "users")
    c = TableRef("services/messaging/phase-7b", "public", "users")
    labels = distinct_labels([a, b], lambda r: r.name)
    assert (labels[a], labels[b]) == ("auth.users", "messaging.users")
    labels = distinct_labels([a, b, c], lambda r: r.name)
    # a part no other folder has is enough (auth); messaging's needs two parts to differ from both
    assert (labels[a], labels[b], labels[c]) == ("auth.users", "messaging/migrations.users", "phase-7b.users")


def test_two_schemas_of_one_database_keep_their_schema() -> None:
    a, b = TableRef("db", "public", "users"), TableRef("db", "main", "users")
    labels = distinct_labels([a, b], lambda r: r.name)
    assert labels == {a: "public.users", b: "main.users"}


def test_a_database_that_is_a_suffix_of_another_keeps_its_whole_name() -> None:
    assert database_tags(["migrations", "legacy/migrations"]) == {
        "migrations": "migrations",
        "legacy/migrations": "legacy",
    }
    tags = database_tags(["a/x", "b/x", "x"])
    assert tags == {"a/x": "a", "b/x": "b", "x": "x"}


NAME = st.sampled_from(["users", "orders", "a.b", "x"])
DB = st.sampled_from(["auth", "svc/auth", "svc/auth/migrations", "billing/migrations", "", "migrations"])
SCHEMA = st.sampled_from(["public", "main", ""])


@given(st.lists(st.builds(TableRef, DB, SCHEMA, NAME), max_size=12))
def test_labels_are_always_unique_and_order_free(refs: list[TableRef]) -> None:
    labels = distinct_labels(refs, lambda r: r.name)
    assert set(labels) == set(refs)
    assert len(set(labels.values())) == len(labels), labels
    assert distinct_labels(list(reversed(refs)), lambda r: r.name) == labels
    for ref, label in labels.items():
        assert label.endswith(ref.name), (ref, label)
