"""The ``fkmap check`` logic (a CI ratchet): compare the cross-service FKs with the baseline.

The baseline file (:mod:`checks.baseline_file`) lists the cross-service
foreign keys a team has accepted for now. :func:`check` fails when a present,
declared cross-service FK is missing from it (new coupling) and when it lists
an FK that no longer exists (the list may only shrink: remove the entry).
:func:`updated_baseline` accepts exactly the current FKs (``--update-baseline``),
keeping the ``tracking`` links of the entries it keeps.

Examples
--------
>>> from checks.baseline_file import dump_baseline
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

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from checks.baseline_file import BaselineEntry, Identity, entry_for
from graph.build import build_graph
from model.inventory import ForeignKey, Inventory

__all__ = [
    "CheckResult",
    "Finding",
    "check",
    "current_fks",
    "source_path_resolver",
    "updated_baseline",
]

FIX_NEW = "add an application-level check and drop the FK, or run fkmap check --update-baseline to accept it"
FIX_STALE = "the list may only shrink: remove the entry"


def current_fks(source: Inventory | nx.MultiDiGraph) -> list[tuple[ForeignKey, str, str]]:
    """Present, declared cross-service FKs of ``source`` with their service and referenced service."""
    G = build_graph(source, origins=("declared",)) if isinstance(source, Inventory) else source
    found = [
        (d["fk"], str(d["service"]), str(d["ref_service"]))
        for _, _, d in G.edges(data=True)
        if d["cross_service"] and d["state"] == "present" and d["origin"] == "declared"
    ]
    return sorted(found, key=lambda t: (entry_for(t[0]), t[1], t[2]))


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
