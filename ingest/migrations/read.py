"""Read the text to replay of one migration file: encodings, size limits, up sections, COPY data.

:func:`read_up_text` never raises: an unreadable, binary or too large file gives ``''``
and an ``error`` diagnostic. UTF-8 (a BOM is dropped; UTF-16 with a BOM is decoded too);
invalid UTF-8 is decoded with replacement characters and a warning. The down sections of
dbmate and goose files (:attr:`MigrationFile.section <ingest.migrations.layout.MigrationFile>`)
come back as empty lines, so line numbers stay those of the file.

Files over :data:`STREAM_BYTES` are read line by line, and the data lines of their
``COPY ... FROM stdin`` blocks come back empty (a ``pg_dump`` with data is mostly data):
memory stays bounded by the SQL (:func:`max_sql_bytes`), not by the file. Lines are looked
at in blocks first; only a block that may hold a ``COPY`` line, the end of COPY data, a NUL
byte or a very long line is read line by line (the result is the same).

Examples
--------
>>> import os, tempfile
>>> from ingest.migrations.layout import MigrationFile
>>> path = os.path.join(tempfile.mkdtemp(), "001_users.sql")
>>> with open(path, "wb") as handle:
...     _ = handle.write(b"\\xef\\xbb\\xbfCREATE TABLE users (id int);\\n")
>>> read_up_text(MigrationFile(path, "001_users.sql", "001", "users", ""))
('CREATE TABLE users (id int);\\n', [])
"""

from __future__ import annotations

import os
import re
import stat
from itertools import pairwise
from typing import BinaryIO

from ingest.migrations.files import HEAD_BYTES, Section, head_section
from ingest.migrations.layout import MigrationFile
from model.inventory import Diagnostic

__all__ = ["MAX_FILE_BYTES", "MAX_SQL_BYTES", "STREAM_BYTES", "max_sql_bytes", "read_up_text"]

#: Files larger than this are not read (a diagnostic says so).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: At most this much SQL is kept from one file; ``COPY ... FROM stdin`` data does not count (it
#: is streamed past). Over it the file is skipped with a diagnostic. ``FKMAP_MAX_SQL_MB`` sets it.
MAX_SQL_BYTES = 32 * 1024 * 1024
#: Files larger than this are read line by line, COPY data dropped as it goes by.
STREAM_BYTES = 8 * 1024 * 1024
_PIECE_BYTES = 1024 * 1024  # a longer line is read in pieces of this size

_TEXT_DBMATE_UP = re.compile(r"^--\s*migrate:up\b.*$", re.MULTILINE)
_TEXT_DBMATE_DOWN = re.compile(r"^--\s*migrate:down\b.*$", re.MULTILINE)
_TEXT_GOOSE_UP = re.compile(r"^--\s*\+goose\s+up\b.*$", re.MULTILINE | re.IGNORECASE)
_TEXT_GOOSE_DOWN = re.compile(r"^--\s*\+goose\s+down\b.*$", re.MULTILINE | re.IGNORECASE)


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` by its newlines only, so line numbers stay true."""
    return text[:start] + "\n" * text.count("\n", start, end) + text[end:]


def _up_section(text: str, f: MigrationFile, section: Section) -> tuple[str, list[Diagnostic]]:
    """Blank every down section of a dbmate/goose file (markers alternate up/down)."""
    up_re, down_re = (
        (_TEXT_DBMATE_UP, _TEXT_DBMATE_DOWN) if section == "dbmate" else (_TEXT_GOOSE_UP, _TEXT_GOOSE_DOWN)
    )
    markers = sorted(
        [(m.start(), "up") for m in up_re.finditer(text)]
        + [(m.start(), "down") for m in down_re.finditer(text)]
    )
    diagnostics = []
    if not any(kind == "up" for _, kind in markers):
        marker = "-- migrate:up" if section == "dbmate" else "-- +goose Up"
        message = f"no '{marker}' section; nothing to apply"
        diagnostics.append(Diagnostic("warning", message, path=f.rel, code="migration-layout"))
        return _blank(text, 0, len(text)), diagnostics
    # Keep the up sections; blank the down ones (each runs to the next marker).
    for (start, kind), (end, _) in reversed(list(pairwise([*markers, (len(text), "end")]))):
        if kind == "down":
            text = _blank(text, start, end)
    return text, diagnostics


def max_sql_bytes() -> int:
    """:data:`MAX_SQL_BYTES`, or ``FKMAP_MAX_SQL_MB`` megabytes when that is set to a positive number."""
    try:
        mb = float(os.environ.get("FKMAP_MAX_SQL_MB", ""))
    except ValueError:
        return MAX_SQL_BYTES
    return int(mb * 1024 * 1024) if mb > 0 else MAX_SQL_BYTES


_COPY_LINE = re.compile(
    rb"(?i)[ \t]*(?:\\copy\s.*\bfrom\s+stdin\b.*|copy\s.*\bfrom\s+stdin\b[^;]*;[ \t]*)\r?\n\Z"
)
_COPY_END_LINE = re.compile(rb"\\\.[ \t]*\r?\n?\Z")


def _too_much_sql(f: MigrationFile, limit: int) -> Diagnostic:
    message = (
        f"file holds more than {limit / 1048576:g} MB of SQL outside COPY data, the limit "
        "(FKMAP_MAX_SQL_MB); skipped: scan a schema-only dump (pg_dump --schema-only, "
        "mysqldump --no-data) or raise the limit"
    )
    return Diagnostic("error", message, path=f.rel, code="file-too-large")


_COPY_CANDIDATE = re.compile(rb"(?im)^[ \t]*\\?copy\s")  # every line _COPY_LINE may match
_END_CANDIDATE = re.compile(rb"(?m)^\\\.")  # every line _COPY_END_LINE may match
#: Lines are looked at in blocks of this size first; only a block holding a COPY line, the
#: end of COPY data, a NUL byte or a very long line is read line by line (the same result).
_BLOCK_BYTES = 1024 * 1024
_BULK = True  # False: line by line throughout (the tests compare both)


def _may_hold(block: bytes, word: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether ``pattern`` matches in ``block``; a substring test first (``word`` lower case)."""
    return word in (block.lower() if word.isalpha() else block) and pattern.search(block) is not None


class _Streamer:
    """One large file read past its COPY data: what is kept, and where the reading stands.

    ``total`` counts the bytes held against the limit (kept SQL, plus one per blanked data
    line); ``resume`` is the file offset after the COPY line while its data is skipped, else
    -1; ``stop`` is where line-by-line reading may give way to blocks again.
    """

    def __init__(self, handle: BinaryIO, f: MigrationFile, limit: int) -> None:
        self.handle, self.f, self.limit = handle, f, limit
        self.kept: list[bytes] = []
        self.total = self.blank = 0
        self.line = 1
        self.at_start = True
        self.resume = -1
        self.stop = -1

    def run(self) -> Diagnostic | None:
        """Read to the end of the file; a diagnostic when the file is binary or holds too much SQL."""
        while True:
            if _BULK and self.at_start and self.handle.tell() >= self.stop:
                taken = self._block()
                if taken is None:
                    break
                if taken:
                    continue
            piece = self.handle.readline(_PIECE_BYTES)
            if not piece:
                break
            problem = self._piece(piece)
            if problem is not None:
                return problem
        return self._unterminated_copy()

    def _block(self) -> bool | None:
        """Take the next block whole if no line of it needs a look; None at the end of the file."""
        start = self.handle.tell()
        block = self.handle.read(_BLOCK_BYTES)
        if not block:
            return None
        if not block.endswith(b"\n"):
            block += self.handle.readline(_PIECE_BYTES)
        if block.endswith(b"\n") and b"\x00" not in block and self._take_block(block):
            return True
        self.handle.seek(start)
        self.stop = start + len(block)
        return False

    def _take_block(self, block: bytes) -> bool:
        if self.resume < 0:  # SQL: kept as it is unless a COPY line may start in it
            if self.total + len(block) > self.limit or _may_hold(block, b"copy", _COPY_CANDIDATE):
                return False
            self.kept.append(block)
            self.total += len(block)
            self.line += block.count(b"\n")
            return True
        if _may_hold(block, b"\\.", _END_CANDIDATE):  # COPY data going on: blank lines
            return False
        n = block.count(b"\n")
        if self.total + n > self.limit:
            return False
        self.blank += n
        self.total += n
        self.line += n
        return True

    def _piece(self, piece: bytes) -> Diagnostic | None:
        """Take one line (or the first piece of a long one)."""
        if b"\x00" in piece:
            at = self.line + piece.count(b"\n", 0, piece.index(b"\x00"))
            message = "binary file (contains NUL bytes); skipped"
            return Diagnostic("error", message, path=self.f.rel, line=at, code="binary-file")
        ends_line = piece.endswith(b"\n")
        if self.resume >= 0 and not (self.at_start and _COPY_END_LINE.match(piece)):
            self.blank += ends_line
            self.total += ends_line
        else:
            if self.resume >= 0:  # the data ends here
                self.kept.append(b"\n" * self.blank)
                self.resume, self.blank = -1, 0
            self.kept.append(piece)
            self.total += len(piece)
            if self.at_start and ends_line and _COPY_LINE.match(piece):
                self.resume, self.blank = self.handle.tell(), 0
        if self.total > self.limit:
            return _too_much_sql(self.f, self.limit)
        self.line += ends_line
        self.at_start = ends_line
        return None

    def _unterminated_copy(self) -> Diagnostic | None:
        """No ``\\.`` line: the rest is data to psql, but maybe not to the splitter (read it as is)."""
        if self.resume < 0:
            return None
        self.handle.seek(self.resume)
        sql = self.total - self.blank
        rest = self.handle.read(self.limit - sql + 1)
        if sql + len(rest) > self.limit:
            return _too_much_sql(self.f, self.limit)
        self.kept.append(rest)
        return None


def _read_streamed(f: MigrationFile, size: int, limit: int) -> tuple[bytes, Diagnostic | None]:
    """The bytes of a large file with the lines of ``COPY ... FROM stdin`` data left empty.

    Memory stays within ``limit`` bytes of kept SQL (empty data lines count one byte each)
    whatever the file's size; line numbers stay those of the file. NUL bytes stop the read
    at once (a binary file). COPY data without its ``\\.`` line runs to the end of the file,
    as in psql; when the COPY line was no statement at all (in a function body, say) the
    splitter would read what follows as SQL, so that part is read again as it is.
    """
    with open(f.path, "rb") as handle:
        if handle.read(2) in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: read whole when small enough
            if size > limit:
                return b"", _too_much_sql(f, limit)
            handle.seek(0)
            return handle.read(), None
        handle.seek(0)
        streamer = _Streamer(handle, f, limit)
        problem = streamer.run()
    if problem is not None:
        return b"", problem
    return b"".join(streamer.kept), None


def read_up_text(f: MigrationFile) -> tuple[str, list[Diagnostic]]:
    """The text to replay for ``f``, and diagnostics; never raises.

    UTF-8 (a BOM is dropped; UTF-16 with a BOM is decoded too). Invalid UTF-8 is
    decoded with replacement characters and a warning naming the line of the first
    bad byte. A file with NUL bytes, over :data:`MAX_FILE_BYTES`, holding more than
    :func:`max_sql_bytes` of SQL outside COPY data, or unreadable gives ``''`` and an
    error. Files over :data:`STREAM_BYTES` are read line by line and their
    ``COPY ... FROM stdin`` data lines come back empty, so memory stays bounded by
    the SQL, not the data. For dbmate/goose files the down sections are replaced by
    empty lines, so line numbers stay those of the file.
    """
    try:
        info = os.stat(f.path)
        if not stat.S_ISREG(info.st_mode):
            return "", [Diagnostic("error", "not a regular file; skipped", path=f.rel, code="io-error")]
        if info.st_size > MAX_FILE_BYTES:
            message = f"file is {info.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; skipped"
            return "", [Diagnostic("error", message, path=f.rel, code="file-too-large")]
        limit = max_sql_bytes()
        section = f.section
        if info.st_size > min(STREAM_BYTES, limit):
            data, problem = _read_streamed(f, info.st_size, limit)
            if problem is not None:
                return "", [problem]
            if section == "sniff":  # what was kept has no COPY data: the file's own head decides
                with open(f.path, "rb") as handle:
                    section = head_section(handle.read(HEAD_BYTES))
        else:
            with open(f.path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return "", [Diagnostic("error", message, path=f.rel, code="io-error")]
    if section == "sniff":
        section = head_section(data[:HEAD_BYTES])
    return _decoded(f, data, section)


def _decoded(f: MigrationFile, data: bytes, section: Section) -> tuple[str, list[Diagnostic]]:
    """The text of ``data`` read from ``f`` (see :func:`read_up_text`), up sections only when
    ``section`` is dbmate's or goose's."""
    diagnostics: list[Diagnostic] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return "", [
            Diagnostic(
                "error",
                "binary file (contains NUL bytes); skipped",
                path=f.rel,
                line=line,
                code="binary-file",
            )
        ]
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", errors="replace")
            line = data.count(b"\n", 0, exc.start) + 1
            line_start = data.rfind(b"\n", 0, exc.start) + 1
            line_end = data.find(b"\n", exc.start)
            line_bytes = data[line_start : line_end if line_end >= 0 else len(data)]
            excerpt = line_bytes.decode("utf-8", errors="replace").strip()[:120]
            diagnostics.append(
                Diagnostic(
                    "warning",
                    f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); decoded with replacement characters",
                    path=f.rel,
                    line=line,
                    excerpt=excerpt,
                    code="encoding",
                )
            )
    text = text.removeprefix("\ufeff")
    if section != "all":
        text, more = _up_section(text, f, section)
        diagnostics.extend(more)
    return text, diagnostics
