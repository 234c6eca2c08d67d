"""Figures about ownership for reports: how many tables have no owner, how many FKs point at them.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> users, posts = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
>>> inv = Inventory(tables=(Table(users), Table(posts, service="content")),
...                 foreign_keys=(ForeignKey("posts_user_id_fkey", posts, ("user_id",), users, ("id",)),))
>>> unowned_summary(inv)
(1, 1)
"""

from __future__ import annotations

from model.inventory import Inventory, Table, TableRef

__all__ = ["effective_table", "unowned_summary"]


def effective_table(by_ref: dict[TableRef, Table], ref: TableRef) -> Table | None:
    """The table ``ref`` means: the one an external table resolves to, else itself (None if unknown)."""
    t = by_ref.get(ref)
    if t is not None and t.resolved_to is not None:
        return by_ref.get(t.resolved_to, t)
    return t


def unowned_summary(inv: Inventory) -> tuple[int, int]:
    """``(unowned tables, FKs into unowned tables)`` of an inventory whose services are assigned.

    A table counts when it exists (not dropped) and neither it nor the table it
    resolves to has an owner; an external table resolved to another database's
    table is that table, not one more. An FK counts when it is present and its
    effective referenced table (see :func:`effective_table`) has no owner.
    """
    by_ref = inv.tables_by_ref()
    unowned = 0
    for t in inv.tables:
        if t.dropped_at is not None or (t.resolved_to is not None and t.resolved_to in by_ref):
            continue
        if not t.owner:
            unowned += 1
    into = 0
    for fk in inv.foreign_keys:
        if fk.state != "present":
            continue
        target = effective_table(by_ref, fk.ref_table)
        if target is None or not target.owner:
            into += 1
    return unowned, into
