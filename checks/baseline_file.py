"""The baseline file: accepted cross-service FKs as a stable JSON document.

The file lists the cross-service foreign keys a team has accepted for now
(:mod:`checks.baseline` compares it with a scan). An entry is identified
structurally: table ``schema.name``, columns, referenced table
``schema.name``, referenced columns and the constraint name;
``service``/``ref_service`` are informative and ``tracking`` (an issue URL) is
kept when the file is updated.

The document is stable JSON: sorted keys, entries sorted, one entry per line,
and a ``format_version``. :func:`load_baseline` says what is wrong with a file
it cannot read (:class:`BaselineError`).

Examples
--------
>>> entry = BaselineEntry("public.posts", ("user_id",), "public.users", ("id",), "posts_user_id_fkey")
>>> print(dump_baseline([entry]), end="")
{
  "entries": [
    {"columns": ["user_id"], "name": "posts_user_id_fkey", "ref_columns": ["id"], "ref_service": "", \
"ref_table": "public.users", "service": "", "table": "public.posts", "tracking": ""}
  ],
  "format_version": 1
}
>>> load_baseline(dump_baseline([entry])) == [entry]
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.inventory import ForeignKey

__all__ = [
    "BASELINE_FORMAT",
    "BaselineEntry",
    "BaselineError",
    "Identity",
    "dump_baseline",
    "entry_for",
    "load_baseline",
    "read_baseline",
]

BASELINE_FORMAT = 1

Identity = tuple[str, tuple[str, ...], str, tuple[str, ...], str]


class BaselineError(ValueError):
    """A baseline file that cannot be read (bad JSON, unknown format version, bad entry)."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One accepted cross-service FK. ``line`` is its line in the file it was read from (0 if none)."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str
    service: str = ""
    ref_service: str = ""
    tracking: str = ""
    line: int = field(default=0, compare=False)

    @property
    def identity(self) -> Identity:
        """What matches an entry to an FK: both tables, both column lists and the name."""
        return (self.table, self.columns, self.ref_table, self.ref_columns, self.name)

    def describe(self) -> str:
        """``name on schema.table(cols) -> schema.ref(cols)``."""
        return (
            f"{self.name} on {self.table}({', '.join(self.columns)}) -> "
            f"{self.ref_table}({', '.join(self.ref_columns)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "columns": list(self.columns),
            "ref_table": self.ref_table,
            "ref_columns": list(self.ref_columns),
            "name": self.name,
            "service": self.service,
            "ref_service": self.ref_service,
            "tracking": self.tracking,
        }


def entry_for(fk: ForeignKey, service: str = "", ref_service: str = "", tracking: str = "") -> BaselineEntry:
    """The baseline entry of an FK."""
    return BaselineEntry(
        fk.table.qualified, fk.columns, fk.ref_table.qualified, fk.ref_columns, fk.name,
        service, ref_service, tracking,
    )  # fmt: skip


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BaselineError(f"{what} must be a list of strings")
    return tuple(value)


def _entry(raw: Any, index: int, line: int) -> BaselineEntry:
    where = f"entry {index + 1}" + (f" (line {line})" if line else "")
    if not isinstance(raw, dict):
        raise BaselineError(f"{where} is not an object")
    try:
        text = {
            k: raw.get(k, "") for k in ("table", "ref_table", "name", "service", "ref_service", "tracking")
        }
        for key in ("table", "ref_table", "name"):
            if not text[key]:
                raise BaselineError(f"{where} has no {key!r}")
        for key, value in text.items():
            if not isinstance(value, str):
                raise BaselineError(f"{where}: {key!r} must be a string")
        return BaselineEntry(
            text["table"], _strings(raw.get("columns"), f"{where}: 'columns'"),
            text["ref_table"], _strings(raw.get("ref_columns"), f"{where}: 'ref_columns'"),
            text["name"], text["service"], text["ref_service"], text["tracking"], line,
        )  # fmt: skip
    except BaselineError as exc:
        if str(exc).startswith(where):
            raise
        raise BaselineError(f"{where}: {exc}") from None


def _entry_lines(text: str, count: int) -> list[int]:
    """Line of each entry when the file has one entry object per line, else zeros."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().rstrip(",")
        if stripped.startswith("{") and stripped.endswith("}") and '"table"' in stripped:
            lines.append(number)
    return lines if len(lines) == count else [0] * count


def load_baseline(text: str) -> list[BaselineEntry]:
    """Parse a baseline document; raises :class:`BaselineError` saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError("expected an object with an 'entries' list")
    version = data.get("format_version")
    if version != BASELINE_FORMAT:
        raise BaselineError(
            f"format_version {version!r} is not supported (this fkmap reads {BASELINE_FORMAT})"
        )
    raw = data["entries"]
    lines = _entry_lines(text, len(raw))
    return [_entry(item, i, lines[i]) for i, item in enumerate(raw)]


def read_baseline(path: str | Path) -> list[BaselineEntry] | None:
    """The entries of the baseline file at ``path``; ``None`` when there is no such file."""
    p = Path(path)
    if not p.exists():
        return None
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {path}: {exc}") from None
    try:
        return load_baseline(text)
    except BaselineError as exc:
        raise BaselineError(f"{path}: {exc}") from None


def dump_baseline(entries: Iterable[BaselineEntry]) -> str:
    """The baseline document: sorted keys and entries, one entry per line, ending in a newline."""
    rows = sorted(entries)
    body = ",\n".join("    " + json.dumps(e.to_dict(), sort_keys=True, ensure_ascii=False) for e in rows)
    entries_text = f"[\n{body}\n  ]" if rows else "[]"
    return f'{{\n  "entries": {entries_text},\n  "format_version": {BASELINE_FORMAT}\n}}\n'
