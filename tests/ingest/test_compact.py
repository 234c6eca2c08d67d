"""Sharing an inventory's repeated values changes nothing but memory."""

from __future__ import annotations

from hypothesis import given, settings

from ingest.compact import compact
from model.inventory import Column, ForeignKey, Inventory, Location, TableRef
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
