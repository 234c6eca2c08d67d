"""Colours, danger ranking of ON DELETE actions and the Cytoscape stylesheets.

One place decides how coupling looks, so legend, graphs and matrix agree: CASCADE red >
SET NULL / SET DEFAULT orange > RESTRICT / NO ACTION grey. Edge colours and legend texts are
:mod:`exports.legend`'s (the Export menu's pictures carry that legend); this styles the graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exports.legend import (
    DANGER_COLOUR,
    DANGER_LABEL,
    INFERRED_COLOUR,
    INTERNAL_COLOUR,
    SHARED_COLOUR,
    UNOWNED_COLOUR,
)

__all__ = [
    "DANGER",
    "DANGER_COLOUR",
    "DANGER_LABEL",
    "INFERRED_COLOUR",
    "INFERRED_STYLE",
    "SERVICE_PALETTE",
    "SHARED_COLOUR",
    "TABLE_FONT",
    "TINY_LABELS",
    "UNOWNED_COLOUR",
    "danger_of",
    "service_colour",
    "service_stylesheet",
    "table_stylesheet",
    "worst_action",
]

#: Rank of each ON DELETE action: higher is more dangerous across a service boundary.
DANGER = {"CASCADE": 3, "SET NULL": 2, "SET DEFAULT": 2, "RESTRICT": 1, "NO ACTION": 1}
DANGER_CLASS = {3: "cascade", 2: "setnull", 1: "restrict"}
#: Label size of a table on the table graph (model units).
TABLE_FONT = 11
INFERRED_STYLE: dict[str, Any] = {
    "line-style": "dashed",
    "line-dash-pattern": [9, 6],
    "line-color": INFERRED_COLOUR,
    "target-arrow-color": INFERRED_COLOUR,
}
SERVICE_PALETTE = (
    "#4e79a7",
    "#59a14f",
    "#9c755f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#bab0ac",
    "#86bcb6",
    "#a0cbe8",
)


def danger_of(action: str) -> str:
    """The danger class of an ON DELETE action.

    >>> danger_of("CASCADE"), danger_of("SET DEFAULT"), danger_of("NO ACTION")
    ('cascade', 'setnull', 'restrict')
    """
    return DANGER_CLASS[DANGER.get(action, 1)]


def worst_action(actions: Iterable[str]) -> str:
    """The most dangerous of several ON DELETE actions ('NO ACTION' for none).

    >>> worst_action(["NO ACTION", "SET NULL", "RESTRICT"])
    'SET NULL'
    """
    return max(actions, key=lambda a: DANGER.get(a, 1), default="NO ACTION")


def service_colour(index: int) -> str:
    """A service's colour by its position in the sorted service list."""
    return SERVICE_PALETTE[index % len(SERVICE_PALETTE)]


_EDGE_DANGER: list[dict[str, Any]] = [
    {"selector": f"edge.{cls}", "style": {"line-color": colour, "target-arrow-color": colour}}
    for cls, colour in DANGER_COLOUR.items()
]


#: Labels ``assets/present.js`` hides in presentation mode (under 12 px on screen); last in both sheets.
TINY_LABELS: dict[str, Any] = {"selector": ".fk-tiny", "style": {"text-opacity": 0}}


def service_stylesheet(font: float = 17) -> list[dict[str, Any]]:
    """Stylesheet of the overview's service graph (services, clusters, tables).

    ``font`` is the size of service labels; the other texts scale with it
    (presentation mode passes a larger one). ``lbl-<side>`` classes put a
    service's label on the side the layout chose for it.
    """
    k = font / 17
    return [
        {
            "selector": "node.service",
            "style": {
                "label": "data(label)",
                "width": "data(size)",
                "height": "data(size)",
                "background-color": "data(colour)",
                "border-width": 2,
                "border-color": "#ffffff",
                "color": "#1d2330",
                "font-size": font,
                "font-weight": "bold",
                "text-wrap": "wrap",
                "text-valign": "bottom",
                "text-margin-y": 6,
                "text-outline-color": "#ffffff",
                "text-outline-width": 3,
            },
        },
        {
            "selector": "node.cluster",
            "style": {
                "label": "data(label)",
                "background-color": "data(colour)",
                "background-opacity": 0.12,
                "border-color": "data(colour)",
                "border-width": 3,
                "shape": "round-rectangle",
                "padding": 18,
                "text-valign": "top",
                "text-halign": "center",
                "font-size": round(16 * k),
                "font-weight": "bold",
                "color": "#1d2330",
                "text-margin-y": -4,
            },
        },
        {
            "selector": "node.table",
            "style": {
                "label": "data(label)",
                "shape": "round-rectangle",
                "width": "data(w)",
                "height": round(22 * k),
                "padding": 6,
                "background-color": "#ffffff",
                "border-color": "data(colour)",
                "border-width": 2,
                "font-size": round(12 * k),
                "text-valign": "center",
                "color": "#1d2330",
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": "data(width)",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "arrow-scale": 1.2,
                "label": "data(label)",
                "font-size": round(12 * k),
                "color": "#1d2330",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.85,
                "text-background-padding": 2,
                "opacity": 0.9,
            },
        },
        *_EDGE_DANGER,
        {
            "selector": "edge.internal",
            "style": {"line-color": INTERNAL_COLOUR, "target-arrow-color": INTERNAL_COLOUR},
        },
        {"selector": "edge.inferred", "style": INFERRED_STYLE},
        *[
            {**rule, "style": {**rule["style"], "font-size": round(16 * k)}}
            if rule["selector"] == "node.unowned"
            else rule
            for rule in _OWNERSHIP_STYLES
        ],
        *_LABEL_SIDES,
        {"selector": "node:selected", "style": {"border-color": "#1d2330", "border-width": 4}},
        TINY_LABELS,
    ]


#: Where a service's label sits (:mod:`ui.overview_layout` picks the side no edge crosses).
_LABEL_SIDES: list[dict[str, Any]] = [
    {
        "selector": f"node.lbl-{side}",
        "style": {
            "text-valign": {"top": "top", "bottom": "bottom"}.get(side.split("-")[0], "center"),
            "text-halign": "right"
            if side.endswith("right")
            else "left"
            if side.endswith("left")
            else "center",
            "text-justify": "left"
            if side.endswith("right")
            else "right"
            if side.endswith("left")
            else "center",
            "text-margin-y": 0 if side in ("left", "right") else 6 if side.startswith("bottom") else -6,
            "text-margin-x": 6 if side == "right" else -6 if side == "left" else 0,
        },
    }
    for side in ("top", "right", "left", "bottom-right", "bottom-left", "top-right", "top-left")
]


#: The overview's "unowned" node, the dashed FK edges into it, the dotted shared-access edges.
_OWNERSHIP_STYLES: list[dict[str, Any]] = [
    {
        "selector": "node.unowned",
        "style": {
            "label": "data(label)",
            "width": "data(size)",
            "height": "data(size)",
            "background-color": "#eef0f3",
            "border-width": 3,
            "border-style": "dashed",
            "border-color": UNOWNED_COLOUR,
            "color": "#4a5263",
            "font-size": 16,
            "font-weight": "bold",
            "text-valign": "bottom",
            "text-margin-y": 6,
            "text-outline-color": "#ffffff",
            "text-outline-width": 3,
        },
    },
    {
        "selector": "edge.unowned",
        "style": {"line-color": UNOWNED_COLOUR, "target-arrow-color": UNOWNED_COLOUR, "line-style": "dashed"},
    },
    {
        "selector": "edge.shared",
        "style": {
            "line-color": SHARED_COLOUR,
            "target-arrow-color": SHARED_COLOUR,
            "target-arrow-shape": "vee",
            "line-style": "dotted",
            "color": SHARED_COLOUR,
            "font-weight": "bold",
            "opacity": 1,
            "text-opacity": 0,  # "writes 1 · reads 1" only on the selected arrow: a hub stays readable
        },
    },
    {"selector": "edge.shared:selected", "style": {"text-opacity": 1}},
]


#: At thousands of tables: filled squares without borders, edges opaque (measured faster to paint).
_LARGE_TABLES: list[dict[str, Any]] = [
    {
        "selector": "node.table",
        "style": {
            "shape": "rectangle",
            "border-width": 0,
            "background-color": "data(colour)",
            "label": "",
        },
    },
    {"selector": "node.table.labelled", "style": {"label": "data(label)"}},
    {"selector": "edge", "style": {"opacity": 1}},
]


def table_stylesheet(*, large: bool) -> list[dict[str, Any]]:
    """Stylesheet of the table graph; ``large`` trades curves and labels for paint speed."""
    edge: dict[str, Any] = {
        "width": 1.5 if large else 2,
        # haystack edges (no arrowheads) paint several times faster than straight or bezier ones
        "curve-style": "haystack" if large else "bezier",
        "haystack-radius": 0,
        "target-arrow-shape": "none" if large else "triangle",
        "line-color": INTERNAL_COLOUR,
        "target-arrow-color": INTERNAL_COLOUR,
        "opacity": 0.85,
    }
    return [
        {
            "selector": "node.cluster",
            "style": {
                "label": "data(label)",
                "background-color": "data(colour)",
                "background-opacity": 0.1,
                "border-color": "data(colour)",
                "border-width": 2,
                "shape": "round-rectangle",
                "padding": 14,
                "text-valign": "top",
                "font-size": 18,
                "font-weight": "bold",
                "color": "#1d2330",
                "min-zoomed-font-size": 6,
            },
        },
        {
            "selector": "node.table",
            "style": {
                "label": "data(label)",
                "shape": "round-rectangle",
                "width": "data(w)",
                "height": 18,
                "padding": 4,
                "background-color": "#ffffff",
                "border-color": "data(colour)",
                "border-width": 2,
                "font-size": TABLE_FONT,
                "text-valign": "bottom" if large else "center",
                "color": "#1d2330",
                "min-zoomed-font-size": 4,
            },
        },
        {
            "selector": "node.cluster.flat",
            "style": {
                "width": "data(cw)",
                "height": "data(ch)",
                "z-index": 0,
                "events": "no",
                "text-events": "no",
                "text-margin-y": -6,
                "font-size": 40,
            },
        },
        {"selector": "node.table", "style": {"z-index": 10}},
        *(_LARGE_TABLES if large else []),
        {"selector": "node.external", "style": {"border-style": "dashed", "background-color": "#f1f3f6"}},
        {"selector": "node.replica", "style": {"border-style": "double", "border-width": 4}},
        {"selector": "node.focus", "style": {"border-color": "#1d2330", "border-width": 4}},
        {"selector": "edge", "style": edge},
        *[
            {"selector": f"edge.cross.{c}", "style": s["style"]}
            for c, s in zip(DANGER_COLOUR, _EDGE_DANGER, strict=True)
        ],
        {"selector": "edge.cross", "style": {"width": 2.5 if large else 3}},
        {"selector": "edge.inferred", "style": INFERRED_STYLE},
        {"selector": "edge.dropped", "style": {"line-style": "dotted", "opacity": 0.45}},
        *_AGGREGATES,
        {"selector": "node:selected", "style": {"border-color": "#1d2330", "border-width": 4}},
        TINY_LABELS,
    ]


#: Level of detail (:mod:`ui.lod`): a service drawn as one node, the FKs between two as one edge.
_AGGREGATES: list[dict[str, Any]] = [
    {
        "selector": "node.aggregate",
        "style": {
            "label": "data(label)",
            "width": "data(size)",
            "height": "data(size)",
            "shape": "ellipse",
            "background-color": "data(colour)",
            "border-width": 0,
            "font-size": 22,
            "font-weight": "bold",
            "text-wrap": "wrap",
            "text-valign": "bottom",
            "text-margin-y": 6,
            "color": "#1d2330",
            "text-outline-color": "#ffffff",
            "text-outline-width": 3,
            "min-zoomed-font-size": 0,
            "z-index": 20,
        },
    },
    {
        "selector": "edge.summary",
        "style": {
            "width": "data(width)",
            "curve-style": "straight",
            "target-arrow-shape": "triangle",
            "label": "data(label)",
            "font-size": 14,
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "opacity": 0.75,
        },
    },
    {  # hundreds of them: haystack lines without arrowheads or labels paint several times faster
        "selector": "edge.summary.faint",
        "style": {
            "curve-style": "haystack",
            "haystack-radius": 0,
            "target-arrow-shape": "none",
            "label": "",
            "opacity": 1,
        },
    },
]
