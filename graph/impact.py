"""One service's coupling, as rows and as plain-language consequences.

:func:`service_impact` lists the cross-service FKs leaving a service (what it
depends on) and those coming in (who depends on it);
:func:`summary_sentences` turns that into the sentences a migration review
needs.

Examples
--------
>>> from graph.build import build_graph
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, v, s = (TableRef("db", "public", n) for n in ("users", "viewer_sessions", "streams"))
>>> inv = Inventory(
...     tables=(Table(u, service="auth"), Table(v, service="streaming"), Table(s, service="streaming")),
...     foreign_keys=(
...         ForeignKey("streams_fkey", s, ("broadcaster_id",), u, ("id",), on_delete="CASCADE"),
...         ForeignKey("viewer_fkey", v, ("viewer_id",), u, ("id",), on_delete="SET NULL"),
...     ),
... )
>>> for line in summary_sentences(service_impact(build_graph(inv), "auth")):
...     print(line)
streaming depends on auth's database: 2 foreign keys into auth (users).
Deleting a row of auth.users cascades into 1 table of 1 service: streaming (streams).
Deleting a row of auth.users sets 1 foreign key of 1 service to NULL: streaming (viewer_sessions.viewer_id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from model.inventory import ForeignKey, TableRef

__all__ = ["ImpactRow", "ServiceImpact", "service_impact", "summary_sentences"]


@dataclass(frozen=True)
class ImpactRow:
    """One cross-service FK seen from one service.

    ``ref_table`` is the table the FK really points at (an external reference
    resolved to another database's table is shown as that table).
    ``other_service`` is the owner of the referenced table for outgoing rows
    and the dependent service for incoming rows. ``defined_at`` is
    ``path:line`` of the statement that added the FK (empty when unknown).
    ``replica`` is True when the referenced table is a local copy of the other
    service's data.
    """

    name: str
    table: TableRef
    columns: tuple[str, ...]
    ref_table: TableRef
    ref_columns: tuple[str, ...]
    on_delete: str
    on_update: str
    state: str
    origin: str
    other_service: str
    defined_at: str
    validated: bool
    fresh_db_failure: bool
    replica: bool = False
    #: ``on_delete`` is the dependent service's ORM's to carry out (Django); the constraint has NO ACTION
    by_application: bool = False


@dataclass(frozen=True)
class ServiceImpact:
    """What ``service`` depends on (``outgoing``) and who depends on it (``incoming``)."""

    service: str
    outgoing: tuple[ImpactRow, ...]
    incoming: tuple[ImpactRow, ...]


def _row(G: nx.MultiDiGraph, v: TableRef, data: dict[str, Any], other: str) -> ImpactRow:
    fk: ForeignKey = data["fk"]
    return ImpactRow(
        name=fk.name,
        table=fk.table,
        columns=fk.columns,
        ref_table=v,
        ref_columns=fk.ref_columns,
        on_delete=fk.on_delete,
        on_update=fk.on_update,
        state=fk.state,
        origin=fk.origin,
        other_service=other,
        defined_at=str(fk.added_at) if fk.added_at else "",
        validated=fk.validated,
        fresh_db_failure=data["fresh_db_failure"],
        replica=bool(G.nodes[v]["table"].replica_of),
        by_application=fk.on_delete_enforced_by == "application" and fk.on_delete != "NO ACTION",
    )


def service_impact(G: nx.MultiDiGraph, service: str) -> ServiceImpact:
    """The cross-service FKs leaving ``service`` and those coming into it.

    Rows are sorted by other service, table, name and location. Pass a graph
    built with ``include_dropped=True`` to list remediated FKs as well.

    Examples
    --------
    >>> from graph.build import build_graph
    >>> from model.inventory import ForeignKey, Inventory, Table, TableRef
    >>> p, u = TableRef("db", "public", "posts"), TableRef("db", "public", "users")
    >>> inv = Inventory(
    ...     tables=(Table(p, service="content"), Table(u, service="auth")),
    ...     foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),),
    ... )
    >>> impact = service_impact(build_graph(inv), "auth")
    >>> impact.outgoing, [(r.name, r.other_service) for r in impact.incoming]
    ((), [('p_fkey', 'content')])
    """
    outgoing, incoming = [], []
    for _, v, data in G.edges(data=True):
        if not data["cross_service"]:
            continue
        if data["service"] == service:
            outgoing.append(_row(G, v, data, data["ref_service"]))
        if data["ref_service"] == service:
            incoming.append(_row(G, v, data, data["service"]))

    def key(r: ImpactRow) -> tuple[Any, ...]:
        return (r.other_service, r.table, r.name, r.defined_at)

    return ServiceImpact(service, tuple(sorted(outgoing, key=key)), tuple(sorted(incoming, key=key)))


# -- sentences ---------------------------------------------------------------------------------------


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _verb(k: int, singular: str, plural: str) -> str:
    return singular if k == 1 else plural


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _names(rows: Iterable[ImpactRow], attr: Callable[[ImpactRow], TableRef]) -> list[str]:
    return sorted({attr(r).name for r in rows})


def column_label(row: ImpactRow) -> str:
    """``table.column`` (``table.(a, b)`` for a compound key)."""
    cols = row.columns[0] if len(row.columns) == 1 else f"({', '.join(row.columns)})"
    return f"{row.table.name}.{cols}"


def _by(rows: Iterable[ImpactRow], key: Callable[[ImpactRow], Any]) -> list[tuple[Any, list[ImpactRow]]]:
    groups: dict[Any, list[ImpactRow]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return sorted(groups.items())


_SET = {"SET NULL": "to NULL", "SET DEFAULT": "to DEFAULT"}
_BLOCK = ("NO ACTION", "RESTRICT")


def _outgoing(s: str, o: str, rows: list[ImpactRow]) -> list[str]:
    present = [r for r in rows if r.state == "present"]
    declared = [r for r in present if r.origin == "declared"]
    inferred = [r for r in present if r.origin != "declared"]
    direct = [r for r in declared if not r.replica]
    replica = [r for r in declared if r.replica]
    out = []
    if direct:
        names = _names(direct, lambda r: r.ref_table)
        out.append(
            f"Cannot deploy {s} without {o}'s database: {_n(len(direct), 'foreign key')} into {o} "
            f"({', '.join(names)})."
        )
    fresh = [r for r in direct if r.fresh_db_failure]
    if fresh:
        names = _names(fresh, lambda r: r.ref_table)
        out.append(
            f"Migrating a fresh {s} database fails: {_and(names)} {_verb(len(names), 'is', 'are')} never "
            f"created there but referenced by {_n(len(fresh), 'foreign key')}."
        )
    if replica:
        names = _names(replica, lambda r: r.ref_table)
        out.append(
            f"{s} keeps a local copy of {o}'s {_and(names)}: {_n(len(replica), 'foreign key')} "
            f"{_verb(len(replica), 'relies', 'rely')} on it staying in sync with {o}."
        )
        for ref, group in _by(replica, lambda r: r.ref_table):
            cascade = sorted({r.table.name for r in group if r.on_delete == "CASCADE"})
            if cascade:
                out.append(
                    f"When {o} deletes an entity, removing it from {s}.{ref.name} cascades into "
                    f"{_n(len(cascade), s + ' table')}: {', '.join(cascade)}."
                )
    for ref, group in _by(direct, lambda r: r.ref_table):
        where = f"{o}.{ref.name}"
        cascade = sorted({r.table.name for r in group if r.on_delete == "CASCADE"})
        if cascade:
            out.append(
                f"Deleting a row of {where} cascades into {_n(len(cascade), s + ' table')}: "
                f"{', '.join(cascade)}."
            )
        for action, to in _SET.items():
            cols = [column_label(r) for r in group if r.on_delete == action]
            if cols:
                out.append(
                    f"Deleting a row of {where} sets {_n(len(cols), s + ' column')} {to}: {', '.join(cols)}."
                )
        blocking = [column_label(r) for r in group if r.on_delete in _BLOCK]
        if blocking:
            out.append(
                f"{o} cannot delete a row of {ref.name} that {s} still references: "
                f"{_n(len(blocking), 'foreign key')} {_verb(len(blocking), 'blocks', 'block')} it "
                f"({', '.join(blocking)})."
            )
        by_app = [column_label(r) for r in group if r.by_application]
        if by_app:
            out.append(
                f"{s}'s ORM carries out ON DELETE of {_n(len(by_app), 'foreign key')} itself "
                f"({', '.join(by_app)}): the constraint has NO ACTION, so a delete of {where} that does "
                f"not go through {s} fails while {s} still references the row."
            )
    unchecked = [column_label(r) for r in declared if not r.validated]
    if unchecked:
        out.append(
            f"{_n(len(unchecked), 'foreign key')} into {o} {_verb(len(unchecked), 'is', 'are')} NOT VALID: "
            f"existing {s} rows were never checked ({', '.join(unchecked)})."
        )
    if inferred:
        cols = [column_label(r) for r in inferred]
        out.append(
            f"{s} stores references to {o} without a constraint in {_n(len(cols), 'column')}: "
            f"{', '.join(cols)}."
        )
    dropped = [column_label(r) for r in rows if r.state != "present"]
    if dropped:
        out.append(
            f"Already dropped: {_n(len(dropped), 'foreign key')} from {s} into {o} ({', '.join(dropped)})."
        )
    return out


def _per_service(rows: list[ImpactRow], label: Callable[[ImpactRow], str]) -> str:
    return ", ".join(
        f"{svc} ({', '.join(sorted({label(r) for r in group}))})"
        for svc, group in _by(rows, lambda r: r.other_service)
    )


def _incoming(s: str, rows: list[ImpactRow]) -> list[str]:
    present = [r for r in rows if r.state == "present"]
    declared = [r for r in present if r.origin == "declared"]
    direct = [r for r in declared if not r.replica]
    replica = [r for r in declared if r.replica]
    out = []
    if direct:
        deps = sorted({r.other_service for r in direct})
        names = _names(direct, lambda r: r.ref_table)
        out.append(
            f"{_and(deps)} {_verb(len(deps), 'depends', 'depend')} on {s}'s database: "
            f"{_n(len(direct), 'foreign key')} into {s} ({', '.join(names)})."
        )
    if replica:
        holders = sorted({r.other_service for r in replica})
        copies = sorted({f"{r.other_service}.{r.ref_table.name}" for r in replica})
        out.append(
            f"{_and(holders)} {_verb(len(holders), 'keeps', 'keep')} a local copy of {s}'s data "
            f"({', '.join(copies)}); {_n(len(replica), 'foreign key')} "
            f"{_verb(len(replica), 'depends', 'depend')} on it staying in sync with {s}."
        )
    for ref, group in _by(direct, lambda r: r.ref_table):
        where = f"{s}.{ref.name}"
        cascade = [r for r in group if r.on_delete == "CASCADE"]
        if cascade:
            tables = {r.table for r in cascade}
            services = {r.other_service for r in cascade}
            out.append(
                f"Deleting a row of {where} cascades into {_n(len(tables), 'table')} of "
                f"{_n(len(services), 'service')}: {_per_service(cascade, lambda r: r.table.name)}."
            )
        for action, to in _SET.items():
            setting = [r for r in group if r.on_delete == action]
            if setting:
                services = {r.other_service for r in setting}
                out.append(
                    f"Deleting a row of {where} sets {_n(len(setting), 'foreign key')} of "
                    f"{_n(len(services), 'service')} {to}: {_per_service(setting, column_label)}."
                )
        blocking = [r for r in group if r.on_delete in _BLOCK]
        if blocking:
            out.append(
                f"{s} cannot delete a row of {ref.name} while other services reference it: "
                f"{_per_service(blocking, column_label)}."
            )
    inferred = [r for r in present if r.origin != "declared"]
    if inferred:
        out.append(
            f"{_n(len(inferred), 'column')} of other services {_verb(len(inferred), 'stores', 'store')} "
            f"references to {s} without a constraint: {_per_service(inferred, column_label)}."
        )
    dropped = [r for r in rows if r.state != "present"]
    if dropped:
        out.append(
            f"Already dropped: {_n(len(dropped), 'foreign key')} into {s}: "
            f"{_per_service(dropped, column_label)}."
        )
    return out


def summary_sentences(impact: ServiceImpact) -> list[str]:
    """Plain-language consequences of a service's coupling.

    First what the service depends on (per owning service, sorted): whether it
    can be deployed alone, whether its migrations run on an empty database,
    what deleting an owner's row does (CASCADE, SET NULL, SET DEFAULT, or a
    blocked delete for NO ACTION/RESTRICT), NOT VALID keys, inferred
    references and already-dropped keys. Then who depends on it, in the same
    order. Only present FKs count except in the "Already dropped" sentences.

    Examples
    --------
    >>> from model.inventory import TableRef
    >>> u = TableRef("db", "public", "users")
    >>> def row(table, col, on_delete):
    ...     return ImpactRow(f"{table}_fkey", TableRef("db", "public", table), (col,), u, ("id",),
    ...                      on_delete, "NO ACTION", "present", "declared", "auth", "", True, False)
    >>> impact = ServiceImpact("messaging", (
    ...     row("conversation_participants", "user_id", "CASCADE"),
    ...     row("conversations", "created_by", "NO ACTION"),
    ...     row("messages", "sender_id", "NO ACTION"),
    ... ), ())
    >>> for line in summary_sentences(impact):
    ...     print(line)
    Cannot deploy messaging without auth's database: 3 foreign keys into auth (users).
    Deleting a row of auth.users cascades into 1 messaging table: conversation_participants.
    auth cannot delete a row of users that messaging still references: 2 foreign keys block it \
(conversations.created_by, messages.sender_id).
    """
    out = []
    for other, rows in _by(impact.outgoing, lambda r: r.other_service):
        out.extend(_outgoing(impact.service, other, rows))
    out.extend(_incoming(impact.service, list(impact.incoming)))
    return out
