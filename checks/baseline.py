"""The cross-service FK baseline and the ``fkmap check`` comparison (a CI ratchet).

The baseline file lists the cross-service foreign keys a team has accepted for
now. ``check`` fails when a present, declared cross-service FK is missing from
it (new coupling) and when it lists an FK that no longer exists (the list may
only shrink: remove the entry). Entries are identified structurally: table
``schema.name``, columns, referenced table ``schema.name``, referenced columns
and the constraint name; ``service``/``ref_service`` are informative and
``tracking`` (an issue URL) is kept by ``--update-baseline``.

The file is stable JSON: sorted keys, entries sorted, one entry per line.
:mod:`exports.check_report` writes the result of :func:`check`.

Examples
--------
>>> from graph.build import build_graph
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> p, u = TableRef("c", "public", "posts"), TableRef("a", "public", "users")
>>> inv = Inventory(tables=(Table(p, service="content"), Table(u, service="auth")),
...                 foreign_keys=(ForeignKey("posts_user_id_fkey", p, ("user_id",), u, ("id",)),))
>>> result = check(inv, [])
>>> result.ok, [f.kind for f in result.findings]
(False, ['new'])
>>> accepted = updated_baseline(inv, [])
>>> check(inv, accepted).ok
True
>>> print(dump_baseline(accepted), end="")
{
  "entries": [
    {"columns": ["user_id"], "name": "posts_user_id_fkey", "ref_columns": ["id"], "ref_service": "auth", \
"ref_table": "public.users", "service": "content", "table": "public.posts", "tracking": ""}
  ],
  "format_version": 1
}
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graph.build import build_graph
from model.inventory import ForeignKey, Inventory

__all__ = [
    "BASELINE_FORMAT",
    "BaselineEntry",
    "BaselineError",
    "CheckResult",
    "Finding",
    "check",
    "current_fks",
    "dump_baseline",
    "entry_for",
    "load_baseline",
    "read_baseline",
    "source_path_resolver",
    "updated_baseline",
]

BASELINE_FORMAT = 1
FIX_NEW = "add an application-level check and drop the FK, or run fkmap check --update-baseline to accept it"
FIX_STALE = "the list may only shrink: remove the entry"

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


def current_fks(source: Inventory | nx.MultiDiGraph) -> list[tuple[ForeignKey, str, str]]:
    """Present, declared cross-service FKs of ``source`` with their service and referenced service."""
    G = build_graph(source, origins=("declared",)) if isinstance(source, Inventory) else source
    found = [
        (d["fk"], str(d["service"]), str(d["ref_service"]))
        for _, _, d in G.edges(data=True)
        if d["cross_service"] and d["state"] == "present" and d["origin"] == "declared"
    ]
    return sorted(found, key=lambda t: (entry_for(t[0]), t[1], t[2]))


# -- file -------------------------------------------------------------------------------------------------


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


def updated_baseline(
    source: Inventory | nx.MultiDiGraph, old: Sequence[BaselineEntry] | None
) -> list[BaselineEntry]:
    """The baseline that accepts exactly the current cross-service FKs, keeping old ``tracking`` links."""
    links: dict[Identity, list[str]] = defaultdict(list)
    for e in sorted(old or ()):
        links[e.identity].append(e.tracking)
    out = []
    for fk, service, ref_service in current_fks(source):
        entry = entry_for(fk, service, ref_service)
        kept = links.get(entry.identity)
        tracking = kept.pop(0) if kept else ""
        out.append(entry_for(fk, service, ref_service, tracking))
    return sorted(out)


# -- check ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One reason ``check`` fails: a ``new`` FK or a ``stale`` baseline entry, with where to look."""

    kind: Literal["new", "stale"]
    message: str
    path: str
    line: int
    entry: BaselineEntry
    service: str = ""
    ref_service: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "service": self.service,
            "ref_service": self.ref_service,
            "entry": self.entry.to_dict(),
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome: ``findings`` (new first, then stale), how many FKs were checked and accepted."""

    findings: tuple[Finding, ...]
    checked: int
    accepted: int
    baseline: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def new(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "new")

    @property
    def stale(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "stale")


def check(
    source: Inventory | nx.MultiDiGraph,
    baseline: Sequence[BaselineEntry],
    *,
    baseline_path: str = "fkmap-baseline.json",
) -> CheckResult:
    """Compare the present, declared cross-service FKs with the baseline (as multisets)."""
    allowed = Counter(e.identity for e in baseline)
    findings: list[Finding] = []
    current = current_fks(source)
    accepted = 0
    for fk, service, ref_service in current:
        entry = entry_for(fk, service, ref_service)
        if allowed[entry.identity] > 0:
            allowed[entry.identity] -= 1
            accepted += 1
            continue
        path, line = (fk.added_at.path, fk.added_at.line) if fk.added_at else ("", 0)
        where = f"{fk.added_at}: " if fk.added_at else ""
        findings.append(
            Finding(
                "new",
                f"{where}new cross-service foreign key {entry.describe()} makes service "
                f"{service} depend on {ref_service}'s data and is not in the baseline: {FIX_NEW}",
                path,
                line,
                entry,
                service,
                ref_service,
            )
        )
    for e in baseline:
        if allowed[e.identity] > 0:
            allowed[e.identity] -= 1
            findings.append(
                Finding(
                    "stale",
                    (f"{baseline_path}:{e.line}: " if e.line else f"{baseline_path}: ")
                    + f"baseline entry {e.describe()} matches no present cross-service foreign key "
                    f"(dropped, renamed or no longer crossing services): {FIX_STALE}",
                    baseline_path,
                    e.line,
                    e,
                    e.service,
                    e.ref_service,
                )
            )
    return CheckResult(tuple(findings), len(current), accepted, baseline_path)


def source_path_resolver(sources: Sequence[str]) -> Callable[[str], str]:
    """Map a path relative to a scanned folder to one relative to the working directory.

    GitHub annotations need repository paths; locations are relative to the
    folder that was scanned. The first source folder holding the file wins;
    paths found nowhere are returned as they are.
    """
    folders = [Path(s) for s in sources if Path(s).is_dir()]

    def resolve(path: str) -> str:
        for folder in folders:
            candidate = folder / path
            if candidate.is_file():
                try:
                    return Path(os.path.relpath(candidate)).as_posix()
                except ValueError:  # another drive on Windows
                    return candidate.as_posix()
        return path

    return resolve
