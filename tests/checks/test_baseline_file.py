"""The baseline file: stable sorted JSON, hand-formatted files, what is wrong with a bad one."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.baseline import updated_baseline
from checks.baseline_file import (
    BaselineEntry,
    BaselineError,
    dump_baseline,
    entry_for,
    load_baseline,
    read_baseline,
)
from tests.exports.export_fixture import small_inventory


def test_file_is_stable_sorted_json_with_a_version() -> None:
    entries = updated_baseline(small_inventory(), None)
    text = dump_baseline(entries)
    assert text == dump_baseline(reversed(entries))
    doc = json.loads(text)
    assert doc["format_version"] == 1 and list(doc) == ["entries", "format_version"]
    assert [list(e) for e in doc["entries"]] == [sorted(e) for e in doc["entries"]]
    assert len(text.splitlines()) == 3 + len(entries) + 2
    assert load_baseline(text) == entries
    assert dump_baseline([]) == '{\n  "entries": [],\n  "format_version": 1\n}\n'
    assert load_baseline(dump_baseline([])) == []


def test_hand_formatted_files_still_load() -> None:
    entry = entry_for(small_inventory().foreign_keys[0], "a", "b", "https://x")
    text = json.dumps({"format_version": 1, "entries": [entry.to_dict()]}, indent=4)
    (loaded,) = load_baseline(text)
    assert loaded == entry and loaded.line == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON (line 1, column 2)"),
        ("[]", "expected an object with an 'entries' list"),
        ('{"entries": [], "format_version": 2}', "format_version 2 is not supported (this fkmap reads 1)"),
        ('{"entries": [1], "format_version": 1}', "entry 1 is not an object"),
        ('{"entries": [{"table": "t"}], "format_version": 1}', "entry 1 (line 1) has no 'ref_table'"),
        (
            '{"entries": [{"table": "t", "ref_table": "u", "name": "n", "columns": "a"}],'
            ' "format_version": 1}',
            "entry 1 (line 1): 'columns' must be a list of strings",
        ),
        (
            '{"entries": [{"table": "t", "ref_table": "u", "name": "n", "columns": [], "ref_columns": [],'
            ' "tracking": 3}], "format_version": 1}',
            "entry 1 (line 1): 'tracking' must be a string",
        ),
    ],
)
def test_bad_files_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BaselineError) as err:
        load_baseline(text)
    assert str(err.value).startswith(message), str(err.value)


def test_read_baseline(tmp_path: Path) -> None:
    assert read_baseline(tmp_path / "missing.json") is None
    path = tmp_path / "b.json"
    path.write_text("nope", encoding="utf-8")
    with pytest.raises(BaselineError, match=r"b\.json: not valid JSON"):
        read_baseline(path)


names_st = st.text(min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            BaselineEntry,
            names_st,
            st.lists(names_st, max_size=3).map(tuple),
            names_st,
            st.lists(names_st, max_size=3).map(tuple),
            names_st,
            st.text(max_size=5),
            st.text(max_size=5),
            st.text(max_size=5),
        ),
        max_size=6,
    )
)
def test_dump_load_round_trip_never_raises(entries: list[BaselineEntry]) -> None:
    assert sorted(load_baseline(dump_baseline(entries))) == sorted(entries)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_load_never_raises_anything_but_baseline_error(text: str) -> None:
    with contextlib.suppress(BaselineError):
        load_baseline(text)
