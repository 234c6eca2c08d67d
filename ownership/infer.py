"""Inferred references: columns that point at another service's table without a foreign key.

Teams that removed their cross-service foreign keys (or never declared them)
still couple through columns such as ``messages.sender_id`` holding a
``users.id``. :func:`infer_references` adds those as
``ForeignKey(origin="inferred")`` records named ``inferred:<table>.<column>``,
so views can show them apart from declared keys. It runs after service
assignment (``scan`` calls it with ``--infer`` or ``[infer] enabled = true``)
and never changes declared keys.

Which columns
    Columns of tables that exist (not dropped, not external) and are not
    already a column of a present foreign key of their table.

Explicit entries first (``[[infer.references]]``)
    The first entry whose ``column`` glob (``[database:][schema.]table.column``)
    matches wins. Its ``target`` ``service:table`` names a table glob of that
    service (tables the service holds, or replicas it owns); the service's own
    tables win over replicas, then a table in the column's database, then the
    first by name. A target that matches no table yields one ``infer`` warning.

The name heuristic otherwise (documented rule, deterministic)
    1. The first of ``[infer] suffixes`` (default ``_id``, ``Id``; case-sensitive)
       that ends the column name, leaving a non-empty stem: ``sender_id`` -> ``sender``,
       ``userId`` -> ``user``, ``orderItemId`` -> ``order_item``.
    2. The entity names are the stem and its plural (``user``/``users``,
       ``category``/``categories``, ``address``/``addresses``). A table matches
       when its name, lower-cased with camelCase split by ``_``, equals one
       (``UserAccounts`` matches ``userAccountId``). Nothing else is tried: no
       prefixes, no ``<entity>_accounts``, no fuzzy matching.
    3. If the column's own service has a matching table, the column is a local
       reference and nothing is inferred (the heuristic only reports coupling).
    4. Matching tables owned by exactly one other service: the service's own
       table wins over its replicas, then one in the column's database, then the
       first by ``TableRef``. Owned by several other services: ambiguous, nothing
       is inferred and an ``info`` diagnostic (code ``infer-ambiguous``) lists them.
    Tables without a service are skipped: coupling needs two services.

The referenced column is the target's single-column primary key, else its
``id`` column; a target without either is skipped with an ``info`` diagnostic.

Examples
--------
>>> from ownership.config import Config
>>> from model.inventory import Column, Inventory, Table, TableRef
>>> users = Table(TableRef("auth_db", "public", "users"), (Column("id"),), ("id",), service="auth")
>>> msgs = Table(TableRef("chat_db", "public", "messages"),
...              (Column("id"), Column("user_id"), Column("sender_id")), ("id",), service="chat")
>>> inv = infer_references(Inventory(tables=(users, msgs)), Config())
>>> [(fk.name, str(fk.ref_table), fk.origin) for fk in inv.foreign_keys]
[('inferred:messages.user_id', 'auth_db:public.users', 'inferred')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from model.inventory import Diagnostic, ForeignKey, Inventory, Location, Table, TableRef
from ownership.config import Config, InferRef
from ownership.patterns import matches_table

__all__ = ["entity_names", "infer_references", "normalise_name", "reference_stem"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_]+")


def normalise_name(name: str) -> str:
    """Lower-case with camelCase split by ``_``: ``UserAccounts`` -> ``user_accounts``.

    >>> normalise_name("UserAccounts"), normalise_name("order_items"), normalise_name("Order Items")
    ('user_accounts', 'order_items', 'order_items')
    """
    return _SEPARATORS.sub("_", _CAMEL.sub("_", name)).strip("_").lower()


def reference_stem(column: str, suffixes: Iterable[str]) -> str:
    """The entity a column names (``user_id`` -> ``user``), or ``''`` when no suffix fits.

    >>> reference_stem("sender_id", ["_id", "Id"]), reference_stem("orderItemId", ["_id", "Id"])
    ('sender', 'order_item')
    >>> reference_stem("id", ["_id", "Id"]), reference_stem("paid", ["_id", "Id"])
    ('', '')
    """
    for suffix in suffixes:
        if suffix and column.endswith(suffix) and len(column) > len(suffix):
            return normalise_name(column[: -len(suffix)])
    return ""


def entity_names(stem: str) -> tuple[str, ...]:
    """The stem and its English plural.

    >>> entity_names("user"), entity_names("category"), entity_names("address"), entity_names("day")
    (('user', 'users'), ('category', 'categories'), ('address', 'addresses'), ('day', 'days'))
    """
    if stem.endswith("y") and len(stem) > 1 and stem[-2] not in "aeiou":
        plural = stem[:-1] + "ies"
    elif stem.endswith(("s", "x", "z", "ch", "sh")):
        plural = stem + "es"
    else:
        plural = stem + "s"
    return (stem, plural)


def _ref_column(t: Table) -> str:
    if len(t.primary_key) == 1:
        return t.primary_key[0]
    if any(c.name == "id" for c in t.columns):
        return "id"
    return ""


def _where(t: Table) -> Location:
    return t.defined_at or Location("")


def _prefer(candidates: list[Table], owner: str, source: TableRef) -> list[Table]:
    """Owner's own tables before replicas, then the source's database, then by ref."""

    def rank(c: Table) -> tuple[bool, bool, TableRef]:
        return (not (c.service == owner and not c.replica_of), c.ref.database != source.database, c.ref)

    return sorted(candidates, key=rank)


class _Inferrer:
    def __init__(self, inv: Inventory, config: Config) -> None:
        self.config = config
        self.live = [t for t in inv.tables if t.dropped_at is None and not t.external]
        self.by_entity: dict[str, list[Table]] = {}
        for t in self.live:
            self.by_entity.setdefault(normalise_name(t.ref.name), []).append(t)
        self.covered = {(fk.table, c) for fk in inv.foreign_keys if fk.state == "present" for c in fk.columns}
        self.names = {fk.name for fk in inv.foreign_keys if fk.origin == "inferred"}
        self.diagnostics: list[Diagnostic] = []
        self.unmatched: set[InferRef] = set()

    def run(self) -> list[ForeignKey]:
        out = []
        for t in sorted(self.live, key=lambda t: t.ref):
            for column in t.columns:
                if (t.ref, column.name) in self.covered:
                    continue
                entry = next((r for r in self.config.infer.references if r.matches(t.ref, column.name)), None)
                if entry is not None:
                    fk = self.explicit(t, column.name, entry)
                else:
                    fk = self.heuristic(t, column.name)
                if fk is not None and fk.name not in self.names:
                    out.append(fk)
        return out

    def make(self, t: Table, column: str, target: Table) -> ForeignKey | None:
        ref_column = _ref_column(target)
        if not ref_column:
            self.note(
                t,
                f"{t.ref}.{column} looks like a reference to {target.ref}, but that table has neither a "
                "single-column primary key nor an 'id' column; nothing inferred",
                "infer",
            )
            return None
        return ForeignKey(
            name=f"inferred:{t.ref.name}.{column}",
            table=t.ref,
            columns=(column,),
            ref_table=target.ref,
            ref_columns=(ref_column,),
            added_at=t.defined_at,
            origin="inferred",
        )

    def note(self, t: Table, message: str, code: str) -> None:
        where = _where(t)
        self.diagnostics.append(Diagnostic("info", message, where.path, where.line, code=code))

    def explicit(self, t: Table, column: str, entry: InferRef) -> ForeignKey | None:
        service, pattern = entry.target_service, entry.target_table
        candidates = [
            c
            for c in self.live
            if (c.service == service or c.owner == service)
            and matches_table(pattern, c.ref)
            and c.ref != t.ref
        ]
        if not candidates:
            if entry not in self.unmatched:
                self.unmatched.add(entry)
                self.diagnostics.append(
                    Diagnostic(
                        "warning",
                        f"[[infer.references]] target {entry.target!r} (for {entry.column!r}) matches "
                        f"no table of service {service!r}",
                        self.config.path,
                        code="infer",
                    )
                )
            return None
        return self.make(t, column, _prefer(candidates, service, t.ref)[0])

    def heuristic(self, t: Table, column: str) -> ForeignKey | None:
        if not t.service:
            return None
        stem = reference_stem(column, self.config.infer.suffixes)
        if not stem:
            return None
        candidates = [c for name in entity_names(stem) for c in self.by_entity.get(name, ()) if c.owner]
        candidates = [c for c in candidates if c.ref != t.ref]
        if not candidates or any(c.owner == t.service or c.service == t.service for c in candidates):
            return None
        owners = sorted({c.owner for c in candidates})
        if len(owners) > 1:
            ordered = sorted(candidates, key=lambda c: (c.owner, c.ref))
            listed = ", ".join(f"{c.ref} ({c.owner})" for c in ordered)
            self.note(
                t,
                f"{t.ref}.{column} could reference tables of several services: {listed}; nothing inferred "
                "(add an [[infer.references]] entry to choose)",
                "infer-ambiguous",
            )
            return None
        return self.make(t, column, _prefer(candidates, owners[0], t.ref)[0])


def _fk_order(fk: ForeignKey) -> tuple[TableRef, str, Location]:
    return (fk.table, fk.name, fk.added_at or Location(""))


def infer_references(inv: Inventory, config: Config) -> Inventory:
    """Add ``origin='inferred'`` references for reference-like columns without a foreign key.

    Parameters
    ----------
    inv : Inventory
        An inventory with services assigned (``ownership.services.assign_services``).
    config : Config
        ``config.infer.suffixes`` and ``config.infer.references`` are used;
        ``config.infer.enabled`` is the caller's business.

    Returns
    -------
    Inventory
        A copy with the inferred keys added (sorted with the others) and
        ``info``/``warning`` diagnostics for ambiguous or unresolvable
        references. Idempotent: running it twice adds nothing more.

    A column matched by an ``[[infer.references]]`` entry is settled by that
    entry alone (the heuristic is not tried when its target cannot be used).
    """
    inferrer = _Inferrer(inv, config)
    added = inferrer.run()
    known = set(inv.diagnostics)
    notes = [d for d in dict.fromkeys(inferrer.diagnostics) if d not in known]
    if not added and not notes:
        return inv
    return replace(
        inv,
        foreign_keys=tuple(sorted((*inv.foreign_keys, *added), key=_fk_order)),
        diagnostics=(*inv.diagnostics, *notes),
    )
