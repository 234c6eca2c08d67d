"""Label-aware placement of the overview's service graph: footprints, label sides, overlap removal.

A service node's *footprint* is the rectangle covering its circle and its
label, whose size comes from the label's length times the font size. Nodes
are pushed apart until no two footprints overlap (:func:`separate`); each
label goes to the side of its node (below, above, right, left) that none of
the node's edges crosses (:func:`label_sides`), so an arrowhead never ends
under a label. An expanded service's cluster is *pinned* at its node's
place: only the nodes it would cover move, so expanding one service never
throws it into a corner: the others move out of its way (:func:`make_room`)
keeping their order along both axes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "LABEL_MARGIN",
    "SIDES",
    "Box",
    "compact",
    "footprint",
    "label_box",
    "label_rect",
    "label_sides",
    "make_room",
    "segment_hits_box",
    "separate",
]

#: Where a label may sit, in order of preference.
SIDES = ("bottom", "top", "right", "left", "bottom-right", "bottom-left", "top-right", "top-left")
#: Room between a node's edge and its label (Cytoscape ``text-margin``), in model units.
LABEL_MARGIN = 6.0
#: A rectangle relative to a node's centre: ``(x1, y1, x2, y2)``.
Box = tuple[float, float, float, float]


def label_box(lines: Sequence[str], font: float) -> tuple[float, float]:
    """Width and height of a (bold) label of ``lines`` at ``font`` units, outline included.

    >>> label_box(["auth", "6 tables"], 10)
    (55.6, 30.0)
    """
    width = max((len(line) for line in lines), default=0) * font * 0.62 + 6
    return round(width, 1), round(len(lines) * font * 1.2 + 6, 1)


def footprint(size: float, label: tuple[float, float], side: str) -> Box:
    """The rectangle around a circle of diameter ``size`` and its label on ``side``.

    >>> footprint(40, (100, 20), "bottom")
    (-50.0, -20.0, 50.0, 46.0)
    >>> footprint(40, (100, 20), "right")
    (-20.0, -20.0, 126.0, 20.0)
    """
    r = size / 2
    x1, y1, x2, y2 = label_rect(size, label, side)
    return (min(-r, x1), min(-r, y1), max(r, x2), max(r, y2))


def label_rect(size: float, label: tuple[float, float], side: str) -> Box:
    """The label's own rectangle relative to its node's centre (Cytoscape's text-valign/halign).

    A corner side (``bottom-right``) puts the label's near corner at the node's bounding square.

    >>> label_rect(40, (100, 20), "top"), label_rect(40, (100, 20), "bottom-left")
    ((-50.0, -46.0, 50.0, -26.0), (-120.0, 26.0, -20.0, 46.0))
    """
    r, (w, h), m = size / 2, label, LABEL_MARGIN
    vertical, _, horizontal = side.partition("-")
    if vertical in ("left", "right"):
        vertical, horizontal = "", vertical
    ys = {"bottom": (r + m, r + m + h), "top": (-r - m - h, -r - m), "": (-h / 2, h / 2)}[vertical]
    xs = {"right": (r + m, r + m + w), "left": (-r - m - w, -r - m), "": (-w / 2, w / 2)}[horizontal]
    if vertical and horizontal:  # a corner: the label touches the node's square at one corner only
        xs = (r, r + w) if horizontal == "right" else (-r - w, -r)
    return (float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1]))


def separate(
    centres: Mapping[str, tuple[float, float]],
    boxes: Mapping[str, Box],
    *,
    pinned: Iterable[str] = (),
    gap: float = 18.0,
) -> dict[str, tuple[float, float]]:
    """Move nodes until no two footprints (``boxes`` around ``centres``) overlap, ``gap`` apart.

    Each overlapping pair moves apart along the axis that needs the shorter
    move. A pinned node stays put and its neighbour moves the whole way,
    unless both are pinned. Returns new centres; the input is not changed.

    >>> separate({"a": (0, 0), "b": (10, 0)}, {"a": (-10, -10, 10, 10), "b": (-10, -10, 10, 10)},
    ...          pinned=["a"], gap=0)
    {'a': (0.0, 0.0), 'b': (20.0, 0.0)}
    """
    names = list(centres)
    if len(names) < 2:
        return {n: (float(x), float(y)) for n, (x, y) in centres.items()}
    P = np.array([centres[n] for n in names], dtype=float)
    B = np.array([boxes[n] for n in names], dtype=float)
    pin = np.array([n in set(pinned) for n in names])
    # share of a pair's move each side takes: 1/2 each, or all of it for the free one
    share = np.where(pin[:, None] & ~pin[None, :], 0.0, np.where(~pin[:, None] & pin[None, :], 1.0, 0.5))
    order = np.arange(len(names))
    for _ in range(600):
        x1, y1, x2, y2 = (P[:, 0] + B[:, 0], P[:, 1] + B[:, 1], P[:, 0] + B[:, 2], P[:, 1] + B[:, 3])
        ox = np.minimum(x2[:, None], x2[None, :]) - np.maximum(x1[:, None], x1[None, :]) + gap
        oy = np.minimum(y2[:, None], y2[None, :]) - np.maximum(y1[:, None], y1[None, :]) + gap
        hit = (ox > 0.01) & (oy > 0.01)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = cx[:, None] - cx[None, :], cy[:, None] - cy[None, :]
        tie = np.where(order[:, None] > order[None, :], 1.0, -1.0)
        dx = np.where((dx == 0) & (dy == 0), tie, dx)
        norm = np.hypot(dx, dy)
        ux, uy = dx / norm, dy / norm
        # along the line between the centres, as far as it takes to clear either axis
        with np.errstate(divide="ignore"):
            need = np.minimum(ox / np.abs(ux), oy / np.abs(uy))
        step = np.where(hit, need * share, 0.0)
        P[:, 0] += (step * ux).sum(axis=1) * 0.5
        P[:, 1] += (step * uy).sum(axis=1) * 0.5
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(names, P, strict=True)}


def _fit(pos: Mapping[str, tuple[float, float]], boxes: Mapping[str, Box], aspect: float) -> float:
    """How large the layout would be drawn on a canvas ``aspect`` times wider than tall (higher is better)."""
    x1 = min(pos[n][0] + boxes[n][0] for n in pos)
    x2 = max(pos[n][0] + boxes[n][2] for n in pos)
    y1 = min(pos[n][1] + boxes[n][1] for n in pos)
    y2 = max(pos[n][1] + boxes[n][3] for n in pos)
    return min(aspect / max(x2 - x1, 1.0), 1.0 / max(y2 - y1, 1.0))


def compact(
    pos: Mapping[str, tuple[float, float]], boxes: Mapping[str, Box], *, aspect: float = 2.0, rounds: int = 20
) -> dict[str, tuple[float, float]]:
    """Squeeze out empty room: shrink towards the centre, separate again, keep what fits the canvas best.

    The canvas is ``aspect`` times wider than tall; the longer side (for that
    aspect) shrinks faster. Footprints never overlap in the result.
    """
    best = separate(pos, boxes)
    if len(best) < 2:
        return best
    score = _fit(best, boxes, aspect)
    for _ in range(rounds):
        xs, ys = [p[0] for p in best.values()], [p[1] for p in best.values()]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        wide = _fit(best, boxes, aspect) * (max(xs) - min(xs) + 1) > aspect * 0.999
        fx, fy = (0.8, 0.95) if wide else (0.95, 0.8)
        trial = separate({n: (mx + (x - mx) * fx, my + (y - my) * fy) for n, (x, y) in best.items()}, boxes)
        found = _fit(trial, boxes, aspect)
        if found <= score * 1.005:
            break
        best, score = trial, found
    return best


def make_room(
    pos: Mapping[str, tuple[float, float]], name: str, before: Box, after: Box, gap: float = 18.0
) -> dict[str, tuple[float, float]]:
    """Make room for ``name`` growing from footprint ``before`` to ``after``: the others move out, not apart.

    Every node right of ``name`` moves right by what the footprint grew on
    that side (and likewise left, above, below), so the others keep their
    order along both axes and nothing lands on the grown footprint.

    >>> make_room({"a": (0, 0), "b": (50, 0), "c": (0, -50)}, "a", (-10, -10, 10, 10), (-30, -20, 30, 20), 0)
    {'a': (0, 0), 'b': (70.0, 0.0), 'c': (0.0, -60.0)}
    """
    cx, cy = pos[name]
    grow = (
        before[0] - after[0] + gap,
        before[1] - after[1] + gap,
        after[2] - before[2] + gap,
        after[3] - before[3] + gap,
    )
    moved = {}
    for other, (x, y) in pos.items():
        if other == name:
            moved[other] = (x, y)
            continue
        dx = grow[2] if x > cx else -grow[0] if x < cx else 0.0
        dy = grow[3] if y > cy else -grow[1] if y < cy else 0.0
        moved[other] = (round(float(x + dx), 1), round(float(y + dy), 1))
    return moved


def segment_hits_box(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """True when the segment ``a``-``b`` crosses the rectangle ``box`` (absolute coordinates).

    >>> segment_hits_box((0, 0), (10, 10), (4, 4, 6, 6)), segment_hits_box((0, 0), (10, 0), (4, 4, 6, 6))
    (True, False)
    """
    t0, t1 = 0.0, 1.0
    d = (b[0] - a[0], b[1] - a[1])
    for axis in (0, 1):
        lo, hi = box[axis], box[axis + 2]
        if abs(d[axis]) < 1e-9:
            if not lo <= a[axis] <= hi:
                return False
            continue
        u, v = (lo - a[axis]) / d[axis], (hi - a[axis]) / d[axis]
        t0, t1 = max(t0, min(u, v)), min(t1, max(u, v))
        if t0 > t1:
            return False
    return True


def _moved(box: Box, at: tuple[float, float]) -> Box:
    return (box[0] + at[0], box[1] + at[1], box[2] + at[0], box[3] + at[1])


def label_sides(
    pos: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, float],
    labels: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """For each node, the first of :data:`SIDES` whose label no edge and no other node crosses.

    Edges are straight segments between centres; where one meets the node,
    its arrowhead may also come in curved (two edges between the same pair
    are drawn as arcs), so the stretch next to the node is tried at
    :data:`ARROW_SPREAD` radians either side too. When every side collides,
    the label goes where the fewest do, an edge of the node itself counting
    most (its arrowhead would end under the label), a node under the label
    least (separating the footprints again moves it away).
    """
    links = [(u, v) for u, v in edges if u in pos and v in pos and u != v]
    bodies = {n: _moved((-s / 2, -s / 2, s / 2, s / 2), pos[n]) for n, s in sizes.items() if n in pos}
    sides: dict[str, str] = {}
    for name in pos:
        best, fewest = SIDES[0], math.inf
        heads = _arrowheads(name, pos, sizes[name], links)
        for side in SIDES:
            rect = _moved(label_rect(sizes[name], labels[name], side), pos[name])
            hits = 10 * sum(segment_hits_box(pos[u], pos[v], rect) for u, v in links if name in (u, v))
            hits += 10 * sum(segment_hits_box(a, b, rect) for a, b in heads)
            hits += 3 * sum(segment_hits_box(pos[u], pos[v], rect) for u, v in links if name not in (u, v))
            # a node under the label moves away when the footprints are separated again: cheaper
            hits += sum(1 for other, body in bodies.items() if other != name and _overlap(rect, body))
            if hits < fewest:
                best, fewest = side, hits
            if hits == 0:
                break
        sides[name] = best
    return sides


#: How far (radians) an edge may bend from the straight line where it meets its node.
ARROW_SPREAD = 0.45
#: Length of the stretch next to the node an arrowhead covers, in model units.
ARROW_LENGTH = 22.0


def _arrowheads(
    name: str, pos: Mapping[str, tuple[float, float]], size: float, links: list[tuple[str, str]]
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The stretches next to ``name`` where its edges may end: straight on and bent either way."""
    cx, cy = pos[name]
    r = size / 2
    found = []
    for u, v in links:
        if name not in (u, v):
            continue
        ox, oy = pos[v if u == name else u]
        angle = math.atan2(oy - cy, ox - cx)
        for turn in (-ARROW_SPREAD, 0.0, ARROW_SPREAD):
            dx, dy = math.cos(angle + turn), math.sin(angle + turn)
            found.append(
                ((cx + r * dx, cy + r * dy), (cx + (r + ARROW_LENGTH) * dx, cy + (r + ARROW_LENGTH) * dy))
            )
    return found


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
