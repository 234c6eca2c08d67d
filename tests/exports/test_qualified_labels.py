"""Diagrams tell same-name tables apart: Mermaid, DOT and the Plotly picture name the database on a clash."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from exports._common import prepare
from exports.dot import write_dot
from exports.images import plotly_figure
from exports.mermaid import write_mermaid
from graph.scope import Scope
from tests.ui.test_inspect import collide


def _tables(write: Callable[..., Any]) -> str:
    out = io.StringIO()
    write(collide(), out, scope=Scope(level="tables"))
    return out.getvalue()


def test_mermaid_never_repeats_a_table_name() -> None:
    text = _tables(write_mermaid)
    assert '["auth.public.users"]' in text and '["accounting.public.users"]' in text
    assert '["public.invoices"]' in text and '["public.sessions"]' in text  # unique: unchanged
    assert '["public.users"]' not in text


def test_dot_labels_carry_the_database_only_on_a_clash() -> None:
    text = _tables(write_dot)
    assert 'label="auth.public.users"' in text and 'label="accounting.public.users"' in text
    assert 'label="public.invoices"' in text and 'label="public.users"' not in text


def test_the_plotly_picture_names_both_users_tables_apart() -> None:
    fig = plotly_figure(prepare(collide(), Scope(level="tables"), level="tables", include_dropped=False))
    texts = sorted(t for trace in fig.data if trace.text is not None for t in trace.text)
    assert texts == ["accounting.users", "auth.users", "invoices", "sessions"]
