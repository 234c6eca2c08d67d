"""Reading the up part of one migration file (:mod:`ingest.migrations.read`).

A large file is read in blocks, blanking COPY data exactly like reading it line by line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.migrations import read
from ingest.migrations.layout import MigrationFile, discover
from ingest.migrations.read import read_up_text
from model.inventory import Diagnostic
from tests.ingest.migrations.test_layout import make


# --------------------------------------------------------------------------- sections
def test_dbmate_down_section_is_blanked(tmp_path: Path) -> None:
    text = "-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n"
    make(tmp_path, {"db/migrations/20240101120000_users.sql": text})
    sets, _ = discover(tmp_path)
    f = sets[0].files[0]  # discovery opens no file: the reading sees it is a dbmate file
    assert (f.section, f.version, f.name) == ("sniff", "20240101120000", "users")
    assert read_up_text(f) == ("-- migrate:up\nCREATE TABLE users (id int);\n\n\n\n", [])


@pytest.mark.parametrize("streamed", [False, True])
def test_the_file_s_head_decides_its_section_when_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Discovery opens no file; the reading decides from the file's head, read whole or streamed
    (a file with COPY data, whose kept text differs from the file)."""
    data = "".join(f"{i}\t-- migrate:down\n" for i in range(50))  # COPY data that looks like a marker
    text = (
        f"-- +goose Up\nCREATE TABLE t (id int);\nCOPY t (id) FROM stdin;\n{data}\\.\n"
        "-- +goose Down\nDROP TABLE t;\n"
    )
    make(tmp_path, {"db/001_t.sql": text})
    if streamed:
        monkeypatch.setattr(read, "STREAM_BYTES", 100)
    [f] = discover(tmp_path)[0][0].files
    up, diags = read_up_text(f)
    assert diags == []
    assert "CREATE TABLE t" in up and "DROP TABLE" not in up  # goose's: the down section is blanked
    assert up.count("\n") == text.count("\n")


@pytest.mark.parametrize(
    "text,expected,warned",
    [
        (
            "-- migrate:down\nDROP TABLE x;\n-- migrate:up transaction:false\nCREATE TABLE x (id int);",
            "\n\n-- migrate:up transaction:false\nCREATE TABLE x (id int);",
            False,
        ),
        ("-- header\n-- migrate:down\nDROP TABLE x;", "\n\n", True),
        (
            "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$ SELECT 1; $$;\n"
            "-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION f();\n",
            "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$ SELECT 1; $$;\n"
            "-- +goose StatementEnd\n\n\n\n",
            False,
        ),
    ],
    ids=["dbmate-down-first", "dbmate-no-up", "goose"],
)
def test_up_sections(tmp_path: Path, text: str, expected: str, warned: bool) -> None:
    make(tmp_path, {"20240101120000_x.sql": text})
    f = discover(tmp_path)[0][0].files[0]
    up, diagnostics = read_up_text(f)
    assert up == expected
    assert up.count("\n") == text.count("\n")
    assert [d.code for d in diagnostics] == (["migration-layout"] if warned else [])


# --------------------------------------------------------------------------- reading
def one_file(tmp_path: Path, content: bytes, name: str = "001_x.sql") -> MigrationFile:
    make(tmp_path, {name: content})
    return MigrationFile(str(tmp_path / name), name, "001", "x", "")


def test_read_strips_bom(tmp_path: Path) -> None:
    assert read_up_text(one_file(tmp_path, b"\xef\xbb\xbfSELECT 1;\n")) == ("SELECT 1;\n", [])


def test_read_utf16_with_bom(tmp_path: Path) -> None:
    assert read_up_text(one_file(tmp_path, "SELECT 'é';\n".encode("utf-16"))) == ("SELECT 'é';\n", [])


def test_read_invalid_utf8(tmp_path: Path) -> None:
    text, diagnostics = read_up_text(one_file(tmp_path, b"SELECT 1;\nSELECT '\xff caf\xc3\xa9';\n"))
    assert text == "SELECT 1;\nSELECT '\ufffd café';\n"
    assert diagnostics == [
        Diagnostic(
            "warning",
            "invalid UTF-8 (byte 0xff); decoded with replacement characters",
            path="001_x.sql",
            line=2,
            excerpt="SELECT '\ufffd café';",
            code="encoding",
        )
    ]


def test_read_binary(tmp_path: Path) -> None:
    assert read_up_text(one_file(tmp_path, b"SELECT 1;\n\x00\x01\x02")) == (
        "",
        [
            Diagnostic(
                "error",
                "binary file (contains NUL bytes); skipped",
                path="001_x.sql",
                line=2,
                code="binary-file",
            )
        ],
    )


def test_read_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 10)
    assert read_up_text(one_file(tmp_path, b"SELECT 1234567890;")) == (
        "",
        [
            Diagnostic(
                "error",
                "file is 18 bytes, over the 10-byte limit; skipped",
                path="001_x.sql",
                code="file-too-large",
            )
        ],
    )


def test_read_missing_and_not_a_file(tmp_path: Path) -> None:
    gone = MigrationFile(str(tmp_path / "gone.sql"), "gone.sql", "", "gone", "")
    assert read_up_text(gone) == (
        "",
        [
            Diagnostic(
                "error", "cannot read file: No such file or directory", path="gone.sql", code="io-error"
            )
        ],
    )
    (tmp_path / "dir.sql").mkdir()
    folder = MigrationFile(str(tmp_path / "dir.sql"), "dir.sql", "", "dir", "")
    assert read_up_text(folder) == (
        "",
        [Diagnostic("error", "not a regular file; skipped", path="dir.sql", code="io-error")],
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_read_permission_denied(tmp_path: Path) -> None:
    f = one_file(tmp_path, b"SELECT 1;")
    os.chmod(f.path, 0)
    try:
        assert read_up_text(f) == (
            "",
            [Diagnostic("error", "cannot read file: Permission denied", path="001_x.sql", code="io-error")],
        )
    finally:
        os.chmod(f.path, 0o644)


# --------------------------------------------------------------------------- large files, in blocks
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


def _read(
    data: bytes, tmp: Path, limit: int, *, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, Diagnostic | None]:
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
    assert expected[0].count(b"\n") == data.count(b"\n")
