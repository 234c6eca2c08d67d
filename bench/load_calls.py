"""The Dash callbacks a browser sends to fkmap's pages, as ``DashHttp.call`` arguments.

Not a unit test. The load test (:mod:`bench.load_test`) and ``tests/test_workers.py`` build their
requests with these: the router (:func:`page_call`), the background ingest (:func:`kick_call`),
and the remediation page's render, FK-detail load and edit (:func:`render_call`,
:func:`detail_call`, :func:`edit_call`); the output lists are the components each callback updates.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BROWSE",
    "CHROME_OUT",
    "HOT_KEYS",
    "Call",
    "detail_call",
    "edit_call",
    "kick_call",
    "page_call",
    "render_call",
]

PAGE_OUT = [("fk-page", "children"), ("fk-poll", "disabled")]
CHROME_OUT = [("fk-root", "className"), ("fk-nav", "children"), ("fk-present-toggle", "children")]
KICK_OUT = [("fk-ingest-go", "data")]
RENDER_OUT = [
    ("rem-summary", "children"),
    ("rem-progress", "figure"),
    ("rem-burndown", "figure"),
    ("rem-plan", "figure"),
    ("rem-grid", "rowData"),
    ("rem-orphans", "children"),
    ("rem-reattach-pick", "options"),
    ("rem-snap-pick", "options"),
    ("rem-rev", "data"),
]
DETAIL_OUT = [
    ("rem-detail", "children"),
    ("rem-loaded", "data"),
    ("rem-owner", "value"),
    ("rem-target", "value"),
    ("rem-policy", "value"),
    ("rem-note", "value"),
    ("rem-link", "value"),
]
EDIT_OUT = [
    ("rem-message", "children"),
    ("rem-tick", "data"),
    ("rem-confirm", "hidden"),
    ("rem-chosen", "data"),
]
BROWSE = ("/", "/tables", "/diagnostics", "/remediation")
HOT_KEYS = 6  # half the edits go to these few keys, so people collide


# The callbacks a browser sends, as the positional arguments of ``DashHttp.call``
# (outputs, inputs, state, changed); the load test and tests/test_workers.py share them.
Call = tuple[list[tuple[str, str]], list[tuple[str, str, Any]], list[tuple[str, str, Any]], list[str]]


def kick_call(path: str = "/") -> Call:
    """Page ``path`` asking for the background ingest."""
    return (
        KICK_OUT,
        [("fk-url", "pathname", path), ("fk-poll", "n_intervals", None)],
        [("fk-ingest-running", "data", False), ("fk-ingest-go", "data", None)],
        [],
    )


def page_call(path: str) -> Call:
    """The router rendering page ``path``."""
    return (
        PAGE_OUT,
        [("fk-url", "pathname", path), ("fk-poll", "n_intervals", None), ("fk-history", "data", None)],
        [("fk-url", "search", "")],
        [],
    )


def render_call(
    *, refresh: int | None = None, tick: int = 0, rev: Any = "", trigger: str = "rem-service.value"
) -> Call:
    """The remediation page rendering its figures and grid."""
    return (
        RENDER_OUT,
        [
            ("rem-service", "value", ""),
            ("rem-axis", "value", "order"),
            ("rem-refresh", "n_intervals", refresh),
            ("rem-tick", "data", tick),
        ],
        [("rem-rev", "data", rev)],
        [trigger],
    )


def detail_call(fk_id: str, *, tick: int = 0, rev: Any = "") -> Call:
    """The FK-detail editor loading one record."""
    return (
        DETAIL_OUT,
        [
            ("rem-selected", "data", fk_id),
            ("rem-chosen", "data", []),
            ("rem-tick", "data", tick),
            ("rem-rev", "data", rev),
            ("rem-phase", "value", 1),
        ],
        [],
        ["rem-selected.data"],
    )


def edit_call(
    fk_id: str,
    loaded: Any,
    who: str,
    *,
    button: str,
    phase: int = 1,
    note: str = "",
    owner: str = "",
    target: str = "",
    policy: Any = None,
    tick: int = 0,
) -> Call:
    """A click on ``button`` (``rem-mark`` or ``rem-save``) in the FK-detail editor."""
    return (
        EDIT_OUT,
        [
            ("rem-mark", "n_clicks", None),
            ("rem-unmark", "n_clicks", None),
            ("rem-save", "n_clicks", None),
            ("rem-confirm", "n_clicks", None),
        ],
        [
            ("rem-selected", "data", fk_id),
            ("rem-loaded", "data", loaded),
            ("rem-who", "value", who),
            ("rem-phase", "value", phase),
            ("rem-note", "value", note),
            ("rem-link", "value", ""),
            ("rem-owner", "value", owner),
            ("rem-target", "value", target),
            ("rem-policy", "value", policy),
            ("rem-tick", "data", tick),
            ("rem-chosen", "data", []),
        ],
        [f"{button}.n_clicks"],
    )
