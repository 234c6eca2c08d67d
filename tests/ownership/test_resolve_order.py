"""The cheaper forms of merge, resolve and ignore give what the plain ones gave: same order, same result."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
from ownership.config import DEFAULT_IGNORE_TABLES, Config
from ownership.patterns import any_table, matches_table
from ownership.resolve import _fk_key, merge, resolve_external
from ownership.scan import _read, evidence, root_label, scan
from ownership.services import assign_services
from tests.hostile import hostile_inventory

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"

_word = st.sampled_from(["", "a", "b", "a.b", "public", "users", "x:y"])
_refs = st.builds(TableRef, _word, _word, _word)
_locs = st.none() | st.builds(Location, _word, st.integers(0, 3))
_fks = st.builds(
    ForeignKey,
    name=_word,
    table=_refs,
    columns=st.tuples(_word),
    ref_table=_refs,
    ref_columns=st.tuples(_word),
    on_delete=st.sampled_from(["NO ACTION", "CASCADE"]),
    added_at=_locs,
    dropped_at=_locs,
    origin=st.sampled_from(["declared", "inferred"]),
)


def _dataclass_key(fk: ForeignKey) -> tuple[object, ...]:
    """The key as it was: refs and locations compared as dataclasses."""
    nowhere = Location("")
    return (
        fk.table,
        fk.name,
        fk.added_at or nowhere,
        fk.columns,
        fk.ref_table,
        fk.ref_columns,
        fk.dropped_at or nowhere,
        fk.origin,
        fk.on_delete,
        fk.on_update,
        fk.on_delete_columns,
        fk.deferrable,
        fk.initially_deferred,
        fk.validated,
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_fks, max_size=12))
def test_flat_fk_key_orders_as_the_dataclass_key(fks: list[ForeignKey]) -> None:
    assert sorted(fks, key=_fk_key) == sorted(fks, key=_dataclass_key)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["users", "a*", "public.users", "*:b", "db:*.t?", "[ab].x", "*.a.b", "x:y"])),
    _refs,
)
def test_any_table_is_any_matches_table(patterns: list[str], ref: TableRef) -> None:
    assert any_table(patterns)(ref) == any(matches_table(p, ref) for p in patterns)


def test_default_ignore_tables_match_as_before() -> None:
    ignored = any_table(DEFAULT_IGNORE_TABLES)
    names = [*DEFAULT_IGNORE_TABLES, "users", "schema_migrations_x", "flyway_schema_history", "a.b"]
    for name in names:
        ref = TableRef("db", "public", name)
        assert ignored(ref) == any(matches_table(p, ref) for p in DEFAULT_IGNORE_TABLES), name


def test_merge_keeps_one_of_identical_tables_and_warns_on_different_ones() -> None:
    t = Table(TableRef("db", "public", "t"), defined_at=Location("1.sql", 1))
    other = Table(TableRef("db", "public", "t"), defined_at=Location("2.sql", 1))
    ext = Table(TableRef("db", "public", "t"), external=True)
    same = merge([Inventory(tables=(t, ext)), Inventory(tables=(t,))])
    assert same.tables == (t,) and same.diagnostics == ()
    clash = merge([Inventory(tables=(t,)), Inventory(tables=(other, t))])
    assert [d.code for d in clash.diagnostics] == ["duplicate-table"]
    assert "described differently by 2 sources" in clash.diagnostics[0].message


def test_ambiguous_warning_names_the_first_reference() -> None:
    a, b, c = (TableRef(db, "public", "users") for db in ("a", "b", "c"))
    stub = Table(c, external=True)
    fks = tuple(
        ForeignKey(f"f{i}", TableRef("c", "public", f"t{i}"), ("u",), c, ("id",), added_at=Location(p, line))
        for i, (p, line) in enumerate([("c/2.sql", 1), ("c/1.sql", 7), ("c/1.sql", 3)])
    )
    inv = resolve_external(Inventory(tables=(Table(a), Table(b), stub), foreign_keys=fks))
    [warning] = [d for d in inv.diagnostics if d.code == "ambiguous-external"]
    assert (warning.path, warning.line) == ("c/1.sql", 3)
    assert inv.table(c) is not None and inv.table(c).resolved_to is None  # type: ignore[union-attr]


def test_scan_resolves_once_with_the_same_result(tmp_path: Path) -> None:
    hostile = hostile_inventory(tmp_path / "hostile")
    for root in (str(DEMO), str(tmp_path / "hostile")):
        parts = [_read(root, None)]
        seen = evidence([root])
        kwargs = {"units": seen.units, "access": seen.access, "root_label": root_label([root])}
        config = Config()
        twice = assign_services(resolve_external(merge(parts)), config, **kwargs)  # type: ignore[arg-type]
        once = assign_services(merge(parts), config, **kwargs)  # type: ignore[arg-type]
        assert once == twice
    assert scan([str(tmp_path / "hostile")]) == hostile
