"""The neutral model: frozen, hashable, and a whole inventory round-trips through JSON."""

from __future__ import annotations

import dataclasses
import json
import pickle

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import inventory
from model.inventory import (
    ACTIONS,
    Column,
    Diagnostic,
    Evidence,
    ForeignKey,
    Inventory,
    Location,
    Migration,
    Service,
    SharedAccess,
    Source,
    Table,
    TableRef,
)

names = st.text(min_size=1, max_size=12)
refs = st.builds(TableRef, names, names, names)
locations = st.none() | st.builds(Location, names, st.integers(0, 10_000))
columns = st.lists(names, min_size=1, max_size=3).map(tuple)

tables = st.builds(
    Table,
    ref=refs,
    columns=st.lists(st.builds(Column, names, names, st.booleans()), max_size=3).map(tuple),
    primary_key=columns,
    external=st.booleans(),
    defined_at=locations,
    dropped_at=locations,
    service=names,
    replica_of=st.just("") | names,
    resolved_to=st.none() | refs,
    owner_evidence=st.lists(
        st.builds(Evidence, names, names, names, names, st.integers(0, 999)), max_size=2
    ).map(tuple),
)
fks = st.builds(
    ForeignKey,
    name=names,
    table=refs,
    columns=columns,
    ref_table=refs,
    ref_columns=columns,
    on_delete=st.sampled_from(ACTIONS),
    on_update=st.sampled_from(ACTIONS),
    deferrable=st.booleans(),
    initially_deferred=st.booleans(),
    validated=st.booleans(),
    on_delete_columns=st.lists(names, max_size=2).map(tuple),
    added_at=locations,
    dropped_at=locations,
    origin=st.sampled_from(["declared", "inferred"]),
)
inventories = st.builds(
    Inventory,
    tables=st.lists(tables, max_size=4).map(tuple),
    foreign_keys=st.lists(fks, max_size=4).map(tuple),
    diagnostics=st.lists(
        st.builds(
            Diagnostic, st.sampled_from(["error", "warning", "info"]), names, names, st.integers(0, 99)
        ),
        max_size=3,
    ).map(tuple),
    migrations=st.lists(
        st.builds(Migration, names, names, st.integers(0, 9), st.integers(0, 99), names, names, names),
        max_size=3,
    ).map(tuple),
    services=st.lists(st.builds(Service, names, names), max_size=3).map(tuple),
    sources=st.lists(st.builds(Source, names, names), max_size=2).map(tuple),
    shared_access=st.lists(
        st.builds(
            SharedAccess, refs, names, names, st.sampled_from(["read", "write"]), names, st.integers(0, 999)
        ),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=150)
@given(inventories)
def test_inventory_round_trips_through_json(inv: Inventory) -> None:
    text = inv.to_json()
    assert json.loads(text)["format_version"] == Inventory.FORMAT_VERSION
    assert Inventory.from_json(text) == inv


def test_models_are_frozen_and_hashable() -> None:
    fk = ForeignKey("f", TableRef("d", "s", "a"), ("x",), TableRef("d", "s", "b"), ("id",))
    assert len({fk, dataclasses.replace(fk)}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        fk.name = "g"  # type: ignore[misc]


def test_state_follows_dropped_at() -> None:
    fk = ForeignKey("f", TableRef("d", "s", "a"), ("x",), TableRef("d", "s", "b"), ("id",))
    assert fk.state == "present"
    dropped = dataclasses.replace(fk, dropped_at=Location("m/002_drop.sql", 3))
    assert dropped.state == "dropped"
    assert fk.key == dropped.key


def test_unknown_keys_are_ignored_and_missing_keys_default() -> None:
    data = {"tables": [{"ref": {"database": "d", "schema": "s", "name": "t"}, "future_field": 1}]}
    inv = Inventory.from_dict(data)
    assert inv.tables == (Table(TableRef("d", "s", "t")),)


def test_table_owner_prefers_replica_of() -> None:
    shadow = Table(TableRef("messaging", "public", "users"), service="messaging", replica_of="auth")
    assert shadow.owner == "auth"
    assert Table(TableRef("a", "public", "t"), service="auth").owner == "auth"


def test_owner_evidence_and_shared_access_round_trip() -> None:
    users = TableRef("backend/migrations", "public", "users")
    why = Evidence("code-write", "auth", "written by auth (src/db.rs:41)", "src/db.rs", 41)
    inv = Inventory(
        tables=(Table(users, service="auth", owner_evidence=(why,)),),
        shared_access=(SharedAccess(users, "auth", "content", "read", "content/src/feed.rs", 7),),
    )
    back = Inventory.from_json(inv.to_json())
    assert back == inv
    assert back.tables[0].owner_evidence[0].line == 41
    assert back.shared_access[0].table == users
    assert Inventory.from_dict({"tables": [{"ref": to_ref(users)}]}).tables[0].owner_evidence == ()


def to_ref(ref: TableRef) -> dict[str, str]:
    return {"database": ref.database, "schema": ref.schema, "name": ref.name}


MODELS = [
    getattr(inventory, name)
    for name in inventory.__all__
    if dataclasses.is_dataclass(getattr(inventory, name))
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_models_are_slotted(cls: type) -> None:
    """Hundreds of thousands of them per scan: no per-instance ``__dict__``."""
    assert "__slots__" in vars(cls) and "__dict__" not in dir(cls)
    assert dataclasses.fields(cls) and all(f.name in vars(cls)["__slots__"] for f in dataclasses.fields(cls))


@settings(max_examples=100)
@given(inventories)
def test_slotted_models_pickle_and_pack(inv: Inventory) -> None:
    """The pool sends operations and diagnostics pickled; the caches store MessagePack."""
    assert pickle.loads(pickle.dumps(inv)) == inv
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(inv), type=Inventory) == inv
    if inv.foreign_keys:
        fk = inv.foreign_keys[0]
        assert dataclasses.replace(fk, name=fk.name + "x").name == fk.name + "x"
