"""Saved graph layouts: node positions per dashboard view, shared by everyone who opens the view's link.

A view is named by its key (:func:`ui.state.view_key`: the page path and the
query string of its filters, without pan, zoom or presentation mode), a node
by a stable name (a table's qualified name, ``service:<name>``), never by the
Cytoscape ids, which change with the scan. One row per (view, node) in
``fkmap_layouts``: a drag writes only the nodes it moved, with an upsert, so
two people arranging different nodes of one view never overwrite each other.
Positions are not remediation records: they have no audit entries.

Examples
--------
>>> import os, tempfile
>>> from remediation.store import open_store
>>> with tempfile.TemporaryDirectory() as tmp:
...     s = open_store(os.path.join(tmp, "state.db"))
...     _ = s.save_layout("/tables?cross=1", {"auth_db:public.users": (10.0, -4.5)}, who="ann")
...     s.layout("/tables?cross=1"), s.layout("/")
({'auth_db:public.users': (10.0, -4.5)}, {})
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from remediation.store.conflict import utc_now
from remediation.store.schema import StoreError
from remediation.store.tx import Transactions

__all__ = ["MAX_KEY", "MAX_NODES", "Layouts"]

#: Longest view key and node name accepted (a longer one is no view of this dashboard).
MAX_KEY = 4000
#: Most positions one call may write.
MAX_NODES = 20000


def _checked(view_key: str, positions: Mapping[str, tuple[float, float]]) -> list[tuple[str, float, float]]:
    """The rows to write; :class:`StoreError` for a key, name or number that cannot be a position."""
    if not view_key or len(view_key) > MAX_KEY:
        raise StoreError(f"a layout needs the key of its view (1 to {MAX_KEY} characters)")
    if len(positions) > MAX_NODES:
        raise StoreError(f"a layout holds at most {MAX_NODES} positions, not {len(positions)}")
    rows = []
    for node, (x, y) in sorted(positions.items()):
        if not node or len(node) > MAX_KEY:
            raise StoreError(f"a node name must have 1 to {MAX_KEY} characters: {node[:40]!r}")
        fx, fy = float(x), float(y)
        if not (math.isfinite(fx) and math.isfinite(fy)):
            raise StoreError(f"the position of {node!r} is not a pair of finite numbers: {x!r}, {y!r}")
        rows.append((node, round(fx, 2), round(fy, 2)))
    return rows


class Layouts(Transactions):
    """The layout operations of :class:`~remediation.store.base.SqlStore` (see the module docstring)."""

    def layout(self, view_key: str) -> dict[str, tuple[float, float]]:
        """The saved positions of the view ``view_key`` by node name (empty when none were saved)."""
        with self._tx() as cur:
            rows = cur.execute(
                "SELECT node, x, y FROM fkmap_layouts WHERE view_key = ? ORDER BY node", (view_key,)
            ).all()
        return {str(r[0]): (float(r[1]), float(r[2])) for r in rows}

    def save_layout(self, view_key: str, positions: Mapping[str, tuple[float, float]], *, who: str) -> int:
        """Keep ``positions`` for ``view_key`` (other nodes of the view keep theirs); returns how many."""
        rows = _checked(view_key, positions)
        now = utc_now()
        with self._tx(write=True) as cur:
            for node, x, y in rows:
                cur.execute(
                    "INSERT INTO fkmap_layouts (view_key, node, x, y, updated_at, updated_by) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (view_key, node) DO UPDATE SET "
                    "x = excluded.x, y = excluded.y, updated_at = excluded.updated_at, "
                    "updated_by = excluded.updated_by",
                    (view_key, node, x, y, now, who),
                )
        return len(rows)

    def reset_layout(self, view_key: str) -> int:
        """Forget every saved position of ``view_key``; returns how many there were."""
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM fkmap_layouts WHERE view_key = ?", (view_key,))
            return max(cur.rowcount, 0)
