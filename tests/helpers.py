"""Typed test helpers: a value a test expects to be there, the optional fields of an expected FK, a
spy on a real function.

>>> not_none(3)
3
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict, TypeVar

import pytest

__all__ = ["FkOptions", "not_none", "spy"]

T = TypeVar("T")


def not_none(value: T | None) -> T:
    """``value``, failing the test when it is None: ``assert value is not None`` in an expression."""
    assert value is not None, "expected a value, got None"
    return value


class FkOptions(TypedDict, total=False):
    """The optional :class:`~model.inventory.ForeignKey` fields an expected FK may set."""

    on_delete: str
    on_update: str
    deferrable: bool
    initially_deferred: bool
    validated: bool
    on_delete_columns: tuple[str, ...]
    origin: Literal["declared", "inferred"]
    fresh_db_failure: bool


def spy(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """The first arguments of every call of ``owner.name`` from now on; the real function still runs."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def calls(first: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, calls)
    return seen
