"""The records of migration files and sets, and what a file's name says: version, name, order.

:class:`MigrationFile` is one up migration as found by :mod:`ingest.migrations.layout`;
:class:`MigrationSet` a directory of them in replay order. :func:`parse_name` reads the
version from the start of a file (or versioned directory) name, :func:`is_down` tells the
down/undo migrations that are never applied, :func:`order_key` sorts names in replay order.

Notes
-----
**Versions.** A plain number (``018_messaging_schema.sql``, golang-migrate's
``000001_init.up.sql``), a date-time (``20240101120000_x.sql``, ``2024_01_01_120000_x.sql``,
``2024-01-01-120000_x``), or a Flyway version (``V1_2__add_index.sql`` is version 1.2).
Versions compare numerically component by component, so ``2`` < ``10`` and ``1.2`` < ``1.10``.
An engine and ``autocommit`` part before ``.up.sql`` (``20240101_users.postgres.autocommit.up.sql``)
is not part of the name.

**Files without a version** (Flyway's repeatable ``R__views.sql``, Spring's ``schema.sql``)
come after every versioned file: schema scripts first (``schema.sql``, ``schema-mysql.sql``,
``structure.sql``), then the others, then data scripts (``data.sql``, ``data-h2.sql``,
``seed.sql``), each group by name -- so Spring's ``schema.sql`` runs before its ``data.sql``,
as Spring runs them.

Examples
--------
>>> parse_name("V1_2__add_index.sql")
('1.2', 'add_index', '')
>>> parse_name("2024_01_01_120000_create_users.sql")
('20240101120000', 'create_users', '2024-01-01T12:00:00')
>>> parse_name("20150100000001000000_networks.postgres.autocommit.up.sql")
('20150100000001000000', 'networks', '')
>>> sorted(["10_b.sql", "2_a.sql", "R__views.sql", "1.10_d.sql", "1.2_c.sql"], key=order_key)
['1.2_c.sql', '1.10_d.sql', '2_a.sql', '10_b.sql', 'R__views.sql']
>>> sorted(["data.sql", "schema.sql", "views.sql"], key=order_key)
['schema.sql', 'views.sql', 'data.sql']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Literal

from ingest.file_states import SKIP_DIRS  # defined where re-scans' cheap check can import it alone
from ingest.migrations.engines import engine_of

__all__ = [
    "HEAD_BYTES",
    "SKIP_DIRS",
    "MigrationFile",
    "MigrationSet",
    "Section",
    "engine_part",
    "file_key",
    "head_section",
    "is_down",
    "order_key",
    "parse_name",
    "version_tuple",
]


Section = Literal["all", "dbmate", "goose", "sniff"]
#: How much of a file's head :func:`head_section` looks at.
HEAD_BYTES = 1024 * 1024
_DBMATE_ANY = re.compile(rb"^--\s*migrate:(?:up|down)\b", re.MULTILINE)
_GOOSE_ANY = re.compile(rb"^--\s*\+goose\s+(?:up|down)\b", re.MULTILINE | re.IGNORECASE)


def head_section(head: bytes) -> Section:
    """``'dbmate'``/``'goose'`` when a file's first :data:`HEAD_BYTES` carry their section markers,
    else ``'all'``.

    >>> [head_section(h) for h in (b"-- migrate:up\\nSELECT 1;", b"-- +goose Up\\n", b"SELECT 1;")]
    ['dbmate', 'goose', 'all']
    """
    lowered = head.lower()  # substring tests first: most files carry no marker at all
    if b"migrate:" in lowered and _DBMATE_ANY.search(head):
        return "dbmate"
    if b"+goose" in lowered and _GOOSE_ANY.search(head):
        return "goose"
    return "all"


@dataclass(frozen=True)
class MigrationFile:
    """One up migration of a set.

    ``path`` is absolute; ``rel`` is the posix path relative to the scanned root,
    the one users see in ``path:line``. ``version`` is the ordering key as written
    (``'0018'``, ``'20240101120000'``, ``'1.2'``; ``''`` if none), ``name`` the
    descriptive part, ``timestamp`` an ISO date-time when the name carries one.
    ``section`` says which part is applied: ``'all'``, or only the up section of a
    dbmate (``-- migrate:up``) or goose (``-- +goose Up``) file, or ``'sniff'``: whichever
    :func:`head_section` finds when the file is read (what discovery gives, so each file is
    opened once). ``dialect`` is the
    dialect the file is parsed in when its name or its set decides it (a per-engine file,
    :mod:`ingest.migrations.engines`), else ``''``; ``hint`` the dialect of the
    engine-named folder it sits in (``mysql/``), used when its text says nothing.
    """

    path: str
    rel: str
    version: str
    name: str
    timestamp: str
    section: Section = "all"
    dialect: str = ""
    hint: str = ""


@dataclass(frozen=True)
class MigrationSet:
    """A directory of migrations (or a single file), files in replay order."""

    label: str
    files: tuple[MigrationFile, ...]


# --------------------------------------------------------------------------- names
_FLYWAY = re.compile(r"[Vv](\d+(?:[._]\d+)*)__(.*)", re.DOTALL)
_FLYWAY_REPEATABLE = re.compile(r"R__(.*)", re.DOTALL)
_FLYWAY_UNDO = re.compile(r"U\d+(?:[._]\d+)*__")
_TS_SEPARATED = re.compile(r"(\d{4})([_-])(\d{2})\2(\d{2})\2(\d{6})(?:[_\-.\s]+(.*))?", re.DOTALL)
_TS_COMPACT = re.compile(r"(\d{14})(?:[_\-.\s]+(.*))?", re.DOTALL)
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)(?:[_\-.\s]+(.*))?", re.DOTALL)


def _stem(filename: str) -> str:
    return filename[:-4] if filename.lower().endswith(".sql") else filename


def engine_part(filename: str) -> tuple[str, str, bool]:
    """``(stem, engine, autocommit)``: the name without ``.sql``, ``.up``, ``.autocommit`` and a
    known engine part (golang-migrate/pop's ``<version>_<name>.<engine>[.autocommit].up.sql``).

    >>> engine_part("0001_users.cockroach.autocommit.up.sql"), engine_part("0002_x.autocommit.up.sql")
    (('0001_users', 'cockroach', True), ('0002_x', '', True))
    >>> engine_part("0003_v1.2.up.sql")
    ('0003_v1.2', '', False)
    """
    stem = _stem(filename)
    if stem.lower().endswith(".up"):
        stem = stem[:-3]
    autocommit = stem.lower().endswith(".autocommit")
    if autocommit:
        stem = stem[: -len(".autocommit")]
    base, dot, last = stem.rpartition(".")
    engine = engine_of(last) if dot and base else ""
    return (base if engine else stem), engine, autocommit


def is_down(filename: str) -> bool:
    """True for a down/undo migration, which is never applied.

    >>> [is_down(n) for n in ["001_x.down.sql", "down.sql", "001_x_down.sql", "U2__undo.sql", "001_x.up.sql"]]
    [True, True, True, True, False]
    """
    stem = _stem(filename)
    lowered = stem.lower()
    return lowered == "down" or lowered.endswith((".down", "_down")) or _FLYWAY_UNDO.match(stem) is not None


def _iso(year: str, month: str, day: str, clock: str) -> str:
    try:
        moment = datetime(int(year), int(month), int(day), int(clock[:2]), int(clock[2:4]), int(clock[4:6]))
    except ValueError:
        return ""
    return moment.isoformat()


def parse_name(filename: str) -> tuple[str, str, str]:
    """``(version, name, timestamp)`` read from a migration file or directory name.

    >>> parse_name("000001_create_users.up.sql")
    ('000001', 'create_users', '')
    >>> parse_name("20240101120000_init.sql")
    ('20240101120000', 'init', '2024-01-01T12:00:00')
    >>> parse_name("R__views.sql")
    ('', 'views', '')
    >>> parse_name("structure.sql")
    ('', 'structure', '')
    """
    stem = engine_part(filename)[0]
    if m := _FLYWAY.fullmatch(stem):
        version = m.group(1).replace("_", ".")
        compact = len(version) == 14 and version.isdigit()
        timestamp = _iso(version[:4], version[4:6], version[6:8], version[8:]) if compact else ""
        return version, m.group(2), timestamp
    if m := _FLYWAY_REPEATABLE.fullmatch(stem):
        return "", m.group(1), ""
    if m := _TS_SEPARATED.fullmatch(stem):
        year, _, month, day, clock, name = m.groups()
        return f"{year}{month}{day}{clock}", name or "", _iso(year, month, day, clock)
    if m := _TS_COMPACT.fullmatch(stem):
        digits, name = m.groups()
        return digits, name or "", _iso(digits[:4], digits[4:6], digits[6:8], digits[8:])
    if m := _NUMBERED.fullmatch(stem):
        return m.group(1), m.group(2) or "", ""
    return "", stem, ""


def version_tuple(version: str) -> tuple[int, ...]:
    """The numeric components of a version: ``'1.10'`` is ``(1, 10)``."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


_SCHEMA_FIRST = re.compile(r"(?:schema|structure)(?:[-_.][^/]*)?\.sql", re.IGNORECASE)
_DATA_LAST = re.compile(r"(?:data|seeds?)(?:[-_.][^/]*)?\.sql", re.IGNORECASE)


def _unversioned_rank(filename: str) -> int:
    """0 for schema scripts, 2 for data scripts, 1 for the rest (Spring runs schema, then data).

    >>> [_unversioned_rank(n) for n in ("schema-mysql.sql", "database.sql", "data.sql", "seeds.sql")]
    [0, 1, 2, 2]
    """
    name = PurePosixPath(filename).name
    if _SCHEMA_FIRST.fullmatch(name):
        return 0
    return 2 if _DATA_LAST.fullmatch(name) else 1


def order_key(filename: str) -> tuple[int, tuple[int, ...], str]:
    """Sort key of a migration file name: versioned first, numerically, then schema, other and data
    scripts, each by name.

    >>> sorted(["10_b.sql", "2_a.sql", "schema.sql"], key=order_key)
    ['2_a.sql', '10_b.sql', 'schema.sql']
    """
    version = parse_name(PurePosixPath(filename).name)[0]
    if version:
        return 0, version_tuple(version), filename
    return 1, (_unversioned_rank(filename),), filename


def file_key(f: MigrationFile) -> tuple[int, tuple[int, ...], str]:
    """:func:`order_key` of a file of a set: its version, else its kind, then its path."""
    if f.version:
        return 0, version_tuple(f.version), f.rel
    return 1, (_unversioned_rank(f.rel),), f.rel
