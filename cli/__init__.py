"""fkmap's command line: the ``fkmap`` click group; each command lives in its own module.

=========  ==================  =========================================================
command    module              what
=========  ==================  =========================================================
scan       :mod:`cli.scan`     scan sources: the per-service report or the scan document
init       :mod:`cli.init`     write the fkmap.toml that makes the inferred ownership explicit
serve      :mod:`cli.serve`    the dashboard
diff       :mod:`cli.diff`     drift between two sources
export     :mod:`cli.export`   diagrams, data files, reports
check      :mod:`cli.check`    the CI ratchet against a baseline
plan       :mod:`cli.plan`     the remediation plan (a group)
=========  ==================  =========================================================

Exit status
    0 the command ran (scan diagnostics do not change that), 1 a source could
    not be read at all (an error diagnostic with code ``source-failed`` or
    ``connect``), drift, or a failed check, 2 unusable arguments (one line on
    standard error).

Adding a command
    Write it in its own module ``cli/<name>.py`` as a ``click.command`` using
    the options and checks of :mod:`cli.common` (raise
    :class:`cli.common.ArgumentError` for bad arguments, render output through
    :data:`exports.FORMATS`), and add it to :data:`COMMANDS` here.
"""

from __future__ import annotations

from importlib import metadata

import click

from cli.check import check_command
from cli.common import CONTEXT, young_collections_only
from cli.diff import diff_command
from cli.export import export_command
from cli.init import init_command
from cli.plan import plan_group
from cli.scan import scan_command
from cli.serve import serve_command

__all__ = ["COMMANDS", "main"]

#: Every command of the ``fkmap`` group.
COMMANDS: tuple[click.Command, ...] = (
    scan_command,
    init_command,
    serve_command,
    diff_command,
    export_command,
    check_command,
    plan_group,
)


def _version() -> str:
    try:
        return metadata.version("fkmap")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@click.group(name="fkmap", context_settings=CONTEXT)
@click.version_option(_version(), "-V", "--version", prog_name="fkmap")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Find cross-service foreign keys in migration folders and live PostgreSQL catalogs."""
    if ctx.invoked_subcommand != "serve":
        young_collections_only(ctx)


for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
