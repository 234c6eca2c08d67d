"""fkmap dashboard: ``create_app`` factory, lazy WSGI ``server`` and ``main``.

``python app.py [--host H] [--port P]`` serves the bundled demo
(``examples/demo``) at http://127.0.0.1:8050 by default, scanning in a
thread. ``gunicorn app:server`` is configured by environment variables
(:meth:`Settings.from_env`):

``FKMAP_SOURCES``
    Sources, separated by commas (or by the OS path separator, ``:`` on Linux,
    when no source is a URL); the demo when unset.
``FKMAP_CONFIG``
    An ``fkmap.toml``; by default the one in the first source folder.
``FKMAP_STATE``
    The remediation store: a SQLite file or a ``postgresql://`` URL (share one
    PostgreSQL store between workers).
``FKMAP_CACHE_DIR`` / ``FKMAP_REDIS_URL``
    Either one makes the workers share one ingest (:mod:`ui.shared`): a
    Dash background callback scans once and stores the inventory by source
    fingerprint in a diskcache folder (one host; ``shared/`` under
    ``FKMAP_CACHE_DIR``) or in Redis, with the job run by a Celery worker
    (``celery -A app:celery_app worker``). Without them every worker scans on
    its own, as ``python app.py`` does.
``FKMAP_INFER``
    ``1`` (or ``true``/``yes``/``on``): also infer references from column names, as
    ``fkmap serve --infer`` and ``fkmap scan --infer`` do (``[infer] enabled`` in the config too).
``FKMAP_AUTH``
    Who may use the dashboard (:mod:`ui.auth`): unset for no login, ``basic:/path/users.toml``
    (HTTP basic, roles editor|viewer) or ``header:X-Forwarded-User[:/path/users.toml]``
    (an authenticating reverse proxy). A value that cannot be used stops the start.
``FKMAP_MAX_REQUEST_MB``
    The largest request body accepted (default 8): larger ones are answered 413 unread
    (:mod:`ui.limits`).

``/healthz`` answers ``{"status": "ok", "inventory": "ready|loading|error"}``.
Everything (JavaScript, CSS, fonts) is served by the app itself; nothing is
loaded from the internet.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash
import dash_cytoscape as cyto
import flask

from model.inventory import Inventory
from remediation.handle import remediation_handle
from ui.callbacks import register
from ui.data import Loader
from ui.limits import limit_requests
from ui.shared.loader import SharedLoader
from ui.shell import build_layout

if TYPE_CHECKING:
    from ui.shared.loader import SharedSettings

__all__ = ["DEMO", "Settings", "auth_hook", "create_app", "main", "parse_args", "serve", "split_sources"]

log = logging.getLogger("fkmap")

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
    shared: SharedSettings | None = None,
    auth: str | None = None,
    infer: bool = False,
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
    shared : SharedSettings, optional
        Share one ingest between the processes serving the app (:mod:`ui.shared`):
        the scan runs as a Dash background callback and its result is cached by
        source fingerprint. Ignored with ``inventory``.
    auth : str, optional
        ``$FKMAP_AUTH``, handed to :func:`auth_hook` (raises :class:`ui.auth.AuthConfigError`
        when it cannot be used: a dashboard meant to be protected never starts open).
    infer : bool
        Also infer references from column names (``--infer``, ``$FKMAP_INFER``); the
        dashboard counts them apart from declared FKs and draws them dashed.
    """
    loader: Loader
    if inventory is not None:
        loader = Loader.from_inventory(inventory)
        label = ", ".join(s.label for s in inventory.sources) or "inventory"
        plan_sources = None
    else:
        plan_sources = [str(s) for s in (sources or [str(DEMO)])]
        loader = _scan_loader(plan_sources, config_path, background, shared, infer)
        label = loader.label  # DSN passwords masked
    app = dash.Dash(
        "fkmap",
        # no Flask /static/ route: it would serve the working directory's static/ folder
        server=flask.Flask("fkmap", static_folder=None),  # type: ignore[arg-type]
        title="fkmap",
        update_title="",
        serve_locally=True,
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        compress=False,
    )
    app.layout = build_layout(label, shared=isinstance(loader, SharedLoader))
    register(app, loader, remediation_handle(state, plan_sources, config_path))
    app.server.config["FKMAP_LOADER"] = loader
    app.server.add_url_rule("/healthz", "fkmap_healthz", lambda: _healthz(loader))
    auth_hook(app, auth)
    limit_requests(app)  # after authentication: a request without a user is refused unread
    loader.start()  # last: the scan thread must not import modules the app is still importing
    return app


def _scan_loader(
    names: list[str], config_path: str | None, background: bool, shared: SharedSettings | None, infer: bool
) -> Loader:
    """The loader that scans ``names``: shared between the workers, or in this process (also when the
    shared cache folder could be written by someone else: then with a warning)."""
    if shared is not None:
        from ingest.migrations.cache_dir import warn_refused
        from ui.shared.cache import UnsafeCacheFolder

        try:
            return SharedLoader.create(names, config_path, shared, infer=infer)
        except UnsafeCacheFolder as exc:
            warn_refused(exc.folder, exc.reason, "every worker scans on its own")
    return Loader.from_sources(names, config_path, background=background, infer=infer)


def _healthz(loader: Loader) -> flask.Response:
    """``/healthz``: 200 with the inventory's status; 503 when it cannot be read (shared cache down)."""
    try:
        status = loader.status
    except Exception as exc:
        from ingest.dsn import scrub

        log.warning("healthz: %s: %s", type(exc).__name__, scrub(str(exc)))  # a Redis URL's password
        response = flask.jsonify(status="unavailable", inventory="error")
        response.status_code = 503
        return response
    return flask.jsonify(status="ok", inventory=status)


def auth_hook(app: dash.Dash, auth: str | None) -> None:
    """Authentication: ``auth`` is ``$FKMAP_AUTH`` (recorded in ``app.server.config["FKMAP_AUTH"]``).

    :func:`ui.auth.install_auth` protects every route but ``/healthz``; an unusable
    value raises :class:`ui.auth.AuthConfigError`.
    """
    from ui.auth import install_auth

    app.server.config["FKMAP_AUTH"] = auth
    install_auth(app, auth)


def split_sources(raw: str) -> list[str]:
    """Sources from ``FKMAP_SOURCES``: comma separated (or OS path separated when no source is a URL).

    >>> split_sources(os.pathsep.join(["services/auth", "services/billing"]))
    ['services/auth', 'services/billing']
    >>> split_sources("postgresql://app@db:5432/shop, ./repo")
    ['postgresql://app@db:5432/shop', './repo']
    """
    parts = re.split(r"[,\n]", raw) if re.search(r",|\n|://", raw) else raw.split(os.pathsep)
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class Settings:
    """What ``gunicorn app:server`` (and the Celery worker) read from the environment."""

    sources: tuple[str, ...] = ()
    config_path: str | None = None
    state: str | None = None
    cache_dir: str | None = None
    redis_url: str | None = None
    auth: str | None = None
    infer: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``FKMAP_*`` variables (empty ones count as unset).

        >>> Settings.from_env({"FKMAP_SOURCES": "a,b", "FKMAP_REDIS_URL": "redis://r:6379/0"}).shared
        True
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(name, "").strip() or None

        return cls(
            sources=tuple(split_sources(env.get("FKMAP_SOURCES", ""))),
            config_path=get("FKMAP_CONFIG"),
            state=get("FKMAP_STATE"),
            cache_dir=get("FKMAP_CACHE_DIR"),
            redis_url=get("FKMAP_REDIS_URL"),
            auth=get("FKMAP_AUTH"),
            infer=(get("FKMAP_INFER") or "").lower() in ("1", "true", "yes", "on"),
        )

    @property
    def shared(self) -> bool:
        """True when the workers share one ingest (a cache folder or Redis is named)."""
        return bool(self.cache_dir or self.redis_url)

    def shared_settings(self) -> SharedSettings | None:
        if not self.shared:
            return None
        from ui.shared.loader import SharedSettings

        cache_dir = str(Path(self.cache_dir).expanduser() / "shared") if self.cache_dir else None
        return SharedSettings(cache_dir=cache_dir, redis_url=self.redis_url)


def _env_app() -> dash.Dash:
    settings = Settings.from_env()
    return create_app(
        list(settings.sources) or None,
        config_path=settings.config_path,
        background=True,
        state=settings.state,
        shared=settings.shared_settings(),
        auth=settings.auth,
        infer=settings.infer,
    )


_lazy: dict[str, dash.Dash] = {}


def __getattr__(name: str) -> Any:
    """``app.server`` / ``app.app`` / ``app.celery_app`` are built on first access
    (``gunicorn app:server``, ``celery -A app:celery_app worker``)."""
    if name in ("server", "app", "celery_app"):
        if "app" not in _lazy:
            _lazy["app"] = _env_app()
        if name == "celery_app":
            celery_app = _lazy["app"].server.config.get("FKMAP_CELERY")
            if celery_app is None:
                raise RuntimeError("celery_app needs FKMAP_REDIS_URL (the Redis of the Celery broker)")
            return celery_app
        return _lazy["app"] if name == "app" else _lazy["app"].server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def serve(
    sources: Sequence[str] | None = None,
    *,
    config_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8050,
    debug: bool = False,
    auth: str | None = None,
    infer: bool = False,
) -> None:
    """Scan ``sources`` in the background and serve the dashboard until interrupted.

    ``host`` is the loopback interface unless told otherwise; ``auth`` is ``FKMAP_AUTH``;
    ``infer`` also infers references from column names.
    """
    app = create_app(sources, config_path=config_path, background=True, auth=auth, infer=infer)
    if host not in ("127.0.0.1", "localhost", "::1") and not app.server.config.get("FKMAP_AUTH"):
        log.warning(
            "serving on %s without --auth: anyone who reaches port %d can read the coupling map "
            "and change remediation records",
            host,
            port,
        )
    print(f"fkmap dashboard on http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, debug=debug, dev_tools_disable_version_check=True)


def _port(text: str) -> int:
    """A TCP port number (1-65535) for ``--port``."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not in 1-65535")
    return port


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """``python app.py [--host H] [--port P]``; an unknown argument exits with status 2 and the usage."""
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="Serve the fkmap dashboard on the bundled demo, or on FKMAP_SOURCES "
        "(FKMAP_CONFIG, FKMAP_AUTH and FKMAP_INFER apply too). "
        "`fkmap serve SOURCE...` takes sources as arguments.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: %(default)s, this machine only)"
    )
    parser.add_argument("--port", type=_port, default=8050, help="TCP port (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the bundled demo (or ``FKMAP_SOURCES``) at http://HOST:PORT/ (``--host``, ``--port``)."""
    args = parse_args(argv)
    settings = Settings.from_env()
    serve(
        list(settings.sources) or None,
        config_path=settings.config_path,
        host=args.host,
        port=args.port,
        auth=settings.auth,
        infer=settings.infer,
    )


if __name__ == "__main__":
    main()
