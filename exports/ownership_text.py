"""The ownership parts of the text report: FKs touching tables no service owns, and shared tables.

:func:`unowned_figures` counts, on the table graph, the present foreign keys
into tables no service owns (and the tables they point at) and those leaving
such tables for owned ones: whether they cross services is unknown until the
tables get an owner. :func:`unowned_section` lists them with the next step
(``fkmap init``); :func:`shared_section` lists, per pair of services, the
tables one uses in its code although the other owns them.

Every function takes an inventory already passed through
:func:`model.escape.display_inventory` (names are data).

Examples
--------
>>> from graph.build import build_graph
>>> from model.inventory import ForeignKey, Inventory, Location, Source, Table, TableRef
>>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
>>> inv = Inventory(
...     tables=(Table(p, service="content"), Table(u, defined_at=Location("db/001.sql", 1))),
...     foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",), added_at=Location("db/003.sql", 4)),),
...     sources=(Source("migrations", "./repo"),),
... )
>>> G = build_graph(inv, include_dropped=True)
>>> unowned_figures(G)
UnownedFigures(into=1, targets=1, out_of=0)
>>> print(unowned_section(inv, G))
Foreign keys into tables no service owns: 1 FK into 1 table (whether they cross services is unknown)
  db:public.users  created at db/001.sql:1; no evidence of an owner
    content: posts.user_id -> users(id)  NO ACTION  db/003.sql:4
  Next step: run `fkmap init ./repo -o fkmap.toml`, review it, commit it.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from exports._common import NO_SERVICE, count
from model.inventory import ForeignKey, Inventory, SharedAccess, Table, TableRef
from ownership.init_config import external_notes

__all__ = ["UnownedFigures", "init_command", "shared_section", "unowned_figures", "unowned_section"]

Style = Callable[[str, str], str]
#: Evidence shown for an unowned table before "...".
EVIDENCE_SHOWN = 3


def _plain(text: str, role: str) -> str:
    return text


@dataclass(frozen=True)
class UnownedFigures:
    """Present FKs into unowned tables (``into``, at ``targets`` tables) and out of them (``out_of``)."""

    into: int
    targets: int
    out_of: int


def _present(G: nx.MultiDiGraph) -> list[tuple[TableRef, TableRef, dict[str, Any]]]:
    return [(u, v, d) for u, v, d in G.edges(data=True) if d["state"] == "present"]


def unowned_figures(G: nx.MultiDiGraph) -> UnownedFigures:
    """The counts of the table graph ``G`` (built with :func:`graph.build.build_graph`)."""
    into = [v for _, v, d in _present(G) if not d["ref_service"]]
    out_of = sum(1 for _, _, d in _present(G) if d["ref_service"] and not d["service"])
    return UnownedFigures(len(into), len(set(into)), out_of)


def init_command(inv: Inventory) -> str:
    """``fkmap init <the scanned sources> -o fkmap.toml``, ready to paste."""
    labels = sorted({s.label for s in inv.sources if s.kind != "unknown" and s.label})
    shown = " ".join(shlex.quote(label) for label in labels) if labels else "<sources>"
    return f"fkmap init {shown} -o fkmap.toml"


def _row(fk: ForeignKey, target: TableRef, label: str) -> str:
    cols = fk.columns[0] if len(fk.columns) == 1 else f"({', '.join(fk.columns)})"
    where = str(fk.added_at) if fk.added_at is not None else "-"
    ref = f"{target.name}({', '.join(fk.ref_columns)})"
    return f"    {label}: {fk.table.name}.{cols} -> {ref}  {fk.on_delete}  {where}"


def _about(t: Table, note: Callable[[Table], str]) -> str:
    """Where an unowned table comes from and what evidence there was."""
    if t.defined_at is not None:
        where = f"created at {t.defined_at}"
    elif t.external:
        where = note(t)
    else:
        where = "defined in a catalog"
    evidence = [f"{e.kind}: {e.detail}" for e in t.owner_evidence]
    if not evidence:
        return f"{where}; no evidence of an owner"
    more = f"; ... {len(evidence) - EVIDENCE_SHOWN} more" if len(evidence) > EVIDENCE_SHOWN else ""
    return f"{where}; evidence: {'; '.join(evidence[:EVIDENCE_SHOWN])}{more}"


def unowned_section(inv: Inventory, G: nx.MultiDiGraph, *, style: Style = _plain) -> str:
    """FKs into (then out of) tables no service owns, grouped by table, and the next step; ``""`` if none."""
    figures = unowned_figures(G)
    if not (figures.into or figures.out_of):
        return ""
    lines: list[str] = []
    if figures.into:
        into = count(figures.into, "FK")
        head = f"Foreign keys into tables no service owns: {into} into {count(figures.targets, 'table')}"
        lines.append(style(head + " (whether they cross services is unknown)", "heading"))
        by_target: dict[TableRef, list[tuple[ForeignKey, str]]] = defaultdict(list)
        for _, v, d in _present(G):
            if not d["ref_service"]:
                by_target[v].append((d["fk"], d["service"]))
        note = external_notes(inv)
        for target, fks in sorted(by_target.items()):
            lines.append(style(f"  {target}  {_about(G.nodes[target]['table'], note)}", "warn"))
            lines += [_row(fk, target, service or NO_SERVICE) for fk, service in sorted(fks, key=_fk_order)]
    if figures.out_of:
        head = f"Foreign keys from tables no service owns into owned ones: {count(figures.out_of, 'FK')}"
        lines.append(style(head, "heading"))
        rows = [
            (d["fk"], v, d["ref_service"]) for _, v, d in _present(G) if d["ref_service"] and not d["service"]
        ]
        for fk, target, owner in sorted(rows, key=lambda r: (r[2], r[0].table, r[0].name)):
            lines.append(_row(fk, target, f"{NO_SERVICE} -> {owner}"))
    lines.append(f"  Next step: run `{init_command(inv)}`, review it, commit it.")
    return "\n".join(lines)


def _fk_order(item: tuple[ForeignKey, str]) -> tuple[Any, ...]:
    fk, service = item
    return (service, fk.table, fk.name)


def shared_section(inv: Inventory, *, style: Style = _plain) -> str:
    """Per ``service -> owner`` pair, the tables the service uses in its code; ``""`` when none."""
    if not inv.shared_access:
        return ""
    pairs: dict[tuple[str, str], list[SharedAccess]] = defaultdict(list)
    for a in set(inv.shared_access):
        pairs[a.service, a.owner].append(a)
    tables = len({a.table for a in inv.shared_access})
    head = f"Shared tables (a service's code uses a table another service owns): {count(tables, 'table')}"
    lines = [style(head, "heading")]
    for (service, owner), accesses in sorted(pairs.items()):
        used = len({a.table for a in accesses})
        lines.append(f"  {service} -> {owner} ({count(used, 'table')})")
        lines += _access_rows(accesses)
    return "\n".join(lines)


def _access_rows(accesses: Sequence[SharedAccess]) -> list[str]:
    cells = [
        [a.table.qualified if a.table.schema not in ("", "public") else a.table.name, a.access, _place(a)]
        for a in sorted(accesses, key=lambda a: (a.table, a.access, a.path, a.line))
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(2)]
    return [f"    {c[0].ljust(widths[0])}  {c[1].ljust(widths[1])}  {c[2]}".rstrip() for c in cells]


def _place(a: SharedAccess) -> str:
    return f"{a.path}:{a.line}" if a.path and a.line else a.path or "-"
