"""``fkmap scan --explain TABLE``: why a table has its owner, in plain text.

:func:`find_tables` finds the tables a name means -- ``name``, ``schema.name``,
``database:name`` or ``database:schema.name``, exactly, else ignoring case --
and :func:`closest_names` suggests names when nothing matches.
:func:`render_explain` prints, for each table: its owner and the service
holding it, whether it is a local copy (and of whose entity) or has copies,
where it is defined, the evidence (kind, service, detail, ``path:line``),
decisive first, the present foreign keys into and out of it, and the services
whose code uses it although they do not own it.

Examples
--------
>>> from model.inventory import Evidence, ForeignKey, Inventory, Location, Table, TableRef
>>> u, p = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
>>> why = Evidence("file-name", "auth", "migration file name 'db/001_auth.sql'", "db/001_auth.sql", 1)
>>> inv = Inventory(
...     tables=(Table(u, service="auth", defined_at=Location("db/001_auth.sql", 1), owner_evidence=(why,)),
...             Table(p, service="content")),
...     foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),),
... )
>>> print(render_explain(inv, find_tables(inv, "public.users")), end="")
db:public.users
  owner: auth
  defined at db/001_auth.sql:1
  evidence, decisive first:
    1. file-name  auth  migration file name 'db/001_auth.sql'  db/001_auth.sql:1
  foreign keys: 1 in (1 cross-service, from content), 0 out
  shared access: none
>>> closest_names(inv, "user")
['users']
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import networkx as nx

from graph.build import build_graph
from model.escape import display_inventory, display_text
from model.inventory import Inventory, Table, TableRef

__all__ = ["closest_names", "find_tables", "render_explain"]


def _spellings(ref: TableRef) -> tuple[str, ...]:
    """Every way a user may name ``ref``."""
    return (ref.name, ref.qualified, f"{ref.database}:{ref.name}", str(ref))


def find_tables(inv: Inventory, query: str) -> list[Table]:
    """The tables ``query`` names, sorted; compared exactly, else ignoring case (empty when none)."""
    exact = [t for t in inv.tables if query in _spellings(t.ref)]
    if exact:
        return sorted(exact, key=lambda t: t.ref)
    low = query.lower()
    return sorted(
        (t for t in inv.tables if low in {s.lower() for s in _spellings(t.ref)}), key=lambda t: t.ref
    )


def closest_names(inv: Inventory, query: str, n: int = 5) -> list[str]:
    """Up to ``n`` names of tables whose name is close to the name part of ``query``, spelled as it is."""
    form = 3 if ":" in query else 1 if "." in query else 0
    name = query.rpartition(":")[2].rpartition(".")[2] if form else query
    close = difflib.get_close_matches(name, sorted({t.ref.name for t in inv.tables}), n=n, cutoff=0.6)
    found = sorted({_spellings(t.ref)[form] for t in inv.tables if t.ref.name in close})
    return sorted(found, key=lambda spelled: close.index(spelled.rpartition(":")[2].rpartition(".")[2]))[:n]


def _owner_lines(t: Table, inv: Inventory) -> list[str]:
    if not t.owner:
        return ["  owner: none -- no rule placed it (fkmap init lists such tables for you to assign)"]
    lines = [f"  owner: {t.owner}"]
    if t.replica_of:
        held = f"held by {t.service}" if t.service else "held by no service"
        lines.append(
            f"  a local copy of {t.replica_of}'s entity, {held}: FKs into it couple to {t.replica_of}"
        )
    copies = [
        o for o in inv.tables if o.ref != t.ref and o.ref.name == t.ref.name and o.replica_of == t.owner
    ]
    if copies and not t.replica_of:
        listed = ", ".join(f"{o.ref} ({o.service or 'no service'})" for o in copies)
        lines.append(f"  copied by: {listed}")
    return lines


def _where(t: Table, inv: Inventory) -> str:
    if t.resolved_to is not None:
        return f"  external: defined by no statement of {t.ref.database}; resolved to {t.resolved_to}"
    if t.external:
        return "  external: referenced but defined by no scanned database"
    where = f"  defined at {t.defined_at}" if t.defined_at is not None else "  defined in a catalog"
    return where + (f"; dropped at {t.dropped_at}" if t.dropped_at is not None else "")


def _evidence_lines(t: Table) -> list[str]:
    if not t.owner_evidence:
        return ["  evidence: none"]
    lines = ["  evidence, decisive first:" if t.owner else "  evidence (none decided):"]
    for i, e in enumerate(t.owner_evidence, 1):
        where = f"{e.path}:{e.line}" if e.path and e.line else e.path
        lines.append(f"    {i}. {e.kind}  {e.service or '-'}  {e.detail}" + (f"  {where}" if where else ""))
    return lines


def _fk_line(G: nx.MultiDiGraph, ref: TableRef) -> str:
    if ref not in G:
        return "  foreign keys: 0 in, 0 out"
    incoming = [d for _, _, d in G.in_edges(ref, data=True) if d["state"] == "present"]
    outgoing = [d for _, _, d in G.out_edges(ref, data=True) if d["state"] == "present"]

    def part(edges: list[dict[str, object]], direction: str, end: str) -> str:
        cross = [d for d in edges if d["cross_service"]]
        services = sorted({str(d[end]) for d in cross})
        detail = f" ({len(cross)} cross-service, {direction} {', '.join(services)})" if cross else ""
        return f"{len(edges)} {'in' if direction == 'from' else 'out'}{detail}"

    return f"  foreign keys: {part(incoming, 'from', 'service')}, {part(outgoing, 'to', 'ref_service')}"


def _shared_lines(inv: Inventory, ref: TableRef) -> list[str]:
    found = sorted(
        (a for a in set(inv.shared_access) if a.table == ref),
        key=lambda a: (a.service, a.access, a.path, a.line),
    )
    if not found:
        return ["  shared access: none"]
    lines = ["  shared access:"]
    for a in found:
        where = f"{a.path}:{a.line}" if a.path and a.line else a.path or "-"
        verb = "writes" if a.access == "write" else "reads"
        lines.append(f"    {a.service} {verb} it ({where}); {a.owner} owns it")
    return lines


def render_explain(inv: Inventory, tables: Sequence[Table]) -> str:
    """The explanation of each of ``tables`` (tables of ``inv``), separated by blank lines."""
    shown = display_inventory(inv)
    by_ref = shown.tables_by_ref()
    G = build_graph(shown, include_dropped=True)
    blocks = []
    if len(tables) > 1:
        blocks.append(f"{len(tables)} tables match:")
    for original in tables:
        t = by_ref.get(_display_ref(original.ref), original)
        effective = by_ref.get(t.resolved_to, t) if t.resolved_to is not None else t
        lines = [str(t.ref), *_owner_lines(t, shown), _where(t, shown), *_evidence_lines(t)]
        lines.append(_fk_line(G, effective.ref))
        lines += _shared_lines(shown, effective.ref)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _display_ref(ref: TableRef) -> TableRef:
    return TableRef(display_text(ref.database), display_text(ref.schema), display_text(ref.name))
