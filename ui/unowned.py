"""Tables no service owns, as the dashboard counts them: totals, FKs into them per service, the next step.

The totals come from :func:`ownership.summary.unowned_summary`, the same
figures the text report and the JSON contract print; the per-service split
reads the table graph, whose edges already point at the table an FK really
means (an external alias resolved to its definition).

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Source, Table, TableRef
>>> from ui.data import build_app_data
>>> users, posts = TableRef("db", "public", "users"), TableRef("db", "public", "posts")
>>> inv = Inventory(tables=(Table(posts, service="content"), Table(users)),
...                 foreign_keys=(ForeignKey("p_fkey", posts, ("user_id",), users, ("id",)),),
...                 sources=(Source("migrations", "backend/db"),))
>>> u = unowned_of(build_app_data(inv))
>>> u.tables, u.fks_into, u.by_service, u.cross_service_fks
(1, 1, (('content', 1),), 0)
>>> init_command(inv)
'fkmap init backend/db -o fkmap.toml'
"""

from __future__ import annotations

import functools
import shlex
from collections import Counter
from dataclasses import dataclass

from model.inventory import Inventory
from ownership.summary import unowned_summary
from ui.data import AppData

__all__ = ["Unowned", "init_command", "unowned_of"]


@dataclass(frozen=True)
class Unowned:
    """What the overview says about tables without an owner.

    ``tables`` and ``fks_into`` are :func:`~ownership.summary.unowned_summary`;
    ``by_service`` the present FKs into unowned tables per dependent service
    (FKs between two unowned tables have no service and are only in
    ``fks_into``); ``cross_service_fks`` the present cross-service FKs, whose
    count is only trustworthy once every referenced table has an owner.
    """

    tables: int
    fks_into: int
    by_service: tuple[tuple[str, int], ...]
    cross_service_fks: int

    @property
    def any(self) -> bool:
        """True when there is something to warn about."""
        return bool(self.tables or self.fks_into)

    @property
    def cross_count_doubtful(self) -> bool:
        """True when the headline's 0 cross-service FKs may be wrong (FKs point into unowned tables)."""
        return self.cross_service_fks == 0 and self.fks_into > 0


@functools.lru_cache(maxsize=16)
def unowned_of(data: AppData) -> Unowned:
    """The :class:`Unowned` figures of ``data``, cached per fingerprint."""
    tables, into = unowned_summary(data.inventory)
    per_service: Counter[str] = Counter()
    cross = 0
    for _, _, d in data.graph.edges(data=True):
        if d["state"] != "present":
            continue
        cross += bool(d["cross_service"])
        if not d["ref_service"] and d["service"]:
            per_service[d["service"]] += 1
    return Unowned(tables, into, tuple(sorted(per_service.items())), cross)


def init_command(inv: Inventory) -> str:
    """The ``fkmap init`` command that writes a config for the scanned sources.

    Sources read from a saved inventory cannot be named again: the command then
    keeps a ``<sources>`` placeholder.

    >>> from model.inventory import Source
    >>> init_command(Inventory(sources=(Source("migrations", "my repo"), Source("catalog", "postgresql://u@h/db"))))
    "fkmap init 'my repo' postgresql://u@h/db -o fkmap.toml"
    >>> init_command(Inventory(sources=(Source("inventory", "scan.json"),)))
    'fkmap init <sources> -o fkmap.toml'
    """
    labels = [s.label for s in inv.sources]
    if not labels or any(s.kind == "inventory" or not s.label for s in inv.sources):
        return "fkmap init <sources> -o fkmap.toml"
    return f"fkmap init {' '.join(shlex.quote(label) for label in labels)} -o fkmap.toml"
