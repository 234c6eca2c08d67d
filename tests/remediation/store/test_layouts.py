"""Saved graph layouts in the state store, on SQLite and on the real PostgreSQL: the version 3 upgrade
of a version 2 store, per-node upserts, two writers of one view, reset, bad input."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from remediation.records import Record
from remediation.store import open_store
from remediation.store.schema import StoreError
from tests.remediation.store.test_store import raw


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store location: a SQLite file, or a throw-away PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state" / "state.db")
    fresh: Callable[..., str] = request.getfixturevalue("fresh_database")
    return fresh()


def test_a_version_2_store_gains_layouts_and_keeps_its_records(url: str) -> None:
    old = open_store(url, upgrade=False)
    old.upgrade(2)
    old.save(Record("a.sql:3#x", owner_team="core"), who="al")
    assert old.schema_version() == 2
    with pytest.raises(Exception, match="fkmap_layouts"):
        raw(url, "SELECT count(*) FROM fkmap_layouts")
    store = open_store(url)
    assert store.schema_version() == 3
    assert [(r.fk_id, r.owner_team, r.version) for r in store.records()] == [("a.sql:3#x", "core", 1)]
    assert store.layout("/") == {}
    store.save_layout("/", {"service:auth": (1.5, 2.25)}, who="bob")
    assert raw(url, "SELECT view_key, node, x, y, updated_by FROM fkmap_layouts") == [
        ("/", "service:auth", 1.5, 2.25, "bob")
    ]


def test_a_drag_writes_only_the_nodes_it_moved(url: str) -> None:
    store = open_store(url)
    key = "/tables?svc=auth&cross=1"
    assert store.save_layout(key, {"db:public.users": (10, 20), "db:public.posts": (-5.5, 0)}, who="ann") == 2
    store.save_layout(key, {"db:public.users": (11.256, 21.0)}, who="bob")  # moved again
    store.save_layout("/", {"service:auth": (0, 0)}, who="bob")  # another view
    assert store.layout(key) == {"db:public.posts": (-5.5, 0.0), "db:public.users": (11.26, 21.0)}
    assert store.layout("/tables") == {}  # keys are exact: another filter is another view
    assert raw(url, "SELECT updated_by FROM fkmap_layouts WHERE node = ?", ("db:public.users",)) == [("bob",)]
    assert store.reset_layout(key) == 2
    assert store.layout(key) == {} and store.layout("/") == {"service:auth": (0.0, 0.0)}
    assert open_store(url).layout("/") == {"service:auth": (0.0, 0.0)}  # persisted


def test_two_people_arranging_one_view_keep_both_moves(url: str) -> None:
    key = "/?expand=auth"
    stores = [open_store(url), open_store(url)]
    errors: list[BaseException] = []

    def drag(i: int) -> None:
        try:
            for n in range(20):
                stores[i].save_layout(key, {f"service:s{i}": (float(n), float(i))}, who=f"u{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=drag, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert open_store(url).layout(key) == {"service:s0": (19.0, 0.0), "service:s1": (19.0, 1.0)}


@pytest.mark.parametrize(
    ("key", "positions", "message"),
    [
        ("", {"a": (0, 0)}, "key of its view"),
        ("/", {"": (0, 0)}, "node name"),
        ("/", {"a": (float("nan"), 0)}, "finite numbers"),
        ("/", {"a": (0, float("inf"))}, "finite numbers"),
        ("/" * 5000, {"a": (0, 0)}, "key of its view"),
    ],
    ids=["no-key", "no-node", "nan", "inf", "long-key"],
)
def test_what_cannot_be_a_position_is_refused_and_nothing_written(
    tmp_path: Path, key: str, positions: dict[str, tuple[float, float]], message: str
) -> None:
    store = open_store(str(tmp_path / "s.db"))
    with pytest.raises(StoreError, match=message):
        store.save_layout(key, {"ok": (1, 1), **positions}, who="x")
    assert raw(str(tmp_path / "s.db"), "SELECT count(*) FROM fkmap_layouts") == [(0,)]
