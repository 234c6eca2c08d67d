"""Reading a large file in blocks blanks COPY data like reading it line by line (ingest.migrations.read)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import read
from ingest.migrations.layout import MigrationFile

LINES = [
    b"COPY public.t (a, b) FROM stdin;\n",
    b"COPY public.a_table_with_a_long_name (a, b) FROM stdin;\n",  # longer than a piece here
    b"  copy t from stdin ;  \r\n",
    b"\\copy t FROM stdin with csv\n",
    b"COPY t FROM stdin\n",  # no ';': no COPY line for the reader
    b"copy t to stdout;\n",
    b"xCOPY t FROM stdin;\n",
    b"1\tsome; data\t\\N\n",
    b"\\.\n",
    b"\\.  \r\n",
    b"\\.",
    b" \\.\n",
    b"\\.x\n",
    b"\\." + b" " * 30 + b"x\n",  # an end line only in its first piece
    b"CREATE TABLE t (a int);\n",
    b"SELECT 1;",
    b"\n",
    b"\x00",
    b"a very long line that the reader takes in several pieces " * 2 + b"\n",
]


def _read(data: bytes, tmp: Path, limit: int, *, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    path = tmp / "big.sql"
    path.write_bytes(data)
    monkeypatch.setattr(read, "_BULK", bulk)
    return read._read_streamed(MigrationFile(str(path), "big.sql", "", "big", ""), len(data), limit)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.sampled_from(LINES), max_size=40),
    block=st.integers(8, 200),
    limit=st.integers(0, 2000),
)
def test_blocks_read_like_lines(
    picks: list[bytes], block: int, limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "_PIECE_BYTES", 24)  # long lines come in pieces, as over 1 MB
    monkeypatch.setattr(read, "_BLOCK_BYTES", block)
    data = b"".join(picks)
    fast = _read(data, tmp_path, limit, bulk=True, monkeypatch=monkeypatch)
    slow = _read(data, tmp_path, limit, bulk=False, monkeypatch=monkeypatch)
    assert fast == slow


def test_copy_data_lines_are_blanked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n2\n\\.\nSELECT 1;\n" * 3
    expected = (b"CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n\n\n\\.\nSELECT 1;\n" * 3, None)
    assert _read(data, tmp_path, 10_000, bulk=True, monkeypatch=monkeypatch) == expected
    assert _read(data, tmp_path, 10_000, bulk=False, monkeypatch=monkeypatch) == expected


@pytest.mark.parametrize("block", [8, 31, 64, 200, 4096])
def test_long_copy_data_across_blocks(block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "_PIECE_BYTES", 24)
    monkeypatch.setattr(read, "_BLOCK_BYTES", block)
    data = b"SELECT 1;\nCOPY t (a) FROM stdin;\n" + b"1\tdata\n" * 50 + b"\\.\nCREATE TABLE x (a int);\n"
    data += b"copy u from stdin;\n" + b"2\n" * 40 + b"COPY v FROM stdin;\n"  # the last data has no end
    expected = _read(data, tmp_path, 10_000, bulk=False, monkeypatch=monkeypatch)
    assert _read(data, tmp_path, 10_000, bulk=True, monkeypatch=monkeypatch) == expected
    assert expected[0].count(b"\n") == data.count(b"\n")  # type: ignore[index]
