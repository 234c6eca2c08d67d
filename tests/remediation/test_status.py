"""Status rules: the phase each key reached, contradictions, warnings, and how records attach."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
from remediation.records import Mark, Record
from remediation.status import derive_status, match_records, statuses
from remediation.tracking import TrackedFk, new_record, tracked_fks
from tests.remediation.sample import AT


def _item(on_delete: str, dropped: bool) -> TrackedFk:
    a, b = TableRef("m", "public", "posts"), TableRef("m", "public", "users")
    fk = ForeignKey(
        "posts_user_id_fkey", a, ("user_id",), b, ("id",), on_delete=on_delete,
        added_at=Location("m/1.sql", 3), dropped_at=Location("m/2.sql", 1) if dropped else None,
    )  # fmt: skip
    inv = Inventory(tables=(Table(a, service="content"), Table(b, service="auth")), foreign_keys=(fk,))
    return tracked_fks(inv)[0]


@pytest.mark.parametrize(
    ("on_delete", "dropped", "marks", "policy", "phase", "done", "contradictions", "warnings"),
    [
        ("CASCADE", False, (), "", 0, (), 0, 0),
        ("CASCADE", False, (1,), "", 1, (1,), 0, 0),
        ("CASCADE", False, (1, 3), "", 1, (1,), 1, 0),
        ("CASCADE", True, (), "", 2, (2,), 0, 1),
        ("CASCADE", True, (1,), "", 2, (1, 2), 0, 0),
        ("CASCADE", True, (1, 3), "", 3, (1, 2, 3), 0, 0),
        ("CASCADE", True, (1, 3, 4), "", 4, (1, 2, 3, 4), 0, 0),
        ("CASCADE", True, (1, 3), "forbid-delete", 3, (1, 2, 3), 0, 1),
        ("SET NULL", True, (1, 3, 4), "", 4, (1, 2, 3, 4), 0, 0),
        ("NO ACTION", True, (1, 3), "handle-missing-parent", 4, (1, 2, 3, 4), 0, 0),
        ("NO ACTION", True, (1, 3), "", 3, (1, 2, 3), 0, 0),
        ("RESTRICT", False, (1,), "forbid-delete", 1, (1, 4), 0, 1),
        ("NO ACTION", True, (1, 4), "", 2, (1, 2, 4), 0, 1),
    ],
    ids=lambda v: str(v),
)
def test_status_rules(
    on_delete: str, dropped: bool, marks: tuple[int, ...], policy: str, phase: int, done: tuple[int, ...],
    contradictions: int, warnings: int,
) -> None:  # fmt: skip
    item = _item(on_delete, dropped)
    record = new_record(item).with_fields(deletion_policy=policy)
    for p in marks:
        record = record.with_mark(Mark(p, "al", AT))
    status = derive_status(item, record)
    assert (status.phase, tuple(sorted(status.done))) == (phase, done)
    assert (len(status.contradictions), len(status.warnings)) == (contradictions, warnings), status


def test_phase_2_is_never_marked_by_hand() -> None:
    with pytest.raises(ValueError, match="phase 2 \\(FK dropped\\) is read from the migrations"):
        Record("x").with_mark(Mark(2, "al", AT))
    with pytest.raises(ValueError, match="unknown deletion policy 'delete-all'"):
        Record("x").with_fields(deletion_policy="delete-all")


def test_structure_and_name_only_take_a_unique_candidate() -> None:
    def fk(db: str, table: str) -> ForeignKey:
        return ForeignKey(
            "t_user_id_fkey", TableRef(db, "public", table), ("user_id",),
            TableRef(db, "public", "users"), ("id",),
            added_at=Location(f"{db}/1.sql", 2),
        )  # fmt: skip

    tables = [Table(TableRef(d, "public", "users"), service="auth") for d in ("a", "b", "c")]
    tables += [
        Table(TableRef("a", "public", "t"), service="x"),
        Table(TableRef("b", "public", "t"), service="y"),
    ]
    tables += [Table(TableRef("c", "public", "t"), service="y")]
    inv = Inventory(tables=tuple(tables), foreign_keys=(fk("a", "t"), fk("b", "t"), fk("c", "t")))
    items = tracked_fks(inv)
    info = items[0].info()
    for_x = Record("gone:1#user_id", uid="1", fk=info)  # structure shared by 3 keys, one in service x
    for_y = Record("gone:2#user_id", uid="2", fk=replace(info, service="y"))  # two keys of service y
    matched, orphans = match_records(items, [for_x, for_y])
    assert {k: (r.uid, how) for k, (r, how) in matched.items()} == {"a/1.sql:2#user_id": ("1", "structure")}
    assert orphans == [for_y]


@given(
    marks=st.lists(st.sampled_from([1, 3, 4]), max_size=3),
    policy=st.sampled_from(["", "check-before-delete", "forbid-delete"]),
    on_delete=st.sampled_from(["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]),
    dropped=st.booleans(),
    fk_id=st.text(max_size=20),
)
@settings(max_examples=60, deadline=None)
def test_status_and_matching_never_raise(
    marks: list[int], policy: str, on_delete: str, dropped: bool, fk_id: str
) -> None:
    item = _item(on_delete, dropped)
    record = Record(fk_id, uid="u", deletion_policy=policy)
    for p in marks:
        record = record.with_mark(Mark(p, "x", ""))
    rows, orphans = statuses([item], [record])
    assert len(rows) == 1 and 0 <= rows[0].phase <= 4
    assert len(orphans) + sum(1 for s in rows if s.record is not None) == 1
