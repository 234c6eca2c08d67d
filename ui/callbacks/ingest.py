"""Callbacks of a shared ingest (:mod:`ui.shared`): start the background job, show its progress.

Only an app over a :class:`~ui.shared.loader.SharedLoader` has them; its
layout holds the progress panel (``build_layout(shared=True)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State

from ui import ids
from ui.shared.loader import SharedLoader, background_manager, kick, progress_outputs, run_job
from ui.shell import INGEST_HIDDEN, INGEST_SHOWN

__all__ = ["register"]


def register(app: dash.Dash, loader: SharedLoader) -> None:
    """Register the kick and the background ingest job on ``app``; the Celery app (or None) goes to
    ``app.server.config["FKMAP_CELERY"]`` (``celery -A app:celery_app worker``)."""
    manager, celery_app = background_manager(loader)

    @app.callback(
        Output(ids.INGEST_GO, "data"),
        Input(ids.URL, "pathname"),
        Input(ids.POLL, "n_intervals"),
        State(ids.INGEST_RUNNING, "data"),
        State(ids.INGEST_GO, "data"),
    )
    def _kick(_path: Any, _tick: Any, running: bool | None, current: str | None) -> str:
        token = kick(loader, running, current)
        if token is None:
            raise dash.exceptions.PreventUpdate
        return token

    @app.callback(
        Output(ids.INGEST_DONE, "data"),
        Input(ids.INGEST_GO, "data"),
        background=True,
        manager=manager,
        progress=[Output(ids.INGEST_BAR, "style"), Output(ids.INGEST_TEXT, "children")],
        running=[
            (Output(ids.INGEST_RUNNING, "data"), True, False),
            (Output(ids.INGEST_PANEL, "style"), INGEST_SHOWN, INGEST_HIDDEN),
        ],
        interval=500,
        prevent_initial_call=True,
    )
    def _ingest(set_progress: Callable[[Any], None], token: str) -> str:
        return run_job(token, lambda p: set_progress(progress_outputs(p)))

    app.server.config["FKMAP_CELERY"] = celery_app
