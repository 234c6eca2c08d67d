"""All Dash wiring: :func:`register` puts every callback of the dashboard on one app.

Each callback is a thin shell (a few lines) around a plain function of
:mod:`ui.shell`, :mod:`ui.pages` or :mod:`ui.exports` that tests call without
a browser; the modules here only say which component property feeds which.
Callbacks are always registered with ``app.callback`` on the app the factory
builds, never on Dash's global registry.
"""

from __future__ import annotations

import dash

from remediation.handle import StoreHandle
from ui.callbacks import (
    details,
    exports,
    focus_search,
    graphs,
    ingest,
    layouts,
    navigation,
    remediation,
    scale,
    service_remediation,
)
from ui.data import Loader
from ui.layouts import SavedLayouts
from ui.shared.loader import SharedLoader

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, handle: StoreHandle) -> None:
    """Register every callback of the dashboard on ``app``.

    ``loader`` holds the scan the pages draw; ``handle`` the remediation
    store. A :class:`~ui.shared.loader.SharedLoader` also gets the callbacks
    of the shared ingest (its layout must come from ``build_layout(shared=True)``).
    """
    saved = SavedLayouts(handle)
    navigation.register(app, loader, saved)
    graphs.register(app, loader, saved)
    layouts.register(app, loader, saved)
    details.register(app, loader, handle)
    focus_search.register(app, loader)
    exports.register(app, loader, handle)
    remediation.register(app, loader, handle)
    service_remediation.register(app, loader, handle)
    scale.register(app, loader, saved)
    if isinstance(loader, SharedLoader):
        ingest.register(app, loader)
