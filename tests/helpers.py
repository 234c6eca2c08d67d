"""Typed test helpers: a value a test expects to be there, the optional fields of an expected FK, a
spy on a real function, the modules a fresh interpreter imports for some code.

>>> not_none(3)
3
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypedDict, TypeVar

import pytest

__all__ = ["FkOptions", "modules_after", "not_none", "spy"]

ROOT = Path(__file__).resolve().parent.parent

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


def modules_after(code: str, env: Mapping[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter has imported once it has run ``code`` (from the repository's
    root, with ``env`` added to the environment), whether ``code`` raised or not."""
    script = f"import sys\ntry:\n{textwrap.indent(code, '    ')}\nfinally:\n"
    script += "    print('\\n'.join(sys.modules), file=sys.stderr)\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stderr.split())
