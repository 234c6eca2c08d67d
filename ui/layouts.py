"""Saved layouts of the dashboard's graphs: dragged node positions per view, kept in the state store.

The browser reports the nodes a drag moved (element ids and positions,
``assets/fkmap.js``); :meth:`SavedLayouts.save` stores them under the view's key
(:func:`ui.state.view_key`) with stable node names -- ``table:<db>:<schema>.<name>``,
``service:<name>``, ``unowned`` -- because element ids change with the scan.
Drawing a view asks :meth:`SavedLayouts.by_id` for its positions and puts the
nodes there (:func:`apply_positions` for elements built on the server), so
everyone who opens the link of a view sees the layout last arranged for it.
A store that cannot be opened costs the layouts, never the page.

Examples
--------
>>> els = [{"data": {"id": "s0"}, "position": {"x": 0, "y": 0}}, {"data": {"id": "s0-s1", "source": "s0"}}]
>>> apply_positions(els, {"s0": (5.0, 6.0)})[0]["position"]
{'x': 5.0, 'y': 6.0}
>>> els[0]["position"]  # the input is left as it was
{'x': 0, 'y': 0}
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dash import html

from remediation.handle import StoreHandle
from remediation.store import state_url
from remediation.store.schema import StoreError
from ui import ids
from ui.data import AppData
from ui.elements import Element, node_id
from ui.ownership_elements import UNOWNED_ID
from ui.state import parse_url, view_key

__all__ = [
    "LayoutSaved",
    "SavedLayouts",
    "SavedPositions",
    "apply_positions",
    "moved_positions",
    "node_names",
    "reset_layout_button",
]

log = logging.getLogger("fkmap")

#: The saved positions of a view key, by element id (:meth:`SavedLayouts.by_id` of one scan).
SavedPositions = Callable[[str], Mapping[str, tuple[float, float]]]


@functools.lru_cache(maxsize=4)
def node_names(data: AppData) -> dict[str, str]:
    """Element id -> stable node name for every node a graph of ``data`` can draw (cached per scan)."""
    names = {UNOWNED_ID: "unowned"}
    names.update({node_id(data, s): f"service:{s}" for s in data.services})
    names.update({i: f"table:{ref}" for ref, i in data.table_ids.items()})
    return names


@functools.lru_cache(maxsize=4)
def _ids(data: AppData) -> dict[str, str]:
    return {name: i for i, name in node_names(data).items()}


def moved_positions(data: AppData, moved: Any) -> dict[str, tuple[float, float]]:
    """The positions a drag reported (``{element id: [x, y]}``) by node name; anything else is left out.

    >>> from model.inventory import Inventory
    >>> from ui.data import build_app_data
    >>> moved_positions(build_app_data(Inventory()), {"unowned": [1, 2], "zz": [0, 0], "s9": "x"})
    {'unowned': (1.0, 2.0)}
    """
    names = node_names(data)
    found: dict[str, tuple[float, float]] = {}
    for element_id, pos in (moved or {}).items() if isinstance(moved, Mapping) else ():
        name = names.get(str(element_id))
        if name is None or not isinstance(pos, Sequence) or isinstance(pos, str) or len(pos) != 2:
            continue
        try:
            x, y = float(pos[0]), float(pos[1])
        except (TypeError, ValueError):
            continue
        if math.isfinite(x) and math.isfinite(y):
            found[name] = (x, y)
    return found


def apply_positions(
    elements: Sequence[Element], positions: Mapping[str, tuple[float, float]]
) -> list[Element]:
    """``elements`` with the nodes named in ``positions`` (by element id) moved there (a copy)."""
    if not positions:
        return list(elements)
    out: list[Element] = []
    for e in elements:
        pos = positions.get(e["data"].get("id", "")) if "source" not in e["data"] else None
        out.append(e if pos is None else {**e, "position": {"x": pos[0], "y": pos[1]}})
    return out


def reset_layout_button() -> html.Button:
    """The graph pages' "Reset layout": forget the positions saved for the view."""
    return html.Button(
        "Reset layout",
        id=ids.LAYOUT_RESET,
        className="btn layout-reset",
        title="Forget the node positions saved for this view (dragged nodes are saved for everyone "
        "who opens its link)",
    )


def store_exists(url: str | None) -> bool:
    """True unless ``url`` (else ``$FKMAP_STATE``, else the default) names a SQLite file that does not exist.

    >>> store_exists("/nonexistent/state.db"), store_exists("sqlite:////nonexistent/s.db")
    (False, False)
    >>> store_exists("postgresql://app@db/state")
    True
    """
    target = state_url(url)
    lowered = target.lower()
    if "://" in target and not lowered.startswith("sqlite:"):
        return True  # a server: opening it creates no file
    if lowered.startswith("sqlite://"):
        target = target[len("sqlite://") :]
        target = target[1:] if target.startswith("/") else target
    elif lowered.startswith("sqlite:"):
        target = target[len("sqlite:") :]
    return Path(target).exists()


@dataclass(frozen=True)
class LayoutSaved:
    """What a save did: the view key, how many positions were written, and a refusal ('' when saved)."""

    key: str
    saved: int
    refusal: str = ""

    def as_data(self) -> dict[str, Any]:
        return {"key": self.key, "saved": self.saved, "refusal": self.refusal}


class SavedLayouts:
    """The saved layouts of the store behind ``handle`` (see the module docstring)."""

    def __init__(self, handle: StoreHandle) -> None:
        self.handle = handle

    def by_id(self, data: AppData, key: str) -> dict[str, tuple[float, float]]:
        """The positions saved for the view ``key`` by element id of ``data`` (nodes gone are left out).

        Reading never creates the store: a SQLite file nobody wrote yet has no layout.
        """
        if not (self.handle.opened or store_exists(self.handle.url)):
            return {}
        try:
            saved = self.handle.get().layout(key)
        except StoreError as exc:
            log.warning("saved layouts unavailable: %s", exc)
            return {}
        ids = _ids(data)
        return {ids[name]: pos for name, pos in saved.items() if name in ids}

    def save(
        self, data: AppData, pathname: str | None, search: str | None, moved: Any, who: str
    ) -> LayoutSaved:
        """Store the positions of a drag on the view the URL names."""
        key = view_key(parse_url(pathname, search))
        positions = moved_positions(data, moved)
        if not positions:
            return LayoutSaved(key, 0)
        try:
            return LayoutSaved(key, self.handle.get().save_layout(key, positions, who=who or "dashboard"))
        except StoreError as exc:
            return LayoutSaved(key, 0, f"Layout not saved: {exc}")

    def reset(self, pathname: str | None, search: str | None) -> LayoutSaved:
        """Forget the saved positions of the view the URL names."""
        key = view_key(parse_url(pathname, search))
        try:
            return LayoutSaved(key, -self.handle.get().reset_layout(key))
        except StoreError as exc:
            return LayoutSaved(key, 0, f"Layout not reset: {exc}")
