"""Rule 6 (name family) on layouts met in real repositories: heads a folder only references or dropped,
and first words such as ``user`` whose tables every service keeps."""

from __future__ import annotations

from dataclasses import replace

from model.inventory import Evidence, Location
from ownership.config import Config
from ownership.services import assign_services
from tests.ownership.builders import Access, Unit, fk, inventory, owners, writes

SHARED = "backend/migrations"
LATER = "backend/migrations/pending_review"
UNITS = [Unit("chat", "chat"), Unit("auth", "auth"), Unit("media", "media")]


def test_a_head_the_folder_only_references_names_the_family() -> None:
    files = {
        f"{SHARED}/001_init.sql": ["users", "messages"],
        f"{LATER}/039_message_versions.sql": ["message_edit_history"],
    }
    fks = [
        fk(
            LATER,
            "message_edit_history",
            "message_id",
            "messages",
            at=(f"{LATER}/039_message_versions.sql", 3),
        )
    ]
    access = {"messages": {"chat": writes("chat/db.rs", 7)}, "users": {"auth": writes("auth/db.rs", 2)}}
    inv = assign_services(inventory(files, fks=fks), Config(), units=UNITS, access=access)
    assert owners(inv)[f"{LATER}:message_edit_history"] == "chat"
    history = next(t for t in inv.tables if t.ref.name == "message_edit_history")
    assert history.owner_evidence[0] == Evidence(
        "name-family",
        "chat",
        "named after 'messages', the head of its name family, held by chat",
        f"{LATER}/039_message_versions.sql",
        1,
    )


def test_without_the_referenced_head_the_table_stays_unowned() -> None:
    files = {
        f"{SHARED}/001_init.sql": ["messages"],
        f"{LATER}/039_message_versions.sql": ["message_edit_history"],
    }
    access = {"messages": {"chat": writes("chat/db.rs", 7)}}
    inv = assign_services(inventory(files), Config(), units=UNITS, access=access)
    assert owners(inv)[f"{LATER}:message_edit_history"] == ""


def test_a_dropped_head_still_names_the_family_a_kept_one_comes_first() -> None:
    path = f"{SHARED}/201_bookmarks.sql"
    inv = inventory({path: ["bookmarks", "bookmark_collections"]})
    gone = Location(f"{SHARED}/300_drop.sql", 1)
    inv = replace(inv, tables=tuple(replace(t, dropped_at=gone) for t in inv.tables))
    access = {"bookmarks": {"media": writes("media/db.rs", 4)}}
    out = assign_services(inv, Config(), units=UNITS, access=access)
    assert owners(out)[f"{SHARED}:bookmark_collections"] == "media"
    assert [
        e.kind for e in next(t for t in out.tables if t.ref.name == "bookmark_collections").owner_evidence
    ] == ["name-family"]


def _user_tables(services: list[str]) -> dict[str, dict[str, Access]]:
    """``user_<service>_things`` written by each service, and ``users`` by auth."""
    access: dict[str, dict[str, Access]] = {"users": {"auth": writes("auth/db.rs", 1)}}
    for i, service in enumerate(services):
        access[f"user_{service}_things"] = {service: writes(f"{service}/db.rs", 10 + i)}
    return access


def test_a_word_whose_tables_three_services_keep_heads_no_family() -> None:
    tables = ["users", "user_auth_things", "user_chat_things", "user_media_things", "user_permissions"]
    inv = inventory({f"{SHARED}/001_init.sql": tables})
    access = _user_tables(["auth", "chat", "media"])
    out = assign_services(inv, Config(), units=UNITS, access=access)
    assert owners(out)[f"{SHARED}:user_permissions"] == ""


def test_a_word_whose_tables_two_services_keep_still_heads_its_family() -> None:
    tables = ["users", "user_auth_things", "user_chat_things", "user_permissions"]
    inv = inventory({f"{SHARED}/001_init.sql": tables})
    access = _user_tables(["auth", "chat"])
    out = assign_services(inv, Config(), units=UNITS, access=access)
    assert owners(out)[f"{SHARED}:user_permissions"] == "auth"
