"""Walking a Dash layout tree in tests: every component, one by id, every string."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Any]:
    """Every component and string of a layout tree."""
    yield node
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield from walk(getattr(node, "children", None))


def find(node: Any, component_id: str) -> Any:
    return next(c for c in walk(node) if isinstance(c, Component) and getattr(c, "id", None) == component_id)


def texts(node: Any) -> list[str]:
    return [c for c in walk(node) if isinstance(c, str)]
