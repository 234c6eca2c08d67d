"""Drift between two sources: keys only on one side, keys that differ."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.drift import COMPARED, Drift, FkChange, diff_inventories
from exports.drift_report import drift_document, render_drift_text
from model.inventory import ForeignKey, Inventory, Location
from tests.checks.drift_fixture import CATALOG, CHANGE, DROP, INIT, MIGRATIONS, both, key, migration_folder


def test_identical_sources_have_no_drift_despite_database_labels() -> None:
    pairs = [
        both("posts_user_id_fkey", "posts", ("user_id",), "users", on_delete="CASCADE"),
        both("billing.invoices_fk", "billing.invoices", ("tenant", "account"), "auth.accounts"),
    ]
    a = Inventory(foreign_keys=tuple(p[0] for p in pairs))
    b = Inventory(foreign_keys=tuple(p[1] for p in pairs))
    drift = diff_inventories(a, b)
    assert drift == Drift(matched=2)
    assert not drift.has_drift
    assert render_drift_text(drift).endswith("No drift: 2 foreign keys match.\n")


def test_only_in_one_side_and_differences() -> None:
    kept_a, kept_b = both("posts_user_id_fkey", "posts", ("user_id",), "users")
    gone_a, gone_b = both("posts_editor_id_fkey", "posts", ("editor_id",), "users")
    new_a, _ = both("comments_post_id_fkey", "comments", ("post_id",), "posts")
    cascade_a, cascade_b = both("likes_post_id_fkey", "likes", ("post_id",), "posts")
    cascade_b = replace(cascade_b, on_delete="CASCADE")
    a = Inventory(foreign_keys=(kept_a, new_a, cascade_a))
    b = Inventory(foreign_keys=(kept_b, gone_b, cascade_b))
    drift = diff_inventories(a, b)
    assert drift.only_a == (new_a,)
    assert drift.only_b == (gone_b,)
    assert drift.changed == (FkChange(cascade_a, cascade_b, ("on_delete",)),)
    assert drift.matched == 2 and drift.has_drift
    assert gone_a not in a.foreign_keys


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"on_delete": "SET NULL"}, ("on_delete",)),
        ({"on_update": "CASCADE"}, ("on_update",)),
        ({"validated": False}, ("validated",)),
        ({"deferrable": True}, ("deferrable",)),
        ({"deferrable": True, "initially_deferred": True}, ("deferrable", "initially_deferred")),
        ({"on_delete": "SET NULL", "on_delete_columns": ("account",)}, ("on_delete", "on_delete_columns")),
        ({"name": "renamed_fkey"}, ("name",)),
        ({"columns": ("account", "tenant"), "ref_columns": ("id", "tenant_id")}, ("columns",)),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, tuple) else None,
)
def test_each_difference_is_reported(change: dict[str, Any], fields: tuple[str, ...]) -> None:
    a, b = both(
        "orders_account_fkey", "orders", ("tenant", "account"), "accounts", ref_columns=("tenant_id", "id")
    )
    b = replace(b, **change)
    drift = diff_inventories(Inventory(foreign_keys=(a,)), Inventory(foreign_keys=(b,)))
    assert drift.changed == (FkChange(a, b, fields),)
    assert drift.only_a == drift.only_b == ()
    assert set(fields) <= set(COMPARED)


def test_other_column_pairs_are_other_keys() -> None:
    a, b = both(
        "orders_account_fkey", "orders", ("tenant", "account"), "accounts", ref_columns=("tenant_id", "id")
    )
    swapped = replace(b, ref_columns=("id", "tenant_id"))
    drift = diff_inventories(Inventory(foreign_keys=(a,)), Inventory(foreign_keys=(swapped,)))
    assert (drift.only_a, drift.only_b, drift.changed) == ((a,), (swapped,), ())


def test_dropped_and_inferred_keys_do_not_count() -> None:
    a, b = both("posts_user_id_fkey", "posts", ("user_id",), "users")
    dropped = replace(a, dropped_at=Location("services/blog/migrations/002_drop.sql", 1))
    inferred = replace(b, name="inferred:posts.user_id", origin="inferred")
    drift = diff_inventories(Inventory(foreign_keys=(dropped,)), Inventory(foreign_keys=(inferred,)))
    assert drift == Drift()


def test_ignored_tables_do_not_count() -> None:
    a, _ = both("schema_migrations_fk", "schema_migrations", ("x",), "users")
    _, b = both("audit_user_fkey", "ops.audit", ("user_id",), "users")
    drift = diff_inventories(
        Inventory(foreign_keys=(a,)),
        Inventory(foreign_keys=(b,)),
        ignore_tables=["schema_migrations", "ops.*"],
    )
    assert drift == Drift()


def test_matching_by_database_and_with_a_map() -> None:
    auth_a = key("services/auth/migrations", "sessions_user_fkey", "sessions", ("user_id",), "users")
    chat_a = key("services/chat/migrations", "sessions_user_fkey", "sessions", ("user_id",), "users")
    auth_b = key("auth_db", "sessions_user_fkey", "sessions", ("user_id",), "users")
    chat_b = key("chat_db", "sessions_user_fkey", "sessions", ("user_id",), "users", on_delete="CASCADE")
    a = Inventory(foreign_keys=(auth_a, chat_a))
    b = Inventory(foreign_keys=(auth_b, chat_b))

    # by default two same-shaped keys pair in order: which one differs is a guess
    assert len(diff_inventories(a, b).changed) == 1

    mapping = {"services/auth/migrations": "auth", "auth_db": "auth", "services/chat/migrations": "chat_db"}
    drift = diff_inventories(a, b, database_map=mapping)
    assert drift.changed == (FkChange(chat_a, chat_b, ("on_delete",)),)
    assert drift.match_database and drift.database_map == tuple(sorted(mapping.items()))

    unpaired = diff_inventories(a, b, match_database=True)
    assert (unpaired.only_a, unpaired.only_b, unpaired.matched) == ((auth_a, chat_a), (auth_b, chat_b), 0)


def test_duplicate_structures_pair_by_name_first() -> None:
    one = key("db", "z_fkey", "t", ("a",), "u")
    two = key("db", "a_fkey", "t", ("a",), "u", on_delete="CASCADE")
    three = key("db", "m_fkey", "t", ("a",), "u")
    drift = diff_inventories(
        Inventory(foreign_keys=(one, two)),
        Inventory(foreign_keys=(replace(two, on_delete="NO ACTION"), three)),
    )
    assert drift.changed == (
        FkChange(two, replace(two, on_delete="NO ACTION"), ("on_delete",)),
        FkChange(one, three, ("name",)),
    )


def test_text_report() -> None:
    kept_a, kept_b = both("posts_user_id_fkey", "posts", ("user_id",), "users", on_delete="CASCADE")
    kept_b = replace(
        kept_b,
        on_delete="SET NULL",
        on_delete_columns=("user_id",),
        added_at=Location("postgresql://app@db/blog_db"),
    )
    only_b = key(
        CATALOG,
        "posts_editor_fkey",
        "posts",
        ("editor_id",),
        "users",
        validated=False,
        added_at=Location("postgresql://app@db/blog_db"),
    )
    only_a = key(
        MIGRATIONS,
        "tags_post_fkey",
        "tags",
        ("post_id",),
        "posts",
        deferrable=True,
        initially_deferred=True,
        added_at=Location("services/blog/migrations/003_tags.sql", 4),
    )
    drift = diff_inventories(
        Inventory(foreign_keys=(kept_a, only_a)),
        Inventory(foreign_keys=(kept_b, only_b)),
        label_a="./repo",
        label_b="postgresql://app@db/blog_db",
    )
    assert render_drift_text(drift) == (
        "A: ./repo\n"
        "B: postgresql://app@db/blog_db\n"
        "Foreign keys matched by schema.table, columns and referenced table (database names ignored).\n"
        "\n"
        "Only in A (1):\n"
        "  - public.tags (post_id) -> public.posts (id) DEFERRABLE INITIALLY DEFERRED  [tags_post_fkey]"
        "  at services/blog/migrations/003_tags.sql:4\n"
        "\n"
        "Only in B (1):\n"
        "  + public.posts (editor_id) -> public.users (id) NOT VALID  [posts_editor_fkey]"
        "  at postgresql://app@db/blog_db\n"
        "\n"
        "Different (1):\n"
        "  ~ public.posts (user_id) -> public.users (id) ON DELETE CASCADE  [posts_user_id_fkey]\n"
        "      on_delete: CASCADE (A) vs SET NULL (B)\n"
        "      on_delete_columns: () (A) vs (user_id) (B)\n"
        "\n"
        "Drift: 1 only in A, 1 only in B, 1 different (1 matched).\n"
    )
    doc = json.loads(json.dumps(drift_document(drift)))
    assert doc["drift"] is True and doc["matched"] == 1
    assert [f["name"] for f in doc["only_a"]] == ["tags_post_fkey"]
    assert [f["name"] for f in doc["only_b"]] == ["posts_editor_fkey"]
    assert doc["changed"][0]["fields"] == ["on_delete", "on_delete_columns"]
    assert doc["changed"][0]["differences"] == {
        "on_delete": ["CASCADE", "SET NULL"],
        "on_delete_columns": [[], ["user_id"]],
    }


_KEYS = st.builds(
    key,
    database=st.sampled_from(["a", "b"]),
    name=st.sampled_from(["f1", "f2", "f3"]),
    table=st.sampled_from(["t", "s.t", "u"]),
    columns=st.sampled_from([("x",), ("x", "y"), ("y", "x")]),
    ref=st.sampled_from(["t", "u"]),
    ref_columns=st.sampled_from([("id",), ("id", "k"), ("k", "id")]),
    on_delete=st.sampled_from(["NO ACTION", "CASCADE"]),
    validated=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(a=st.lists(_KEYS, max_size=6), b=st.lists(_KEYS, max_size=6), by_db=st.booleans())
def test_every_key_is_accounted_for_once(a: list[ForeignKey], b: list[ForeignKey], by_db: bool) -> None:
    drift = diff_inventories(
        Inventory(foreign_keys=tuple(a)), Inventory(foreign_keys=tuple(b)), match_database=by_db
    )
    assert len(drift.only_a) + drift.matched == len(a)
    assert len(drift.only_b) + drift.matched == len(b)
    assert all(c.fields for c in drift.changed)
    assert (
        diff_inventories(Inventory(foreign_keys=tuple(a)), Inventory(foreign_keys=tuple(a))).has_drift
        is False
    )
    swapped = diff_inventories(
        Inventory(foreign_keys=tuple(b)), Inventory(foreign_keys=tuple(a)), match_database=by_db
    )
    assert (len(swapped.only_a), len(swapped.only_b), swapped.matched) == (
        len(drift.only_b),
        len(drift.only_a),
        drift.matched,
    )


# -- migrations vs a live database ---------------------------------------------------------------


@pytest.mark.postgres
def test_merged_drop_migration_not_yet_applied(tmp_path: Path, fresh_database: Callable[..., str]) -> None:
    from ingest.catalogs.postgres import ingest_dsn
    from ingest.migrations.sets import ingest_path

    repo = migration_folder(tmp_path, {"001_init.sql": INIT, "002_drop_user_fk.sql": DROP})
    production = fresh_database(INIT)  # only 001 has been applied
    migrations, catalog = ingest_path(repo), ingest_dsn(production)
    assert migrations.diagnostics == () and catalog.diagnostics == ()

    drift = diff_inventories(migrations, catalog, label_a=str(repo), label_b=catalog.sources[0].label)
    assert drift.only_a == () and drift.changed == ()
    assert [
        (f.name, f.table.qualified, f.columns, f.ref_table.qualified, f.on_delete) for f in drift.only_b
    ] == [("posts_user_id_fkey", "public.posts", ("user_id",), "public.users", "CASCADE")]
    assert drift.matched == 1

    with psycopg.connect(production, autocommit=True) as conn:
        conn.execute(DROP)
    assert not diff_inventories(ingest_path(repo), ingest_dsn(production)).has_drift


@pytest.mark.postgres
def test_changed_action_not_yet_applied(tmp_path: Path, fresh_database: Callable[..., str]) -> None:
    from ingest.catalogs.postgres import ingest_dsn
    from ingest.migrations.sets import ingest_path

    repo = migration_folder(tmp_path, {"001_init.sql": INIT, "002_editor_set_null.sql": CHANGE})
    production = fresh_database(INIT)
    drift = diff_inventories(ingest_path(repo), ingest_dsn(production))
    assert drift.only_a == drift.only_b == ()
    [change] = drift.changed
    assert (change.a.name, change.fields, change.values("on_delete")) == (
        "posts_editor_fkey",
        ("on_delete",),
        ("SET NULL", "NO ACTION"),
    )
