"""fkmap dashboard: ``create_app`` factory, lazy WSGI ``server`` and ``main``.

``python app.py`` serves the bundled demo (``examples/demo``) at
http://127.0.0.1:8050. ``gunicorn app:server`` serves the sources named by the
``FKMAP_SOURCES`` environment variable (separated by the OS path separator,
``:`` on Linux; the demo when unset), with ``FKMAP_CONFIG`` naming an optional
``fkmap.toml``. Everything (JavaScript, CSS, fonts) is served by the app itself;
nothing is loaded from the internet.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dash
import dash_cytoscape as cyto

from graph.model import Inventory
from ui.callbacks import register_callbacks
from ui.data import Loader
from ui.layout import build_layout

__all__ = ["DEMO", "create_app", "main", "serve"]

HERE = Path(__file__).resolve().parent
DEMO = HERE / "examples" / "demo"
ASSETS = HERE / "assets"

# dagre (offered for views up to ui.elements.DAGRE_MAX tables) ships in the extra bundle.
cyto.load_extra_layouts()


def create_app(
    sources: Sequence[str] | None = None,
    *,
    config_path: str | None = None,
    inventory: Inventory | None = None,
    background: bool = False,
    state: str | None = None,
) -> dash.Dash:
    """Build a Dash app over one scan.

    Parameters
    ----------
    sources : sequence of str, optional
        Migration folders, DSNs or ``.json`` inventories; the bundled demo when omitted.
    config_path : str, optional
        An ``fkmap.toml``; by default the one in the first source folder, if any.
    inventory : Inventory, optional
        Draw this inventory instead of scanning (tests, saved scans).
    background : bool
        Scan in a background thread; the page shows progress until it is done.
        A failed scan shows its error message on the page either way.
    state : str, optional
        The remediation store (``/remediation``): a SQLite file or ``postgresql://`` URL;
        default ``$FKMAP_STATE``, else ``.fkmap/state.db``. Opened on first use; an empty
        store is seeded from the ``fkmap-plan.yaml`` next to the config (the demo has one).
    """
    if inventory is not None:
        loader = Loader.from_inventory(inventory)
        label = ", ".join(s.label for s in inventory.sources) or "inventory"
    else:
        names = [str(s) for s in (sources or [str(DEMO)])]
        loader = Loader.from_sources(names, config_path, background=background)
        label = ", ".join(names)
    app = dash.Dash(
        "fkmap",
        title="fkmap",
        update_title="",
        serve_locally=True,
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        compress=False,
    )
    app.layout = build_layout(label)
    register_callbacks(app, loader)
    from ui.remediation import register_remediation_callbacks, remediation_handle

    plan_sources = None if inventory is not None else names
    register_remediation_callbacks(app, loader, remediation_handle(state, plan_sources, config_path))
    app.server.config["FKMAP_LOADER"] = loader
    loader.start()  # last: the scan thread must not import modules the app is still importing
    return app


def _env_app() -> dash.Dash:
    raw = os.environ.get("FKMAP_SOURCES", "")
    sources = [s for s in raw.split(os.pathsep) if s] or None
    return create_app(sources, config_path=os.environ.get("FKMAP_CONFIG") or None, background=True)


_lazy: dict[str, dash.Dash] = {}


def __getattr__(name: str) -> Any:
    """``app.server`` / ``app.app`` are built on first access (``gunicorn app:server``)."""
    if name in ("server", "app"):
        if "app" not in _lazy:
            _lazy["app"] = _env_app()
        return _lazy["app"] if name == "app" else _lazy["app"].server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def serve(
    sources: Sequence[str] | None = None,
    *,
    config_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8050,
    debug: bool = False,
) -> None:
    """Scan ``sources`` in the background and serve the dashboard until interrupted."""
    app = create_app(sources, config_path=config_path, background=True)
    print(f"fkmap dashboard on http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, debug=debug, dev_tools_disable_version_check=True)


def main() -> None:
    """Serve the bundled demo (or ``FKMAP_SOURCES``) at http://127.0.0.1:8050."""
    raw = os.environ.get("FKMAP_SOURCES", "")
    sources = [s for s in raw.split(os.pathsep) if s] or None
    serve(sources, config_path=os.environ.get("FKMAP_CONFIG") or None)


if __name__ == "__main__":
    main()
