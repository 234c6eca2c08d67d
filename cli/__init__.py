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
    :data:`exports.FORMATS`), and add it to :data:`COMMANDS` here with the first
    line of its help. A command's module is imported only when it runs: keep
    heavy imports (the scan, the exports, pandas, networkx) inside its function.
"""

from __future__ import annotations

import importlib

import click

from cli.common import CONTEXT, young_collections_only

__all__ = ["COMMANDS", "main"]

#: Every command of the ``fkmap`` group: name -> (module, attribute, one line for ``--help``).
#: A command's module -- and what it imports -- is loaded when that command runs.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": (
        "cli.check",
        "check_command",
        "Fail (status 1) on cross-service FKs the baseline does not list, or entries that no longer exist.",
    ),
    "diff": (
        "cli.diff",
        "diff_command",
        "Compare the foreign keys of SOURCE_A and SOURCE_B; exit 1 when they differ.",
    ),
    "export": (
        "cli.export",
        "export_command",
        "Export the coupling of SOURCEs as a diagram, data file or report.",
    ),
    "init": (
        "cli.init",
        "init_command",
        "Write an fkmap.toml that reproduces the ownership fkmap infers for SOURCEs.",
    ),
    "plan": (
        "cli.plan",
        "plan_group",
        "Track the removal of cross-service FKs phase by phase, and keep the plan as code.",
    ),
    "scan": ("cli.scan", "scan_command", "Scan SOURCEs and report foreign keys that couple services."),
    "serve": ("cli.serve", "serve_command", "Scan SOURCE... and serve the dashboard at http://HOST:PORT/."),
}


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("fkmap")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"fkmap, version {_version()}")
        ctx.exit()


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run (or ``--help`` lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` from :data:`COMMANDS`, as click shortens it, importing none."""
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=line).get_short_help_str(width))
            for name, (_, _, line) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(name="fkmap", cls=LazyGroup, context_settings=CONTEXT)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Find cross-service foreign keys in migration folders and live PostgreSQL catalogs."""
    if ctx.invoked_subcommand != "serve":
        young_collections_only(ctx)


if __name__ == "__main__":
    main()
