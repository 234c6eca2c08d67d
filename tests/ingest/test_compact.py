"""Sharing an inventory's repeated values changes nothing but memory."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings

from ingest.compact import compact
from model.inventory import Column, Evidence, ForeignKey, Inventory, Location, Table, TableRef
from tests.model.test_inventory import inventories


@settings(max_examples=150)
@given(inventories)
def test_compact_keeps_the_inventory_equal(inv: Inventory) -> None:
    assert compact(inv) == inv


@settings(max_examples=100)
@given(inventories)
def test_equal_values_become_one_object(inv: Inventory) -> None:
    out = compact(inv)
    seen: dict[object, object] = {}
    refs: list[TableRef] = [t.ref for t in out.tables]
    refs += [r for fk in out.foreign_keys for r in (fk.table, fk.ref_table)]
    columns: list[Column] = [c for t in out.tables for c in t.columns]
    places: list[Location] = [p for fk in out.foreign_keys for p in (fk.added_at, fk.dropped_at) if p]
    for value in [*refs, *columns, *places]:
        assert seen.setdefault(value, value) is value
    texts = [r.schema for r in refs] + [c.type for c in columns]
    for text in texts:
        assert seen.setdefault(("text", text), text) is text


def test_the_dashboards_shared_scan_is_decoded_shared() -> None:
    from ui.shared.ingest import decode_inventory, encode_inventory

    users = TableRef("auth", "public", "users")
    fks = tuple(
        ForeignKey(f"fk{i}", TableRef("auth", "public", f"t{i}"), ("user_id",), users, ("id",))
        for i in range(3)
    )
    inv = decode_inventory(encode_inventory(Inventory(foreign_keys=fks)))
    assert inv == Inventory(foreign_keys=fks)
    assert inv.foreign_keys[0].ref_table is inv.foreign_keys[2].ref_table
    assert inv.foreign_keys[0].on_delete is inv.foreign_keys[1].on_delete


#: Fields whose sample value says nothing of their kind (None, empty tuples): a different value.
OTHER: dict[str, Any] = {
    "columns": (Column("id", "int"), Column("b", "text", False)),
    "owner_evidence": (Evidence("config", "auth", "d", "p", 3),),
    "resolved_to": TableRef("x", "y", "z"),
}


def _other(name: str, value: Any) -> Any:
    """A value of the same kind as ``value`` but different (no validation runs on dataclasses)."""
    if name in OTHER:
        return OTHER[name]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if isinstance(value, str):
        return value + "-other"
    if isinstance(value, tuple):
        return (*value, "z")
    if value is None or isinstance(value, Location):
        return Location("elsewhere.sql", 99)
    if isinstance(value, TableRef):
        return TableRef("x", "y", "z")
    raise AssertionError(f"no other value for {name} = {value!r}")


@pytest.mark.parametrize("cls", [Table, ForeignKey], ids=lambda c: c.__name__)
def test_every_field_survives_whatever_its_position(cls: type) -> None:
    """Fields are copied by position from ``dataclasses.fields``: one added later is kept too."""
    ref = TableRef("db", "public", "a")
    sample: Any = (
        Table(ref, (Column("id", "int"),)) if cls is Table else ForeignKey("f", ref, ("x",), ref, ("id",))
    )
    for f in dataclasses.fields(cls):
        changed = dataclasses.replace(sample, **{f.name: _other(f.name, getattr(sample, f.name))})
        inv = Inventory(tables=(changed,)) if cls is Table else Inventory(foreign_keys=(changed,))
        out: Any = (compact(inv).tables if cls is Table else compact(inv).foreign_keys)[0]
        assert getattr(out, f.name) == getattr(changed, f.name) != getattr(sample, f.name), f.name
        assert out == changed
