"""Callback of the service page's remediation card: fills it from the store when the page opens."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html

from remediation.handle import StoreHandle
from remediation.store.schema import StoreError
from ui import ids
from ui.data import Loader
from ui.pages.remediation.view import remediation_view
from ui.pages.service_remediation import service_remediation_children

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, handle: StoreHandle) -> None:
    """Register the card's callback on ``app``."""

    @app.callback(Output(ids.SERVICE_REM, "children"), Input(ids.SERVICE_REM_NAME, "data"))
    def _fill(service: str | None) -> Any:
        if loader.status != "ready" or not service:
            raise dash.exceptions.PreventUpdate
        try:
            view = remediation_view(loader.data, handle.get())
        except StoreError as exc:
            return html.P(f"The remediation store cannot be used: {exc}", className="rem-contradiction")
        return service_remediation_children(view, service)
