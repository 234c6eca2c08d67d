"""``fkmap serve``: scan sources and serve the dashboard (:func:`app.serve`)."""

from __future__ import annotations

import click

from cli.common import (
    ArgumentError,
    check_config,
    check_sources,
    config_option,
    infer_option,
    sources_argument,
)

__all__ = ["serve_command"]


@click.command(name="serve")
@sources_argument()
@config_option()
@infer_option()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; 127.0.0.1 keeps the dashboard on this machine.",
)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--debug", is_flag=True, help="Dash debug mode (reloader, error overlay); not on shared hosts.")
@click.option(
    "--auth",
    metavar="SPEC",
    envvar="FKMAP_AUTH",
    help="Require a login: basic:/path/users.toml (roles editor|viewer) or header:X-Forwarded-User "
    "(a reverse proxy's user). Default: $FKMAP_AUTH, else none.",
)
def serve_command(
    sources: tuple[str, ...],
    config_path: str | None,
    infer: bool,
    host: str,
    port: int,
    debug: bool,
    auth: str | None,
) -> None:
    """Scan SOURCE... and serve the dashboard at http://HOST:PORT/.

    The page shows progress while the scan runs and the error message if it
    fails; everything is served locally (no internet needed). With ``--infer``
    references inferred from column names are drawn dashed and counted apart
    from the declared foreign keys.
    """
    check_sources(sources)
    check_config(config_path)
    from ui.auth import AuthConfigError, parse_auth

    try:
        parse_auth(auth)
    except AuthConfigError as exc:
        raise ArgumentError(f"--auth: {exc}") from exc
    from app import serve

    serve(list(sources), config_path=config_path, host=host, port=port, debug=debug, auth=auth, infer=infer)
